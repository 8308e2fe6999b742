"""A small window with the parts presentation mode touches: bars, the drawing menus, a live page with panels."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QVBoxLayout, QWidget

from guiapp.ui.live.canvas import DrawingCanvas
from guiapp.ui.menus import WindowMenus, make_action

PANEL_NAMES = ("canvas", "input", "probabilities", "feature_maps", "model_banner", "tabs")


class FakeLivePage:
    """The live page's panel API (``panels``, ``set_panel_visible``) on plain labels."""

    def __init__(self) -> None:
        self.widget = QWidget()
        layout = QVBoxLayout(self.widget)
        self.panels = {name: QLabel(name) for name in PANEL_NAMES}
        for label in self.panels.values():
            layout.addWidget(label)
        self.calls: list[tuple[str, bool]] = []

        self.hidden: set[str] = set()

    def panel_visible(self, name: str) -> bool:
        return name not in self.hidden

    def set_panel_visible(self, name: str, visible: bool) -> None:
        self.calls.append((name, visible))
        (self.hidden.discard if visible else self.hidden.add)(name)
        self.panels[name].setVisible(visible)


@pytest.fixture()
def small_window(qtbot, tmp_path):
    """A shown, active QMainWindow with File/Edit menus, the drawing toolbar, a status bar, a fake live page."""
    font = QApplication.font()
    window = QMainWindow()
    qtbot.addWidget(window)
    window.persistence = SimpleNamespace(store=QSettings(str(tmp_path / "guiapp.ini"), QSettings.Format.IniFormat))
    window.live_page = FakeLivePage()
    window.setCentralWidget(window.live_page.widget)
    canvas = DrawingCanvas()
    opening = [make_action(window, "Open drawing…", None, ("Ctrl+Shift+O",))]
    window.menus = WindowMenus(window, canvas, opening, lambda _p: None, lambda: None, lambda _s: None,
                               lambda _i: None)
    window.canvas = canvas
    window.statusBar().showMessage("ready")
    window.resize(900, 600)
    yield window
    window.close()
    QApplication.setFont(font)  # never leak a zoom into the next test
