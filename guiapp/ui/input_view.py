"""The 28×28 image actually fed to the network, shown large with visible pixels."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QGraphicsRectItem, QLabel, QVBoxLayout, QWidget

from guiapp.core.inference import InferenceResult
from guiapp.core.receptive_field import Field
from guiapp.ui.plotting import GREY_CMAP, image_view

SIZE = 28


class NetworkInputView(QWidget):
    """Nearest-neighbour pixels and a faint pixel grid, so each of the 784 inputs is visible."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("network_input")
        # Two fixed lines (no word wrap), so a short window can never squeeze the title away.
        self.title = title = QLabel()
        self.set_recipe("MNIST recipe")
        self._plot, self._image, _ = image_view(GREY_CMAP)
        self._plot.setMinimumSize(140, 140)
        self._box = self._image.getViewBox()
        self._image.setImage(np.zeros((SIZE, SIZE), np.float32), levels=(0.0, 1.0))
        # A faint pixel grid, drawn as one item of line pairs.
        k = np.arange(SIZE + 1, dtype=float)
        xs = np.concatenate([np.repeat(k, 2), np.tile([0.0, SIZE], SIZE + 1)])
        ys = np.concatenate([np.tile([0.0, SIZE], SIZE + 1), np.repeat(k, 2)])
        self._box.addItem(pg.PlotCurveItem(xs, ys, connect="pairs", pen=pg.mkPen(70, 70, 70, 150, width=0)))
        self._box.setRange(xRange=(0, SIZE), yRange=(0, SIZE), padding=0.02)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addWidget(self._plot, 1)
        self.image: np.ndarray = np.zeros((SIZE, SIZE), np.float32)
        self.fields: list[tuple[Field, str]] = []
        self._outlines: list[QGraphicsRectItem] = []

    def set_recipe(self, label: str) -> None:
        """Name the preprocessing in the title (the Preprocessing tab can switch steps off)."""
        detail = "fit 20×20, centre of mass" if label == "MNIST recipe" else "see the Preprocessing tab"
        colour = "" if label == "MNIST recipe" else " style='color:#e0a000'"
        self.title.setText(f"<b>Network input</b> — 28×28, values 0..1<br><span{colour}>{label}: {detail}</span>")

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


if __name__ == "__main__":
    import sys

    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    view = NetworkInputView()
    view._image.setImage(np.random.rand(SIZE, SIZE).astype(np.float32), levels=(0, 1))
    view.show()
    sys.exit(app.exec())
