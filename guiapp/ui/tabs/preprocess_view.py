"""From the canvas to the network input, step by step, with a switch for each step.

Canvas (the ink's box outlined) → the crop → fitted into 20×20 → placed in 28×28 with
its centre of mass at the centre. Switching a step off changes the live input, so the
probabilities show what that step is for; the text explains, with this drawing's
numbers, why a digit drawn small in a corner is still recognised.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QGraphicsRectItem,
    QGridLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from guiapp.core.drawing.preprocess import BOX, FRAME, PreprocessOptions, Stages
from guiapp.core.model.inference import InferenceResult
from guiapp.ui.plotting import GREY_CMAP, HIGHLIGHT, image_view

TITLES = ("1 · the canvas (ink box outlined)", "2 · the crop", "3 · fitted into 20×20", "4 · centre of mass → 28×28")


class PreprocessView(QWidget):
    """Four pictures and three switches; ``optionsChanged`` carries the steps left on."""

    optionsChanged = Signal(object)  # PreprocessOptions

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("preprocess")
        self.crop_box = QCheckBox("crop to the ink")
        self.fit_box = QCheckBox("fit into 20×20")
        self.centre_box = QCheckBox("centre of mass to the centre")
        for box in (self.crop_box, self.fit_box, self.centre_box):
            box.setChecked(True)
            box.toggled.connect(self._on_toggled)
        grid = QGridLayout()
        self.images: list[pg.ImageItem] = []
        for i, title in enumerate(TITLES):
            plot, image, _ = image_view(GREY_CMAP)
            plot.setMinimumWidth(110)
            plot.setFixedHeight(190)
            grid.addWidget(QLabel(title), 0, i)
            grid.addWidget(plot, 1, i)
            self.images.append(image)
        switches = QWidget()
        switch_layout = QGridLayout(switches)
        switch_layout.setContentsMargins(0, 0, 0, 0)
        switch_layout.addWidget(self.crop_box, 0, 0)
        switch_layout.addWidget(self.fit_box, 0, 1)
        switch_layout.addWidget(self.centre_box, 0, 2)
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
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<b>Preprocessing</b> — what the network is given, and why (switch a step off "
                                "to see what it does to the prediction)"))
        layout.addWidget(switches)
        layout.addLayout(grid)
        layout.addWidget(self.comparison)
        layout.addWidget(self.explanation)
        layout.addStretch(1)
        self.stages: Stages | None = None
        self._shown: tuple = (None, None, None)

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

    def show_stages(self, stages: Stages | None, result: InferenceResult | None,
                    reference: InferenceResult | None) -> None:
        """The pictures of one update; ``reference`` is the full recipe's result when a step is off."""
        self.stages = stages
        self._shown = (stages, result, reference)
        if stages is None or not self.isVisible():
            return  # drawn when the tab is shown (showEvent): hidden pictures cost the live loop nothing
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
            parts.append(f"Fitting scales it by {fh / h:.3f} so its longer side is {BOX} pixels ({fh}×{fw}), "
                         "whatever size it was drawn — MNIST's digits were all made this size.")
        else:
            parts.append(f"Not fitting: it keeps the canvas' own scale ({FRAME}/{raw_w}), {fh}×{fw} pixels — "
                         "a small drawing stays small, which MNIST never showed the network.")
        if options.centre:
            dy, dx = stages.shift
            parts.append(f"Its centre of mass is moved to the middle of the 28×28 frame (shifted {dy:+d} rows, "
                         f"{dx:+d} columns from the box's centre), as MNIST's were.")
        else:
            parts.append("Not centring by mass: the box is placed as it is, so lopsided digits sit off-centre.")
        if options == PreprocessOptions():
            parts.append("That is why a digit drawn small in a corner is still recognised: the network only ever "
                         "sees it cut out, scaled to 20 pixels and centred.")
        return " ".join(parts)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.show_stages(*self._shown)

    @staticmethod
    def _compare(result: InferenceResult | None, reference: InferenceResult | None) -> str:
        if result is None:
            return ""
        now = f"<b>{result.predicted}</b> ({result.confidence:.1%})"
        if reference is None:
            return f"With every step on, the network says {now}."
        same = "the same" if reference.predicted == result.predicted else "a different answer"
        return (f"With these steps the network says {now}; with every step on it says "
                f"<b>{reference.predicted}</b> ({reference.confidence:.1%}) — {same}.")


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
