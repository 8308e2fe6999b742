"""What would make it a k: the input, the change (ink added red, removed blue) and the changed input."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from guiapp.core.explain.attribution import Explanation
from guiapp.core.explain.counterfactual import Counterfactual
from guiapp.core.explain.heatmap import diverging_rgba
from guiapp.core.model.inference import Inspector
from guiapp.ui.plotting import GREY_CMAP
from guiapp.ui.explain.heat_panel import PIXEL_LEVELS

STEPS = ("input", "change", "changed")


class CounterfactualView(QWidget):
    """Asks for a counterfactual (``findRequested``) and shows it; ``showRequested`` puts it in every panel."""

    findRequested = Signal(int)  # the class to turn the input into
    showRequested = Signal(object)  # the Counterfactual to show in every panel

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.target_box = QComboBox()
        self.find_button = QPushButton("Find")
        self.find_button.setToolTip("The smallest change of the input that makes the network answer this class")
        self.show_button = QPushButton("Show in every panel")
        self.show_button.setToolTip("Give the changed input to the network: every view shows it until the next stroke")
        self.show_button.setEnabled(False)
        top = QHBoxLayout()
        top.addWidget(QLabel("<b>What would make it a</b>"))
        top.addWidget(self.target_box)
        top.addWidget(self.find_button)
        self.plot = pg.GraphicsLayoutWidget()
        self.plot.setMinimumSize(240, 100)
        self._images: dict[str, pg.ImageItem] = {}
        for column, step in enumerate(STEPS):
            self.plot.addLabel(step, row=0, col=column)
            box = self.plot.addViewBox(row=1, col=column, lockAspect=True, invertY=True, enableMouse=False)
            box.setMenuEnabled(False)
            image = pg.ImageItem()
            image.setColorMap(GREY_CMAP)
            box.addItem(image)
            self._images[step] = image
        self.result_text = QLabel("choose a class and press Find")
        self.result_text.setWordWrap(True)
        self.result_text.setObjectName("counterfactual_text")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.result_text)
        layout.addWidget(self.show_button)
        self.class_names: tuple[str, ...] = ()
        self.found: Counterfactual | None = None
        self._input: np.ndarray | None = None
        self.find_button.clicked.connect(self._on_find)
        self.show_button.clicked.connect(lambda: self.showRequested.emit(self.found))

    def set_class_names(self, names: tuple[str, ...]) -> None:
        """The classes to choose from, named; the chosen one stays chosen while the model has it."""
        chosen = self.target_box.currentData()
        self.class_names = tuple(names)
        self.target_box.clear()
        for k, name in enumerate(self.class_names):
            self.target_box.addItem(name, k)
        self.target_box.setCurrentIndex(max(0, self.target_box.findData(chosen)))
        if self.found is not None:  # its text names the classes
            self.show_counterfactual(self.found)

    def show_model(self, inspector: Inspector) -> None:
        """A new model: back to its first class; a counterfactual of the last one no longer applies."""
        self.target_box.setCurrentIndex(0)
        self._forget("choose a class and press Find")

    def show_input(self, image: np.ndarray, explanation: Explanation) -> None:
        """The live input: a counterfactual found for an earlier input no longer applies."""
        self._input = image
        self.find_button.setEnabled(not explanation.blank)
        if self.found is not None and not np.array_equal(self.found.original, image):
            self._forget("the drawing changed: press Find again")
        if self.found is None:
            self._images["input"].setImage(image, levels=(0.0, 1.0), autoLevels=False)

    def set_target(self, target: int) -> None:
        index = self.target_box.findData(target)
        if index >= 0:
            self.target_box.setCurrentIndex(index)

    def find(self, target: int) -> None:
        """Search for what would make the input a ``target``, as choosing it and pressing Find does."""
        self.set_target(target)
        self._on_find()

    def _on_find(self) -> None:
        target = self.target_box.currentData()
        if target is not None:
            self.result_text.setText(f"searching for a change that makes it a {self.class_names[target]}…")
            self.find_button.setEnabled(False)
            self.findRequested.emit(int(target))

    def show_counterfactual(self, found: Counterfactual) -> None:
        self.found = found
        self.find_button.setEnabled(True)
        change = found.change if found.change.ndim == 2 else found.change.sum(axis=-1)
        self._images["input"].setImage(found.original, levels=(0.0, 1.0), autoLevels=False)
        # Coloured to the largest change, so a faint change is seen (its size is in the text).
        self._images["change"].setImage(diverging_rgba(change, max(found.largest_change, 1e-6)),
                                        levels=PIXEL_LEVELS, autoLevels=False)
        self._images["changed"].setImage(found.changed, levels=(0.0, 1.0), autoLevels=False)
        top = np.argsort(found.probabilities)[::-1][:3]
        odds = ", ".join(f"{self.class_names[k] if k < len(self.class_names) else k} "
                         f"{found.probabilities[k]:.0%}" for k in top)
        self.result_text.setText(f"{found.text(self.class_names)}.<br>Ink added: red, removed: blue "
                                 f"(full colour: ±{found.largest_change:.2f}). Now: {odds}")
        self.show_button.setEnabled(found.success and found.steps > 0)

    def show_failure(self, message: str) -> None:
        self.find_button.setEnabled(True)
        self._forget(message)

    def _forget(self, message: str) -> None:
        self.found = None
        self.show_button.setEnabled(False)
        self.result_text.setText(message)
        for step in ("change", "changed"):
            self._images[step].clear()
