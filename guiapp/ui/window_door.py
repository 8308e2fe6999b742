"""The window's side of the :class:`~guiapp.ui.feature.Door`: what a feature may ask of the window.

Each verb is one line into the part that owns it — the pages and tabs (show, on screen), the live page
(the canvas, the drawing column), the model switch, the menus, the status bar — so a feature never holds
any of them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QWidget

from guiapp.ui.feature import Feature

if TYPE_CHECKING:
    from guiapp.core.live.live_update import PictureInput
    from guiapp.ui.main_window import MainWindow

MESSAGE_MS, ERROR_MESSAGE_MS = 6000, 8000  # how long the status bar keeps a message


class WindowDoor:
    """Built by the window before its features (``live`` and the live page are set right after)."""

    def __init__(self, window: MainWindow) -> None:
        self._window = window
        self.state, self.paths, self.samples = window.state, window.paths, window.samples
        self.live = None  # the LiveLoop, once the live page's canvas exists
        self.features: list[Feature] = []

    def say(self, message: str, error: bool = False) -> None:
        if not self._window.closed:
            self._window.statusBar().showMessage(message, ERROR_MESSAGE_MS if error else MESSAGE_MS)

    def show(self, feature: Feature) -> None:
        window = self._window
        if feature.is_page:
            window.pages.setCurrentWidget(feature.widget)
        else:
            window.pages.setCurrentWidget(window.live_page.widget)
            window.live_page.tabs.setCurrentWidget(feature.widget)

    def on_screen(self, feature: Feature) -> bool:
        window = self._window
        shown = window.pages.currentWidget()
        if feature.is_page:
            return shown is feature.widget
        # The Training page borrows the canvas but not the tabs: there no tab is on screen.
        tabs = window.live_page.tabs
        return tabs.currentWidget() is feature.widget and shown is not None and shown.isAncestorOf(tabs)

    def find(self, kind: type[Feature]) -> Feature | None:
        return next((feature for feature in self.features if isinstance(feature, kind)), None)

    def load_model(self, path: Path, trust: bool = False) -> None:
        self._window.load_model(path, trust)

    def add_model(self, path: Path) -> None:
        self._window.menus.add_model(path)

    def show_picture(self, picture: PictureInput, undo_text: str) -> None:
        self._window.live_page.show_picture(picture, undo_text)

    def overlay(self, rgba: np.ndarray | None, rect: QRectF | None = None) -> None:
        self._window.live_page.overlay(rgba, rect)

    def lend_drawing(self, maps: bool = True) -> list[QWidget]:
        return self._window.live_page.lend_drawing(maps)

    def take_back_drawing(self) -> None:
        self._window.live_page.take_back_drawing()

    def busy(self) -> bool:
        return any(feature.busy for feature in self.features)
