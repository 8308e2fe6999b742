"""Each layer's share of all parameters, as horizontal bars labelled with the layer and the percentage."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QWidget

from guiapp.core.arithmetic.ledger import Ledger
from guiapp.core.arithmetic.ledger_table import share_text
from guiapp.ui.plotting import HIGHLIGHT

BAR_COLOUR = "#5c9bd5"
ERROR_COLOUR = "#e53935"
LABEL_COLOUR = "#e0e0e0"  # beside a bar, on the chart's dark background
INSIDE_COLOUR = "#111111"  # inside a long (light) bar
INSIDE_FROM = 55.0  # a bar longer than this (%) carries its label inside, so the axis stops at 100%
AXIS_LABEL = "share of all parameters (%)"
PARTIAL_AXIS_LABEL = "share of the parameters of the layers before the invalid one (%)"


class ShareChart(pg.PlotWidget):
    """One bar per layer, top to bottom in network order; the layer where a network breaks is red."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("share_chart")
        self.setMenuEnabled(False)
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        self.getViewBox().invertY(True)
        self.setLabel("bottom", AXIS_LABEL)
        self.getViewBox().setLimits(xMin=-1, xMax=101)  # shares sum to 100%: the axis never runs past it
        self.bars = pg.BarGraphItem(x0=[], y=[], height=[], width=[], brush=BAR_COLOUR)
        self.addItem(self.bars)
        self._labels: list[pg.TextItem] = []
        self.shares: list[float] = []

    def set_ledger(self, ledger: Ledger) -> None:
        rows = ledger.rows
        self.shares = [100.0 * row.share for row in rows]
        y = np.arange(len(rows), dtype=float)
        brushes = [pg.mkBrush(ERROR_COLOUR if row.error else (HIGHLIGHT if row.share >= 0.5 else BAR_COLOUR))
                   for row in rows]
        self.bars.setOpts(x0=np.zeros(len(rows)), y=y, height=np.full(len(rows), 0.7), width=self.shares,
                          brushes=brushes)
        self.hideAxis("left")  # the names are in the labels: axis ticks would drop names when crowded
        for label in self._labels:
            self.removeItem(label)
        self._labels = []
        for i, row in enumerate(rows):
            amount = "breaks here" if row.error else (f"{share_text(row)} · {row.params:,}" if row.params else "0")
            text = f"{row.name}: {amount}"
            inside = 100.0 * row.share > INSIDE_FROM
            label = pg.TextItem(text, color=INSIDE_COLOUR if inside else LABEL_COLOUR, anchor=(1 if inside else 0, 0.5))
            label.setPos(100.0 * row.share, i)
            self.addItem(label)
            self._labels.append(label)
        self.setLabel("bottom", PARTIAL_AXIS_LABEL if ledger.error else AXIS_LABEL)
        self.setXRange(0, 100, padding=0.01)  # a hair of margin so the 0 and 100 ticks are drawn
        self.setYRange(-0.6, max(len(rows), 1) - 0.4, padding=0)
