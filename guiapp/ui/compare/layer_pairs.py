"""Each layer of A beside its counterpart in B (matched by position in the chain), and A − B where the shapes
agree: one row per position, three pictures, the shapes and the drawing's live similarity in its heading.

Only rows on screen are drawn; the differences (colourised here, in the GUI thread: under a millisecond a
layer) follow the pen at most :data:`DIFFERENCE_EVERY_S` apart while it moves, and exactly at rest.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from guiapp.core.live.layer_picture import SHARED, colourise, layout
from guiapp.core.live.live_update import shown_as_copy
from guiapp.ui.plotting import GREY_CMAP, image_view

if TYPE_CHECKING:
    from guiapp.core.compare.pairing import LayerPair
    from guiapp.core.live.live_update import Update

# Blue – black – red: zero is dark like the activation mosaics beside it, so only differences light up.
DIFFERENCE_CMAP = pg.ColorMap([0.0, 0.5, 1.0], [(40, 90, 255), (0, 0, 0), (255, 50, 40)])
DIVERGING_LUT = DIFFERENCE_CMAP.getLookupTable(nPts=256, alpha=True).astype("uint8")
ROW_HEIGHT = 150
DIFFERENCE_EVERY_S = 0.2  # while the pen moves
PIXEL_LEVELS = (0.0, 255.0)


def _shape(shape: tuple[int, ...] | None) -> str:
    return "×".join(str(size) for size in shape) if shape else "—"


def difference_picture(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, float]:
    """A − B laid out as the layer's mosaic, blue (B larger) – black – red (A larger), and its largest |value|."""
    difference = np.subtract(a, b, dtype=np.float32)
    values, _grid, _levels = layout(difference, SHARED)
    finite = np.abs(values[np.isfinite(values)])
    limit = float(finite.max()) if finite.size else 0.0
    limit = limit if limit > 0 else 1.0
    return colourise(values, (-limit, limit), DIVERGING_LUT), float(finite.max()) if finite.size else 0.0


class PairRow(QFrame):
    """One position: A's maps, B's maps, A − B."""

    def __init__(self, pair: LayerPair) -> None:
        super().__init__()
        self.pair = pair
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFixedHeight(ROW_HEIGHT)
        self.heading = QLabel("")
        self.heading.setObjectName("pair_heading")
        grid = QGridLayout(self)
        grid.setContentsMargins(4, 2, 4, 2)
        grid.setVerticalSpacing(0)
        grid.addWidget(self.heading, 0, 0, 1, 3)
        self.plots, self.images, self.notes = [], [], []
        for column in range(3):
            plot, image, _bar = image_view(GREY_CMAP)
            note = QLabel("")
            note.setWordWrap(True)
            grid.addWidget(plot, 1, column)
            grid.addWidget(note, 2, column)
            self.plots.append(plot)
            self.images.append(image)
            self.notes.append(note)
        self.similarity: float | None = None
        self.difference_max: float | None = None
        self._say()

    def _say(self) -> None:
        pair = self.pair
        a = f"A {pair.a} {_shape(pair.shape_a)}" if pair.a else "A has no layer here"
        b = f"B {pair.b} {_shape(pair.shape_b)}" if pair.b else "B has no layer here"
        similar = ""
        if self.similarity is not None and np.isfinite(self.similarity):
            similar = f" · the drawing seen alike: {self.similarity:+.2f}"
        self.heading.setText(f"<b>{pair.position + 1}</b> · {a} ↔ {b}{similar}")

    def set_similarity(self, value: float | None) -> None:
        if value != self.similarity:
            self.similarity = value
            self._say()

    @property
    def on_screen(self) -> bool:
        return self.isVisible() and not self.visibleRegion().isEmpty()

    def show_side(self, column: int, update: Update | None, name: str | None, kind: str | None) -> None:
        """A's (0) or B's (1) maps of this position."""
        image, note = self.images[column], self.notes[column]
        picture = update.pictures.get(name) if update is not None and name is not None else None
        if picture is not None:
            image.setImage(picture.rgba, levels=PIXEL_LEVELS, autoLevels=False)
            image.setVisible(True)
            note.setText("")
            return
        image.setVisible(False)
        if name is None:
            note.setText("")
        elif kind is not None and shown_as_copy(kind):
            note.setText(f"{name}: a dropout passes its input on unchanged at inference")
        else:
            note.setText("computing…" if update is None else "")

    def show_difference(self, a: Update | None, b: Update | None) -> None:
        image, note = self.images[2], self.notes[2]
        pair = self.pair
        if not pair.same_shape:
            image.setVisible(False)
            note.setText(f"shapes differ ({_shape(pair.shape_a)} against {_shape(pair.shape_b)}): no difference")
            return
        if a is None or b is None or (pair.kind_a is not None and shown_as_copy(pair.kind_a)):
            image.setVisible(False)
            note.setText("" if a is not None and b is not None else "waiting for both")
            return
        try:
            rgba, largest = difference_picture(a.result.layer(pair.a).activation, b.result.layer(pair.b).activation)
        except KeyError:
            return  # an update from a model since replaced
        image.setImage(rgba, levels=PIXEL_LEVELS, autoLevels=False)
        image.setVisible(True)
        self.difference_max = largest
        note.setText(f"A − B: largest |difference| {largest:.3g} (red: A larger, blue: B larger)")


class LayerPairsView(QScrollArea):
    """The rows, scrolled; :meth:`show_updates` draws the rows on screen with the newest A and B."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setObjectName("layer_pairs")
        self._inner = QWidget()
        self._layout = QVBoxLayout(self._inner)
        self._layout.setContentsMargins(2, 2, 2, 2)
        self._layout.setSpacing(4)
        self.setWidget(self._inner)
        self.rows: list[PairRow] = []
        self._difference_at = 0.0
        self.verticalScrollBar().valueChanged.connect(lambda _value: self._catch_up())
        self._last: tuple[Update | None, Update | None] = (None, None)

    def set_pairs(self, pairs: tuple[LayerPair, ...]) -> None:
        for row in self.rows:
            row.setParent(None)
            row.deleteLater()
        self.rows = [PairRow(pair) for pair in pairs]
        for row in self.rows:
            self._layout.addWidget(row)
        self._layout.addStretch(1)

    def row_of(self, layer_a: str | None = None, layer_b: str | None = None) -> PairRow | None:
        return next((row for row in self.rows if (layer_a is None or row.pair.a == layer_a)
                     and (layer_b is None or row.pair.b == layer_b)), None)

    def set_similarity(self, values: dict[int, float]) -> None:
        """The drawing's similarity per position (positions missing: none shown)."""
        for row in self.rows:
            row.set_similarity(values.get(row.pair.position))

    def show_updates(self, a: Update | None, b: Update | None, moving: bool) -> None:
        """Draw the rows on screen with A's and B's newest updates."""
        self._last = (a, b)
        now = time.monotonic()
        differences = not moving or now - self._difference_at >= DIFFERENCE_EVERY_S
        if differences:
            self._difference_at = now
        for row in self.rows:
            if not row.on_screen:
                continue
            row.show_side(0, a, row.pair.a, row.pair.kind_a)
            row.show_side(1, b, row.pair.b, row.pair.kind_b)
            if differences:
                row.show_difference(a, b)

    def _catch_up(self) -> None:
        """Rows scrolled into sight are drawn at once."""
        self.show_updates(*self._last, moving=False)
