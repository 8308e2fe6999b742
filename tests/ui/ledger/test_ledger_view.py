"""ledger_view: one row per layer with shape, parameters and share, the formulas underneath; a row selected
says which layer."""

from __future__ import annotations

import pytest

from guiapp.core.arithmetic.ledger import Ledger, LedgerRow, ledger_for_architecture
from guiapp.core.model.architectures import ARCHITECTURES
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
