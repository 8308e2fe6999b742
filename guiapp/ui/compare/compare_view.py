"""The Compare page beside the drawing: what B is, where A and B disagree (one line), both probability charts,
and five tabs — the layers side by side, the evidence maps, CKA, the test set, the sanity check."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from guiapp.core.compare.pairing import disagreement_line
from guiapp.ui.compare.cascade_view import CascadeView
from guiapp.ui.compare.choice_bar import ChoiceBar
from guiapp.ui.compare.cka_view import CkaView
from guiapp.ui.compare.evidence_pair import EvidencePair
from guiapp.ui.compare.layer_pairs import LayerPairsView
from guiapp.ui.compare.test_set_view import TestSetView
from guiapp.ui.live.probabilities import ProbabilityView

if TYPE_CHECKING:
    from guiapp.core.live.live_update import Update

CHART_HEIGHT = 150


class CompareView(QWidget):
    """The page's widgets; the feature (:mod:`guiapp.ui.compare.feature`) fills them."""

    def __init__(self, shipped: list[Path], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bar = ChoiceBar(shipped)
        self.line = QLabel("")
        self.line.setObjectName("disagreement")
        self.line.setTextFormat(Qt.TextFormat.RichText)
        self.line.setWordWrap(True)
        self.note = QLabel("")  # what cannot be compared, and why (one line)
        self.note.setObjectName("compare_note")
        self.note.setWordWrap(True)
        self.titles = (QLabel("A"), QLabel("B"))
        self.charts = (ProbabilityView(), ProbabilityView())
        charts = QGridLayout()
        charts.setContentsMargins(0, 0, 0, 0)
        for column, (title, chart) in enumerate(zip(self.titles, self.charts, strict=True)):
            title.setWordWrap(False)
            chart.setFixedHeight(CHART_HEIGHT)
            charts.addWidget(title, 0, column)
            charts.addWidget(chart, 1, column)
        self.pairs = LayerPairsView()
        self.evidence = EvidencePair()
        self.cka = CkaView()
        self.test_set = TestSetView()
        self.cascade = CascadeView()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("compare_tabs")
        self.tabs.addTab(self.pairs, "Layers")
        self.tabs.addTab(self.evidence, "Evidence")
        self.tabs.addTab(self.cka, "Inside (CKA)")
        self.tabs.addTab(self.test_set, "Test set")
        self.tabs.addTab(self.cascade, "Sanity check")
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(self.bar)
        layout.addWidget(self.line)
        layout.addWidget(self.note)
        layout.addLayout(charts)
        layout.addWidget(self.tabs, 1)
        # The drawing column, lent by the live page while this page is on screen, goes left of the content.
        self.dock = QSplitter()
        self.dock.setObjectName("compare_dock")
        self.dock.setChildrenCollapsible(False)
        self.dock.addWidget(content)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.dock)

    def set_titles(self, a: str, b: str) -> None:
        self.titles[0].setText(f"<b>A</b> · {a}")
        self.titles[1].setText(f"<b>B</b> · {b}")
        self.evidence.set_titles(a, b)

    def show_answers(self, a: Update | None, b: Update | None, names_a: Sequence[str], names_b: Sequence[str]
                     ) -> None:
        """The line over the charts: both answers, in red when they differ ("A: 4 (97%), B: 9 (61%)")."""
        if a is None or b is None or a.drawing.is_blank:
            self.line.setText("")
            return
        behind = "" if b.drawing is a.drawing else " <span style='color:#888'>(B catching up)</span>"
        pa, pb = a.result.probabilities, b.result.probabilities
        line = disagreement_line(pa, pb, names_a, names_b)
        if len(pa) == len(pb) and int(np.argmax(pa)) == int(np.argmax(pb)):
            line = None  # the same classes (names may differ: "7" and "seven"): they agree by index, as on the test set
        if line is None:
            top_a, top_b = int(np.argmax(pa)), int(np.argmax(pb))
            said = names_a[top_a] if names_a[top_a] == names_b[top_b] else f"{names_a[top_a]} / {names_b[top_b]}"
            text = f"Both say <b>{said}</b> (A {float(pa[top_a]):.0%}, B {float(pb[top_b]):.0%})"
        else:
            text = f"<span style='color:#d04020'><b>They disagree</b> — {line}</span>"
        self.line.setText(f"<span style='font-size:15pt'>{text}</span>{behind}")

    def say(self, note: str) -> None:
        self.note.setText(note)
        self.note.setVisible(bool(note))
