"""From the canvas (or a picture) to the network input, step by step, with a switch for each step.

A drawing: canvas (the ink's box outlined) → the crop → fitted into 20/28 of the side →
placed in the input frame with its centre of mass at the centre. Switching a step off
changes the live input, so the probabilities show what that step is for; the text
explains, with this drawing's numbers, why a digit drawn small in a corner is still
recognised. A picture: its own steps (:mod:`guiapp.ui.preprocess.picture_steps`). Both: the
value range the pixels are scaled to, with a control to change it. Texts wrap and the pictures reflow
(:mod:`guiapp.ui.preprocess.step_grid`), so the tab is as narrow as the window needs it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGraphicsRectItem,
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from guiapp.core.drawing.picture import PictureRecipe, PictureStages, default_recipe
from guiapp.core.drawing.preprocess import (
    MNIST_FRAME,
    PreprocessOptions,
    Stages,
    box_for,
)
from guiapp.core.model.inference import InferenceResult
from guiapp.ui.plotting import HIGHLIGHT
from guiapp.ui.preprocess.picture_steps import PictureStepsView
from guiapp.ui.preprocess.step_grid import StepGrid

if TYPE_CHECKING:
    from guiapp.core.model.inference import Inspector

RANGES: dict[str, tuple[float, float]] = {"0 … 1": (0.0, 1.0), "0 … 255": (0.0, 255.0), "−1 … 1": (-1.0, 1.0)}


def _titles(frame: tuple[int, int]) -> tuple[str, ...]:
    box_h, box_w = box_for(frame)
    return ("1 · the canvas (ink box outlined)", "2 · the crop", f"3 · fitted into {box_w}×{box_h}",
            f"4 · centre of mass → {frame[1]}×{frame[0]}")


class PreprocessView(QWidget):
    """The steps of a drawing (three switches) or of a picture (a fit switch), and the value range.

    ``optionsChanged`` carries a drawing's steps left on; ``recipeChanged`` a picture's fit and
    the value range chosen (None: the model's own).
    """

    optionsChanged = Signal(object)  # PreprocessOptions
    recipeChanged = Signal(object, object)  # PictureRecipe, (low, high) or None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("preprocess")
        self.frame = MNIST_FRAME
        self.class_names: tuple[str, ...] = ()
        self.model_range: tuple[float, float] = (0.0, 1.0)
        self.crop_box = QCheckBox("crop to the ink")
        self.fit_box = QCheckBox("fit into 20×20")
        self.centre_box = QCheckBox("centre of mass to the centre")
        for box in (self.crop_box, self.fit_box, self.centre_box):
            box.setChecked(True)
            box.toggled.connect(self._on_toggled)
        self.steps = StepGrid(len(_titles(self.frame)))
        self.images, self.titles = self.steps.images, self.steps.titles
        for label, title in zip(self.titles, _titles(self.frame), strict=True):
            label.setText(title)
        switches = QWidget()
        switch_layout = QVBoxLayout(switches)  # one switch a line: side by side they were 450 pixels wide
        switch_layout.setContentsMargins(0, 0, 0, 0)
        switch_layout.setSpacing(2)
        for box in (self.crop_box, self.fit_box, self.centre_box):
            switch_layout.addWidget(box)
        self.box_outline = QGraphicsRectItem()
        self.box_outline.setPen(pg.mkPen(HIGHLIGHT, width=2, cosmetic=True))
        self.images[0].getViewBox().addItem(self.box_outline, ignoreBounds=True)
        self.fit_outline = QGraphicsRectItem()
        self.fit_outline.setPen(pg.mkPen(HIGHLIGHT, width=1, cosmetic=True, style=pg.QtCore.Qt.PenStyle.DashLine))
        self.images[3].getViewBox().addItem(self.fit_outline, ignoreBounds=True)
        self.explanation = QLabel()
        self.explanation.setWordWrap(True)
        self.comparison = QLabel()
        self.comparison.setWordWrap(True)
        drawing_page = QWidget()
        drawing_layout = QVBoxLayout(drawing_page)
        drawing_layout.setContentsMargins(0, 0, 0, 0)
        drawing_layout.addWidget(switches)
        drawing_layout.addWidget(self.steps)
        drawing_layout.addWidget(self.explanation)
        self.picture_steps = PictureStepsView()
        self.picture_steps.recipeChanged.connect(self._on_recipe)
        self.pages = QStackedWidget()
        self.pages.addWidget(drawing_page)
        self.pages.addWidget(self.picture_steps)
        self.range_box = QComboBox()
        self.range_box.setObjectName("input_range")
        self.range_box.setToolTip("The pixel values the model is given. A model with a Rescaling layer inside "
                                  "takes 0…255; others 0…1, unless the model card says otherwise.")
        self.range_box.currentIndexChanged.connect(self._on_range)
        self.range_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.range_box.setMinimumContentsLength(12)
        range_row = QHBoxLayout()
        range_label = QLabel("Pixel values given to the model:")
        range_label.setWordWrap(True)
        range_row.addWidget(range_label, 1)
        range_row.addWidget(self.range_box)
        heading = QLabel("<b>Preprocessing</b> — what the network is given, and why (switch a step off "
                         "to see what it does to the prediction)")
        heading.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(range_row)
        layout.addWidget(self.pages)
        layout.addWidget(self.comparison)
        layout.addStretch(1)
        self.stages: Stages | PictureStages | None = None
        self._shown: tuple = (None, None, None, "")
        self._fill_ranges()

    @property
    def options(self) -> PreprocessOptions:
        return PreprocessOptions(self.crop_box.isChecked(), self.fit_box.isChecked(), self.centre_box.isChecked())

    def set_options(self, options: PreprocessOptions) -> None:
        for box, on in ((self.crop_box, options.crop), (self.fit_box, options.fit), (self.centre_box, options.centre)):
            box.blockSignals(True)
            box.setChecked(on)
            box.blockSignals(False)
        self.optionsChanged.emit(self.options)

    def _on_toggled(self, _: bool) -> None:
        self.optionsChanged.emit(self.options)

    # ----------------------------------------------------------------- the model, the recipe, the range

    def set_class_names(self, names: tuple[str, ...]) -> None:
        """The classes, named (the window's state says so: a new model, or Model → Class names…)."""
        self.class_names = tuple(names)

    def show_model(self, inspector: Inspector) -> None:
        """Frame, default fit and value range of a newly loaded model (its class names: :meth:`set_class_names`)."""
        self.frame = inspector.input_shape[:2]
        self.model_range = inspector.input_range
        for label, text in zip(self.titles, _titles(self.frame), strict=True):
            label.setText(text)
        box_h, box_w = box_for(self.frame)
        self.fit_box.setText(f"fit into {box_w}×{box_h}")
        self.picture_steps.set_model_channels(inspector.input_shape[2], default_recipe(inspector.input_shape))
        self._fill_ranges()

    def _fill_ranges(self) -> None:
        low, high = self.model_range
        self.range_box.blockSignals(True)
        self.range_box.clear()
        self.range_box.addItem(f"the model's own ({low:g} … {high:g})", None)
        for text, value in RANGES.items():
            self.range_box.addItem(text, value)
        self.range_box.setCurrentIndex(0)
        self.range_box.blockSignals(False)

    @property
    def input_range(self) -> tuple[float, float] | None:
        """The range chosen, None for the model's own."""
        return self.range_box.currentData()

    @property
    def picture_recipe(self) -> PictureRecipe:
        return self.picture_steps.recipe

    def _on_recipe(self, _: PictureRecipe) -> None:
        self.recipeChanged.emit(self.picture_recipe, self.input_range)

    def _on_range(self, _: int) -> None:
        self.recipeChanged.emit(self.picture_recipe, self.input_range)

    def _name(self, index: int) -> str:
        return self.class_names[index] if index < len(self.class_names) else str(index)

    # ----------------------------------------------------------------- one update

    def show_stages(self, stages: Stages | PictureStages | None, result: InferenceResult | None,
                    reference: InferenceResult | None, name: str = "") -> None:
        """The pictures of one update; ``reference`` is the full recipe's result when a step is off."""
        self.stages = stages
        self._shown = (stages, result, reference, name)
        if stages is None or not self.isVisible():
            return  # drawn when the tab is shown (showEvent): hidden pictures cost the live loop nothing
        if isinstance(stages, PictureStages):
            self.pages.setCurrentIndex(1)
            self.picture_steps.show_stages(stages, name or "the picture")
            self.comparison.setText(self._compare(result, None))
            return
        self.pages.setCurrentIndex(0)
        raw = stages.raw
        crop = raw[stages.box[0]:stages.box[1], stages.box[2]:stages.box[3]] if stages.box else raw[:1, :1] * 0
        for image, picture in zip(self.images, (raw, crop, stages.fitted, stages.final), strict=True):
            image.setImage(picture, levels=(0.0, 1.0), autoLevels=False)
        if stages.box is None or stages.placement is None:
            self.box_outline.hide()
            self.fit_outline.hide()
            self.explanation.setText("Draw a digit: its steps from the canvas to the network appear here.")
            self.comparison.setText("")
            return
        top, bottom, left, right = stages.box
        self.box_outline.setRect(QRectF(left, top, right - left, bottom - top))
        self.box_outline.show()
        p = stages.placement
        self.fit_outline.setRect(QRectF(p.offset_x, p.offset_y, stages.fitted.shape[1], stages.fitted.shape[0]))
        self.fit_outline.show()
        self.explanation.setText(self._explain(stages))
        self.comparison.setText(self._compare(result, reference))

    def _explain(self, stages: Stages) -> str:
        options = self.options
        top, bottom, left, right = stages.box  # type: ignore[misc]
        h, w = bottom - top, right - left
        raw_h, raw_w = stages.raw.shape
        fh, fw = stages.fitted.shape
        parts = []
        if options.crop:
            share = h * w / (raw_h * raw_w)
            parts.append(f"The ink fills a {h}×{w} box at rows {top}–{bottom - 1}, columns {left}–{right - 1} "
                         f"({share:.0%} of the canvas): cropping keeps only that box, wherever it was drawn.")
        else:
            parts.append(f"Not cropping: the whole {raw_h}×{raw_w} canvas goes on, empty space included.")
        if options.fit:
            box_h, box_w = box_for(self.frame)
            parts.append(f"Fitting scales it by {fh / h:.3f} to fit a {box_w}×{box_h} box ({fw}×{fh}), 20/28 of "
                         "the input's side, whatever size it was drawn — MNIST's digits were all made this size.")
        else:
            parts.append(f"Not fitting: it keeps the canvas' own scale ({self.frame[1]}/{raw_w}), {fw}×{fh} "
                         "pixels — a small drawing stays small, which MNIST never showed the network.")
        if options.centre:
            dy, dx = stages.shift
            parts.append(f"Its centre of mass is moved to the middle of the {self.frame[1]}×{self.frame[0]} "
                         f"frame (shifted {dy:+d} rows, {dx:+d} columns from the box's centre), as MNIST's were.")
        else:
            parts.append("Not centring by mass: the box is placed as it is, so lopsided digits sit off-centre.")
        if options == PreprocessOptions():
            parts.append("That is why a digit drawn small in a corner is still recognised: the network only ever "
                         "sees it cut out, scaled to the same box and centred.")
        return " ".join(parts)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.show_stages(*self._shown)

    def _compare(self, result: InferenceResult | None, reference: InferenceResult | None) -> str:
        if result is None:
            return ""
        now = f"<b>{self._name(result.predicted)}</b> ({result.confidence:.1%})"
        if isinstance(self.stages, PictureStages):
            return f"With these steps the network says {now}."
        if reference is None:
            return f"With every step on, the network says {now}."
        same = "the same" if reference.predicted == result.predicted else "a different answer"
        return (f"With these steps the network says {now}; with every step on it says "
                f"<b>{self._name(reference.predicted)}</b> ({reference.confidence:.1%}) — {same}.")


if __name__ == "__main__":  # look at the view alone, with a small digit drawn in a corner
    import sys

    from PySide6.QtWidgets import QApplication

    from guiapp.core.drawing.preprocess import preprocess_stages

    app = QApplication(sys.argv)
    view = PreprocessView()
    canvas = np.zeros((280, 280), np.float32)
    canvas[20:80, 200:215] = 1.0
    view.show_stages(preprocess_stages(canvas), None, None)
    view.optionsChanged.connect(lambda o: view.show_stages(preprocess_stages(canvas, o), None, None))
    view.resize(800, 420)
    view.show()
    sys.exit(app.exec())
