"""tab_area: each page is wrapped in a scroll area as it is added, and the tab widget speaks of the pages as
they were added; a page wider than the tab scrolls instead of widening it."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QTabWidget

from guiapp.ui.live.tab_area import TabArea, TabPageScroll


def test_pages_are_wrapped_and_found_as_they_were_added(qtbot):
    tabs = TabArea()
    qtbot.addWidget(tabs)
    first, wide = QLabel("first"), QLabel("wide")
    wide.setMinimumWidth(900)
    assert tabs.addTab(first, "First") == 0 and tabs.insertTab(0, wide, "Wide") == 0
    assert isinstance(QTabWidget.widget(tabs, 0), TabPageScroll)
    assert tabs.widget(0) is wide and tabs.widget(1) is first and tabs.indexOf(first) == 1
    tabs.setCurrentWidget(first)
    assert tabs.currentIndex() == 1 and tabs.currentWidget() is first
    assert tabs.scroll_of(wide).widget() is wide
    assert tabs.minimumSizeHint().width() < 300  # the 900-pixel page does not widen the tabs
    tabs.resize(300, 200)
    tabs.setCurrentWidget(wide)
    tabs.show()
    qtbot.waitUntil(lambda: tabs.scroll_of(wide).horizontalScrollBar().maximum() > 0)  # it scrolls
    assert tabs.indexOf(QLabel()) == -1
