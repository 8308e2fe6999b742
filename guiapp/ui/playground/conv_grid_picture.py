"""The playground's picture: the padded input as a grid, the filter's window on it, the output beside.

Padding cells shaded, input cells no window position covers hatched red, the window
outlined at the current output position with a line to the output cell it makes;
hovering or clicking an output cell moves the window there.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFontMetricsF,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import (
    QSizePolicy,
    QWidget,
)

from guiapp.core.arithmetic.conv_grid import (
    INPUT,
    PADDING,
    UNVISITED,
    ConvGrid,
    Misfit,
)
from guiapp.ui.plotting import HIGHLIGHT

MARGIN, GAP, LEGEND = 8.0, 36.0, 22.0
BACKGROUND = QColor(30, 30, 30)  # the plots' #1e1e1e
TEXT = QColor(225, 225, 225)
CELL_RGB = np.array([[95, 95, 95], [225, 225, 225], [229, 115, 115]], np.uint8)  # PADDING, INPUT, UNVISITED
UNVISITED_TEXT = QColor(240, 120, 120)
HATCH = QColor(140, 20, 20)
OUTPUT_FILL = QColor(190, 205, 230)
ACCENT = QColor(HIGHLIGHT)
ERROR = QColor("#e53935")


def _ticks(count: int, cell: float, room: float) -> list[int]:
    """Indices to label, ``room`` pixels apart at least; the last index is always among them."""
    step = next((k for k in (1, 2, 5, 10, 20) if k * cell >= room), 50)
    ticks = list(range(0, count, step))
    if ticks[-1] != count - 1:
        if count - 1 - ticks[-1] < step:
            if len(ticks) == 1:
                return ticks
            ticks.pop()
        ticks.append(count - 1)
    return ticks


class GridPicture(QWidget):
    """Padded input (left) and output (right); hovering or clicking an output cell moves the window there."""

    positionPicked = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(320, 220)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)
        self.grid: ConvGrid | None = None
        self.misfit: Misfit | None = None
        self.message = ""
        self.position = (0, 0)
        self._kinds: np.ndarray | None = None

    def sizeHint(self) -> QSize:
        return QSize(640, 360)

    def set_grid(self, grid: ConvGrid, position: tuple[int, int]) -> None:
        self.grid, self.misfit, self.message, self.position = grid, None, "", position
        self._kinds = grid.cell_kinds()
        self.update()

    def set_impossible(self, found: Misfit | None, reason: str) -> None:
        """Draw the filter overhanging the input when there is one, else just the reason."""
        self.grid, self.misfit, self.message = None, found, reason
        self._kinds = found.cell_kinds() if found is not None else None
        self.update()

    def _extent(self) -> tuple[tuple[int, int], tuple[int, int]]:
        """(rows, columns) of the left drawing and of the output grid (0×0 when there is none)."""
        if self.grid is not None:
            return self.grid.padded_shape, self.grid.output_shape
        assert self.misfit is not None
        (ph, pw), m = self.misfit.padded_shape, self.misfit
        return (max(ph, m.filter_height), max(pw, m.filter_width)), (0, 0)

    def _geometry(self) -> tuple[float, QPointF, QPointF]:
        """(cell size, input origin, output origin), the pair centred in the widget."""
        (ph, pw), (oh, ow) = self._extent()
        fm = QFontMetricsF(self.font())
        label = fm.horizontalAdvance("00") + 6
        top = MARGIN + 2 * fm.height() + 2
        lefts = 2 * label + GAP if ow else label
        cell = min((self.width() - 2 * MARGIN - lefts) / (pw + ow), (self.height() - top - LEGEND - 4) / max(ph, oh))
        cell = max(cell, 1.0)
        x0 = max(MARGIN, (self.width() - lefts - (pw + ow) * cell) / 2)
        origin = QPointF(x0 + label, top)
        return cell, origin, QPointF(origin.x() + pw * cell + GAP + label, top)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), BACKGROUND)
        if self._kinds is None:
            painter.setPen(ERROR)
            painter.drawText(self.rect().adjusted(20, 20, -20, -20), Qt.AlignmentFlag.AlignCenter
                             | Qt.TextFlag.TextWordWrap, self.message)
            painter.end()
            return
        cell, origin, out_origin = self._geometry()
        self._paint_cells(painter, cell, origin)
        grid = self.grid
        if grid is not None:
            self._paint_window(painter, grid, cell, origin, out_origin)
            rows, cols = grid.rows, grid.cols
            padded = f" padded to {grid.padded_shape[0]}×{grid.padded_shape[1]}" if rows.total_padding or \
                cols.total_padding else ""
            titles = [(origin, f"input {rows.size}×{cols.size}{padded}"),
                      (out_origin, f"output {rows.output}×{cols.output}")]
            legend = [(PADDING, "padding (zeros)"), (INPUT, "input"), (UNVISITED, "never covered"),
                      (ACCENT, "filter window"),
                      (OUTPUT_FILL, "output")]
        else:
            m = self.misfit
            assert m is not None
            frame = QRectF(origin.x(), origin.y(), m.filter_width * cell, m.filter_height * cell)
            painter.setPen(QPen(ERROR, 3, Qt.PenStyle.DashLine))
            painter.setBrush(QColor(229, 57, 53, 60))
            painter.drawRect(frame)
            ph, pw = m.padded_shape
            where = f"{ph}×{pw} {'padded ' if m.padding else ''}input"
            titles = [(origin, f"the {m.filter_height}×{m.filter_width} filter does not fit the {where}")]
            legend = [(PADDING, "padding (zeros)"), (INPUT, "input"), (ERROR, "the filter")]
        fm = QFontMetricsF(self.font())
        painter.setPen(TEXT)
        for i, (at, text) in enumerate(titles):
            room = (out_origin.x() - at.x() - 12) if i == 0 and len(titles) > 1 else self.width() - at.x() - MARGIN
            painter.drawText(QPointF(at.x(), MARGIN + fm.ascent()),
                             fm.elidedText(text, Qt.TextElideMode.ElideRight, max(room, 20)))
        self._paint_legend(painter, legend)
        painter.end()

    def _paint_cells(self, painter: QPainter, cell: float, origin: QPointF) -> None:
        """The padded input: one image for the fills, then lines, hatching, zeros and indices."""
        kinds = self._kinds
        assert kinds is not None
        ph, pw = kinds.shape
        rgb = np.ascontiguousarray(CELL_RGB[kinds])
        image = QImage(rgb.data, pw, ph, 3 * pw, QImage.Format.Format_RGB888)
        painter.drawImage(QRectF(origin.x(), origin.y(), pw * cell, ph * cell), image)
        if cell >= 5:
            self._paint_lines(painter, origin, cell, ph, pw)
        fm = QFontMetricsF(self.font())
        grid = self.grid
        pad_top = grid.rows.pad_before if grid else self.misfit.padding
        pad_left = grid.cols.pad_before if grid else self.misfit.padding
        size = (grid.rows.size, grid.cols.size) if grid else (self.misfit.height, self.misfit.width)
        lost = (set(grid.unvisited_rows()), set(grid.unvisited_cols())) if grid else (set(), set())
        if grid is not None and (lost[0] or lost[1]):
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QBrush(HATCH, Qt.BrushStyle.BDiagPattern))
            for r in lost[0]:
                painter.drawRect(QRectF(origin.x() + pad_left * cell, origin.y() + (r + pad_top) * cell,
                                        size[1] * cell, cell))
            for c in lost[1]:
                painter.drawRect(QRectF(origin.x() + (c + pad_left) * cell, origin.y() + pad_top * cell,
                                        cell, size[0] * cell))
        if cell >= 2 * fm.height():
            painter.setPen(QColor(170, 170, 170))
            for r, c in zip(*np.nonzero(kinds == PADDING)):
                painter.drawText(QRectF(origin.x() + c * cell, origin.y() + r * cell, cell, cell),
                                 Qt.AlignmentFlag.AlignCenter, "0")
        self._paint_indices(painter, origin, cell, pad_top, pad_left, size, lost)

    def _paint_lines(self, painter: QPainter, origin: QPointF, cell: float, rows: int, cols: int) -> None:
        painter.setPen(QPen(BACKGROUND, 1))
        for r in range(rows + 1):
            painter.drawLine(QPointF(origin.x(), origin.y() + r * cell), QPointF(origin.x() + cols * cell,
                                                                                  origin.y() + r * cell))
        for c in range(cols + 1):
            painter.drawLine(QPointF(origin.x() + c * cell, origin.y()), QPointF(origin.x() + c * cell,
                                                                                  origin.y() + rows * cell))

    def _paint_indices(self, painter: QPainter, origin: QPointF, cell: float, top: int, left: int,
                       size: tuple[int, int], lost: tuple[set[int], set[int]]) -> None:
        """0-based row numbers on the left and column numbers above; those never covered in red."""
        fm = QFontMetricsF(self.font())
        width, height = fm.horizontalAdvance("00") + 6, fm.height()
        for r in _ticks(size[0], cell, height):
            painter.setPen(UNVISITED_TEXT if r in lost[0] else TEXT)
            y = origin.y() + (r + top + 0.5) * cell
            painter.drawText(QRectF(origin.x() - width, y - height / 2, width - 4, height),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, str(r))
        for c in _ticks(size[1], cell, width - 2):
            painter.setPen(UNVISITED_TEXT if c in lost[1] else TEXT)
            x = origin.x() + (c + left + 0.5) * cell
            painter.drawText(QRectF(x - width / 2, origin.y() - height - 1, width, height),
                             Qt.AlignmentFlag.AlignCenter, str(c))

    def _paint_window(self, painter: QPainter, grid: ConvGrid, cell: float, origin: QPointF, out: QPointF) -> None:
        """The output grid with the current cell, and the window that makes it."""
        oh, ow = grid.output_shape
        oy, ox = self.position
        painter.fillRect(QRectF(out.x(), out.y(), ow * cell, oh * cell), OUTPUT_FILL)
        painter.fillRect(QRectF(out.x() + ox * cell, out.y() + oy * cell, cell, cell), ACCENT)
        if cell >= 5:
            self._paint_lines(painter, out, cell, oh, ow)
        self._paint_indices(painter, out, cell, 0, 0, (oh, ow), (set(), set()))
        top, left, bottom, right = grid.window(oy, ox)
        window = QRectF(origin.x() + left * cell, origin.y() + top * cell, (right - left) * cell, (bottom - top) * cell)
        painter.setBrush(QColor(255, 176, 0, 70))
        painter.setPen(QPen(ACCENT, min(3.0, max(1.5, cell / 4))))
        painter.drawRect(window)
        painter.setPen(QPen(ACCENT, 1, Qt.PenStyle.DashLine))
        painter.drawLine(window.center(), QPointF(out.x() + (ox + 0.5) * cell, out.y() + (oy + 0.5) * cell))

    def _paint_legend(self, painter: QPainter, items: list[tuple[int | QColor, str]]) -> None:
        fm = QFontMetricsF(self.font())
        x, y = MARGIN, self.height() - LEGEND + 4
        for swatch, text in items:
            if x + 20 + fm.horizontalAdvance(text) > self.width():
                break
            box = QRectF(x, y + 1, 12, 12)
            if isinstance(swatch, int):
                painter.fillRect(box, QColor(*(int(v) for v in CELL_RGB[swatch])))
                if swatch == UNVISITED:
                    painter.fillRect(box, QBrush(HATCH, Qt.BrushStyle.BDiagPattern))
            elif swatch == ACCENT:
                painter.setPen(QPen(ACCENT, 2))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(box)
            else:
                painter.fillRect(box, swatch)
            painter.setPen(TEXT)
            painter.drawText(QPointF(x + 17, y + fm.ascent()), text)
            x += 17 + fm.horizontalAdvance(text) + 16

    def output_cell_at(self, point: QPointF) -> tuple[int, int] | None:
        """The output (oy, ox) under ``point``, or None."""
        if self.grid is None:
            return None
        cell, _, out = self._geometry()
        if point.x() < out.x() or point.y() < out.y():
            return None
        r, c = int((point.y() - out.y()) // cell), int((point.x() - out.x()) // cell)
        oh, ow = self.grid.output_shape
        return (r, c) if r < oh and c < ow else None

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        found = self.output_cell_at(event.position())
        if found is not None and found != self.position:
            self.positionPicked.emit(*found)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        found = self.output_cell_at(event.position())
        if found is not None:
            self.positionPicked.emit(*found)
