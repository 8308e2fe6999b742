"""share_chart: one bar per layer, as long as its share; the breaking layer red, its label says so."""

from __future__ import annotations

import numpy as np
import pytest

from guiapp.core.arithmetic.ledger import Ledger, LedgerRow, ledger_for_architecture
from guiapp.core.model.architectures import ARCHITECTURES
from guiapp.ui.explorer.share_chart import ERROR_COLOUR, ShareChart


@pytest.fixture()
def chart(qtbot):
    widget = ShareChart()
    qtbot.addWidget(widget)
    return widget


def test_the_seed_networks_shares(chart):
    chart.set_ledger(ledger_for_architecture(ARCHITECTURES["mnist_cnn"]))
    assert len(chart.shares) == 8
    assert chart.shares[5] == pytest.approx(100 * 1_179_776 / 1_199_882)
    assert sum(chart.shares) == pytest.approx(100.0)
    texts = [label.textItem.toPlainText() for label in chart._labels]
    assert texts[0] == "conv2d: 0.03% · 320"
    assert texts[5] == "dense: 98.3% · 1,179,776"
    assert texts[2] == "max_pooling2d: 0"
    np.testing.assert_allclose(chart.bars.opts["width"], chart.shares)


def test_a_broken_layer_is_red_and_labels_are_replaced(chart):
    chart.set_ledger(ledger_for_architecture(ARCHITECTURES["mnist_cnn"]))
    broken = Ledger("b", (2, 2, 1), (LedgerRow("conv", "Conv2D", (2, 2, 1), None, 0, 0, error="too small"),))
    chart.set_ledger(broken)
    assert [label.textItem.toPlainText() for label in chart._labels] == ["conv: breaks here"]
    assert chart.bars.opts["brushes"][0].color().name() == ERROR_COLOUR


def test_the_axis_stops_at_100_percent_and_a_long_bar_carries_its_label(chart):
    """Shares sum to 100%: the axis ran to 125% to make room for a 98% bar's label; the label is inside now."""
    from guiapp.ui.explorer.share_chart import AXIS_LABEL, INSIDE_COLOUR, LABEL_COLOUR, PARTIAL_AXIS_LABEL

    chart.set_ledger(ledger_for_architecture(ARCHITECTURES["mnist_cnn"]))
    low, high = chart.getViewBox().viewRange()[0]
    assert low <= 0 and 100 <= high <= 101.5
    dense, conv = chart._labels[5], chart._labels[0]
    assert dense.anchor.x() == 1 and dense.color.name() == INSIDE_COLOUR  # ends where its bar ends, inside it
    assert conv.anchor.x() == 0 and conv.color.name() == LABEL_COLOUR
    assert chart.getAxis("bottom").labelText == AXIS_LABEL
    broken = Ledger("b", (28, 28, 1), (LedgerRow("c", "Conv2D", (28, 28, 1), (26, 26, 4), 40, 40),
                                       LedgerRow("d", "Conv2D", (26, 26, 4), None, 0, 0, error="too small")))
    chart.set_ledger(broken)
    assert chart.getAxis("bottom").labelText == PARTIAL_AXIS_LABEL  # its 100% is of the layers before the break
    assert chart.getViewBox().viewRange()[0][1] <= 101.5
