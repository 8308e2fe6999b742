"""The small window of the presentation tests, with presentation mode and Help in its menus."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMainWindow, QTabWidget, QVBoxLayout, QWidget

from guiapp.ui import help as window_help
from guiapp.ui import presentation
from guiapp.ui.live.canvas import DrawingCanvas
from guiapp.ui.menus import PAGES, WindowMenus, make_action
from tests.ui.presentation.conftest import FakeLivePage


@pytest.fixture()
def help_window(qtbot, tmp_path):
    font = QApplication.font()
    window = QMainWindow()
    qtbot.addWidget(window)
    window.persistence = SimpleNamespace(store=QSettings(str(tmp_path / "guiapp.ini"), QSettings.Format.IniFormat))
    window.live_page = FakeLivePage()
    window.live_page.tabs = QTabWidget()
    window.live_page.tabs.setObjectName("tabs")
    for title in ("Ledger", "Why", "Brand new tab"):
        window.live_page.tabs.addTab(QWidget(), title)
    window.pages = QTabWidget()
    window.pages.addTab(window.live_page.widget, "Live network")
    for title, _tip in PAGES[1:]:
        window.pages.addTab(QWidget(), title)
    central = QWidget()
    QVBoxLayout(central).addWidget(window.pages)
    window.setCentralWidget(central)
    canvas = DrawingCanvas()
    opening = [make_action(window, "Open drawing…", None, ("Ctrl+Shift+O",))]
    view_extras = presentation.install(window, full_screen=False, key=lambda: "k")
    help_actions = window_help.install(window)
    window.menus = WindowMenus(window, canvas, opening, lambda _p: None, lambda: None, lambda _s: None,
                               lambda _i: None, view_extras=view_extras, help_actions=help_actions)
    window.canvas_for_test = canvas
    window.resize(900, 600)
    yield window
    window.close()
    QApplication.setFont(font)
