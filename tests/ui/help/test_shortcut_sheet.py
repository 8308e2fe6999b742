"""shortcut_sheet: every key, read from the window's actions by menu; the drawing's keys listed off the live page."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoCommand

from guiapp.ui.help import ShortcutSheet, shortcut_rows
from guiapp.ui.help.shortcut_sheet import OTHER, sheet_html
from guiapp.ui.menus import make_action


def _as_dict(groups):
    return {title: dict(rows) for title, rows in groups}


def test_the_sheet_lists_every_command_with_keys_grouped_by_menu(qtbot, help_window):
    groups = _as_dict(shortcut_rows(help_window))
    assert list(groups) == ["File", "Edit", "View", "Samples", "Help", OTHER]  # Model: its one key is in File
    assert groups["File"]["Open model"] == "Ctrl+O" and groups["File"]["Open drawing"] == "Ctrl+Shift+O"
    assert groups["View"]["Presentation mode"] == "F5" and groups["View"]["Full screen"] == "F11"
    assert groups["View"]["Zoom in"] == "Ctrl+=, Ctrl++" and groups["View"]["Live network"] == "Ctrl+1"
    assert groups["Help"]["Keyboard shortcuts"] == "F1, ?"
    assert groups["Edit"]["Clear"] == "Del, Backspace" and groups["Edit"]["Undo"] == "Ctrl+Z"
    assert groups[OTHER] == {"Leave presentation mode": "Esc"}  # in no menu, still listed
    assert "About guiapp" not in groups["Help"]  # no keys: not on the sheet
    assert all(rows for rows in groups.values())


def test_a_command_added_later_is_on_the_sheet_and_the_drawing_keys_stay_off_the_live_page(qtbot, help_window):
    help_window.canvas_for_test.undo_stack.push(QUndoCommand("Stroke"))  # the menu now says "Undo Stroke"
    help_window.menus.set_live(False)  # another page: the drawing's keys are off, not forgotten
    make_action(help_window, "Something new", None, ("Ctrl+Shift+N",))
    groups = _as_dict(shortcut_rows(help_window))
    assert groups["Edit"]["Clear"] == "Del, Backspace" and groups["Samples"]["Random sample"] == "R"
    assert help_window.menus.undo.text() == "Undo Stroke" and groups["Edit"]["Undo"] == "Ctrl+Z"
    assert groups[OTHER]["Something new"] == "Ctrl+Shift+N"


def test_f1_and_question_mark_open_the_sheet_written_from_the_actions(qtbot, help_window):
    help_window.show()
    help_window.activateWindow()
    qtbot.waitUntil(help_window.isActiveWindow)
    sheet = help_window.findChild(ShortcutSheet)
    qtbot.keyClick(help_window, Qt.Key.Key_F1)
    qtbot.waitUntil(sheet.isVisible)
    text = sheet.text.toPlainText()
    assert "Ctrl+O" in text and "F5" in text and "Presentation mode" in text and "Samples" in text
    sheet.close()
    help_window.activateWindow()
    qtbot.waitUntil(help_window.isActiveWindow)
    qtbot.keyClick(help_window, Qt.Key.Key_Question)
    qtbot.waitUntil(sheet.isVisible)
    assert "<b>Ctrl+O</b>" in sheet_html(sheet.groups)
    sheet.close()
