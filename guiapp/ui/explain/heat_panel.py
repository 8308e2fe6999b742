"""One evidence map: the network input in grey, the map over it (red for, blue against), a colour bar."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QGraphicsItem, QLabel, QVBoxLayout, QWidget

from guiapp.core.explain.heatmap import diverging_rgba, overlay_on
from guiapp.ui.plotting import GREY_CMAP, image_view

# The colour bar's colours, as diverging_rgba paints them over black (its ends and its transparent middle).
BAR_CMAP = pg.ColorMap([0.0, 0.5, 1.0], [(40, 90, 255), (0, 0, 0), (255, 50, 40)])
# A map is finished uint8 RGB, already coloured to ±limit: shown as it is. Said with every map, because the
# image item keeps the last levels it was given, and a cleared panel's 0..1 input would turn it to silhouettes.
PIXEL_LEVELS = (0.0, 255.0)
INPUT_LEVELS = (0.0, 1.0)  # the bare input (no map), 0..1


class HeatPanel(QWidget):
    """A titled map; :meth:`show_map` takes the input and the values, :meth:`settle` writes the bar's numbers."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(f"<b>{title}</b>")
        self.plot, self.image, self.bar = image_view(GREY_CMAP, colour_bar=True, link_bar=False)
        assert self.bar is not None
        self.bar.setColorMap(BAR_CMAP)
        # The bar changes only at rest: painted from a cached pixmap, not re-rendered (ticks, text) every frame.
        self.bar.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.plot.setMinimumSize(150, 130)
        self.note = QLabel("")
        self.note.setWordWrap(True)
        self.note.setObjectName("heat_note")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.note)
        self.values: np.ndarray | None = None  # what is shown (None: nothing)
        self._input: np.ndarray | None = None  # the input under it
        self.limit = 0.0
        self._shown_limit = -1.0

    def show_map(self, image: np.ndarray, values: np.ndarray, limit: float, note: str = "",
                 moving: bool = False) -> None:
        """``values`` (H, W) over ``image`` (H, W[, 3]) in 0..1, coloured to ±``limit``."""
        self.values, self.limit, self._input = values, limit, image
        # One picture, composed here (28×28: microseconds): a second image item on top cost a paint of its own.
        self.image.setImage(overlay_on(image, diverging_rgba(values, limit), paper=False),
                            levels=PIXEL_LEVELS, autoLevels=False)
        self.set_note(note)
        if not moving:
            self.settle()

    def clear(self, note: str, image: np.ndarray | None = None) -> None:
        """No map (not computed yet, or it does not apply) over ``image``: say why."""
        shown = image if image is not None else self._input
        if shown is not None and (image is not None or self.values is not None):  # the old map goes
            self.image.setImage(shown, levels=INPUT_LEVELS, autoLevels=False)
            self._input = shown
        self.values = None
        self.set_note(note)

    def set_note(self, note: str) -> None:
        if note != self.note.text():
            self.note.setText(note)

    def settle(self) -> None:
        """The bar's numbers (re-laying out the axis costs milliseconds: not at pointer rate)."""
        limit = self.limit if self.limit > 0 else 1.0
        if abs(limit - self._shown_limit) > 1e-9:
            assert self.bar is not None
            self.bar.setLevels((-limit, limit))
            self._shown_limit = limit
