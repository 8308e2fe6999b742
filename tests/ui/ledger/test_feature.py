"""The Ledger tab's door, in the window: a row clicked highlights that layer's maps (through the state), a map
clicked selects its layer's row, and each model brings its own rows."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt

from guiapp import paths
from guiapp.ui.ledger.feature import LedgerFeature
from tests.ui.conftest import MODEL_TIMEOUT_MS

COLOUR_MODEL = paths.MODELS_DIR / "colour_digits.keras"


def _rows(view) -> list[str]:
    items = (view.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole) for i in range(view.topLevelItemCount()))
    return [name for name in items if name is not None]


def test_a_row_and_a_map_point_at_the_same_layer_both_ways(qtbot, window):
    ledger = window.feature(LedgerFeature)
    assert ledger.title == "Ledger" and ledger.widget is ledger.view is window.ledger_view
    highlighted: list[str] = []
    window.state.layerHighlighted.connect(highlighted.append)
    window.tabs.setCurrentWidget(ledger.widget)
    view = ledger.view
    row = next(view.topLevelItem(i) for i in range(view.topLevelItemCount())
               if view.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole) == "dense")
    view.scrollToItem(row)  # the formulas wrap in a narrow tab: the row may be below the fold
    rect = view.visualItemRect(row)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.left() + 10, rect.center().y()))
    assert highlighted == ["dense"]
    assert "border" in window.feature_maps.panels["dense"].styleSheet()
    assert window.feature_maps.panels["conv2d"].styleSheet() == ""
    window.state.select_map("conv2d_1", 5)  # a map of conv2d_1 clicked in the maps
    assert ledger.view.selected_layer() == "conv2d_1"


def test_each_model_brings_its_rows(qtbot, window):
    view = window.feature(LedgerFeature).view
    assert _rows(view) == [row.name for row in window.inspector.ledger.rows]
    window.load_model(COLOUR_MODEL)
    qtbot.waitUntil(lambda: window.inspector.path == COLOUR_MODEL, timeout=MODEL_TIMEOUT_MS)
    assert _rows(view) == [row.name for row in window.inspector.ledger.rows] != []
