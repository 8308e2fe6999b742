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
