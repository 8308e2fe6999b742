"""The Help menu: the shortcut sheet (F1 or ?) and About (the version); :func:`install` also puts the tooltips
of :mod:`~guiapp.ui.help.tips` on the pages, tabs and panels."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMessageBox

import guiapp
from guiapp.ui.help.shortcut_sheet import ShortcutSheet
from guiapp.ui.help.tips import apply_tips
from guiapp.ui.menus import make_action


def about_text() -> str:
    return (f"<h3>guiapp {guiapp.__version__}</h3>"
            "<p>Watch a convolutional network think: draw a digit and see every layer respond, "
            "explain its answer, train your own.</p><p>Press F1 or ? for the keyboard shortcuts.</p>")


class HelpMenu(QObject):
    """The Help menu's actions for ``window``, and the one shortcut sheet they open (a child of the window)."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.sheet = ShortcutSheet(window)
        self.shortcuts = make_action(window, "Keyboard shortcuts", self.show_sheet, ("F1", "?"),
                                     "Every command's keys, by menu")
        self.about = make_action(window, "About guiapp", self.show_about, (), "The version, and what guiapp is for")

    def actions(self) -> list[QAction]:
        return [self.shortcuts, self.about]

    def show_sheet(self) -> None:
        self.sheet.show()
        self.sheet.raise_()
        self.sheet.activateWindow()

    def show_about(self) -> None:
        QMessageBox.about(self._window, "About guiapp", about_text())


def install(window: QMainWindow) -> list[QAction]:
    """The Help menu's actions (for ``WindowMenus(help_actions=…)``) and the tooltips; call once the pages and tabs
    are in. The menu is the window's child: ``window.findChild(HelpMenu)``."""
    menu = HelpMenu(window)
    apply_tips(window)
    return menu.actions()
