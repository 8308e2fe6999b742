"""The baseline for live_loop.py: the same panels wired the simple way.

Everything on the GUI thread, ``model.predict`` on every pointer move (all layers'
outputs), and one pyqtgraph widget per feature map (32 + 64 + 64 of them) — how a
first version of such an app is usually written. Not part of the product.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from guiapp import paths
from guiapp.core.drawing.preprocess import drawing_to_network_input
from guiapp.core.model.backend import keras
from guiapp.ui.live.canvas import DrawingCanvas


class SimpleWindow(QWidget):
    resultShown = Signal(object)  # the Drawing now shown

    def __init__(self) -> None:
        super().__init__()
        k = keras()
        model = k.models.load_model(paths.DEFAULT_MODEL, compile=False)
        self.model = k.Model(model.inputs[0], [layer.output for layer in model.layers])
        self.canvas = DrawingCanvas()
        self.input_plot = pg.PlotWidget()
        self.input_image = pg.ImageItem()
        self.input_plot.addItem(self.input_image)
        self.bars_plot = pg.PlotWidget()
        self.bars = pg.BarGraphItem(x=np.arange(10), height=np.zeros(10), width=0.7)
        self.bars_plot.addItem(self.bars)
        left = QVBoxLayout()
        for widget in (self.canvas, self.input_plot, self.bars_plot):
            left.addWidget(widget)
        maps = QWidget()
        grid = QGridLayout(maps)
        self.map_items: list[list[pg.ImageItem]] = []
        row = 0
        for layer in model.layers:
            shape = layer.output.shape
            if len(shape) != 4:
                self.map_items.append([])
                continue
            items = []
            for c in range(shape[-1]):
                view = pg.GraphicsLayoutWidget()
                view.setFixedSize(48, 48)
                box = view.addViewBox(lockAspect=True)
                item = pg.ImageItem()
                box.addItem(item)
                grid.addWidget(view, row + c // 16, c % 16)
                items.append(item)
            row += -(-shape[-1] // 16)
            self.map_items.append(items)
        scroll = QScrollArea()
        scroll.setWidget(maps)
        layout = QHBoxLayout(self)
        layout.addLayout(left)
        layout.addWidget(scroll, 1)
        self.canvas.drawingChanged.connect(self._on_drawing_changed)
        self.last_drawing = None

    def _on_drawing_changed(self, drawing) -> None:
        x = drawing_to_network_input(drawing)[None, :, :, None]
        outputs = self.model.predict(x, verbose=0)
        self.input_image.setImage(x[0, :, :, 0])
        self.bars.setOpts(height=outputs[-1][0])
        for items, output in zip(self.map_items, outputs, strict=True):
            for c, item in enumerate(items):
                item.setImage(output[0, :, :, c])
        self.last_drawing = drawing
        self.resultShown.emit(drawing)

    def shutdown(self) -> None:
        """Nothing runs in the background here."""
