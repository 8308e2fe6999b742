"""Where the window's parts sit: the live page's three columns, and the window's size on each screen.

The live page's layout is what a user can lose: columns dragged (or saved) to nothing, a window saved
on a screen that is gone. So the columns cannot be collapsed, and a saved layout is used only if it
shows each column at a usable width (:func:`usable_columns`) on some screen (:func:`usable_geometry`);
anything else gives the designed layout. The Training page borrows the first two columns while it is
shown: :meth:`LiveSplitter.live_sizes` are the sizes they had on the live page, never those of a
splitter with a column lent out.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QChildEvent, QRect, QSize, Qt
from PySide6.QtWidgets import QSplitter, QTabWidget, QVBoxLayout, QWidget

from guiapp.core.drawing.strokes import CANVAS_SIZE

COLUMN_WIDTHS = (330, 640, 560)  # drawing and prediction · feature maps · tabs
# The narrowest each column is still of use at: the whole canvas; a strip of maps one can read; a tab's contents.
MIN_CANVAS_COLUMN, MIN_MAPS_COLUMN, MIN_TABS_COLUMN = CANVAS_SIZE, 160, 240
MIN_COLUMN_WIDTHS = (MIN_CANVAS_COLUMN, MIN_MAPS_COLUMN, MIN_TABS_COLUMN)
MAX_COLUMN_WIDTH = 100_000  # wider than any screen: a saved width beyond is not a width
WINDOW_SIZE = QSize(1560, 940)  # the designed size, on a screen that has room for it
SCREEN_SHARE = (0.95, 0.92)  # ...and at most this share of a smaller screen's width and height
MIN_WINDOW_SIZE = QSize(640, 480)  # a saved window smaller than this is not restored
MIN_ON_SCREEN = QSize(120, 40)  # of a saved window, at least this much must lie on some screen (to grab it)


class _Column(QWidget):
    """A live-page column that asks for at least ``min_width``, or what its contents need if that is more."""

    def __init__(self, min_width: int) -> None:
        super().__init__()
        self._min_width = min_width

    def minimumSizeHint(self) -> QSize:
        return super().minimumSizeHint().expandedTo(QSize(self._min_width, 0))


class LiveSplitter(QSplitter):
    """The live page's three columns; remembers their sizes while the Training page borrows two of them."""

    def __init__(self) -> None:
        super().__init__(Qt.Orientation.Horizontal)
        self._live_sizes = list(COLUMN_WIDTHS)

    def live_sizes(self) -> list[int]:
        """The columns' widths as on the live page: now, or when a column was last taken away."""
        return self.sizes() if self.count() == len(COLUMN_WIDTHS) else list(self._live_sizes)

    def childEvent(self, event: QChildEvent) -> None:
        # A column leaving (docked in the Training page): its sizes are still those of the live page.
        if event.removed() and self.count() == len(COLUMN_WIDTHS):
            self._live_sizes = self.sizes()
        super().childEvent(event)


def live_splitter(left: tuple[QWidget, ...], centre: tuple[QWidget, ...], tabs: QTabWidget) -> LiveSplitter:
    """The live page: the canvas column (its first widget centred, not stretched), the maps, the tabs.

    In the centre column the last widget takes the height the others leave.
    """
    left_column = _Column(MIN_CANVAS_COLUMN)
    left_layout = QVBoxLayout(left_column)
    left_layout.addWidget(left[0], 0, Qt.AlignmentFlag.AlignHCenter)
    for widget in left[1:]:
        left_layout.addWidget(widget, 1)
    centre_column = _Column(MIN_MAPS_COLUMN)
    centre_layout = QVBoxLayout(centre_column)
    centre_layout.setContentsMargins(0, 0, 0, 0)
    for widget in centre[:-1]:
        centre_layout.addWidget(widget)
    centre_layout.addWidget(centre[-1], 1)
    splitter = LiveSplitter()
    splitter.setObjectName("main_splitter")
    for widget in (left_column, centre_column, tabs):
        splitter.addWidget(widget)
    # A handle dragged to the edge stops at the column's minimum: no column can be lost behind a 1-px handle.
    splitter.setChildrenCollapsible(False)
    splitter.setSizes(list(COLUMN_WIDTHS))
    # Opaque, so a panel's repaint stops here: otherwise the tab widget's frame is repainted under
    # every live update (measured: event → painted median 20 ms instead of 6).
    splitter.setAutoFillBackground(True)
    return splitter


def usable_columns(sizes: Sequence[int] | None) -> bool:
    """``sizes`` are the live page's three columns, each at least its minimum width."""
    return (sizes is not None and len(sizes) == len(MIN_COLUMN_WIDTHS)
            and all(low <= size <= MAX_COLUMN_WIDTH for size, low in zip(sizes, MIN_COLUMN_WIDTHS)))


def usable_geometry(frame: QRect, screens: Sequence[QRect]) -> bool:
    """A window at ``frame`` is at least the minimum size and enough of it lies on one of ``screens``."""
    if frame.width() < MIN_WINDOW_SIZE.width() or frame.height() < MIN_WINDOW_SIZE.height():
        return False
    for screen in screens:
        seen = frame.intersected(screen)
        if seen.width() >= MIN_ON_SCREEN.width() and seen.height() >= MIN_ON_SCREEN.height():
            return True
    return False


def default_geometry(screen: QRect) -> QRect:
    """The designed window, shrunk to fit a smaller ``screen`` (a 1366×768 laptop), centred on it."""
    size = QSize(min(WINDOW_SIZE.width(), int(screen.width() * SCREEN_SHARE[0])),
                 min(WINDOW_SIZE.height(), int(screen.height() * SCREEN_SHARE[1])))
    rect = QRect(screen.topLeft(), size)
    rect.moveCenter(screen.center())
    return rect
