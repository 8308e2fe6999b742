"""The kernels of the first two convolutions as training changes them, and optionally the last step's change.

Each picture is one ImageItem built once; a new set of kernels only re-tiles numbers and calls
``setImage``, so the board can be redrawn a few times a second while the network trains.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSignalBlocker, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QGraphicsRectItem,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from guiapp.core.live.mosaic import Grid, grid_for, symmetric_levels, tile
from guiapp.ui.plotting import DIVERGING_CMAP, HIGHLIGHT, image_view
from guiapp.ui.kernels.kernels import COLUMNS, overview_mosaic

MINIMUM_IMAGE_HEIGHT = 36  # a 540-pixel-high window still shows every picture
COLOUR_NOTE = "blue < 0 < red; white is 0. Each picture is scaled to its own largest |value|."
EMPTY = np.zeros((0, 0), np.float32)


def _mosaic(kernel: np.ndarray) -> tuple[np.ndarray, Grid]:
    """One filter per tile for a single input channel (8 columns), else filters (columns) × channels (rows)."""
    fh, fw, cin, cout = kernel.shape
    if cin == 1:
        grid = grid_for(cout, fh, fw, cols=min(COLUMNS, cout))
        return tile(kernel[:, :, 0, :], grid), grid
    return overview_mosaic(kernel)


def _slices(kernel: np.ndarray, index: int) -> np.ndarray:
    """Filter ``index``'s input-channel slices, large: a grid of up to 8 columns."""
    fh, fw, cin, _ = kernel.shape
    return tile(kernel[:, :, :, index], grid_for(cin, fh, fw, cols=min(COLUMNS, cin)))


def _arithmetic(name: str, kernel: np.ndarray) -> str:
    fh, fw, cin, cout = kernel.shape
    return (f"<b>{name}</b> (colours ±{symmetric_levels(kernel)[1]:.3g}): {cout} filters of "
            f"{fh}×{fw}×{cin} = {fh * fw * cin} weights + 1 bias each")


class _Picture(QWidget):
    """A heading over one diverging-colour image."""

    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.plot, self.image, _ = image_view(DIVERGING_CMAP)
        self.plot.setMinimumHeight(MINIMUM_IMAGE_HEIGHT)
        layout.addWidget(self.heading)
        layout.addWidget(self.plot, 1)
        self.picture = EMPTY

    def show_values(self, picture: np.ndarray, levels: tuple[float, float], heading: str) -> None:
        self.picture = picture
        self.image.setImage(picture, levels=levels)
        self.heading.setText(heading)

    def clear(self, heading: str = "") -> None:
        self.picture = EMPTY
        self.image.clear()
        self.heading.setText(heading)

    def add_marker(self) -> QGraphicsRectItem:
        marker = QGraphicsRectItem()
        marker.setPen(pg.mkPen(HIGHLIGHT, width=2, cosmetic=True))
        self.image.getViewBox().addItem(marker, ignoreBounds=True)
        marker.hide()
        return marker


class KernelBoard(QWidget):
    """conv 1's filters, conv 2's filters × channels and the selected conv 2 filter, updated as they train."""

    filterSelected = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._names: tuple[str, str | None] = ("conv 1", "conv 2")
        self._first: np.ndarray | None = None
        self._second: np.ndarray | None = None
        self._updates: tuple[np.ndarray, np.ndarray | None] | None = None
        self._second_grid: Grid | None = None
        self._second_levels = (-1.0, 1.0)
        self.selected = 0

        controls = QHBoxLayout()
        self.show_updates = QCheckBox("Show last update")
        self.show_updates.setToolTip("Beside each layer: what the last gradient step changed (new − old)")
        self.show_updates.toggled.connect(self._on_show_updates)
        controls.addWidget(self.show_updates)
        note = QLabel(COLOUR_NOTE)
        note.setWordWrap(True)
        controls.addWidget(note, 1)

        self.first_view, self.first_update_view = _Picture(), _Picture()
        self.second_view, self.second_update_view = _Picture(), _Picture()
        self.detail_view = _Picture()
        self.first_view.heading.setToolTip("Each tile is one filter; the same scale for all of them")
        self.second_view.heading.setToolTip("A column per filter, a row per input channel — click a column")
        self.marker = self.second_view.add_marker()
        self.update_marker = self.second_update_view.add_marker()

        filter_row = QHBoxLayout()
        filter_row.addWidget(QLabel("filter"))
        self.spin = QSpinBox()
        self.spin.setRange(0, 0)
        self.spin.valueChanged.connect(self.select_filter)
        filter_row.addWidget(self.spin)
        filter_row.addStretch(1)

        # One column, as the page gives it: conv 1 with its update beside it (both small, 2:1), conv 2's
        # overview (64 × 32 tiles: it needs the width) with its update under it, then the chosen filter.
        first_row = QHBoxLayout()
        first_row.addWidget(self.first_view, 1)
        first_row.addWidget(self.first_update_view, 1)
        self.second_part = QWidget()  # with the detail: hidden for a network with a single convolution
        second = QVBoxLayout(self.second_part)
        second.setContentsMargins(0, 0, 0, 0)
        second.addWidget(self.second_view, 1)
        second.addWidget(self.second_update_view, 1)
        self.detail_part = QWidget()
        detail = QVBoxLayout(self.detail_part)
        detail.setContentsMargins(0, 0, 0, 0)
        detail.addLayout(filter_row)
        detail.addWidget(self.detail_view, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(controls)
        layout.addLayout(first_row, 2)
        layout.addWidget(self.second_part, 4)
        layout.addWidget(self.detail_part, 2)

        for view in (self.second_view, self.second_update_view):
            view.plot.scene().sigMouseClicked.connect(
                lambda event, image=view.image: self._on_overview_clicked(event, image))
        self._on_show_updates(False)
        self.clear()

    # ----- data in
    def set_layers(self, names: tuple[str, str | None]) -> None:
        """The layer names the headings use (shown from the next ``set_kernels``)."""
        self._names = names

    def set_kernels(self, first: np.ndarray, second: np.ndarray | None,
                    updates: tuple[np.ndarray, np.ndarray | None] | None = None) -> None:
        """New kernels (FH, FW, Cin, Cout) of the first two convolutions, and the last step's change to them.

        The arrays are kept, not copied: pass ones nobody changes afterwards.
        """
        self._first, self._second, self._updates = first, second, updates
        picture, _ = _mosaic(first)
        self.first_view.show_values(picture, symmetric_levels(first), _arithmetic(self._names[0], first))
        self.second_part.setVisible(second is not None)
        self.detail_part.setVisible(second is not None)
        if second is not None:
            cout = second.shape[3]
            if self.spin.maximum() != cout - 1:
                with QSignalBlocker(self.spin):
                    self.spin.setRange(0, cout - 1)
            self.selected = min(self.selected, cout - 1)
            overview, self._second_grid = overview_mosaic(second)
            self._second_levels = symmetric_levels(second)
            name = self._names[1] or "conv 2"
            self.second_view.show_values(overview, self._second_levels, _arithmetic(name, second)
                                         + "; a column per filter, a row per input channel: click one")
            self._show_selected()
        self._show_updates()

    def clear(self) -> None:
        """Nothing trained yet: no pictures, no headings."""
        self._first = self._second = None
        self._updates = None
        self._second_grid = None
        for view in (self.first_view, self.first_update_view, self.second_view, self.second_update_view,
                     self.detail_view):
            view.clear()
        self.marker.hide()
        self.update_marker.hide()

    # ----- the selected conv 2 filter
    def select_filter(self, index: int) -> None:
        """Show filter ``index`` of the second layer large and outline its column in the overview."""
        index = int(index)
        if self._second is not None:
            index = max(0, min(index, self._second.shape[3] - 1))
        changed = index != self.selected
        self.selected = index
        if self.spin.value() != index:
            with QSignalBlocker(self.spin):
                self.spin.setValue(index)
        self._show_selected()
        if changed:
            self.filterSelected.emit(index)

    def _show_selected(self) -> None:
        if self._second is None or self._second_grid is None:
            return
        fh, fw, cin, _ = self._second.shape
        self.detail_view.show_values(
            _slices(self._second, self.selected), self._second_levels,
            f"filter {self.selected} of {self._names[1] or 'conv 2'}: {cin} slices of {fh}×{fw}, "
            f"one per input channel")
        _, x = self._second_grid.origin(self.selected)
        rect = (x - 0.5, -0.5, fw + 1, self._second_grid.shape[0] + 1)
        for marker in (self.marker, self.update_marker):
            marker.setRect(*rect)
        self.marker.show()
        self.update_marker.setVisible(self.update_pictures()[1] is not None)

    def _on_overview_clicked(self, event, image: pg.ImageItem) -> None:
        if self._second is None or self._second_grid is None:
            return
        point = image.mapFromScene(event.scenePos())
        index = self._second_grid.index_at(point.y(), point.x())
        if index is not None:
            self.select_filter(index % self._second.shape[3])  # channel-major: a tile's column is its filter

    # ----- the last update
    def _on_show_updates(self, on: bool) -> None:
        for view in (self.first_update_view, self.second_update_view):
            view.setVisible(on)
        self._show_updates()

    def _show_updates(self) -> None:
        """Tile the last step's change, only while it is shown (it costs as much as the kernels)."""
        if not self.show_updates.isChecked():
            self.first_update_view.clear()
            self.second_update_view.clear()
            self.update_marker.hide()
            return
        first, second = self._updates if self._updates is not None else (None, None)
        for view, change in ((self.first_update_view, first), (self.second_update_view, second)):
            if change is None:
                view.clear("last update (none yet)")
            else:
                levels = symmetric_levels(change)
                view.show_values(_mosaic(change)[0], levels, f"last update (±{levels[1]:.2g})")
        self.update_marker.setVisible(second is not None and self._second is not None)

    # ----- read-only views, for tests and the page
    def first_picture(self) -> np.ndarray:
        return self.first_view.picture

    def second_picture(self) -> np.ndarray:
        return self.second_view.picture

    def detail_picture(self) -> np.ndarray:
        return self.detail_view.picture

    def update_pictures(self) -> tuple[np.ndarray | None, np.ndarray | None]:
        """The update mosaics shown now; None where hidden or not given."""
        return tuple(view.picture if view.picture.size else None
                     for view in (self.first_update_view, self.second_update_view))
