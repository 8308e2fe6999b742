"""The live page's first column: the canvas, as large and square as the column allows, the network input
under it, the probabilities last, all wholly visible.

The canvas takes the height the other two leave at their minimum, up to the column's width (it stays
square); the height left over is shared by the input and the probabilities. When the window is too short
for even their minimums (``QT_SCALE_FACTOR=2`` on 1920×1080), the column scrolls instead of squeezing
one panel under another, so the window's own minimum stays small. A panel hidden (presentation mode)
gives its room to the others.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtWidgets import QFrame, QLayout, QLayoutItem, QScrollArea, QWidget, QWidgetItem

from guiapp.core.drawing.strokes import CANVAS_SIZE

MARGIN = 6  # around the column's contents
SPACING = 6  # between its panels
SHARE_PAST_DRAWN = 60  # height the canvas leaves the input and probabilities before it grows past 280


def _minimum_height(widget: QWidget, width: int) -> int:
    """The least height ``widget`` needs at ``width``: its own minimum, or what its wrapped text needs."""
    for_width = getattr(widget, "minimum_height_for", None)
    if for_width is not None:
        return int(for_width(width))
    return max(widget.minimumSizeHint().height(), widget.minimumHeight())


class CanvasColumnLayout(QLayout):
    """Lays out exactly three widgets: the canvas (square), the network input and the probabilities."""

    def __init__(self, parent: QWidget, canvas: QWidget, *others: QWidget) -> None:
        super().__init__(parent)
        self.setContentsMargins(MARGIN, MARGIN, MARGIN, MARGIN)
        self.setSpacing(SPACING)
        self._items: list[QLayoutItem] = []
        self.canvas, self.others = canvas, others
        for widget in (canvas, *others):
            self.addWidget(widget)

    # ------------------------------------------------------------------ QLayout's protocol

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation.Horizontal | Qt.Orientation.Vertical

    def _shown(self) -> list[QWidget]:
        return [item.widget() for item in self._items
                if isinstance(item, QWidgetItem) and not item.widget().isHidden()]

    def _margins(self) -> tuple[int, int]:
        margins = self.contentsMargins()
        return margins.left() + margins.right(), margins.top() + margins.bottom()

    def minimumSize(self) -> QSize:
        across, down = self._margins()
        shown = self._shown()
        width = max([widget.minimumSizeHint().expandedTo(widget.minimumSize()).width() for widget in shown] or [0])
        heights = [_minimum_height(widget, width) if widget is not self.canvas else self.canvas.minimumHeight()
                   for widget in shown]
        return QSize(width + across, sum(heights) + self.spacing() * max(0, len(shown) - 1) + down)

    def sizeHint(self) -> QSize:
        across, down = self._margins()
        shown = self._shown()
        width = max([widget.sizeHint().width() for widget in shown] or [0])
        height = sum(widget.sizeHint().height() for widget in shown) + self.spacing() * max(0, len(shown) - 1)
        return QSize(width + across, height + down).expandedTo(self.minimumSize())

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        area = self.contentsRect()
        shown = self._shown()
        others = [widget for widget in shown if widget is not self.canvas]
        lows = [_minimum_height(widget, area.width()) for widget in others]
        spacing = self.spacing() * max(0, len(shown) - 1)
        top = area.top()
        if self.canvas in shown:
            room = area.height() - spacing - sum(lows)
            # Past its drawn size, the canvas leaves the others a little more than their minimum first.
            room -= min(SHARE_PAST_DRAWN, max(0, room - CANVAS_SIZE))
            side = max(self.canvas.minimumWidth(), min(area.width(), room))
            self.canvas.setGeometry(area.left() + (area.width() - side) // 2, top, side, side)
            top += side + self.spacing()
        # What is left after the minimums is shared evenly; the last panel takes the rounding.
        spare = max(0, area.bottom() + 1 - top - sum(lows) - self.spacing() * max(0, len(others) - 1))
        for i, (widget, low) in enumerate(zip(others, lows)):
            height = low + (spare // len(others) if i < len(others) - 1 else spare - spare // len(others) * i)
            widget.setGeometry(area.left(), top, area.width(), height)
            top += height + self.spacing()


class CanvasColumn(QScrollArea):
    """The column, scrolling only when the window is shorter than its panels' minimums."""

    def __init__(self, canvas: QWidget, input_view: QWidget, probabilities: QWidget) -> None:
        super().__init__()
        self.setObjectName("canvas_column")
        self.body = QWidget()
        self.column_layout = CanvasColumnLayout(self.body, canvas, input_view, probabilities)
        self.setWidget(self.body)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def minimumSizeHint(self) -> QSize:
        # As wide as the panels need with a scroll bar beside them; as short as a scroll area can be.
        width = self.body.minimumSizeHint().width() + self.verticalScrollBar().sizeHint().width()
        return QSize(width, super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:
        return self.body.sizeHint() + QSize(self.verticalScrollBar().sizeHint().width(), 0)
