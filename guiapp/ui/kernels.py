"""The convolution kernels: what each filter multiplies its input window by.

A diverging colour map centred on zero (blue negative, red positive). For a layer
with one input channel (conv 1) all filters are one mosaic; for deeper layers an
overview shows every filter (rows) × input channel (columns), and the selected
filter's slices are shown large with its bias.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGraphicsRectItem, QHBoxLayout, QLabel, QSpinBox, QTabWidget, QVBoxLayout, QWidget

from guiapp.core.filter_patches import FilterPatches
from guiapp.core.inference import LayerWeights
from guiapp.core.mosaic import Grid, grid_for, symmetric_levels, tile
from guiapp.ui.filter_patches_view import FilterPatchesView
from guiapp.ui.plotting import DIVERGING_CMAP, HIGHLIGHT, image_view

COLUMNS = 8


def _image_widget(height: int) -> tuple[pg.GraphicsLayoutWidget, pg.ImageItem, pg.ColorBarItem]:
    plot, image, bar = image_view(DIVERGING_CMAP, colour_bar=True)
    plot.setMinimumHeight(height)
    return plot, image, bar


def overview_mosaic(kernel: np.ndarray) -> tuple[np.ndarray, Grid]:
    """(FH, FW, Cin, Cout) → one image: a column of Cin slices per filter, one row per input channel."""
    fh, fw, cin, cout = kernel.shape
    grid = grid_for(cin * cout, fh, fw, cols=cout)
    return tile(kernel.reshape(fh, fw, cin * cout), grid), grid  # channel-major: row c holds every filter


class ConvKernelPanel(QWidget):
    """The kernels of one Conv2D layer."""

    filterSelected = Signal(str, int)

    def __init__(self, weights: LayerWeights) -> None:
        super().__init__()
        self.name = weights.name
        self.kernel = weights.kernel
        self.bias = weights.bias if weights.bias is not None else np.zeros(weights.kernel.shape[-1], np.float32)
        fh, fw, cin, cout = self.kernel.shape
        self.levels = symmetric_levels(self.kernel)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(
            f"<b>{self.name}</b>: {cout} filters of {fh}×{fw}×{cin} "
            f"= {fh}·{fw}·{cin} weights + 1 bias each; colour 0 = white, ±{self.levels[1]:.3g} = red/blue"
        ))
        self.selected = 0
        if cin == 1:  # every filter in one mosaic, with its bias underneath
            grid = grid_for(cout, fh, fw, cols=COLUMNS)
            self.all_plot, self.all_image, bar = _image_widget(220)
            self.all_image.setImage(tile(self.kernel[:, :, 0, :], grid), levels=self.levels)
            bar.setLevels(self.levels)
            self._grid = grid
            layout.addWidget(self.all_plot, 1)
            biases = ", ".join(f"{i}: {b:+.3f}" for i, b in enumerate(self.bias))
            note = QLabel(f"biases — {biases}")
            note.setWordWrap(True)
            layout.addWidget(note)
            self.all_plot.scene().sigMouseClicked.connect(self._on_mosaic_clicked)
            self.marker = self._add_marker()
            self.detail_image = None
            self.patches = FilterPatchesView()
            layout.addWidget(self.patches, 1)
            self.select_filter(0)
            return
        row = QHBoxLayout()
        row.addWidget(QLabel("filter"))
        self.spin = QSpinBox()
        self.spin.setRange(0, cout - 1)
        self.spin.valueChanged.connect(self.select_filter)
        row.addWidget(self.spin)
        self.bias_label = QLabel()
        row.addWidget(self.bias_label, 1)
        layout.addLayout(row)
        self.detail_plot, self.detail_image, self.detail_bar = _image_widget(180)
        layout.addWidget(self.detail_plot, 1)
        layout.addWidget(QLabel(f"all {cout} filters (columns) × {cin} input channels (rows) — click a column"))
        overview, self._grid = overview_mosaic(self.kernel)
        self.all_plot, self.all_image, bar = _image_widget(200)
        self.all_image.setImage(overview, levels=self.levels)
        bar.setLevels(self.levels)
        self.marker = self._add_marker()
        self.all_plot.scene().sigMouseClicked.connect(self._on_mosaic_clicked)
        layout.addWidget(self.all_plot, 1)
        self.patches = FilterPatchesView()
        layout.addWidget(self.patches, 1)
        self.select_filter(0)

    def _add_marker(self) -> QGraphicsRectItem:
        marker = QGraphicsRectItem()
        marker.setPen(pg.mkPen(HIGHLIGHT, width=2, cosmetic=True))
        self.all_image.getViewBox().addItem(marker, ignoreBounds=True)
        return marker

    def select_filter(self, index: int) -> None:
        self.selected = int(index)
        if self.detail_image is None:
            fh, fw = self.kernel.shape[:2]
            top, left = self._grid.origin(self.selected)
            self.marker.setRect(left - 0.5, top - 0.5, fw + 1, fh + 1)
            self.patches.show_filter(self.selected)
            self.filterSelected.emit(self.name, self.selected)
            return
        if self.spin.value() != index:
            self.spin.setValue(index)
            return
        fh, fw, cin, _ = self.kernel.shape
        grid = grid_for(cin, fh, fw, cols=COLUMNS)
        self.detail_image.setImage(tile(self.kernel[:, :, :, index], grid), levels=self.levels)
        self.detail_bar.setLevels(self.levels)
        self.bias_label.setText(f"{cin} input-channel slices of filter {index} · bias {self.bias[index]:+.4f}")
        _, x = self._grid.origin(index)
        self.marker.setRect(x - 0.5, -0.5, fw + 1, self._grid.shape[0] + 1)
        self.patches.show_filter(self.selected)
        self.filterSelected.emit(self.name, self.selected)

    def _on_mosaic_clicked(self, event) -> None:
        point = self.all_image.mapFromScene(event.scenePos())
        index = self._grid.index_at(point.y(), point.x())
        if index is None:
            return
        cout = self.kernel.shape[3]
        self.select_filter(index % cout)  # conv 1: the tile is the filter; deeper: its column


class KernelView(QTabWidget):
    """One tab per convolution layer."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kernels")
        self.panels: dict[str, ConvKernelPanel] = {}

    def set_weights(self, weights: dict[str, LayerWeights]) -> None:
        self.clear()
        self.panels = {}
        for name, layer in weights.items():
            if layer.kind == "Conv2D" and layer.kernel is not None and layer.kernel.ndim == 4:
                panel = ConvKernelPanel(layer)
                self.panels[name] = panel
                self.addTab(panel, name)

    def set_patches(self, patches: FilterPatches | None, digits: np.ndarray | None) -> None:
        """Each filter's favourite MNIST patches (``digits``: the images they index, 0..1); None clears."""
        for name, panel in self.panels.items():
            layer = patches.layers.get(name) if patches is not None else None
            panel.patches.set_patches(layer, digits)

    def set_patch_progress(self, done: int, total: int) -> None:
        for panel in self.panels.values():
            panel.patches.set_progress(done, total)

    def show_filter(self, layer: str, index: int) -> None:
        if layer in self.panels:
            self.setCurrentWidget(self.panels[layer])
            self.panels[layer].select_filter(index)


if __name__ == "__main__":  # look at the panel alone, with random kernels
    import sys

    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    rng = np.random.default_rng(0)
    view = KernelView()
    view.set_weights({
        "conv2d": LayerWeights("conv2d", "Conv2D", rng.normal(0, 0.2, (3, 3, 1, 32)), rng.normal(0, 0.02, 32)),
        "conv2d_1": LayerWeights("conv2d_1", "Conv2D", rng.normal(0, 0.1, (3, 3, 32, 64)), rng.normal(0, 0.02, 64)),
    })
    view.resize(600, 800)
    view.show()
    sys.exit(app.exec())
