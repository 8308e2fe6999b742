"""How alike two networks are inside: linear CKA between every layer of A and every layer of B, as a heatmap.

Rows are A's layers from the input down, columns B's; each cell prints its value. Clicking a cell asks for
both layers' maps of the current drawing (``cellChosen``), shown beside the matrix by :meth:`CkaView.show_pair`.
The view only shows what it is given: the matrix comes from guiapp.core.compare.cka, the pictures from
guiapp.core.live.layer_picture.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from guiapp.ui.compare.compute_bar import ComputeBar
from guiapp.ui.plotting import ACTIVATION_CMAP, ACTIVATION_LUT, HIGHLIGHT, image_view

MARGIN, GAP, BAR_W = 6.0, 4.0, 12.0
MAX_NAME_PX = 110.0  # layer names longer than this are cut
CELL_MAX = 72.0  # pixels a side: one layer against one is a cell, not the whole widget
VALUE_PX = (8, 13)  # smallest and largest cell-number font, pixels
BACKGROUND, FOREGROUND, ACCENT = QColor("#1e1e1e"), QColor("#d0d0d0"), QColor(HIGHLIGHT)
DARK_TEXT, LIGHT_TEXT = QColor(20, 20, 20), QColor(240, 240, 240)
NO_VALUE = QColor("#3a3a3a")  # a cell CKA could not be computed for: grey, its dash on it
LIGHT_FILL = 140.0  # fills brighter than this (luma 0..255) get dark numbers
DIGITS = (500, 50, 2_000)  # default, least and most test digits (each layer's Gram is N×N float64: 32 MB at 2,000)
PAIR_W = 300  # the two layers' pictures, side by side with the matrix
PROMPT = "Compute the similarity of every layer of A with every layer of B over the MNIST test digits."
TITLE = ("Linear CKA over {n:,} test digits (Kornblith et al. 2019): "
         "1 = the same representation up to rotation and scale")


def value_text(value: float) -> str:
    """A cell's number: two decimals, a dash for a value that could not be computed."""
    return "–" if not math.isfinite(value) else f"{value:.2f}"


class CkaHeatmap(QWidget):
    """The heatmap itself: painted in one pass, a click selects a cell."""

    cellClicked = Signal(int, int)  # (A's layer, B's layer) as indices

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.values = np.zeros((0, 0))
        self.rows: tuple[str, ...] = ()
        self.cols: tuple[str, ...] = ()
        self.names = ("A", "B")
        self.selected: tuple[int, int] | None = None
        self.message = PROMPT

    def sizeHint(self) -> QSize:
        return QSize(520, 360)

    def minimumSizeHint(self) -> QSize:
        return QSize(240, 200)

    def set_matrix(self, values: np.ndarray, rows: tuple[str, ...], cols: tuple[str, ...], name_a: str,
                   name_b: str) -> None:
        values = np.asarray(values, np.float64).reshape(len(rows), len(cols))
        if values.shape != self.values.shape or (rows, cols) != (self.rows, self.cols):
            self.selected = None
        self.values, self.rows, self.cols, self.names = values, tuple(rows), tuple(cols), (name_a, name_b)
        self.update()

    def clear(self, message: str = PROMPT) -> None:
        self.values, self.rows, self.cols, self.selected, self.message = np.zeros((0, 0)), (), (), None, message
        self.update()

    def select_cell(self, row: int, col: int) -> None:
        """Outline a cell; no signal."""
        if not (0 <= row < len(self.rows) and 0 <= col < len(self.cols)):
            raise IndexError(f"no cell ({row}, {col}) in a {len(self.rows)}×{len(self.cols)} matrix")
        self.selected = (int(row), int(col))
        self.update()

    # --- geometry -------------------------------------------------------------------------------------------
    def _layout(self) -> tuple[float, float, float, float, float]:
        """(x0, y0, cell, row names' width, column names' band): square cells as large as the room allows."""
        fm = QFontMetricsF(self.font())
        line = fm.height()
        row_w = min(max((fm.horizontalAdvance(n) for n in self.rows), default=0.0), MAX_NAME_PX)
        col_w = min(max((fm.horizontalAdvance(n) for n in self.cols), default=0.0), MAX_NAME_PX)
        left = MARGIN + line + GAP + row_w + GAP
        right = 3 * GAP + BAR_W + fm.horizontalAdvance("0.5") + MARGIN
        top = MARGIN + line + GAP + col_w + GAP
        rows, cols = max(len(self.rows), 1), max(len(self.cols), 1)
        by_height = (self.height() - top - MARGIN - line / 2) / rows  # half a line: the bar's "0" under it
        cell = max(min((self.width() - left - right) / cols, by_height, CELL_MAX), 4.0)
        cell = math.floor(cell)
        x0 = left + max(0.0, (self.width() - left - right - cols * cell) / 2)
        return x0, top, cell, row_w, col_w

    def cell_rect(self, row: int, col: int) -> QRectF:
        x0, y0, cell, _, _ = self._layout()
        return QRectF(x0 + col * cell, y0 + row * cell, cell, cell)

    def cell_at(self, pos: QPointF) -> tuple[int, int] | None:
        if not self.rows or not self.cols:
            return None
        x0, y0, cell, _, _ = self._layout()
        col, row = math.floor((pos.x() - x0) / cell), math.floor((pos.y() - y0) / cell)
        return (row, col) if 0 <= row < len(self.rows) and 0 <= col < len(self.cols) else None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        cell = self.cell_at(event.position()) if event.button() == Qt.MouseButton.LeftButton else None
        if cell is None:
            super().mousePressEvent(event)
            return
        self.select_cell(*cell)
        self.cellClicked.emit(*cell)

    # --- painting -------------------------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), BACKGROUND)
        painter.setPen(FOREGROUND)
        if not self.rows or not self.cols:
            painter.drawText(self.rect().adjusted(8, 8, -8, -8), Qt.AlignmentFlag.AlignCenter
                             | Qt.TextFlag.TextWordWrap, self.message)
            painter.end()
            return
        x0, y0, cell, row_w, col_w = self._layout()
        fm = QFontMetricsF(self.font())
        line = fm.height()
        width, height = len(self.cols) * cell, len(self.rows) * cell
        font = QFont(self.font())
        font.setPixelSize(int(min(max(cell * 0.38, VALUE_PX[0]), VALUE_PX[1])))
        numbers = QFontMetricsF(font).horizontalAdvance("0.00") <= cell - 3
        painter.setFont(font)
        for (r, c), value in np.ndenumerate(self.values):
            rect = self.cell_rect(r, c)
            if math.isfinite(value):
                rgba = ACTIVATION_LUT[round(min(max(value, 0.0), 1.0) * 255)]
                fill = QColor(int(rgba[0]), int(rgba[1]), int(rgba[2]))
                painter.fillRect(rect, fill)
                light = 0.299 * fill.red() + 0.587 * fill.green() + 0.114 * fill.blue() > LIGHT_FILL
            else:
                painter.fillRect(rect, NO_VALUE)
                light = False
            if numbers:
                painter.setPen(DARK_TEXT if light else LIGHT_TEXT)
                painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, value_text(float(value)))
        painter.setFont(self.font())
        painter.setPen(QPen(BACKGROUND, 1))
        for k in range(len(self.cols) + 1):
            painter.drawLine(QPointF(x0 + k * cell, y0), QPointF(x0 + k * cell, y0 + height))
        for k in range(len(self.rows) + 1):
            painter.drawLine(QPointF(x0, y0 + k * cell), QPointF(x0 + width, y0 + k * cell))
        chosen = self.selected or (-1, -1)
        for r, name in enumerate(self.rows):
            painter.setPen(ACCENT if r == chosen[0] else FOREGROUND)
            painter.drawText(QRectF(x0 - GAP - row_w, y0 + (r + 0.5) * cell - line / 2, row_w, line),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             fm.elidedText(name, Qt.TextElideMode.ElideMiddle, MAX_NAME_PX))
        for c, name in enumerate(self.cols):  # written upwards: layer names are wider than a cell
            painter.setPen(ACCENT if c == chosen[1] else FOREGROUND)
            painter.save()
            painter.translate(x0 + c * cell, y0 - GAP)
            painter.rotate(-90)
            painter.drawText(QRectF(0, 0, col_w, cell), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             fm.elidedText(name, Qt.TextElideMode.ElideMiddle, MAX_NAME_PX))
            painter.restore()
        painter.setPen(FOREGROUND)
        centre = Qt.AlignmentFlag.AlignCenter
        painter.drawText(QRectF(x0, MARGIN, width, line), centre,
                         fm.elidedText(f"B: {self.names[1]}", Qt.TextElideMode.ElideRight, max(width, 60)))
        painter.save()
        painter.translate(x0 - row_w - 2 * GAP - line, y0 + height)
        painter.rotate(-90)
        painter.drawText(QRectF(0, 0, height, line), centre,
                         fm.elidedText(f"A: {self.names[0]}", Qt.TextElideMode.ElideRight, max(height, 60)))
        painter.restore()
        self._paint_bar(painter, x0 + width + 2 * GAP, y0, height, fm)
        if self.selected is not None:
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for pen, grow in ((QPen(BACKGROUND, 6), 1.5), (QPen(ACCENT, 3), 1.5)):
                painter.setPen(pen)
                painter.drawRect(self.cell_rect(*self.selected).adjusted(-grow, -grow, grow, grow))
        painter.end()

    def _paint_bar(self, painter: QPainter, x: float, y: float, height: float, fm: QFontMetricsF) -> None:
        """The 0..1 scale: 1 at the top."""
        steps = max(int(height), 2)
        for k in range(steps):
            painter.fillRect(QRectF(x, y + k * height / steps, BAR_W, height / steps + 1),
                             ACTIVATION_CMAP.map(1.0 - k / (steps - 1), mode="qcolor"))
        painter.setPen(FOREGROUND)
        for value, at in (("1", y), ("0.5", y + height / 2), ("0", y + height)):
            painter.drawText(QRectF(x + BAR_W + GAP, at - fm.height() / 2, fm.horizontalAdvance("0.5") + 2,
                                    fm.height()), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, value)


class CkaView(QWidget):
    """The matrix with its title and Compute row; the chosen pair's maps beside it; the drawing's own line under."""

    cellChosen = Signal(str, str)  # (A's layer, B's layer)
    computeRequested = Signal(int)  # test digits

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(PROMPT)
        self.title.setWordWrap(True)
        self.bar = ComputeBar("Compute", DIGITS)
        self.matrix = CkaHeatmap()
        self.drawing = QLabel("")
        self.drawing.setWordWrap(True)
        self.drawing.hide()
        self.pair_titles = (QLabel("Click a cell to see both layers' maps of the drawing."), QLabel(""))
        self.pair_images = []
        pair = QVBoxLayout()
        pair.setContentsMargins(0, 0, 0, 0)
        for label in self.pair_titles:
            label.setWordWrap(True)
            plot, image, _ = image_view(ACTIVATION_CMAP)
            plot.setMinimumSize(120, 80)
            self.pair_images.append(image)
            pair.addWidget(label)
            pair.addWidget(plot, 1)
        side = QWidget()
        side.setLayout(pair)
        side.setFixedWidth(PAIR_W)
        left = QVBoxLayout()
        left.addWidget(self.matrix, 1)
        left.addWidget(self.drawing)
        body = QHBoxLayout()
        body.addLayout(left, 1)
        body.addWidget(side)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.bar)
        layout.addLayout(body, 1)
        self.matrix.cellClicked.connect(
            lambda r, c: self.cellChosen.emit(self.matrix.rows[r], self.matrix.cols[c]))
        self.bar.clicked.connect(lambda: self.computeRequested.emit(self.bar.count))

    def show_matrix(self, matrix: object, name_a: str, name_b: str) -> None:
        """``matrix``: ``.rows``, ``.cols`` (layer names), ``.values`` (rows × cols, 0..1), ``.digits``."""
        self.matrix.set_matrix(matrix.values, tuple(matrix.rows), tuple(matrix.cols), name_a, name_b)
        self.title.setText(TITLE.format(n=int(matrix.digits)))
        self.bar.show_message(f"rows: A = {name_a} · columns: B = {name_b} · click a cell for both layers' maps")

    def show_pair(self, title_a: str, picture_a: np.ndarray | None, title_b: str,
                  picture_b: np.ndarray | None) -> None:
        """Both layers' maps of the current drawing (RGBA mosaics), or None with the title saying why."""
        for label, image, title, picture in zip(self.pair_titles, self.pair_images, (title_a, title_b),
                                                (picture_a, picture_b)):
            label.setText(title)
            if picture is None:
                image.clear()
            else:
                image.setImage(np.asarray(picture), autoLevels=False)

    def set_drawing_similarity(self, values: dict[tuple[str, str], float] | None) -> None:
        """The drawing's own similarity for the given layer pairs, in a line under the matrix (None: hidden)."""
        if not values:
            self.drawing.hide()
            self.drawing.setText("")
            return
        pairs = " · ".join(f"{a}↔{b} {value_text(float(v))}" for (a, b), v in values.items())
        self.drawing.setText(f"the drawing: {pairs}")
        self.drawing.show()

    def show_progress(self, done: int, total: int) -> None:
        self.bar.show_progress(done, total)

    def show_message(self, text: str) -> None:
        """``text`` in the status line; the matrix stays (or shows ``text`` where there is none)."""
        self.bar.show_message(text)
        if not self.matrix.rows:
            self.matrix.clear(text)

    def clear(self, text: str = PROMPT) -> None:
        """Forget the matrix and the pair (a new model): ``text`` in their place."""
        self.matrix.clear(text)
        self.title.setText(PROMPT)
        self.show_pair("Click a cell to see both layers' maps of the drawing.", None, "", None)
        self.set_drawing_similarity(None)
        self.bar.show_message("")


def demo() -> CkaView:
    """The view filled with made-up numbers and maps, as ``python -m guiapp.ui.compare.cka_view`` shows it."""
    from types import SimpleNamespace

    from guiapp.core.live.layer_picture import SHARED, layer_picture

    layers = ("conv2d", "conv2d_1", "max_pooling2d", "dropout", "flatten", "dense", "dropout_1", "dense_1")
    rng = np.random.default_rng(1)
    depth = np.linspace(0, 1, len(layers))
    values = np.clip(1 - 1.3 * np.abs(depth[:, None] - depth) - 0.05 * rng.random((len(layers),) * 2), 0, 1)
    view = CkaView()
    view.show_matrix(SimpleNamespace(rows=layers, cols=layers, values=values, digits=500), "mnist_cnn", "mnist_cnn_63")
    view.show_pair("A: conv2d (26×26×32)", layer_picture(rng.random((26, 26, 32)), SHARED, ACTIVATION_LUT).rgba,
                   "B: conv2d (26×26×32)", layer_picture(rng.random((26, 26, 32)), SHARED, ACTIVATION_LUT).rgba)
    view.set_drawing_similarity({("conv2d", "conv2d"): 0.93, ("dense", "dense"): 0.81})
    view.computeRequested.connect(lambda n: view.show_progress(n // 3, n))
    view.cellChosen.connect(lambda a, b: view.show_message(f"chosen {a} ↔ {b}"))
    return view


if __name__ == "__main__":
    import sys

    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    window = demo()
    window.resize(900, 420)
    window.show()
    sys.exit(app.exec())
