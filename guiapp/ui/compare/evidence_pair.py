"""Both models' evidence maps for the same class, side by side, and how alike they rank the pixels.

The class is A's answer unless one is chosen; B is asked for the same class (its own answer may differ — that
is the point). The rank correlation (Spearman) between the two maps says in one number whether the two
networks point at the same pixels; maps on different input grids are not correlated (said instead).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QHBoxLayout, QLabel, QWidget

from guiapp.core.explain.explanation import (
    AT_REST_METHODS,
    GRADIENT_INPUT,
    METHODS,
    TITLES,
)
from guiapp.ui.explain.heat_panel import HeatPanel

if TYPE_CHECKING:
    from guiapp.core.live.live_update import Update

ANSWER = -1  # the class combo's first entry: A's answer


def rank_correlation(a: np.ndarray, b: np.ndarray) -> float | None:
    """Spearman's ρ between two maps of the same shape (None: shapes differ; NaN: a map is constant)."""
    if a.shape != b.shape:
        return None
    if np.ptp(a) == 0 or np.ptp(b) == 0:
        return float("nan")
    from scipy.stats import spearmanr  # 0.5–7 s to import: not at the window's start

    return float(spearmanr(a.reshape(-1), b.reshape(-1))[0])


class EvidencePair(QWidget):
    """``classChosen(int)``: the class to explain (:data:`ANSWER`: A's answer)."""

    classChosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.method = QComboBox()
        self.method.setObjectName("evidence_method")
        for method in METHODS:
            self.method.addItem(TITLES[method], method)
        self.method.setCurrentIndex(METHODS.index(GRADIENT_INPUT))
        self.target = QComboBox()
        self.target.setObjectName("evidence_class")
        self.line = QLabel("")
        self.line.setObjectName("evidence_line")
        self.line.setWordWrap(True)
        self.panels = (HeatPanel("A"), HeatPanel("B"))
        top = QHBoxLayout()
        top.addWidget(QLabel("evidence:"))
        top.addWidget(self.method)
        top.addWidget(QLabel("for class"))
        top.addWidget(self.target)
        top.addWidget(self.line, 1)
        grid = QGridLayout(self)
        grid.setContentsMargins(4, 4, 4, 4)
        grid.addLayout(top, 0, 0, 1, 2)
        grid.addWidget(self.panels[0], 1, 0)
        grid.addWidget(self.panels[1], 1, 1)
        grid.setRowStretch(1, 1)
        self.method.currentIndexChanged.connect(lambda _i: self.refresh())
        self.target.activated.connect(lambda _i: self.classChosen.emit(self.chosen_class))
        self._updates: tuple[Update | None, Update | None] = (None, None)
        self.correlation: float | None = None
        self._names: tuple[str, ...] = ()
        self.set_class_names(())

    @property
    def chosen_class(self) -> int:
        data = self.target.currentData()
        return ANSWER if data is None else int(data)

    @property
    def chosen_method(self) -> str:
        return str(self.method.currentData())

    def set_class_names(self, names: tuple[str, ...]) -> None:
        self._names = names
        chosen = self.chosen_class if self.target.count() else ANSWER
        self.target.blockSignals(True)
        self.target.clear()
        self.target.addItem("A's answer", ANSWER)
        for index, name in enumerate(names):
            self.target.addItem(name, index)
        found = self.target.findData(chosen)
        self.target.setCurrentIndex(max(found, 0))
        self.target.blockSignals(False)

    def set_titles(self, a: str, b: str) -> None:
        self.panels[0].title.setText(f"<b>A</b> · {a}")
        self.panels[1].title.setText(f"<b>B</b> · {b}")

    def show_updates(self, a: Update | None, b: Update | None, moving: bool = False) -> None:
        self._updates = (a, b)
        self.refresh(moving)

    def refresh(self, moving: bool = False) -> None:
        method = self.chosen_method
        maps = []
        for panel, update in zip(self.panels, self._updates, strict=True):
            maps.append(self._show(panel, update, method, moving))
        a, b = maps
        self.correlation = rank_correlation(a, b) if a is not None and b is not None else None
        if a is None or b is None:
            self.line.setText("")
        elif self.correlation is None:
            self.line.setText("the two inputs differ in size: the maps are not compared pixel by pixel")
        elif np.isnan(self.correlation):
            self.line.setText("a map is flat: no ranking to compare")
        else:
            self.line.setText(f"the two maps rank the pixels alike: Spearman ρ = {self.correlation:+.2f}")

    def _show(self, panel: HeatPanel, update: Update | None, method: str, moving: bool) -> np.ndarray | None:
        if update is None:
            panel.clear("waiting for this model")
            return None
        explanation = update.explanation
        image = update.result.image
        if explanation is None:
            panel.clear("computing…", image)
            return None
        attribution = explanation.attributions.get(method)
        if attribution is None:
            why = explanation.unavailable.get(method)
            if why is None and method in AT_REST_METHODS:
                why = f"{TITLES[method]} comes once the pen rests"
            panel.clear(why or "not computed", image)
            return None
        names = self._names
        target = names[explanation.target] if explanation.target < len(names) else str(explanation.target)
        panel.show_map(image, attribution.values, attribution.limit, f"for class {target}", moving)
        return attribution.values
