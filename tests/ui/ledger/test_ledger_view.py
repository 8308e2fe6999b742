"""ledger_view: one row per layer with shape, parameters and share, the formulas underneath; a row selected
says which layer."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from guiapp.core.arithmetic.ledger import Ledger, LedgerRow, ledger_for_architecture
from guiapp.core.model.architectures import ARCHITECTURES, Architecture, LayerSpec
from guiapp.ui.ledger.ledger_view import COLUMNS, LedgerView


@pytest.fixture()
def view(qtbot):
    widget = LedgerView()
    qtbot.addWidget(widget)
    widget.set_ledger(ledger_for_architecture(ARCHITECTURES["mnist_cnn"]))
    return widget


def _row(view, index):
    item = view.topLevelItem(index)
    return [item.text(column) for column in range(len(COLUMNS))]


def test_rows_show_the_seed_numbers(view):
    assert view.topLevelItemCount() == 8 + 1  # the layers, then the totals
    assert _row(view, 0) == ["conv2d (Conv2D)", "(None, 26, 26, 32)", "320", "0.03%"]
    assert _row(view, 5) == ["dense (Dense)", "(None, 128)", "1,179,776", "98.3%"]
    assert view.topLevelItem(8).text(0) == view.totals == \
        "Total params: 1,199,882 · trainable 1,199,882 · non-trainable 0"
    formulas = [view.topLevelItem(0).child(i).text(0) for i in range(view.topLevelItem(0).childCount())]
    assert "params = (F·F·Cin + 1)·Cout = (3·3·1 + 1)·32 = 320" in formulas


def test_selecting_a_layer_emits_its_name(view, qtbot):
    with qtbot.waitSignal(view.layerSelected) as signal:
        view.select_layer("dense")
    assert signal.args == ["dense"]
    assert view.selected_layer() == "dense"
    view.select_layer("no such layer")
    assert view.selected_layer() == "dense"


def test_a_breaking_layer_says_why(view):
    view.set_ledger(Ledger("b", (2, 2, 1), (LedgerRow("conv", "Conv2D", (2, 2, 1), None, 0, 0, error="too small"),)))
    item = view.topLevelItem(0)
    assert item.text(1) == "invalid"
    assert item.child(item.childCount() - 1).text(0) == "✗ too small"


SEPARABLE = Architecture("sep", (
    LayerSpec("SeparableConv2D", "separable_conv2d", {"filters": 64, "kernel_size": 3}),
    LayerSpec("Flatten", "flatten"),
    LayerSpec("Dense", "dense", {"units": 10}),
))


def _formula_rows(view):
    for i in range(view.topLevelItemCount() - 1):
        item = view.topLevelItem(i)
        yield from (item.child(j) for j in range(item.childCount()))


@pytest.mark.parametrize("width", [300, 600])
def test_every_formula_reads_whole_wrapped_in_the_width_it_has(qtbot, width):
    """Formula rows span every column, and a row is as tall as its text wrapped at the view's width (a spanned
    row used to be sized for the first column alone: the separable row ended in "= …")."""
    view = LedgerView()
    qtbot.addWidget(view)
    view.resize(width, 700)
    view.show()
    view.set_ledger(ledger_for_architecture(SEPARABLE))
    qtbot.waitExposed(view)
    qtbot.wait(50)  # the delayed item layout
    rows = list(_formula_rows(view))
    assert any(child.text(0).startswith("params = depthwise + pointwise + Cout = ") for child in rows)
    metrics = view.fontMetrics()
    delegate = view.itemDelegate()
    for child in [*rows, view.topLevelItem(view.topLevelItemCount() - 1)]:
        index = view.indexFromItem(child)
        assert view.isFirstColumnSpanned(index.row(), index.parent())
        rect = view.visualRect(index)
        lines = metrics.boundingRect(0, 0, delegate.text_width(index), 10_000, int(Qt.TextFlag.TextWordWrap),
                                     child.text(0)).height() // metrics.lineSpacing()
        assert rect.height() >= lines * metrics.lineSpacing(), child.text(0)
    long = next(child for child in rows if child.text(0).startswith("C = filters = 64"))
    assert metrics.horizontalAdvance(long.text(0)) > delegate.text_width(view.indexFromItem(long))  # it wraps
    assert view.visualRect(view.indexFromItem(long)).height() >= 2 * metrics.lineSpacing()
    assert view.header().sectionSize(0) >= metrics.horizontalAdvance("separable_conv2d")  # the name is whole
    assert view.topLevelItem(0).toolTip(0) == "separable_conv2d (SeparableConv2D)"
