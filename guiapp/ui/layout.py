"""Where the window's parts sit: the live page's three columns, and the window's size on each screen.

The window fits every common screen, down to a 1280×720 projector (1280×690 less the title bar) and
``QT_SCALE_FACTOR=2`` on 1920×1080 (960×540): no column asks for more than it needs (the canvas column
scrolls when the height runs out, each tab page scrolls inside the tabs), and when the width runs short the
feature maps keep theirs: :func:`share_columns` takes from the tabs first, then from the canvas column,
the maps last; when it grows, the maps get half of it (the canvas column and the tabs a quarter each).

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
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

COLUMN_WIDTHS = (330, 640, 560)  # drawing and prediction · feature maps · tabs
# The narrowest each column is still of use at: a canvas one can draw on; mosaics one can read; a tab (it scrolls).
MIN_CANVAS_COLUMN, MIN_MAPS_COLUMN, MIN_TABS_COLUMN = 220, 400, 200
MIN_COLUMN_WIDTHS = (MIN_CANVAS_COLUMN, MIN_MAPS_COLUMN, MIN_TABS_COLUMN)
GROWTH = (1, 2, 1)  # how a wider window is shared out: the maps get half
MAPS = 1  # the maps' column, which inherits a hidden column's width
SHRINK_ORDER = (2, 0, 1)  # and what a narrower one takes first: the tabs, then the canvas column, the maps last
MAX_COLUMN_WIDTH = 100_000  # wider than any screen: a saved width beyond is not a width
WINDOW_SIZE = QSize(1560, 940)  # the designed size, on a screen that has room for it
SCREEN_SHARE = (0.95, 0.92)  # ...and at most this share of a smaller screen's width and height
MIN_WINDOW_SIZE = QSize(640, 480)  # a saved window smaller than this is not restored
MIN_ON_SCREEN = QSize(120, 40)  # of a saved window, at least this much must lie on some screen (to grab it)


def share_columns(base: Sequence[int], total: int, minimums: Sequence[int],
                  shown: Sequence[bool] | None = None) -> list[int]:
    """The columns' widths in ``total`` pixels, from the widths ``base`` (designed, saved or dragged).

    Each column gets at least its minimum. Room to spare is shared as :data:`GROWTH` says, room missing is
    taken in :data:`SHRINK_ORDER`. A hidden column (``shown`` False) is laid out as if shown, then its width
    goes to the maps (to the canvas column when the maps are the one hidden): the others keep theirs.
    """
    if shown is not None and not all(shown):
        sizes = share_columns(base, total, minimums)
        heir = MAPS if shown[MAPS] else next((i for i, on in enumerate(shown) if on), MAPS)
        for index, on in enumerate(shown):
            if not on:
                sizes[heir] += sizes[index] if index != heir else 0
                sizes[index] = 0
        return sizes
    sizes = [max(int(size), low) for size, low in zip(base, minimums)]
    spare = total - sum(sizes)
    if spare > 0:
        given = [spare * weight // sum(GROWTH) for weight in GROWTH]
        given[MAPS] += spare - sum(given)  # the rounding's few pixels: the maps'
        return [size + more for size, more in zip(sizes, given)]
    missing = -spare
    for index in SHRINK_ORDER:
        cut = min(missing, sizes[index] - minimums[index])
        sizes[index] -= cut
        missing -= cut
    return sizes


class _Column(QWidget):
    """A live-page column that asks for at least ``min_width``, or what its contents need if that is more."""

    def __init__(self, min_width: int) -> None:
        super().__init__()
        self._min_width = min_width

    def minimumSizeHint(self) -> QSize:
        return super().minimumSizeHint().expandedTo(QSize(self._min_width, 0))


class LiveSplitter(QSplitter):
    """The live page's three columns, fitted to the window as it is resized (:func:`share_columns`).

    Until the user drags a handle, every width is worked out from the designed (or restored) widths, so a
    window made small and large again gets them back; after a drag, from the widths the user left. While
    the Training page borrows two columns, it remembers their sizes on the live page.
    """

    def __init__(self) -> None:
        super().__init__(Qt.Orientation.Horizontal)
        self._live_sizes = list(COLUMN_WIDTHS)
        self._wanted: list[int] | None = list(COLUMN_WIDTHS)  # the widths to fit; None: the ones shown
        self.splitterMoved.connect(self._on_moved)

    def live_sizes(self) -> list[int]:
        """The columns' widths as on the live page: now, or when a column was last taken away."""
        return self.sizes() if self.count() == len(COLUMN_WIDTHS) else list(self._live_sizes)

    def setSizes(self, sizes: Sequence[int]) -> None:
        """Show these widths, fitted to the room there is (the widths asked are kept for the next resize)."""
        if self.count() == len(COLUMN_WIDTHS) and len(sizes) == len(COLUMN_WIDTHS):
            self._wanted = [int(size) for size in sizes]
            super().setSizes(self._fitted(self._wanted))
        else:
            super().setSizes(list(sizes))

    def refit(self) -> None:
        """Share the width out again (a column was hidden or shown)."""
        if self.count() == len(COLUMN_WIDTHS):
            super().setSizes(self._fitted(self._wanted or self.sizes()))

    def _fitted(self, base: Sequence[int]) -> list[int]:
        handles = sum(self.handle(i).width() for i in range(1, self.count()) if self.widget(i).isVisibleTo(self))
        total = self.contentsRect().width() - handles
        minimums = [max(widget.minimumSizeHint().width(), widget.minimumWidth())
                    for widget in (self.widget(i) for i in range(self.count()))]
        shown = [not self.widget(i).isHidden() for i in range(self.count())]
        return share_columns(base, total, minimums, shown)

    def _on_moved(self, _position: int, _index: int) -> None:
        self._wanted = None  # the user's widths, from now on

    def resizeEvent(self, event: QResizeEvent) -> None:
        before = self.sizes()
        super().resizeEvent(event)
        if self.count() == len(COLUMN_WIDTHS) and event.size().width() > 0:
            base = self._wanted if self._wanted is not None else before
            if sum(base) > 0:
                super().setSizes(self._fitted(base))

    def childEvent(self, event: QChildEvent) -> None:
        # A column leaving (docked in the Training page): its sizes are still those of the live page.
        if event.removed() and self.count() == len(COLUMN_WIDTHS):
            self._live_sizes = self.sizes()
        super().childEvent(event)


def live_splitter(left: QWidget, centre: tuple[QWidget, ...], tabs: QWidget) -> LiveSplitter:
    """The live page: the canvas column (``left``, whole), the maps (the last of ``centre`` takes the height
    the others leave), the tabs."""
    centre_column = _Column(MIN_MAPS_COLUMN)
    centre_layout = QVBoxLayout(centre_column)
    centre_layout.setContentsMargins(0, 0, 0, 0)
    for widget in centre[:-1]:
        centre_layout.addWidget(widget)
    centre_layout.addWidget(centre[-1], 1)
    left.setMinimumWidth(max(left.minimumSizeHint().width(), MIN_CANVAS_COLUMN))
    tabs.setMinimumWidth(MIN_TABS_COLUMN)
    splitter = LiveSplitter()
    splitter.setObjectName("main_splitter")
    for widget in (left, centre_column, tabs):
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
