"""The network's confusion matrix on the test digits: a clickable heat map of counts.

Mistakes are one warm hue that grows stronger (brighter, more saturated: CIELAB lightness 21 → 60) with the
count, on a log scale so that a single one still stands out against the empty cells: the most-confused cell
is the most vivid, never the palest. The diagonal (the right answers, hundreds each) is a muted blue, a hue
apart from the mistakes for every common colour-vision deficiency (checked with colorspacious: under full
deuteranopia, protanopia and tritanopia the mistakes' lightness still rises with the count and every
mistake colour stays ≥ 22 ΔE from every diagonal one).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from guiapp.ui.plotting import HIGHLIGHT

MARGIN, GAP = 6.0, 4.0
MIN_SIZE, HINT_SIZE = QSize(360, 360), QSize(480, 500)
BACKGROUND_RGB = (30, 30, 30)  # the plots' #1e1e1e: an empty cell is the background
BACKGROUND, FOREGROUND, ACCENT = QColor(*BACKGROUND_RGB), QColor("#d0d0d0"), QColor(HIGHLIGHT)
DARK_TEXT, LIGHT_TEXT = QColor(20, 20, 20), QColor(240, 240, 240)
LIGHT_FILL = 140.0  # fills brighter than this (luma, 0..255) get dark numbers
# One mistake: a dim red, visible on the background; the most: a vivid orange-red (more = stronger).
MISTAKE_DIM, MISTAKE_FULL = np.array((84, 36, 32), float), np.array((250, 90, 40), float)
RIGHT_DIM, RIGHT_FULL = np.array((34, 52, 84), float), np.array((72, 112, 178), float)  # muted blues
MAX_COUNTED = 20  # classes; past this the cells are too small for numbers
COUNT_PX = (7, 14)  # smallest and largest count font, pixels
MAX_NAME_PX = 90.0  # class names longer than this are cut
ROW_TITLE, COLUMN_TITLE = "true digit", "the network's answer"
ROW_TITLE_CLASSES = "true class"  # for a model whose classes are not digits
HINT, SHORT_HINT = "click a cell to see its digits", "click a cell"


@dataclass(frozen=True)
class _Geometry:
    x0: float  # the matrix's top-left corner
    y0: float
    cell: float
    names_w: float  # room for the row names
    column_band: float  # height of the column names' band
    rotated: bool  # column names written upwards (they do not fit across a cell)
    step: int  # every step-th class is named

    def rect(self, true: int, answered: int) -> QRectF:
        return QRectF(self.x0 + answered * self.cell, self.y0 + true * self.cell, self.cell, self.cell)


def _plural(name: str) -> str:
    return f"{name}s"


def _count(n: int, word: str = "digit") -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


class ConfusionView(QWidget):
    """Rows are the true labels, columns the network's answers; clicking a cell selects it."""

    cellClicked = Signal(int, int)  # (true label, answered class)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)
        self._matrix: np.ndarray | None = None
        self._names: tuple[str, ...] = ()
        self._image: QImage | None = None
        self._scaled: QPixmap | None = None
        self._dark_text: np.ndarray | None = None  # (C, C) bool: the cell's fill is light
        self._selected: tuple[int, int] | None = None
        self.caption = ""

    def sizeHint(self) -> QSize:
        return HINT_SIZE

    def minimumSizeHint(self) -> QSize:
        return MIN_SIZE

    @property
    def selected(self) -> tuple[int, int] | None:
        return self._selected

    @property
    def classes(self) -> int:
        return 0 if self._matrix is None else len(self._matrix)

    def set_matrix(self, matrix: np.ndarray, class_names: tuple[str, ...]) -> None:
        """Show ``matrix`` (C, C) counts; the same matrix again costs a comparison only."""
        names = tuple(class_names)
        if self._matrix is not None and names == self._names and np.array_equal(matrix, self._matrix):
            return
        m = np.array(matrix, np.int64)
        if m.ndim != 2 or m.shape[0] != m.shape[1] or len(names) != m.shape[0]:
            raise ValueError(f"a square matrix with one class name per row, not {m.shape} and {len(names)} names")
        if self._matrix is None or m.shape != self._matrix.shape:
            self._selected = None
        self._matrix, self._names = m, names
        rgb = self._colours(m)
        self._dark_text = rgb @ np.array((0.299, 0.587, 0.114)) > LIGHT_FILL
        c = len(m)
        self._image = QImage(rgb.data, c, c, 3 * c, QImage.Format.Format_RGB888).copy()
        self._scaled = None
        right, total = int(np.trace(m)), int(m.sum())
        share = f" ({right / total:.2%})" if total else ""
        self.caption = f"{right:,} of {total:,} right{share} · {HINT}"
        self.update()

    @staticmethod
    def _colours(m: np.ndarray) -> np.ndarray:
        """(C, C, 3) uint8 fills: a log-scaled red ramp off the diagonal, linear blue on it, 0 the background."""
        rgb = np.empty((*m.shape, 3), np.uint8)
        rgb[:] = BACKGROUND_RGB
        off = m.copy()
        np.fill_diagonal(off, 0)
        top = int(off.max())
        if top > 0:
            t = np.log1p(off) / np.log1p(top)
            ramp = np.rint(MISTAKE_DIM + t[..., None] * (MISTAKE_FULL - MISTAKE_DIM)).astype(np.uint8)
            rgb[off > 0] = ramp[off > 0]
        diagonal = np.diag(m).astype(float)
        if diagonal.max() > 0:
            t = (diagonal / diagonal.max())[:, None]
            blues = np.rint(RIGHT_DIM + t * (RIGHT_FULL - RIGHT_DIM)).astype(np.uint8)
            on = np.arange(len(m))
            rgb[on, on] = np.where(diagonal[:, None] > 0, blues, BACKGROUND_RGB)
        return np.ascontiguousarray(rgb)

    def select_cell(self, true: int, answered: int) -> None:
        """Outline the cell; no signal, so the window can mirror a choice made elsewhere."""
        c = self.classes
        if not (0 <= true < c and 0 <= answered < c):
            raise IndexError(f"no cell ({true}, {answered}) in a {c}×{c} matrix")
        if self._selected != (true, answered):
            self._selected = (int(true), int(answered))
            self.update()

    def clear(self) -> None:
        self._matrix, self._names, self._image, self._scaled, self._dark_text = None, (), None, None, None
        self._selected, self.caption = None, ""
        self.update()

    def _geometry(self) -> _Geometry:
        """Where the matrix goes: square cells, as large as the labels and the caption leave room for."""
        c = max(self.classes, 1)
        fm = QFontMetricsF(self.font())
        line = fm.height()
        names_w = min(max((fm.horizontalAdvance(n) for n in self._names), default=0.0), MAX_NAME_PX)
        left = MARGIN + line + GAP + names_w + GAP
        bottom = 2 * GAP + line + MARGIN

        def fit(band: float) -> float:
            top = MARGIN + line + GAP + band + GAP
            cell = max(min(self.width() - left - MARGIN, self.height() - top - bottom) / c, 1.0)
            return np.floor(cell) if cell >= 4 else cell

        step = 1
        cell = fit(line)
        rotated = c <= MAX_COUNTED and names_w > cell - 2
        if rotated:
            cell = fit(names_w)
        elif c > MAX_COUNTED:  # name every step-th class so the names do not run into each other
            step = next((k for k in (1, 2, 5, 10, 20, 25, 50) if k * cell >= names_w + 6), 100)
        band = names_w if rotated else line
        x0 = max(left, (self.width() - c * cell - left - MARGIN) / 2 + left)
        return _Geometry(x0, MARGIN + line + GAP + band + GAP, cell, names_w, band, rotated, step)

    def cell_rect(self, true: int, answered: int) -> QRectF:
        """The cell's rectangle in widget coordinates (rows = true label, columns = answer)."""
        return self._geometry().rect(true, answered)

    def cell_at(self, pos: QPointF) -> tuple[int, int] | None:
        """(true, answered) of the cell under ``pos``, or None off the matrix."""
        c = self.classes
        if c == 0:
            return None
        g = self._geometry()
        col, row = int(np.floor((pos.x() - g.x0) / g.cell)), int(np.floor((pos.y() - g.y0) / g.cell))
        return (row, col) if 0 <= row < c and 0 <= col < c else None

    def cell_tooltip(self, true: int, answered: int) -> str:
        """'true 4 read as 9: 12 digits (1.2% of the 982 4s)'."""
        assert self._matrix is not None
        n, row = int(self._matrix[true, answered]), int(self._matrix[true].sum())
        names = self._names
        share = f"{n / row:.1%} of the {row:,} {_plural(names[true])}" if row else f"there are no {_plural(names[true])}"
        return f"true {names[true]} read as {names[answered]}: {_count(n)} ({share})"

    def mousePressEvent(self, event: QMouseEvent) -> None:
        cell = self.cell_at(event.position()) if event.button() == Qt.MouseButton.LeftButton else None
        if cell is None:
            super().mousePressEvent(event)
            return
        self.select_cell(*cell)
        self.cellClicked.emit(*cell)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            cell = self.cell_at(QPointF(event.pos()))
            if cell is None:
                QToolTip.hideText()
                event.ignore()
            else:
                QToolTip.showText(event.globalPos(), self.cell_tooltip(*cell), self)
            return True
        return super().event(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), BACKGROUND)
        painter.setPen(FOREGROUND)
        if self._image is None:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "no confusion matrix yet")
            painter.end()
            return
        g = self._geometry()
        c = self.classes
        side = c * g.cell
        if self._scaled is None or self._scaled.width() != round(side):  # scaled once per size, not per paint
            self._scaled = QPixmap.fromImage(self._image.scaled(round(side), round(side)))  # nearest: sharp cells
        painter.drawPixmap(QPointF(g.x0, g.y0), self._scaled)
        if g.cell >= 6:
            painter.setPen(QPen(BACKGROUND, 1))
            for k in range(c + 1):
                painter.drawLine(QPointF(g.x0 + k * g.cell, g.y0), QPointF(g.x0 + k * g.cell, g.y0 + side))
                painter.drawLine(QPointF(g.x0, g.y0 + k * g.cell), QPointF(g.x0 + side, g.y0 + k * g.cell))
        if c <= MAX_COUNTED:
            self._paint_counts(painter, g)
        self._paint_labels(painter, g)
        if self._selected is not None:
            # Dark rings either side keep the highlight visible on the yellow end of the ramp.
            chosen = g.rect(*self._selected)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for pen, grow in ((QPen(BACKGROUND, 7), 2.0), (QPen(ACCENT, 3), 2.0)):
                painter.setPen(pen)
                painter.drawRect(chosen.adjusted(-grow, -grow, grow, grow))
        fm = QFontMetricsF(self.font())
        painter.setPen(FOREGROUND)
        caption = self._fitting_caption(fm, self.width() - 2 * MARGIN)
        painter.drawText(QRectF(MARGIN, g.y0 + side + 2 * GAP, self.width() - 2 * MARGIN, fm.height()),
                         Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, caption)
        painter.end()

    def _fitting_caption(self, fm: QFontMetricsF, room: float) -> str:
        """The caption, its hint shortened before the accuracy is cut."""
        accuracy = self.caption.split(" · ")[0]
        for text in (self.caption, f"{accuracy} · {SHORT_HINT}", accuracy):
            if fm.horizontalAdvance(text) <= room:
                return text
        return fm.elidedText(accuracy, Qt.TextElideMode.ElideRight, room)

    def _paint_counts(self, painter: QPainter, g: _Geometry) -> None:
        """Each non-zero count in its cell, in a size that fits the widest; none when that is unreadable."""
        assert self._matrix is not None and self._dark_text is not None
        font = QFont(self.font())
        px = min(max(g.cell * 0.34, COUNT_PX[0]), COUNT_PX[1])
        font.setPixelSize(int(px))
        widest = QFontMetricsF(font).horizontalAdvance(str(int(self._matrix.max())))
        if widest > g.cell - 4:
            px = px * (g.cell - 4) / widest
        if px < COUNT_PX[0]:
            return
        font.setPixelSize(int(px))
        painter.setFont(font)
        for r, col in zip(*np.nonzero(self._matrix)):
            painter.setPen(DARK_TEXT if self._dark_text[r, col] else LIGHT_TEXT)
            painter.drawText(g.rect(int(r), int(col)), Qt.AlignmentFlag.AlignCenter, str(self._matrix[r, col]))
        painter.setFont(self.font())

    def _paint_labels(self, painter: QPainter, g: _Geometry) -> None:
        """Axis titles and class names; the selected cell's row and column names in the highlight colour."""
        fm = QFontMetricsF(self.font())
        line, c, side = fm.height(), self.classes, self.classes * g.cell
        chosen = self._selected or (-1, -1)
        centre = Qt.AlignmentFlag.AlignCenter
        painter.setPen(FOREGROUND)
        painter.drawText(QRectF(g.x0, MARGIN, side, line), centre, COLUMN_TITLE)
        painter.save()  # the row title reads bottom to top, left of the names
        painter.translate(g.x0 - g.names_w - 2 * GAP - line, g.y0 + side)
        painter.rotate(-90)
        digits = all(n.isdigit() for n in self._names)
        painter.drawText(QRectF(0, 0, side, line), centre, ROW_TITLE if digits else ROW_TITLE_CLASSES)
        painter.restore()
        band_top = g.y0 - GAP - g.column_band
        for k in range(0, c, g.step):
            name = fm.elidedText(self._names[k], Qt.TextElideMode.ElideRight, MAX_NAME_PX)
            painter.setPen(ACCENT if k == chosen[0] else FOREGROUND)
            # A line-high box centred on the row: a thin row would clip its name.
            painter.drawText(QRectF(g.x0 - GAP - g.names_w, g.y0 + (k + 0.5) * g.cell - line / 2, g.names_w, line),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, name)
            painter.setPen(ACCENT if k == chosen[1] else FOREGROUND)
            if g.rotated:
                painter.save()
                painter.translate(g.x0 + k * g.cell, g.y0 - GAP)
                painter.rotate(-90)
                painter.drawText(QRectF(0, 0, g.column_band, g.cell),
                                 Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, name)
                painter.restore()
            else:
                width = max(g.cell * g.step, fm.horizontalAdvance(name) + 2)
                painter.drawText(QRectF(g.x0 + (k + 0.5) * g.cell - width / 2, band_top, width, line), centre, name)
