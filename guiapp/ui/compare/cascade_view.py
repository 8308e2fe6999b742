"""The sanity check of Adebayo et al. (2018) for the drawing: each evidence method's map as the network's layers
are re-initialised from the top, with its rank correlation to the trained map, and the cascade plot of it.

The view only shows a cascade it is given (guiapp.core.compare.sanity computes it). Each map is scaled to its
own largest |value|, so a map that merely shrinks under randomisation still shows its shape.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPaintEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

import guiapp.ui.plotting  # noqa: F401  (pyqtgraph configured once, as in the app)
from guiapp.core.explain.explanation import TITLES
from guiapp.core.explain.heatmap import diverging_rgba, overlay_on
from guiapp.ui.compare.compute_bar import ComputeBar

MARGIN, GAP, TEXT_GAP = 6.0, 4.0, 2.0
CELL_MAX = 72.0  # pixels a map: 2.5× MNIST; smaller when many layers must fit
MAX_NAME_PX = 110.0
RHO_SCALE = 0.85  # the ρ under a map: its columns are narrow
BACKGROUND, FOREGROUND, DIM = QColor("#1e1e1e"), QColor("#d0d0d0"), QColor("#a0a0a0")
LINE_COLOURS = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1")  # Tableau 10
PLOT_W = 380
AXIS_ROOM = 70  # the plot's width taken by its y axis
LEGEND_ROOM = 0.9  # ρ units below the lowest line: the legend sits there, clear of the lines
MINUS = "\u2212"
HOW_TO_READ = ("A map that does not change when the network's weights are replaced by random ones does not "
               "explain what the network learned (Adebayo et al. 2018). Each column re-initialises one more layer "
               "from the top; ρ is the Spearman rank correlation of the map with the trained one.")
PROMPT = "Run the cascade to see each evidence map of the drawing as the layers are randomised."


def step_names(layers: list[str] | tuple[str, ...]) -> list[str]:
    """'trained', then '−dense_1', '−dense', …: the layer re-initialised at each step (with all above it)."""
    return ["trained"] + [f"{MINUS}{name}" for name in layers]


def rho_text(value: float) -> str:
    return f"ρ {MINUS if value < 0 else ''}{abs(value):.2f}" if math.isfinite(value) else "ρ –"


def map_picture(image: np.ndarray, values: np.ndarray) -> QImage:
    """``values`` (H, W) in red and blue over ``image``, scaled to its own largest |value|."""
    values = np.asarray(values, np.float32)
    finite = np.abs(values[np.isfinite(values)])
    limit = float(finite.max()) if finite.size else 0.0
    picture = np.asarray(image)
    picture = picture / 255.0 if np.issubdtype(picture.dtype, np.integer) else picture
    if picture.shape[:2] != values.shape:
        picture = np.zeros(values.shape, np.float32)  # a map of another size: drawn over black
    rgb = np.ascontiguousarray(overlay_on(picture, diverging_rgba(values, limit)))
    h, w = rgb.shape[:2]
    return QImage(rgb.data, w, h, rgb.strides[0], QImage.Format.Format_RGB888).copy()


class CascadeGrid(QWidget):
    """A row per method, a column per step; each cell the map with its ρ under it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.methods: tuple[str, ...] = ()
        self.steps: list[str] = []
        self.pictures: dict[str, list[QImage | None]] = {}
        self.texts: dict[str, list[str]] = {}
        self.problems: dict[str, str] = {}
        self.message = PROMPT
        self.rho_font = QFont(self.font())
        self.rho_font.setPointSizeF(self.font().pointSizeF() * RHO_SCALE)

    def sizeHint(self) -> QSize:
        return QSize(560, 360)

    def set_cascade(self, cascade: object, image: np.ndarray) -> None:
        self.problems = {m: str(p) for m, p in dict(getattr(cascade, "problems", {}) or {}).items() if p}
        # A method that could not be computed keeps its row, saying why.
        self.methods = tuple(cascade.methods) + tuple(m for m in self.problems if m not in cascade.methods)
        self.steps = step_names(tuple(cascade.layers))
        self.pictures, self.texts = {}, {}
        for method in self.methods:
            maps = list(cascade.maps.get(method, []))[: len(self.steps)]
            self.pictures[method] = [None if m is None else map_picture(image, m) for m in maps]
            ranks = list(cascade.rank.get(method, []))[: len(self.steps)]
            self.texts[method] = [rho_text(float(r)) for r in ranks]
        self.update()

    def clear(self, message: str = PROMPT) -> None:
        self.methods, self.steps, self.pictures, self.texts, self.problems = (), [], {}, {}, {}
        self.message = message
        self.update()

    def _layout(self) -> tuple[float, float, float, float, int]:
        """(x0, y0, cell, row names' width, header lines): headers too wide for a column take two staggered
        lines, so each has two columns' width."""
        fm = QFontMetricsF(self.font())
        line = fm.height()
        row_w = min(max((fm.horizontalAdvance(TITLES.get(m, m)) for m in self.methods), default=0.0), MAX_NAME_PX)
        head_w = max((fm.horizontalAdvance(s) for s in self.steps), default=0.0)
        cols, rows = max(len(self.steps), 1), max(len(self.methods), 1)
        by_width = (self.width() - 2 * MARGIN - row_w - GAP) / cols - GAP

        def fit(lines: int) -> float:
            by_height = (self.height() - 2 * MARGIN - lines * line - GAP) / rows - line - TEXT_GAP - GAP
            return math.floor(max(min(CELL_MAX, by_width, by_height), 8.0))

        cell, lines = fit(1), 1
        if head_w > cell + GAP and len(self.steps) > 1:
            cell, lines = fit(2), 2
        left = MARGIN + row_w + GAP
        spare = self.width() - MARGIN - left - cols * (cell + GAP)
        return left + max(spare, 0.0) / 2, MARGIN + lines * line + GAP, cell, row_w, lines

    def cell_rect(self, row: int, col: int) -> QRectF:
        """The map of method ``row`` at step ``col`` (its ρ is written under it)."""
        x0, y0, cell, _, _ = self._layout()
        line = QFontMetricsF(self.font()).height()
        return QRectF(x0 + col * (cell + GAP), y0 + row * (cell + line + TEXT_GAP + GAP), cell, cell)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), BACKGROUND)
        painter.setPen(FOREGROUND)
        if not self.methods:
            painter.drawText(self.rect().adjusted(8, 8, -8, -8), Qt.AlignmentFlag.AlignCenter
                             | Qt.TextFlag.TextWordWrap, self.message)
            painter.end()
            return
        x0, y0, cell, row_w, lines = self._layout()
        fm = QFontMetricsF(self.font())
        line = fm.height()
        room = lines * (cell + GAP)  # a header may spread over its neighbours' columns on the other line
        for c, name in enumerate(self.steps):
            centre = x0 + c * (cell + GAP) + cell / 2
            top = y0 - GAP - line * (lines - c % lines)
            painter.drawText(QRectF(centre - room / 2, top, room, line), Qt.AlignmentFlag.AlignCenter,
                             fm.elidedText(name, Qt.TextElideMode.ElideMiddle, room))
        for r, method in enumerate(self.methods):
            top = self.cell_rect(r, 0)
            painter.setPen(QColor(LINE_COLOURS[r % len(LINE_COLOURS)]))  # the row's title is its line's colour
            painter.drawText(QRectF(x0 - GAP - row_w, top.top(), row_w, cell), Qt.AlignmentFlag.AlignRight
                             | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap,
                             fm.elidedText(TITLES.get(method, method), Qt.TextElideMode.ElideRight, 2 * row_w))
            if method in self.problems:
                painter.setPen(DIM)
                width = len(self.steps) * (cell + GAP) - GAP
                painter.drawText(QRectF(x0, top.top(), width, cell + line), Qt.AlignmentFlag.AlignLeft
                                 | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap, self.problems[method])
                continue
            painter.setPen(FOREGROUND)
            painter.setFont(self.rho_font)
            for c, picture in enumerate(self.pictures.get(method, [])):
                rect = self.cell_rect(r, c)
                if picture is not None:
                    painter.drawImage(rect, picture)  # no smoothing: every input pixel a square
            for c, text in enumerate(self.texts.get(method, [])):
                rect = self.cell_rect(r, c)
                painter.drawText(QRectF(rect.left() - GAP, rect.bottom() + TEXT_GAP, cell + 2 * GAP, line),
                                 Qt.AlignmentFlag.AlignCenter, text)
            painter.setFont(self.font())
        painter.end()


class CascadeView(QWidget):
    """How to read it and the Run button on top; the grid of maps and the cascade plot side by side."""

    computeRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.explanation = QLabel(HOW_TO_READ)
        self.explanation.setWordWrap(True)
        self.bar = ComputeBar("Run the cascade")
        self.grid = CascadeGrid()
        self.plot = pg.PlotWidget()
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.setFixedWidth(PLOT_W)
        self.plot.setLabel("left", "Spearman ρ to the trained map")
        self.plot.setLabel("bottom", "layers re-initialised from the top")
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        self.plot.addLine(y=0, pen=pg.mkPen("#808080", style=Qt.PenStyle.DashLine))
        self.legend = self.plot.addLegend(offset=(4, -4), brush="#1e1e1ecc")
        self.curves: dict[str, pg.PlotDataItem] = {}
        body = QHBoxLayout()
        body.addWidget(self.grid, 1)
        body.addWidget(self.plot)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.explanation)
        layout.addWidget(self.bar)
        layout.addLayout(body, 1)
        self.bar.clicked.connect(self.computeRequested)
        self.bar.show_message(PROMPT)

    def show_cascade(self, cascade: object, image: np.ndarray) -> None:
        """``cascade``: layers (randomised top-down, in order), methods, maps {method: [map per step]},
        rank {method: [ρ per step]}, problems {method: why it has no maps}; ``image``: the drawing as the
        network reads it."""
        self.grid.set_cascade(cascade, image)
        steps = step_names(tuple(cascade.layers))
        for curve in self.curves.values():
            self.plot.removeItem(curve)
        self.legend.clear()
        self.curves = {}
        lowest = 0.0
        for k, method in enumerate(self.grid.methods):
            rho = np.asarray(list(cascade.rank.get(method, []))[: len(steps)], float)
            if method in self.grid.problems or rho.size == 0:
                continue
            colour = LINE_COLOURS[k % len(LINE_COLOURS)]
            curve = self.plot.plot(np.arange(rho.size, dtype=float), rho, pen=pg.mkPen(colour, width=2),
                                   symbol="o", symbolSize=6, symbolBrush=colour, symbolPen=None, connect="finite",
                                   name=TITLES.get(method, method))
            self.curves[method] = curve
            if np.isfinite(rho).any():
                lowest = min(lowest, float(np.nanmin(rho)))
        self.plot.getAxis("bottom").setTicks([list(enumerate(self._tick_names(steps)))])
        self.plot.setXRange(-0.5, max(len(steps) - 1, 1) + 0.5, padding=0)
        self.plot.setYRange(min(lowest, 0.0) - LEGEND_ROOM, 1.05, padding=0)
        n = len(cascade.layers)
        values = "signed maps" if getattr(cascade, "signed", False) else "absolute values"
        target = int(getattr(cascade, "target", -1))
        explained = f"class {target} explained at every step · " if target >= 0 else ""
        self.bar.show_message(f"{n} layer{'' if n == 1 else 's'} randomised from the top, one after another · "
                              f"{explained}ρ on {values} · each map scaled to its own largest |value|")

    def _tick_names(self, steps: list[str]) -> list[str]:
        """The steps' names under the plot when they fit side by side; else 'trained', 1, 2, … (the grid's
        columns name the layers)."""
        axis = self.plot.getAxis("bottom")
        fm = QFontMetricsF(axis.style.get("tickFont") or self.font())
        room = (PLOT_W - AXIS_ROOM) / max(len(steps), 1)
        if max(fm.horizontalAdvance(s) for s in steps) + 6 <= room:
            return steps
        self.plot.setLabel("bottom", "layers randomised from the top (0 = trained)")
        return [str(k) for k in range(len(steps))]

    def show_progress(self, done: int, total: int) -> None:
        self.bar.show_progress(done, total)

    def show_message(self, text: str) -> None:
        """``text`` in the status line (the grid shows it too while it has nothing else)."""
        self.bar.show_message(text)
        if not self.grid.methods:
            self.grid.clear(text)

    def clear(self, text: str = PROMPT) -> None:
        self.grid.clear(text)
        for curve in self.curves.values():
            self.plot.removeItem(curve)
        self.curves = {}
        self.legend.clear()
        self.bar.show_message(text)


def sample_cascade(layers: tuple[str, ...] = ("dense_1", "dense", "conv2d_1", "conv2d"), seed: int = 0):
    """A made-up cascade over a drawn stroke: maps that fade into noise at different speeds."""
    from types import SimpleNamespace

    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[:28, :28]
    base = np.exp(-((xx - 14) ** 2 / 20 + (yy - 12) ** 2 / 60)) - 0.4 * np.exp(-((xx - 8) ** 2 + (yy - 20) ** 2) / 12)
    methods = ("gradient", "gradient-input", "gradcam", "ig", "occlusion")
    keep = {"gradient": 0.5, "gradient-input": 0.85, "gradcam": 0.3, "ig": 0.7, "occlusion": 0.4}
    maps, rank = {}, {}
    for method in methods:
        steps = [base * (keep[method] ** s) + (1 - keep[method] ** s) * rng.normal(0, 0.3, base.shape)
                 for s in range(len(layers) + 1)]
        maps[method] = steps
        rank[method] = [float(np.corrcoef(steps[0].ravel(), m.ravel())[0, 1]) for m in steps]
    rank["occlusion"][2] = float("nan")
    return SimpleNamespace(layers=layers, methods=methods, maps=maps, rank=rank, problems={})


def sample_image() -> np.ndarray:
    """A drawn 7, 28×28, 0..1."""
    image = np.zeros((28, 28), np.float32)
    image[6:9, 7:22] = 1.0
    for row in range(9, 24):
        col = 20 - (row - 9) // 2
        image[row, col - 1:col + 2] = 1.0
    return image


def demo() -> CascadeView:
    view = CascadeView()
    view.show_cascade(sample_cascade(), sample_image())
    view.computeRequested.connect(lambda: view.show_progress(2, 5))
    return view


if __name__ == "__main__":
    import sys

    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    window = demo()
    window.resize(900, 420)
    window.show()
    sys.exit(app.exec())
