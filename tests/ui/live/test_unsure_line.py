"""unsure_line: the words under the answer, hidden with their room kept, a colour for the window's background."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette

from guiapp.ui.live.unsure_line import NAME_CHARS, UNSURE_COLOURS, UNSURE_LINES, UnsureLine


def test_it_names_both_classes_and_hides_keeping_its_room(qtbot):
    line = UnsureLine()
    qtbot.addWidget(line)
    assert line.isHidden() and line.shown_text == ""
    assert line.sizePolicy().retainSizeWhenHidden()
    assert line.height() >= line.fontMetrics().lineSpacing() * UNSURE_LINES
    line.say(("4", "9"))
    assert line.shown_text == "unsure — 4 or 9?" and not line.isHidden()
    line.say(None)
    assert line.isHidden() and line.shown_text == ""


def test_long_names_are_cut_and_said_whole_in_the_tooltip(qtbot):
    line = UnsureLine()
    qtbot.addWidget(line)
    long = "a_very_long_class_name"
    line.say((long, "dog"))
    first = line.shown_text.split(" — ")[1].split(" or ")[0]
    assert len(first) == NAME_CHARS and first.endswith("…")
    assert long in line.toolTip()


def test_its_colour_suits_a_light_and_a_dark_window_and_its_room_the_type(qtbot):
    line = UnsureLine()
    qtbot.addWidget(line)
    light = QPalette()
    light.setColor(QPalette.ColorRole.Window, QColor("#ffffff"))
    line.setPalette(light)
    assert UNSURE_COLOURS[0] in line.styleSheet()
    dark = QPalette()
    dark.setColor(QPalette.ColorRole.Window, QColor("#1e1e1e"))
    line.setPalette(dark)
    assert UNSURE_COLOURS[1] in line.styleSheet()
    before = line.height()
    font = line.font()
    font.setPointSizeF(font.pointSizeF() * 2)
    line.setFont(font)
    assert line.height() > before
