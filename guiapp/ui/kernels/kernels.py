"""The convolution kernels: what each filter multiplies its input window by.

A diverging colour map centred on zero (blue negative, red positive). For a layer
with one input channel (conv 1 on a grey image) all filters are one mosaic. A layer
reading an RGB image shows every filter in colour (a swatch per filter: mid-grey is
zero, a channel brighter where its weight is positive) and the selected filter's three
channel planes R, G, B. For deeper layers an overview shows every filter (columns) ×
input channel (rows), and the selected filter's slices are shown large with its bias.
"""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QGraphicsRectItem,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSpinBox,
    QTabBar,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from guiapp.core.explain.filter_patches import FilterPatches
from guiapp.core.live.mosaic import (
    Grid,
    colour_kernels,
    grid_for,
    symmetric_levels,
    tile,
    tile_rgb,
)
from guiapp.core.model.inference import Inspector, LayerWeights
from guiapp.ui.plotting import DIVERGING_CMAP, GREY_CMAP, HIGHLIGHT, image_view
from guiapp.ui.kernels.filter_patches_view import SEARCHED_SHAPE, FilterPatchesView

COLUMNS = 8
CHANNEL_NAMES = ("R", "G", "B")


def _image_widget(height: int, cmap: pg.ColorMap = DIVERGING_CMAP, colour_bar: bool = True
                  ) -> tuple[pg.GraphicsLayoutWidget, pg.ImageItem, pg.ColorBarItem | None]:
    plot, image, bar = image_view(cmap, colour_bar=colour_bar)
    plot.setMinimumHeight(height)
    return plot, image, bar


def overview_mosaic(kernel: np.ndarray) -> tuple[np.ndarray, Grid]:
    """(FH, FW, Cin, Cout) → one image: a column of Cin slices per filter, one row per input channel."""
    fh, fw, cin, cout = kernel.shape
    grid = grid_for(cin * cout, fh, fw, cols=cout)
    return tile(kernel.reshape(fh, fw, cin * cout), grid), grid  # channel-major: row c holds every filter


class ConvKernelPanel(QWidget):
    """The kernels of one Conv2D layer; ``colour``: it reads an RGB image (its filters are shown in colour)."""

    def __init__(self, weights: LayerWeights, colour: bool = False) -> None:
        super().__init__()
        assert weights.kernel is not None
        self.name = weights.name
        self.kernel = weights.kernel
        self.bias = weights.bias if weights.bias is not None else np.zeros(weights.kernel.shape[-1], np.float32)
        fh, fw, cin, cout = self.kernel.shape
        self.colour = colour and cin == 3
        self.levels = symmetric_levels(self.kernel)
        self.colour_picture: np.ndarray | None = None  # (h, w, 4) RGBA of every filter, for an RGB input
        layout = QVBoxLayout(self)
        header = QLabel(
            f"<b>{html.escape(self.name)}</b>: {cout} filters of {fh}×{fw}×{cin} "
            f"= {fh}·{fw}·{cin} weights + 1 bias each; colour 0 = white, ±{self.levels[1]:.3g} = red/blue"
        )
        header.setTextFormat(Qt.TextFormat.RichText)
        header.setWordWrap(True)
        layout.addWidget(header)
        self.selected = 0
        self.detail_image: pg.ImageItem | None = None
        if cin == 1:  # every filter in one mosaic, with its bias underneath
            self._grid = grid_for(cout, fh, fw, cols=COLUMNS)
            self.all_plot, self.all_image, bar = _image_widget(220)
            self.all_image.setImage(tile(self.kernel[:, :, 0, :], self._grid), levels=self.levels)
            bar.setLevels(self.levels)
            layout.addWidget(self.all_plot, 1)
            note = QLabel("biases — " + ", ".join(f"{i}: {b:+.3f}" for i, b in enumerate(self.bias)))
            note.setWordWrap(True)
            layout.addWidget(note)
        else:
            self._build_detail(layout)
            if self.colour:
                self._build_colour_overview(layout)
            else:
                caption = QLabel(f"all {cout} filters (columns) × {cin} input channels (rows) — click a column")
                caption.setWordWrap(True)
                layout.addWidget(caption)
                overview, self._grid = overview_mosaic(self.kernel)
                self.all_plot, self.all_image, bar = _image_widget(200)
                self.all_image.setImage(overview, levels=self.levels)
                bar.setLevels(self.levels)
                layout.addWidget(self.all_plot, 1)
        self.marker = self._add_marker()
        self.all_plot.scene().sigMouseClicked.connect(self._on_mosaic_clicked)
        self.patches = FilterPatchesView()
        layout.addWidget(self.patches, 1)
        self.select_filter(0)

    def _build_detail(self, layout: QVBoxLayout) -> None:
        """The selected filter: a spin box, its bias, its slices large (and its colour swatch for RGB)."""
        cout = self.kernel.shape[3]
        row = QHBoxLayout()
        row.addWidget(QLabel("filter"))
        self.spin = QSpinBox()
        self.spin.setRange(0, cout - 1)
        self.spin.valueChanged.connect(self.select_filter)
        row.addWidget(self.spin)
        self.bias_label = QLabel()
        self.bias_label.setWordWrap(True)  # a narrow tab wraps it rather than widening the panel
        row.addWidget(self.bias_label, 1)
        layout.addLayout(row)
        self.detail_plot, self.detail_image, self.detail_bar = _image_widget(180)
        if self.colour:  # the filter as one colour swatch beside its R, G and B planes
            self.swatch_plot, self.swatch_image, _ = _image_widget(180, GREY_CMAP, colour_bar=False)
            images = QHBoxLayout()
            images.addWidget(self.swatch_plot, 1)
            images.addWidget(self.detail_plot, 3)
            layout.addLayout(images, 1)
        else:
            layout.addWidget(self.detail_plot, 1)

    def _build_colour_overview(self, layout: QVBoxLayout) -> None:
        fh, fw, _, cout = self.kernel.shape
        caption = QLabel(f"all {cout} filters in colour (grey = 0; a channel brighter where its weight "
                         "is positive; each filter scaled to its largest weight) — click one")
        caption.setWordWrap(True)
        layout.addWidget(caption)
        self._grid = grid_for(cout, fh, fw, cols=COLUMNS)
        self._colours = colour_kernels(self.kernel)
        self.colour_picture = tile_rgb(self._colours, self._grid)
        self.all_plot, self.all_image, _ = _image_widget(200, GREY_CMAP, colour_bar=False)
        self.all_image.setImage(self.colour_picture, autoLevels=False, levels=(0, 255))
        layout.addWidget(self.all_plot, 1)

    def _add_marker(self) -> QGraphicsRectItem:
        marker = QGraphicsRectItem()
        marker.setPen(pg.mkPen(HIGHLIGHT, width=2, cosmetic=True))
        self.all_image.getViewBox().addItem(marker, ignoreBounds=True)
        return marker

    def select_filter(self, index: int) -> None:
        self.selected = int(index)
        fh, fw, cin, _ = self.kernel.shape
        if self.detail_image is not None:
            if self.spin.value() != index:
                self.spin.setValue(index)  # comes back here through valueChanged
                return
            grid = grid_for(cin, fh, fw, cols=min(COLUMNS, cin))
            self.detail_image.setImage(tile(self.kernel[:, :, :, index], grid), levels=self.levels)
            self.detail_bar.setLevels(self.levels)
            slices = "R, G, B planes" if self.colour else f"{cin} input-channel slices"
            self.bias_label.setText(f"{slices} of filter {index} · bias {self.bias[index]:+.4f}")
            if self.colour:
                self.swatch_image.setImage(tile_rgb(self._colours[..., index:index + 1], grid_for(1, fh, fw)),
                                           autoLevels=False, levels=(0, 255))
        if self.detail_image is None or self.colour:  # one tile per filter: outline it
            top, left = self._grid.origin(self.selected)
            self.marker.setRect(left - 0.5, top - 0.5, fw + 1, fh + 1)
        else:  # a column per filter
            _, x = self._grid.origin(index)
            self.marker.setRect(x - 0.5, -0.5, fw + 1, self._grid.shape[0] + 1)
        self.patches.show_filter(self.selected)

    def _on_mosaic_clicked(self, event) -> None:
        point = self.all_image.mapFromScene(event.scenePos())
        index = self._grid.index_at(point.y(), point.x())
        if index is not None:
            self.select_filter(index % self.kernel.shape[3])  # a tile is the filter; channels: its column


def tab_label(name: str) -> str:
    """A layer's name as a tab shows it verbatim: Qt would take an "&" as a shortcut marker and hide it."""
    return name.replace("&", "&&")


class LayerNameTabBar(QTabBar):
    """Tabs tall enough for a name's "_": the style's own height clipped it under the text, "conv2d 1"."""

    def tabSizeHint(self, index: int) -> QSize:  # noqa: N802 (Qt's name)
        hint = super().tabSizeHint(index)
        return QSize(hint.width(), hint.height() + self.fontMetrics().descent() + 2)


def _scrolled(panel: ConvKernelPanel) -> QScrollArea:
    """The panel in a scroll area of its own: it scrolls on a short tab rather than drawing its wrapped captions
    over its plots (a scroll area sizes a panel by its wrapped height; a tab widget does not)."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # its captions wrap instead
    area.setWidget(panel)
    return area


class KernelView(QTabWidget):
    """One tab per convolution layer, named as the layer is."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kernels")
        self.setTabBar(LayerNameTabBar(self))
        self.panels: dict[str, ConvKernelPanel] = {}

    def show_model(self, inspector: Inspector) -> None:
        """A tab per Conv2D layer of a newly loaded model; the one reading an RGB image shows colours."""
        self.set_weights(dict(inspector.weights), rgb_input=rgb_reader(inspector))
        for panel in self.panels.values():
            panel.patches.set_searchable(inspector.input_shape == SEARCHED_SHAPE)

    def set_weights(self, weights: dict[str, LayerWeights], rgb_input: str | None = None) -> None:
        """A tab per Conv2D layer in ``weights``; ``rgb_input`` names the layer that reads an RGB image."""
        old = [QTabWidget.widget(self, index) for index in range(self.count())]
        self.clear()
        for area in old:
            area.deleteLater()  # the previous model's panels (clear() only takes them off the tabs)
        self.panels = {}
        for name, layer in weights.items():
            if layer.kind == "Conv2D" and layer.kernel is not None and layer.kernel.ndim == 4:
                panel = ConvKernelPanel(layer, colour=name == rgb_input)
                self.panels[name] = panel
                self.setTabToolTip(self.addTab(_scrolled(panel), tab_label(name)), name)

    def current_panel(self) -> ConvKernelPanel | None:
        """The panel of the tab on show."""
        panel = self.currentWidget()
        return panel if isinstance(panel, ConvKernelPanel) else None

    # The scroll areas are this widget's business: widget(), currentWidget() and setCurrentWidget() speak of panels.
    def widget(self, index: int) -> QWidget | None:
        area = super().widget(index)
        return area.widget() if isinstance(area, QScrollArea) else area

    def currentWidget(self) -> QWidget | None:  # noqa: N802 (Qt's name)
        return self.widget(self.currentIndex())

    def setCurrentWidget(self, panel: QWidget) -> None:  # noqa: N802 (Qt's name)
        for index in range(self.count()):
            if panel is self.widget(index) or panel is QTabWidget.widget(self, index):
                self.setCurrentIndex(index)
                return

    def set_patches(self, patches: FilterPatches | None, digits: np.ndarray | None) -> None:
        """Each filter's favourite patches (``digits``: the images they index, 0..1); None clears."""
        for name, panel in self.panels.items():
            layer = patches.layers.get(name) if patches is not None else None
            panel.patches.set_patches(layer, digits)

    def set_patch_progress(self, done: int, total: int) -> None:
        for panel in self.panels.values():
            panel.patches.set_progress(done, total)

    def show_filter(self, layer: str, index: int | None) -> None:
        """Show filter ``index`` of ``layer``; nothing for a layer without kernels (a pool, a dense)."""
        if layer in self.panels and index is not None:
            self.setCurrentWidget(self.panels[layer])
            self.panels[layer].select_filter(index)


_KEEP_COLOURS = ("InputLayer", "Rescaling", "Normalization", "Dropout", "GaussianNoise", "ZeroPadding2D")


def rgb_reader(inspector: Inspector) -> str | None:
    """The Conv2D layer that reads the RGB input image itself, if there is one."""
    if not inspector.is_rgb:
        return None
    for info in inspector.layer_infos:
        if info.kind == "Conv2D" and info.input_shape[-1] == 3:
            return info.name
        if info.kind not in _KEEP_COLOURS:
            return None  # something changed the image before the first convolution
    return None


if __name__ == "__main__":  # look at the panel alone, with random kernels
    import sys

    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    rng = np.random.default_rng(0)
    view = KernelView()
    view.set_weights({
        "conv2d": LayerWeights("conv2d", "Conv2D", rng.normal(0, 0.2, (3, 3, 3, 32)), rng.normal(0, 0.02, 32)),
        "conv2d_1": LayerWeights("conv2d_1", "Conv2D", rng.normal(0, 0.1, (3, 3, 32, 64)), rng.normal(0, 0.02, 64)),
    }, rgb_input="conv2d")
    view.resize(600, 800)
    view.show()
    sys.exit(app.exec())
