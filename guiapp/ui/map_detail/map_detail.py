"""One clicked feature map, large, beside the kernel slices that produced it and its value range."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QBoxLayout, QLabel, QVBoxLayout, QWidget

from guiapp.core.live.mosaic import grid_for, symmetric_levels, tile, value_levels
from guiapp.core.model.inference import InferenceResult, Inspector, LayerWeights
from guiapp.ui.plotting import ACTIVATION_CMAP, DIVERGING_CMAP, image_view
from guiapp.ui.kernels.kernels import rgb_reader




SIDE_BY_SIDE_PX = 520  # narrower than this, the kernel goes under the map


def readable_bar(bar: pg.ColorBarItem, font: QFont) -> None:
    """A colour bar whose numbers are in the window's type (pyqtgraph's default is smaller) and never crowd."""
    axis = bar.axis
    tick_font = QFont(font)
    axis.setStyle(tickFont=tick_font, tickTextOffset=4, maxTickLevel=0)
    axis.setTickDensity(0.6)  # fewer, larger steps: no number touches the next
    axis.setWidth(QFontMetrics(tick_font).horizontalAdvance("−0.00") + 10)  # ticks carry few digits


class MapDetailView(QWidget):
    """The map clicked, large with its colour bar, beside the kernel that made it with its own."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("map_detail")
        self.layer: str | None = None
        self.index: int | None = None
        self._weights: dict[str, LayerWeights] = {}
        self._activations: dict[str, str] = {}  # each layer's activation function, for the kernel's caption
        self._rgb_reader: str | None = None  # the conv layer reading an RGB image
        self._last: InferenceResult | None = None
        self.title = QLabel("Click a feature map to see it here, large, with the kernel that made it.")
        self.title.setWordWrap(True)
        self.range_label = QLabel()
        self.kernel_label = QLabel()
        self.kernel_label.setWordWrap(True)
        self._map_plot, self.map_image, self.map_bar = image_view(ACTIVATION_CMAP, colour_bar=True)
        self._kernel_plot, self.kernel_image, self.kernel_bar = image_view(DIVERGING_CMAP, colour_bar=True)
        for bar in (self.map_bar, self.kernel_bar):
            readable_bar(bar, self.font())
            bar.hide()  # until there is a map (a kernel) to read
        images = self._images = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        images.addWidget(self._map_plot, 3)
        images.addWidget(self._kernel_plot, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(images, 1)
        layout.addWidget(self.range_label)
        layout.addWidget(self.kernel_label)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        # Side by side where there is room, the map above its kernel in a narrow tab (each stays large).
        wide = self.width() >= SIDE_BY_SIDE_PX
        self._images.setDirection(QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._last is not None:
            self.show_result(self._last)

    def show_model(self, inspector: Inspector) -> None:
        """A newly loaded model: its kernels and activations; the map shown before is forgotten."""
        self.set_weights(dict(inspector.weights))
        self._activations = {info.name: str(info.config.get("activation") or "linear")
                             for info in inspector.layer_infos}
        self._rgb_reader = rgb_reader(inspector)
        self.layer = self.index = None
        self._last = None
        self.map_bar.hide()
        self.kernel_bar.hide()

    def set_weights(self, weights: dict[str, LayerWeights]) -> None:
        self._weights = dict(weights)

    def show_map(self, layer: str, index: int) -> None:
        self.layer, self.index = layer, index
        if self._last is not None:
            self.show_result(self._last)

    def show_result(self, result: InferenceResult) -> None:
        self._last = result
        if self.layer is None or self.index is None or not self.isVisible():
            return  # drawn when its tab is shown (showEvent)
        try:
            state = result.layer(self.layer)
        except KeyError:
            return
        activation = state.activation
        if activation.ndim == 3:
            values = activation[:, :, self.index]
            what = f"map {self.index} of {activation.shape[-1]}"
        else:
            values = activation.reshape(1, -1)[:, self.index:self.index + 1]
            what = f"unit {self.index} of {activation.size}"
        self.title.setText(f"<b>{self.layer}</b> ({state.kind}) — {what}, {values.shape[0]}×{values.shape[1]}")
        levels = value_levels(values)
        self.map_image.setImage(values, levels=levels, autoLevels=False)
        self.map_bar.setLevels(levels)  # the bar's numbers are the map's own values
        self.map_bar.show()
        self.range_label.setText(
            f"values {values.min():.4f} … {values.max():.4f}, mean {values.mean():.4f}"
        )
        self._show_kernel(state.kind)

    def _show_kernel(self, kind: str) -> None:
        weights = self._weights.get(self.layer or "")
        if kind != "Conv2D" or weights is None or weights.kernel is None:
            self.kernel_image.clear()
            self.kernel_bar.hide()
            self.kernel_label.setText("no kernel: this layer has no convolution weights")
            return
        kernel = weights.kernel[:, :, :, self.index]
        fh, fw, cin = kernel.shape
        grid = grid_for(cin, fh, fw, cols=min(8, cin))
        levels = symmetric_levels(kernel)
        self.kernel_image.setImage(tile(kernel, grid), levels=levels)
        self.kernel_bar.setLevels(levels)
        self.kernel_bar.show()
        bias = float(weights.bias[self.index]) if weights.bias is not None else 0.0
        if cin == 1:
            slices = "one slice"
        elif self.layer == self._rgb_reader:
            slices = "3 slices: the R, G and B planes, left to right"
        else:
            slices = f"{cin} slices, one per input channel"
        activation = self._activations.get(self.layer or "", "relu")
        then = "" if activation == "linear" else f", then {activation}"
        self.kernel_label.setText(
            f"made by filter {self.index}: {fh}×{fw}×{cin} kernel ({slices}; "
            f"blue negative, red positive), bias {bias:+.4f}{then}"
        )


if __name__ == "__main__":  # look at the panel alone, with a random map and kernel
    import sys

    from PySide6.QtWidgets import QApplication

    from guiapp.core.model.inference import LayerState

    app = QApplication(sys.argv)
    rng = np.random.default_rng(0)
    view = MapDetailView()
    view.set_weights({"conv2d_1": LayerWeights("conv2d_1", "Conv2D", rng.normal(0, 0.1, (3, 3, 32, 64)),
                                               np.zeros(64, np.float32))})
    state = LayerState("conv2d_1", "Conv2D", (24, 24, 64), 18496, rng.random((24, 24, 64), dtype=np.float32))
    view.show_result(InferenceResult(np.zeros((28, 28), np.float32), (state,), np.full(10, 0.1, np.float32), 0.0))
    view.show_map("conv2d_1", 3)
    view.resize(700, 500)
    view.show()
    sys.exit(app.exec())
