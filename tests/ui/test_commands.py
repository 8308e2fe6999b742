"""Every command reaches the window's menus from the object that owns it."""

from __future__ import annotations


def _menu(window, title: str) -> list[str]:
    for action in window.menuBar().actions():
        if action.text().replace("&", "") == title:
            return [a.text() for a in action.menu().actions() if not a.isSeparator()]
    raise AssertionError(f"no {title} menu")


def test_the_menus_hold_every_owners_commands(window):
    file_menu = _menu(window, "File")
    assert "Open training history…" in file_menu and "Open image…" in file_menu
    assert any("window" in text.lower() for text in file_menu)  # export: the whole window
    view = _menu(window, "View")
    assert any("Presentation" in text for text in view) and any("Full screen" in text for text in view)
    assert any("shortcut" in text.lower() for text in _menu(window, "Help"))
    assert window.presentation is not None
    keys = {key.toString() for action in window.actions() for key in action.shortcuts()}
    assert {"F5", "F11", "F1", "Ctrl+Shift+C", "Ctrl+I", "Ctrl+Shift+H"} <= keys
