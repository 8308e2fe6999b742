"""The image actually fed to the network (H×W, grey or RGB), shown large with visible pixels."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QGraphicsRectItem, QLabel, QVBoxLayout, QWidget

from guiapp.core.arithmetic.layer_formulas import shape_text
from guiapp.core.arithmetic.receptive_field import Field
from guiapp.core.drawing.preprocess import box_for
from guiapp.core.model.inference import INPUT_SHAPE, InferenceResult, Inspector
from guiapp.ui.plotting import GREY_CMAP, image_view

MAX_GRID_SIDE = 64  # above this many pixels a side the pixel grid would be a grey haze: not drawn
MIN_PICTURE = 84  # the input's picture at its smallest: 3 screen pixels per input pixel of a 28×28
MNIST_RECIPE = "MNIST recipe"


class NetworkInputView(QWidget):
    """Nearest-neighbour pixels and a faint pixel grid, so each input pixel is visible."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("network_input")
        # Wrapped, never cut: the column gives it the height its lines need (minimum_height_for).
        self.title = QLabel()
        self.title.setWordWrap(True)
        self._plot, self._image, _ = image_view(GREY_CMAP)
        self._plot.setMinimumSize(MIN_PICTURE, MIN_PICTURE)
        self._box = self._image.getViewBox()
        self._grid = pg.PlotCurveItem(connect="pairs", pen=pg.mkPen(70, 70, 70, 150, width=0))
        self._box.addItem(self._grid)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self._plot, 1)
        self.input_shape: tuple[int, int, int] = INPUT_SHAPE
        self._recipe = MNIST_RECIPE
        self._detail = "fit 20×20, centre of mass"
        self.input_range: tuple[float, float] = (0.0, 1.0)  # what the model is given (the view shows 0..1)
        self.image: np.ndarray = np.zeros(INPUT_SHAPE[:2], np.float32)
        self.fields: list[tuple[Field, str]] = []
        self._outlines: list[QGraphicsRectItem] = []
        self._set_shape(INPUT_SHAPE)

    def minimum_height_for(self, width: int) -> int:
        """The least height at ``width``: the whole title, wrapped, and the smallest picture."""
        spacing = max(0, self.layout().spacing())
        return self.title.heightForWidth(max(1, width)) + spacing + self._plot.minimumHeight()

    def show_model(self, inspector: Inspector) -> None:
        """A newly loaded model: its input's size and colours (grey or RGB), and its value range."""
        self.input_range = inspector.input_range
        box_h, box_w = box_for(inspector.input_shape[:2])
        self._detail = f"fit {box_w}×{box_h}, centre of mass"
        self._set_shape(inspector.input_shape)

    def set_input_range(self, value_range: tuple[float, float]) -> None:
        """The value range the pixels are scaled to (the model's own, or the one chosen)."""
        if value_range != self.input_range:
            self.input_range = value_range
            self.set_recipe(self._recipe)

    def _set_shape(self, shape: tuple[int, int, int]) -> None:
        height, width, channels = shape
        self.input_shape = shape
        self.image = np.zeros((height, width) if channels == 1 else (height, width, channels), np.float32)
        self._image.setImage(self.image, levels=(0.0, 1.0), autoLevels=False)
        if max(height, width) <= MAX_GRID_SIDE:  # the grid as one item of line pairs
            ys, xs = np.arange(height + 1, dtype=float), np.arange(width + 1, dtype=float)
            self._grid.setData(np.concatenate([np.repeat(xs, 2), np.tile([0.0, width], height + 1)]),
                               np.concatenate([np.tile([0.0, height], width + 1), np.repeat(ys, 2)]))
            self._grid.show()
        else:
            self._grid.hide()
        self._box.setRange(xRange=(0, width), yRange=(0, height), padding=0.02)
        self.set_fields([])
        self.set_recipe(self._recipe)

    def set_recipe(self, label: str, picture: bool = False) -> None:
        """Name the preprocessing in the title (the Preprocessing tab can switch steps off)."""
        self._recipe = label
        mnist = label == MNIST_RECIPE and not picture
        detail = self._detail if mnist else "see the Preprocessing tab"
        colour = "" if mnist else " style='color:#e0a000'"
        kind = "RGB" if self.input_shape[2] == 3 else "grey"
        low, high = self.input_range
        text = (f"<b>Network input</b> — {shape_text(self.input_shape)} {kind}, values {low:g}..{high:g}<br>"
                f"<span{colour}>{'picture: ' if picture else ''}{label}: {detail}</span>")
        if text != self.title.text():  # called every frame: a label is laid out again only when it changes
            self.title.setText(text)

    def set_fields(self, fields: list[tuple[Field, str]]) -> None:
        """Outline receptive fields (input rows/columns) in the given colours; [] removes them."""
        self.fields = list(fields)
        while len(self._outlines) < len(fields):
            item = QGraphicsRectItem()
            item.setZValue(10)
            self._box.addItem(item, ignoreBounds=True)
            self._outlines.append(item)
        for item, (field, colour) in zip(self._outlines, fields):
            item.setRect(QRectF(field.left, field.top, field.right - field.left, field.bottom - field.top))
            item.setPen(pg.mkPen(colour, width=2, cosmetic=True))
            item.show()
        for item in self._outlines[len(fields):]:
            item.hide()

    def show_result(self, result: InferenceResult) -> None:
        self.image = result.image
        self._image.setImage(result.image, levels=(0.0, 1.0), autoLevels=False)


if __name__ == "__main__":  # an RGB 40×32 input with random pixels
    import sys

    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    view = NetworkInputView()
    view._set_shape((40, 32, 3))
    view.show_result(InferenceResult(np.random.rand(40, 32, 3).astype(np.float32), (), np.ones(2) / 2, 0.0))
    view.show()
    sys.exit(app.exec())
