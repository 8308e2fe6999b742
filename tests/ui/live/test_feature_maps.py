"""feature_maps: one panel per layer, each one image of finished pixels — the worker's when they are in the mode
shown, else its own; a dropout as a note naming its source; panels out of sight wait until they scroll in; the
pointer's units, the marks and the highlighted layer found where they are drawn. (In the window: test_main_window.)"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from guiapp.core.drawing.strokes import Drawing, Stroke
from guiapp.core.live.layer_picture import PER_MAP, SHARED, layout
from guiapp.core.live.live_update import compute_update
from guiapp.ui.live.feature_maps import SHORT_BAR_PX, FeatureMapsView, LayerPanel, bar_ticks
from guiapp.ui.plotting import ACTIVATION_LUT

SEVEN = Drawing(strokes=(Stroke(((60.0, 60.0), (200.0, 60.0), (120.0, 230.0)), 20.0),))
PANELS = ["conv2d", "conv2d_1", "max_pooling2d", "dropout", "flatten", "dense", "dropout_1", "dense_1"]


@pytest.fixture(scope="module")
def update(shipped_inspector):
    return compute_update(shipped_inspector, SEVEN, lut=ACTIVATION_LUT)


def _view(qtbot, inspector, height: int = 6000) -> FeatureMapsView:
    view = FeatureMapsView()
    qtbot.addWidget(view)
    view.resize(700, height)  # 6000: every panel in sight
    view.show()
    view.show_model(inspector)
    qtbot.wait(10)  # laid out
    return view


def test_one_panel_per_layer_headed_with_its_shape_and_parameters(qtbot, shipped_inspector):
    view = _view(qtbot, shipped_inspector)
    assert list(view.panels) == PANELS
    heading = view.panels["conv2d"].heading.text()
    assert heading == "<b>conv2d</b> (Conv2D) — output 26×26×32 · 320 parameters"
    dropout = view.panels["dropout"]
    assert dropout.plot is None and "the same 12×12×64 values as max_pooling2d" in dropout.heading.text()
    assert view.shown_layer("dropout") == "max_pooling2d" and view.shown_layer("dropout_1") == "dense"
    assert view.shown_layer("conv2d") == "conv2d"


def test_the_workers_pixels_are_shown_when_in_the_mode_shown(qtbot, shipped_inspector, update):
    view = _view(qtbot, shipped_inspector)
    view.show_result(update.result, update.pictures, update.colour_mode)
    for name, picture in update.pictures.items():
        np.testing.assert_array_equal(view.panels[name].image.image, picture.rgba)
    conv = update.result.layer("conv2d").activation
    np.testing.assert_array_equal(view.panels["conv2d"].image_data, layout(conv, SHARED)[0])
    assert view.panels["conv2d"].levels == update.pictures["conv2d"].levels
    view.set_colour_mode(PER_MAP)  # the worker's pictures are shared-scale ones: the view draws its own
    assert view.colour_mode == PER_MAP
    data = view.panels["conv2d_1"].image_data
    assert np.nanmin(data) == 0.0 and np.nanmax(data) == pytest.approx(1.0)
    view.show_result(update.result, update.pictures, SHARED)  # pictures of another mode are not used
    assert view.panels["conv2d"].levels == (0.0, 1.0)


def test_panels_out_of_sight_are_drawn_when_they_scroll_in(qtbot, shipped_inspector, update):
    view = _view(qtbot, shipped_inspector, height=400)
    view.show_result(update.result, update.pictures, SHARED)
    first, last = view.panels["conv2d"], view.panels["dense_1"]
    assert first.image_data is not None and last.image_data is None
    view.ensureWidgetVisible(last)
    qtbot.waitUntil(lambda: last.image_data is not None, timeout=5000)
    np.testing.assert_allclose(last.image_data[0], update.result.layer("dense_1").activation, rtol=1e-6)


def test_while_the_pen_moves_the_colour_bars_wait_for_rest(qtbot, shipped_inspector, update):
    view = _view(qtbot, shipped_inspector)
    panel = view.panels["dense"]
    view.show_result(update.result, update.pictures, SHARED, moving=True)
    assert panel.levels == update.pictures["dense"].levels and panel._bar_levels is None
    view.settle()
    assert tuple(panel.bar.levels()) == pytest.approx(panel.levels)


def test_a_unit_under_the_pointer_is_found_where_it_is_drawn(qtbot, shipped_inspector, update):
    view = _view(qtbot, shipped_inspector)
    view.show_result(update.result, update.pictures, SHARED)
    conv, dense = view.panels["conv2d"], view.panels["dense"]
    for unit in [(0, 0, 0), (5, 7, 11), (25, 25, 31)]:  # (y, x, map)
        assert conv.unit_at_scene(conv.scene_pos_of(unit)) == unit
    assert conv.index_at_scene(conv.scene_pos_of((3, 3, 11))) == 11
    assert dense.unit_at_scene(dense.scene_pos_of((100,))) == (100,)


def test_marks_outline_units_on_one_layer_and_clear_the_others(qtbot, shipped_inspector, update):
    view = _view(qtbot, shipped_inspector)
    view.show_result(update.result, update.pictures, SHARED)
    view.set_marks({"conv2d": [(1, 2, 3), (4, 5, 6)], "dense": [(7,)]})
    shown = [mark for mark in view.panels["conv2d"]._marks if mark.isVisible()]
    top, left = view.panels["conv2d"].grid.origin(3)
    assert len(shown) == 2 and shown[0].rect().center().toTuple() == pytest.approx((left + 2 + 0.5, top + 1 + 0.5))
    view.set_marks({"dense": [(7,)]})
    assert not any(mark.isVisible() for mark in view.panels["conv2d"]._marks)
    assert sum(mark.isVisible() for mark in view.panels["dense"]._marks) == 1


def test_a_highlighted_layer_stands_out_alone(qtbot, shipped_inspector):
    view = _view(qtbot, shipped_inspector)
    view.highlight_layer("dense")
    assert "border" in view.panels["dense"].styleSheet()
    assert all(view.panels[name].styleSheet() == "" for name in PANELS if name != "dense")
    view.highlight_layer(None)
    assert all(panel.styleSheet() == "" for panel in view.panels.values())


def test_a_click_on_a_heading_selects_its_layer(qtbot):
    panel = LayerPanel("conv", "Conv2D", (4, 4, 2), 20)
    qtbot.addWidget(panel)
    panel.show()
    with qtbot.waitSignal(panel.clicked) as clicked:
        qtbot.mouseClick(panel.heading, Qt.MouseButton.LeftButton)
    assert clicked.args == ["conv", None]


def test_a_new_model_replaces_every_panel(qtbot, shipped_inspector):
    view = _view(qtbot, shipped_inspector)
    view.set_layers([("only", "Dense", (3,), 12)])
    assert list(view.panels) == ["only"] and view.panels["only"].image_data is None


def test_a_short_panels_colour_bar_numbers_only_its_ends(qtbot, shipped_inspector, update):
    assert bar_ticks(0.0, 4.0, SHORT_BAR_PX) is None  # a tall bar: pyqtgraph's own scale
    assert bar_ticks(0.0, 4.0, 46) == [[(0.0, "0"), (4.0, "4")], []]
    view = _view(qtbot, shipped_inspector)
    view.show_result(update.result, update.pictures, SHARED)
    dense, conv = view.panels["dense_1"], view.panels["conv2d"]
    assert dense.plot.height() < SHORT_BAR_PX <= conv.plot.height()
    assert len(dense.bar.axis._tickLevels[0]) == 2  # the two ends: numbers that cannot run into each other
    assert conv.bar.axis._tickLevels is None
