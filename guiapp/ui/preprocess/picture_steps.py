"""A picture's way to the model's input, step by step: original → fitted → the model's channels.

The fit is a switch (whole picture padded, centre crop, or MNIST's digit recipe for grey
models); each step is shown as the model would see it, colour pictures in colour. Everything wraps or
reflows (:mod:`guiapp.ui.preprocess.step_grid`): the view is as narrow as a tab may be.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QGraphicsRectItem,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from guiapp.core.drawing.picture import FITS, PictureRecipe, PictureStages
from guiapp.ui.plotting import HIGHLIGHT
from guiapp.ui.preprocess.step_grid import StepGrid

MAX_STEPS = 4  # original, grey/ink, fitted, as the model sees it
FIT_TEXT = {
    "pad": "whole picture, padded (aspect kept)",
    "crop": "centre crop (aspect kept)",
    "digit": "MNIST digit recipe (grey models)",
}


class PictureStepsView(QWidget):
    """The steps of one picture; ``recipeChanged`` carries the fit the user chose."""

    recipeChanged = Signal(object)  # PictureRecipe

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fit_buttons: dict[str, QRadioButton] = {}
        group = QButtonGroup(self)
        switches = QVBoxLayout()  # one choice a line: the row of three was 800 pixels wide
        switches.setSpacing(2)
        switches.addWidget(QLabel("Fit the picture to the input:"))
        for fit in FITS:
            button = QRadioButton(FIT_TEXT[fit])
            button.setObjectName(f"fit_{fit}")
            group.addButton(button)
            switches.addWidget(button)
            self.fit_buttons[fit] = button
            button.toggled.connect(self._on_toggled)
        self.steps = StepGrid(MAX_STEPS)
        self.titles, self.images, self.plots = self.steps.titles, self.steps.images, self.steps.plots
        self.window_outline = QGraphicsRectItem()
        self.window_outline.setPen(pg.mkPen(HIGHLIGHT, width=2, cosmetic=True))
        self.images[0].getViewBox().addItem(self.window_outline, ignoreBounds=True)
        self.explanation = QLabel()
        self.explanation.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(switches)
        layout.addWidget(self.steps)
        layout.addWidget(self.explanation)
        self.stages: PictureStages | None = None
        self._grey_model = True

    @property
    def recipe(self) -> PictureRecipe:
        fit = next((fit for fit, button in self.fit_buttons.items() if button.isChecked()), "pad")
        return PictureRecipe(fit)  # type: ignore[arg-type]

    def set_model_channels(self, channels: int, recipe: PictureRecipe) -> None:
        """The digit recipe is for grey models; select ``recipe`` without announcing it."""
        self._grey_model = channels == 1
        self.fit_buttons["digit"].setEnabled(self._grey_model)
        button = self.fit_buttons[recipe.fit]
        button.blockSignals(True)
        button.setChecked(True)
        button.blockSignals(False)

    def _on_toggled(self, on: bool) -> None:
        if on:
            self.recipeChanged.emit(self.recipe)

    def show_stages(self, stages: PictureStages, name: str) -> None:
        self.stages = stages
        steps = stages.steps
        for i, (title, image, plot) in enumerate(zip(self.titles, self.images, self.plots, strict=True)):
            if i < len(steps):
                text, picture = steps[i]
                title.setText(f"{i + 1} · {text}")
                image.setImage(np.asarray(picture), levels=(0.0, 1.0), autoLevels=False)
                plot.show()
                title.show()
            else:
                plot.hide()
                title.hide()
        if stages.window is not None:
            top, bottom, left, right = stages.window
            self.window_outline.setRect(QRectF(left, top, right - left, bottom - top))
            self.window_outline.show()
        else:
            self.window_outline.hide()
        self.explanation.setText(explain(stages, name))


def explain(stages: PictureStages, name: str) -> str:
    """What happened to this picture, with its numbers."""
    h, w = stages.original.shape[:2]
    big_h, big_w = stages.final.shape[:2]
    colour = "colour" if stages.original.ndim == 3 else "grey"
    parts = [(f"<b>{name}</b>: a {w}×{h} {colour} picture; the model takes {big_w}×{big_h}"
             f" {'RGB' if stages.final.ndim == 3 else 'grey'}.")]
    if stages.blank:
        parts.append("<b>It is blank</b> (one colour): the network is shown nothing, and its answer means nothing.")
    fit = stages.recipe.fit
    if fit == "pad":
        parts.append("The whole picture is scaled to fit, its aspect kept; the rest is filled with its own "
                     "border colour, so the padding adds no edge for the network to react to.")
    elif fit == "crop":
        if stages.window is not None:
            top, bottom, left, right = stages.window
            parts.append(f"The middle {right - left}×{bottom - top} pixels (outlined), of the input's aspect, are "
                         "cut out and scaled: nothing is squeezed, the edges are lost.")
    else:
        inverted = " It was dark on light paper, so it was inverted first (MNIST is white ink on black)." \
            if stages.inverted else ""
        parts.append("MNIST's recipe: the ink's box is scaled to 20/28 of the side and its centre of mass put at "
                     f"the centre.{inverted}")
    if stages.original.ndim == 3 and stages.final.ndim == 2:
        parts.append("Colours become grey by luma (0.299 R + 0.587 G + 0.114 B), as the model has one channel.")
    elif stages.original.ndim == 2 and stages.final.ndim == 3:
        parts.append("The grey picture is repeated in all three channels, as the model takes RGB.")
    return " ".join(parts)
