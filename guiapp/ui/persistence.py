"""The window's settings across runs, applied and gathered: geometry, the live page's columns, pen width,
colour mode, last model. Reading and checking the file is :mod:`guiapp.ui.settings`' job; this puts what it
read on the window (or the designed layout, when what it read would hide something) and takes it back at quit.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication

from guiapp.core.live.layer_picture import PER_MAP, SHARED
from guiapp.ui.layout import COLUMN_WIDTHS, default_geometry, usable_columns, usable_geometry
from guiapp.ui.settings import Settings, forget_layout, load_settings, save_settings

if TYPE_CHECKING:
    from guiapp.ui.main_window import MainWindow


class Persistence:
    """The settings read from ``store`` at start, changed as the user works, written at quit."""

    def __init__(self, store: QSettings) -> None:
        self.store = store
        self.settings: Settings = load_settings(store)

    def remember(self, **changes: object) -> None:
        self.settings = replace(self.settings, **changes)

    def restore(self, window: MainWindow) -> None:
        s = self.settings
        screens = [screen.availableGeometry() for screen in QGuiApplication.screens()]
        # A saved window too small, or off every screen (one since unplugged), is not restored: the designed one is.
        if s.geometry is None or not window.restoreGeometry(s.geometry) or not usable_geometry(
                window.frameGeometry(), screens):
            designed_geometry(window)
        # Only widths that show every column are read (load_settings); else the designed ones, set again now that
        # the tabs are in (their minimum widths shape how the splitter shares out the designed widths).
        window.live_page.splitter.setSizes(list(s.columns or COLUMN_WIDTHS))
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
        forget_layout(self.store)

    def save(self, window: MainWindow) -> None:
        # The columns as they are on the live page, not as a page borrowing two of them left it; only usable ones.
        columns = tuple(window.live_page.splitter.live_sizes())
        self.remember(geometry=window.saveGeometry(), columns=columns if usable_columns(columns) else
                      self.settings.columns)
        save_settings(self.store, self.settings)


def designed_geometry(window: MainWindow) -> None:
    """First run, or Reset layout: the designed size, but never larger than the screen (a 1366×768 laptop)."""
    window.setWindowState(Qt.WindowState.WindowNoState)
    window.setGeometry(default_geometry(window.screen().availableGeometry()))
