"""help_menu: a Help menu last in the bar, with the shortcut sheet and About (the version)."""

from __future__ import annotations

import guiapp
from guiapp.ui.help import HelpMenu
from guiapp.ui.help.help_menu import about_text


def test_the_help_menu_comes_last_with_the_sheet_and_about(qtbot, help_window):
    bar = [a.text() for a in help_window.menuBar().actions()]
    assert bar == ["&File", "&Model", "&Edit", "&View", "&Samples", "&Help"]
    help_menu = help_window.menuBar().actions()[-1].menu()
    assert [a.text() for a in help_menu.actions()] == ["Keyboard shortcuts", "About guiapp"]
    menu = help_window.findChild(HelpMenu)
    assert menu.shortcuts.toolTip() == "Every command's keys, by menu (F1, ?)"


def test_about_says_the_version():
    assert f"guiapp {guiapp.__version__}" in about_text() and "F1" in about_text()


def test_the_view_menu_ends_with_the_presentation_section(qtbot, help_window):
    view = help_window.menuBar().actions()[3].menu()
    items = [a.text() or "—" for a in view.actions()]
    assert items[-7:] == ["—", "Presentation mode", "Full screen", "Zoom in", "Zoom out", "Actual size",
                          "Panels in presentation"]
