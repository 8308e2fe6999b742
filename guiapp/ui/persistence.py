"""The window's settings across runs, applied and gathered: geometry, the live page's columns, pen width,
colour mode, last model. Reading and checking the file is :mod:`guiapp.ui.settings`' job; this puts what it
read on the window (or the designed layout, when what it read would hide something) and takes it back at quit.

The window's geometry and columns are kept per screen, under the screen's name and logical size
(:func:`screen_key`): a session on a projector, or with ``QT_SCALE_FACTOR=1.5``, keeps its own and leaves the
desk's alone. A geometry that would not fit the screen it opens on (larger than its available area, or off
it) is not restored: the designed one is. The keys of earlier versions (one geometry for every screen) are
still read, under the same test, when a screen has none of its own.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QDataStream, QIODevice, QPoint, QRect, QSettings, Qt
from PySide6.QtGui import QScreen

from guiapp.core.live.layer_picture import PER_MAP, SHARED
from guiapp.ui.layout import COLUMN_WIDTHS, default_geometry, usable_columns, usable_geometry
from guiapp.ui.settings import (
    COLUMNS,
    GEOMETRY,
    Settings,
    column_widths,
    forget_layout,
    load_settings,
    save_settings,
)

if TYPE_CHECKING:
    from guiapp.ui.main_window import MainWindow


SCREENS = "screens"  # the settings group holding one group per screen (screen_key)
MAX_KEY_CHARS = 80
GEOMETRY_MAGIC = 0x1D9D0CB  # what QWidget.saveGeometry() begins with


def screen_key(name: str, width: int, height: int) -> str:
    """The settings key of a screen: its name and logical size, in characters any settings file accepts."""
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", name)[:MAX_KEY_CHARS] or "screen"
    return f"{safe}_{int(width)}x{int(height)}"


def _key_of(screen: QScreen) -> str:
    size = screen.size()  # logical pixels: a scale factor gives another key
    return f"{SCREENS}/{screen_key(screen.name(), size.width(), size.height())}"


def saved_rects(geometry: QByteArray) -> list[QRect]:
    """The frame and normal geometries in a QWidget.saveGeometry() blob ([] if it is not one).

    Read before restoring: Qt squeezes a saved window into the screen as it restores it, so a window saved
    on a larger (or less scaled) screen would come back as large as this screen, not as designed."""
    stream = QDataStream(geometry, QIODevice.OpenModeFlag.ReadOnly)
    if stream.readUInt32() != GEOMETRY_MAGIC:
        return []
    stream.readUInt16(), stream.readUInt16()  # the format's version
    rects = []
    for _ in range(2):
        left, top, right, bottom = (stream.readInt32() for _ in range(4))
        rects.append(QRect(QPoint(left, top), QPoint(right, bottom)))
    return rects if stream.status() == QDataStream.Status.Ok else []


def fits_screen(frame: QRect, available: QRect) -> bool:
    """A window at ``frame`` is no larger than the screen's available area (and usable there)."""
    return (frame.width() <= available.width() and frame.height() <= available.height()
            and usable_geometry(frame, [available]))


class Persistence:
    """The settings read from ``store`` at start, changed as the user works, written at quit."""

    def __init__(self, store: QSettings) -> None:
        self.store = store
        self.settings: Settings = load_settings(store)

    def remember(self, **changes: object) -> None:
        self.settings = replace(self.settings, **changes)

    def _saved_layout(self, window: MainWindow) -> tuple[QByteArray | None, tuple[int, ...] | None]:
        """This screen's geometry and columns, else the ones saved for every screen (earlier versions)."""
        key = _key_of(window.screen())
        geometry = self.store.value(f"{key}/{GEOMETRY}")
        columns = column_widths(self.store.value(f"{key}/{COLUMNS}"))
        if isinstance(geometry, QByteArray):
            return geometry, columns
        return self.settings.geometry, columns or self.settings.columns

    def restore(self, window: MainWindow) -> None:
        s = self.settings
        geometry, columns = self._saved_layout(window)
        # A saved window too small, larger than this screen, or off it (one since unplugged), is not restored:
        # the designed one is. Full screen is a choice for the moment (presentation), not one to reopen in.
        saved = saved_rects(geometry) if geometry is not None else []
        if not saved or not window.restoreGeometry(geometry) or not _fits(saved, window):
            designed_geometry(window)
        elif window.isFullScreen():
            window.setWindowState(window.windowState() & ~Qt.WindowState.WindowFullScreen)
        # Only widths that show every column are read; else the designed ones, set again now that the tabs are
        # in (the splitter fits them to the window's width).
        window.live_page.splitter.setSizes(list(columns or COLUMN_WIDTHS))
        window.live_page.canvas.set_pen_width(s.pen_width)
        mode = PER_MAP if s.colour_mode == PER_MAP else SHARED
        window.menus.show_colour_mode(mode)
        window.state.colour_mode = mode

    def reset(self, window: MainWindow) -> None:
        """View → Reset layout: the live page with its columns and the window at their designed sizes; the saved
        layout is forgotten (what is saved at quit is this one, unless the user changes it)."""
        window.pages.setCurrentIndex(0)  # the columns the Training page borrows come back first
        window.live_page.splitter.setSizes(list(COLUMN_WIDTHS))
        designed_geometry(window)
        self.remember(geometry=None, columns=None)
        self.store.remove(_key_of(window.screen()))  # this screen's; the other screens keep theirs
        forget_layout(self.store)

    def save(self, window: MainWindow) -> None:
        # The columns as they are on the live page, not as a page borrowing two of them left it; only usable ones.
        columns = tuple(window.live_page.splitter.live_sizes())
        self.remember(geometry=window.saveGeometry(), columns=columns if usable_columns(columns) else
                      self.settings.columns)
        key = _key_of(window.screen())
        self.store.setValue(f"{key}/{GEOMETRY}", self.settings.geometry)
        if self.settings.columns is not None:
            self.store.setValue(f"{key}/{COLUMNS}", list(self.settings.columns))
        save_settings(self.store, self.settings)


def _fits(saved: list[QRect], window: MainWindow) -> bool:
    """The window as restored fits the screen it is on, and so did it as saved (wherever it was: Qt moves a
    window saved off screen back on it, which is fine, and squeezes one saved too large, which is not)."""
    available = window.screen().availableGeometry()
    return fits_screen(window.frameGeometry(), available) and all(
        rect.width() <= available.width() and rect.height() <= available.height() for rect in saved)


def designed_geometry(window: MainWindow) -> None:
    """First run, or Reset layout: the designed size, but never larger than the screen (a 1366×768 laptop)."""
    window.setWindowState(Qt.WindowState.WindowNoState)
    window.setGeometry(default_geometry(window.screen().availableGeometry()))
