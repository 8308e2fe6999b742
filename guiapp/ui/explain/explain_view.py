"""The Why tab: why the network answers what it answers, for the drawing on the canvas, live.

A view fed one :class:`~guiapp.core.explain.attribution.Explanation` per update
(:meth:`ExplainView.show_explanation`). Its controls say what to explain — the target class
(the answer unless chosen; clicking a probability bar chooses it too), a class to contrast
with, Grad-CAM's layer, the map to lay over the canvas — and it announces them as one
:class:`~guiapp.core.live.live_update.ExplainRequest` (``requestChanged``); the window passes it
to the worker. Gradient, gradient × input and Grad-CAM come with every update; integrated
gradients and occlusion once the pen is lifted.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from guiapp.core.explain.attribution import (
    AT_REST_METHODS,
    GRADCAM,
    INTEGRATED,
    METHODS,
    TITLES,
    Explanation,
)
from guiapp.core.explain.gradients import conv_layers
from guiapp.core.live.live_update import ExplainRequest
from guiapp.core.model.inference import Inspector
from guiapp.ui.explain.counterfactual_view import CounterfactualView
from guiapp.ui.explain.heat_panel import HeatPanel

ANSWER = "the answer"
NO_CONTRAST = "—"
AT_REST_NOTE = "computed when the pen lifts"
GRID_COLUMNS = 3


class ExplainView(QWidget):
    """Evidence maps for a target class, and what would make the drawing another class."""

    requestChanged = Signal(object)  # ExplainRequest
    canvasMethodChanged = Signal(str)  # the method laid over the canvas ("" for none)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("why")
        self.target_box, self.contrast_box, self.layer_box = QComboBox(), QComboBox(), QComboBox()
        self.canvas_box = QComboBox()
        self.canvas_box.addItem("none", "")
        for method in METHODS:
            self.canvas_box.addItem(TITLES[method], method)
        self.canvas_box.setCurrentIndex(METHODS.index(GRADCAM) + 1)
        self.target_box.setToolTip("The class to explain (clicking a probability bar chooses it too)")
        self.contrast_box.setToolTip("Why the target rather than this class: the difference of the two")
        self.layer_box.setToolTip("Grad-CAM's convolution layer (clicking a layer's maps chooses it too)")
        self.canvas_box.setToolTip("The evidence map laid over the canvas")
        controls = QHBoxLayout()
        for label, box in (("Explain", self.target_box), ("rather than", self.contrast_box),
                           ("Grad-CAM layer", self.layer_box), ("on the canvas", self.canvas_box)):
            controls.addWidget(QLabel(label))
            controls.addWidget(box)
        controls.addStretch(1)
        self.summary = QLabel("draw a digit: red is evidence for the class, blue against")
        self.summary.setObjectName("why_summary")
        self.summary.setWordWrap(True)
        self.panels = {method: HeatPanel(TITLES[method]) for method in METHODS}
        grid = QGridLayout()
        for i, method in enumerate(METHODS):
            grid.addWidget(self.panels[method], i // GRID_COLUMNS, i % GRID_COLUMNS)
        self.counterfactual = CounterfactualView()
        grid.addWidget(self.counterfactual, 1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.summary)
        layout.addLayout(grid, 1)
        self.class_names: tuple[str, ...] = ()
        self.explanation: Explanation | None = None
        self._image: np.ndarray | None = None  # the input the explanation is of
        for box in (self.target_box, self.contrast_box, self.layer_box):
            box.currentIndexChanged.connect(self._on_choice)
        self.canvas_box.currentIndexChanged.connect(
            lambda _i: self.canvasMethodChanged.emit(self.canvas_method))
        self._quiet = False

    # ----------------------------------------------------------------- model and choices

    def set_class_names(self, names: tuple[str, ...]) -> None:
        """The classes, named (the window's state says so: on a new model, and on Model → Class names…);
        the classes chosen stay chosen while the model has them."""
        request = self.request
        self._quiet = True
        self.class_names = tuple(names)
        for box, first in ((self.target_box, ANSWER), (self.contrast_box, NO_CONTRAST)):
            chosen = box.currentData()
            box.clear()
            box.addItem(first, None)
            for k, name in enumerate(self.class_names):
                box.addItem(name, k)
            box.setCurrentIndex(max(0, box.findData(chosen)))
        self.counterfactual.set_class_names(self.class_names)
        self._quiet = False
        if self.explanation is not None:
            self.summary.setText(self._summary(self.explanation))
        if self.request != request:
            self.requestChanged.emit(self.request)

    def show_model(self, inspector: Inspector) -> None:
        """A newly loaded model: its convolution layers; the target goes back to the answer (its classes come
        by :meth:`set_class_names`, before this)."""
        self._quiet = True
        self.target_box.setCurrentIndex(0)
        self.contrast_box.setCurrentIndex(0)
        self.layer_box.clear()
        layers = conv_layers(inspector)
        for name in reversed(layers):  # the last first: Grad-CAM's usual layer
            self.layer_box.addItem(name, name)
        if not layers:
            self.layer_box.addItem("no convolution layer", None)
        self.layer_box.setEnabled(bool(layers))
        self.counterfactual.show_model(inspector)
        self._quiet = False
        self.explanation = None
        for panel in self.panels.values():
            panel.clear("")
        self.requestChanged.emit(self.request)

    @property
    def request(self) -> ExplainRequest:
        """What the tab asks of each update now."""
        return ExplainRequest(self.target_box.currentData(), self.contrast_box.currentData(),
                          self.layer_box.currentData())

    @property
    def canvas_method(self) -> str:
        return str(self.canvas_box.currentData() or "")

    def set_target(self, target: int | None) -> None:
        """Explain ``target`` (None: the answer) — e.g. a probability bar was clicked."""
        index = self.target_box.findData(target)
        if index >= 0:
            self.target_box.setCurrentIndex(index)

    def set_contrast(self, contrast: int | None) -> None:
        index = self.contrast_box.findData(contrast)
        if index >= 0:
            self.contrast_box.setCurrentIndex(index)

    def set_layer(self, layer: str) -> None:
        """Grad-CAM on ``layer`` when it is a convolution layer (a layer's maps were clicked)."""
        index = self.layer_box.findData(layer)
        if index >= 0:
            self.layer_box.setCurrentIndex(index)

    def _on_choice(self, _index: int) -> None:
        if not self._quiet:
            self.requestChanged.emit(self.request)

    # ----------------------------------------------------------------- results

    def show_explanation(self, explanation: Explanation, image: np.ndarray, moving: bool = False) -> None:
        """Every method the explanation holds; the at-rest ones say they wait for the pen while it moves."""
        self.explanation, self._image = explanation, image
        if not moving or explanation.problem is not None:  # a label's new text re-lays out the tab: at rest
            self.summary.setText(self._summary(explanation))
        for method, panel in self.panels.items():
            found = explanation.attributions.get(method)
            if found is not None:
                note = found.check.text() if method == INTEGRATED and found.check is not None else (
                    f"on {found.layer}" if found.layer else "")
                panel.show_map(image, found.values, found.limit, note, moving=moving)
            elif not moving or panel.values is not None:  # while drawing, an empty panel is left alone
                reason = explanation.unavailable.get(method)
                panel.clear(reason or (AT_REST_NOTE if method in AT_REST_METHODS else ""),
                            None if moving else image)
        if not moving:  # a counterfactual is asked for at rest: its input need not follow every move
            self.counterfactual.show_input(image, explanation)

    def settle(self) -> None:
        """The pointer rests: the numbers that wait for it (the summary's score, the colour bars)."""
        if self.explanation is not None and self._image is not None:
            self.summary.setText(self._summary(self.explanation))
            self.counterfactual.show_input(self._image, self.explanation)
        for panel in self.panels.values():
            panel.settle()

    def _name(self, k: int) -> str:
        return self.class_names[k] if 0 <= k < len(self.class_names) else str(k)

    def _summary(self, explanation: Explanation) -> str:
        problem = explanation.problem
        if problem is not None:
            return problem
        target = self._name(explanation.target)
        what = f"why {target}" + (f" rather than {self._name(explanation.contrast)}"
                                  if explanation.contrast is not None else "")
        score = explanation.score()
        return (f"<b>{what}</b>: score {score:+.2f} (logit{'s' if explanation.contrast is not None else ''}, "
                f"before the softmax; p = {explanation.probabilities[explanation.target]:.1%}). "
                "Red: evidence for, blue: against.")
