"""The live page's layout cannot get lost: quit on any page, save nonsense, and the next launch shows
the canvas, the feature maps and the tabs; View → Reset layout brings the designed layout back."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QByteArray, QRect, QSettings, QSize, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QSplitter, QWidget

from guiapp.ui.layout import (
    MIN_COLUMN_WIDTHS,
    MIN_MAPS_COLUMN,
    MIN_TABS_COLUMN,
    MIN_WINDOW_SIZE,
    WINDOW_SIZE,
    default_geometry,
    usable_geometry,
)
from guiapp.ui.live.canvas import MIN_SIDE
from guiapp.ui.window_paths import WindowPaths
from guiapp.ui.settings import COLUMNS, GEOMETRY, OLD_SPLITTER, load_settings

PAGES = ("Live network", "Conv arithmetic", "Architecture explorer", "Training", "Compare")
WIDE = QSize(1900, 900)  # room for the columns to differ (the offscreen screen's 800 px leave none to spare)


def _launch(qtbot, store: QSettings, paths: WindowPaths):
    """A window on ``store``, shown, as a user's next launch (no model needed to lay it out)."""
    from guiapp.ui import MainWindow

    window = MainWindow(settings=store, paths=paths)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def _seen(widget: QWidget) -> bool:
    return widget.isVisible() and not widget.visibleRegion().isEmpty()


def _assert_live_page_whole(window) -> None:
    assert window.pages.currentIndex() == 0
    sizes = window.splitter.sizes()
    assert len(sizes) == len(MIN_COLUMN_WIDTHS)
    assert all(size >= low for size, low in zip(sizes, MIN_COLUMN_WIDTHS)), sizes
    # The canvas grows with the window (no longer a fixed 280): square, whole, at least its smallest.
    canvas = window.canvas
    assert _seen(canvas) and canvas.width() == canvas.height() >= MIN_SIDE
    assert canvas.visibleRegion().boundingRect() == canvas.rect()
    assert _seen(window.feature_maps) and window.feature_maps.width() >= MIN_MAPS_COLUMN
    assert _seen(window.tabs) and window.tabs.width() >= MIN_TABS_COLUMN


@pytest.mark.parametrize("page", range(len(PAGES)), ids=PAGES)
def test_quit_on_any_page_and_the_next_launch_shows_every_column(qtbot, store, window_paths, page):
    window = _launch(qtbot, store, window_paths)
    window.pages.setCurrentIndex(page)  # the Training page borrows the canvas column and the maps
    qtbot.waitUntil(lambda: window.pages.currentWidget().isVisible())
    assert window.close()
    _assert_live_page_whole(_launch(qtbot, store, window_paths))


def _ini(tmp_path, lines: str) -> QSettings:
    path = tmp_path / "by_hand.ini"
    path.write_text("[General]\n" + lines)
    return QSettings(str(path), QSettings.Format.IniFormat)


def _old_splitter_state(*sizes: int) -> QByteArray:
    """What the old code saved (``QSplitter.saveState``): with one column, as on the Training page."""
    splitter = QSplitter()
    for _ in sizes:
        splitter.addWidget(QLabel("column"))
    splitter.resize(sum(sizes), 100)
    splitter.setSizes(list(sizes))
    return splitter.saveState()


def _designed_columns(qtbot, folder, paths: WindowPaths) -> list[int]:
    """The columns' widths in a window at :data:`WIDE` with no layout saved."""
    folder.mkdir()
    reference = _launch(qtbot, _ini(folder, ""), paths)
    reference.resize(WIDE)
    qtbot.waitUntil(lambda: reference.size() == WIDE)
    sizes = reference.splitter.sizes()
    assert reference.close()
    return sizes


def test_a_saved_layout_with_zero_widths_is_ignored(qtbot, tmp_path, window_paths):
    designed = _designed_columns(qtbot, tmp_path / "fresh", window_paths)
    store = _ini(tmp_path, f"{COLUMNS}=1231, 0, 0\n")
    store.setValue(OLD_SPLITTER, _old_splitter_state(840))  # the old key, as quitting on the Training page left it
    window = _launch(qtbot, store, window_paths)
    _assert_live_page_whole(window)
    window.resize(WIDE)
    qtbot.waitUntil(lambda: window.size() == WIDE)
    assert window.splitter.sizes() == designed
    assert window.close()
    assert not store.contains(OLD_SPLITTER)  # the old state is gone from the file
    assert load_settings(store).columns == tuple(designed)


def test_a_saved_window_too_small_gets_the_designed_geometry(qtbot, store, window_paths):
    from guiapp.ui import MainWindow

    tiny = QWidget()
    tiny.resize(MIN_WINDOW_SIZE.width() // 2, MIN_WINDOW_SIZE.height() // 2)
    store.setValue(GEOMETRY, tiny.saveGeometry())
    window = MainWindow(settings=store, paths=window_paths)
    qtbot.addWidget(window)
    assert window.geometry() == default_geometry(window.screen().availableGeometry())
    window.shutdown()


def test_reset_layout_brings_back_the_designed_columns_and_window_and_forgets_the_saved_ones(qtbot, tmp_path,
                                                                                             window_paths):
    designed = _designed_columns(qtbot, tmp_path / "fresh", window_paths)
    store = _ini(tmp_path, f"{COLUMNS}=300, 1400, 300\n")  # usable, but not the designed widths
    window = _launch(qtbot, store, window_paths)
    window.resize(WIDE)
    qtbot.waitUntil(lambda: window.size() == WIDE)
    assert window.splitter.sizes() != designed
    window.pages.setCurrentIndex(PAGES.index("Training"))  # Reset works from any page, columns lent out or not
    keys = QKeySequence("Ctrl+Shift+R")
    assert [action for action in window.findChildren(QAction) if keys in action.shortcuts()] == [
        window.menus.reset_layout]  # no other command has the key
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # the shortcut works in the active window
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.pages.currentIndex() == 0
    assert not store.contains(COLUMNS) and not store.contains(GEOMETRY)
    assert load_settings(store).columns is None
    designed_size = default_geometry(window.screen().availableGeometry()).size()
    # (offscreen, the screen is 800 px wide: the window stops at the minimum its columns need)
    qtbot.waitUntil(lambda: window.size() == designed_size.expandedTo(window.minimumSize()))
    window.resize(WIDE)
    qtbot.waitUntil(lambda: window.size() == WIDE)
    assert window.splitter.sizes() == designed
    _assert_live_page_whole(window)


SCREEN = QRect(0, 0, 1366, 768)


@pytest.mark.parametrize("frame, usable", [
    (QRect(100, 50, 1200, 700), True),
    (QRect(1366 - 200, 768 - 60, 1200, 700), True),  # mostly off, but its corner can still be grabbed
    (QRect(3000, 50, 1200, 700), False),  # on a screen since unplugged
    (QRect(-1300, 50, 1200, 700), False),
    (QRect(100, 50, MIN_WINDOW_SIZE.width() - 1, 700), False),
    (QRect(100, 50, 1200, MIN_WINDOW_SIZE.height() - 1), False),
])
def test_usable_geometry(frame, usable):
    assert usable_geometry(frame, [SCREEN]) is usable


def test_usable_geometry_on_a_second_screen():
    assert usable_geometry(QRect(2000, 100, 1200, 700), [SCREEN, QRect(1366, 0, 1920, 1080)])


@pytest.mark.parametrize("screen, size", [
    (QRect(0, 0, 2560, 1440), WINDOW_SIZE),
    (QRect(0, 0, 1366, 768), QSize(int(1366 * 0.95), int(768 * 0.92))),
])
def test_the_designed_window_fits_the_screen_and_sits_in_its_middle(screen, size):
    rect = default_geometry(screen)
    assert rect.size() == size and screen.contains(rect) and rect.center() == screen.center()
