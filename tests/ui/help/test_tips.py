"""tips: one table of what each page, tab and live panel shows, on them as tooltips; none forgotten."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from guiapp.ui.features import PAGES, TABS
from guiapp.ui.help.tips import PAGE_TIPS, PANEL_TIPS, TAB_TIPS, apply_tips
from guiapp.ui.live.live_page import LivePage


def test_the_table_has_a_tip_for_every_registered_page_and_tab():
    assert set(PAGE_TIPS) == {LivePage.title} | {page.title for page in PAGES}
    assert set(TAB_TIPS) == {tab.title for tab in TABS}
    assert all(len(tip) > 20 for tip in (*PAGE_TIPS.values(), *TAB_TIPS.values(), *PANEL_TIPS.values()))


def test_apply_tips_puts_them_on_and_names_what_it_has_no_tip_for(qtbot, help_window):
    pages, tabs = help_window.pages, help_window.live_page.tabs
    help_window.live_page.panels["feature_maps"].setObjectName("feature_maps")
    missing = apply_tips(help_window)  # the fake live page has no canvas or banner by object name
    assert "Brand new tab" in missing and "canvas" in missing
    assert pages.tabToolTip(0) == PAGE_TIPS["Live network"] and tabs.tabToolTip(1) == TAB_TIPS["Why"]
    assert tabs.tabToolTip(2) == ""
    assert help_window.live_page.panels["feature_maps"].toolTip() == PANEL_TIPS["feature_maps"]  # by object name


def test_every_page_tab_and_panel_of_the_window_gets_a_tip(window):
    assert apply_tips(window) == []
    for tabs in (window.pages, window.live_page.tabs):
        assert all(tabs.tabToolTip(i) for i in range(tabs.count()))
    for name in PANEL_TIPS:
        assert window.findChild(QWidget, name).toolTip()
