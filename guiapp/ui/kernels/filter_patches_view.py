"""What one filter looks for: the MNIST patches that excite it most, enlarged, above the digits they come from."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import (
    QGraphicsRectItem,
    QLabel,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from guiapp.core.explain.filter_patches import LayerPatches
from guiapp.ui.plotting import GREY_CMAP, HIGHLIGHT, image_view

SEARCHED_SHAPE = (28, 28, 1)  # the patches are searched in the MNIST test digits: models that take those
NOT_SEARCHED = ("What this filter looks for is searched in the MNIST test digits (28×28 grey), "
                "which this model does not take.")
TILE = 28  # every tile is drawn 28×28: a digit as it is, a patch enlarged by whole pixels
GAP = 3


def patch_strip(layer: LayerPatches, f: int, digits: np.ndarray) -> np.ndarray:
    """Two rows of tiles: the filter's top patches (enlarged), and below each the whole digit."""
    k = layer.values.shape[1]
    image = np.full((2 * TILE + GAP, k * (TILE + GAP) - GAP), np.nan, np.float32)
    for r in range(k):
        patch = layer.patches[f, r]
        scale = max(1, TILE // max(patch.shape))
        big = np.kron(patch, np.ones((scale, scale), np.float32))
        top, left = (TILE - big.shape[0]) // 2, r * (TILE + GAP) + (TILE - big.shape[1]) // 2
        image[top:top + big.shape[0], left:left + big.shape[1]] = big
        x = r * (TILE + GAP)
        image[TILE + GAP:, x:x + TILE] = digits[layer.images[f, r]]
    return image


class FilterPatchesView(QWidget):
    """The selected filter's top patches; a progress bar while they are being searched for."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("filter_patches")
        self.title = QLabel("What this filter looks for: appears once the MNIST digits have been searched.")
        self.title.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setFormat("Finding the MNIST patches that excite each filter… %p%")
        self.progress.hide()
        self.plot, self.image, _ = image_view(GREY_CMAP)
        self.plot.setMinimumHeight(100)
        self.plot.setMaximumHeight(170)  # two rows of nine tiles: wider than tall
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.progress)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.caption)
        self.layer: LayerPatches | None = None
        self.digits: np.ndarray | None = None
        self.filter = 0
        self.image_data: np.ndarray | None = None
        self._outlines: list[QGraphicsRectItem] = []

    def set_searchable(self, searchable: bool) -> None:
        """Whether the MNIST digits fit the model: if not, say so instead of waiting for patches forever."""
        self.plot.setVisible(searchable)
        if not searchable:
            self.set_patches(None, None)
            self.title.setText(NOT_SEARCHED)

    def set_progress(self, done: int, total: int) -> None:
        self.progress.setVisible(done < total)
        self.progress.setRange(0, total)
        self.progress.setValue(done)

    def set_patches(self, layer: LayerPatches | None, digits: np.ndarray | None) -> None:
        """The layer's patches and the digits (N, 28, 28, 0..1) they index; None clears."""
        self.layer, self.digits = layer, digits
        self.progress.hide()
        self.show_filter(self.filter)

    def show_filter(self, f: int) -> None:
        self.filter = int(f)
        layer, digits = self.layer, self.digits
        if layer is None or digits is None or not 0 <= self.filter < layer.filters:
            self.image.clear()
            self.image_data = None
            return
        self.image_data = patch_strip(layer, self.filter, digits)
        self.image.setImage(self.image_data, levels=(0.0, 1.0), autoLevels=False)
        k = layer.values.shape[1]
        box = self.image.getViewBox()
        while len(self._outlines) < k:
            item = QGraphicsRectItem()
            item.setPen(pg.mkPen(HIGHLIGHT, width=1.5, cosmetic=True))
            box.addItem(item, ignoreBounds=True)
            self._outlines.append(item)
        for r, item in enumerate(self._outlines[:k]):
            field = layer.field(self.filter, r).clipped(TILE, TILE)
            x0 = r * (TILE + GAP)
            item.setRect(QRectF(x0 + field.left, TILE + GAP + field.top, field.right - field.left,
                                field.bottom - field.top))
        fh, fw = layer.patches.shape[2:]
        self.title.setText(
            f"<b>What filter {self.filter} of {layer.layer} looks for</b>: the {k} {fh}×{fw} patches of the "
            f"{len(digits):,} shipped MNIST test digits that excite it most (top), and where they sit (below)."
        )
        values = " · ".join(f"{v:.2f} (a {label})" for v, label in zip(layer.values[self.filter],
                                                                      layer.labels[self.filter]))
        self.caption.setText(f"activations, largest first: {values}")
