"""The Training page fits a small screen: at QT_SCALE_FACTOR=2 on 1920×1080 (960×540 logical) the window's
minimum fits, Start and the canvas are on screen; with room, the three columns come back."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QLabel, QWidget

from guiapp.ui.training.feature import TrainingFeature
from guiapp.ui.training.page_layout import CURVES_TAB, KERNELS_TAB, SETTINGS_TAB, PageLayout
from guiapp.ui.training.training_page import TrainingPage

SMALL = (960, 540)  # a 1920×1080 screen at QT_SCALE_FACTOR=2
PROJECTOR = (1280, 690)  # a 1280×720 screen less a title bar


@pytest.fixture()
def shown(qtbot, window, monkeypatch):
    """The window on its Training page (no trainer warmed: nothing here trains)."""
    monkeypatch.setattr(TrainingPage, "warm_up", lambda self: None)
    window.load_sample(0)
    window.pages.setCurrentWidget(window.feature(TrainingFeature).widget)
    qtbot.waitUntil(lambda: window.canvas.isVisibleTo(window.training_view))
    return window, window.training_view


def _inside(window, widget: QWidget) -> bool:
    """``widget`` is shown and wholly inside the window's rectangle."""
    rect = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
    return widget.isVisible() and window.rect().contains(rect)


def _settle(qtbot, window, size) -> None:
    window.resize(*size)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == size)
    qtbot.wait(50)  # the page's arrangement follows its resize


def test_the_window_fits_960_by_540_with_start_and_the_canvas_on_screen(qtbot, shown):
    window, page = shown
    hint = window.minimumSizeHint()
    assert hint.width() <= SMALL[0] and hint.height() <= SMALL[1], hint
    _settle(qtbot, window, SMALL)
    assert page.arrangement.wide is False and page.arrangement.tabs.isVisible()
    assert _inside(window, page.start_button)
    canvas = window.canvas
    assert canvas.isVisibleTo(page) and not canvas.visibleRegion().isEmpty()
    left = canvas.mapTo(window, QPoint(0, 0))
    assert 0 <= left.x() and left.x() + canvas.width() <= window.width()
    # The docked drawing keeps the live page's minimums: the maps ≥ 400, the canvas column ≥ 220.
    assert window.feature_maps.width() >= 400
    assert window.findChild(QWidget, "canvas_column").width() >= 220
    tabs = page.arrangement.tabs
    assert [tabs.tabText(i) for i in range(tabs.count())] == [SETTINGS_TAB, CURVES_TAB, KERNELS_TAB]


def test_with_room_the_three_columns_come_back_and_start_shows_the_kernels_when_narrow(qtbot, shown):
    window, page = shown
    _settle(qtbot, window, PROJECTOR)
    assert page.arrangement.wide is True and not page.arrangement.tabs.isVisible()
    assert page.splitter.count() == 3 and page.splitter.widget(1) is page.kernels
    assert _inside(window, page.start_button) and _inside(window, page.kernels)
    assert _inside(window, page.form.note)  # the settings' note is whole, not under the controls
    _settle(qtbot, window, SMALL)
    assert page.splitter.count() == 2 and page.kernels.parentWidget() is not None
    page.arrangement.show_tab(KERNELS_TAB)
    assert page.arrangement.tabs.currentWidget().widget() is page.kernels


def test_the_minimum_is_the_narrow_arrangements_whichever_is_shown(qtbot):
    parts = [QLabel(text) for text in ("form", "controls", "curves", "kernels")]
    dock = QWidget()
    dock.setMinimumSize(600, 300)
    arrangement = PageLayout(*parts, dock)
    qtbot.addWidget(arrangement.splitter)
    narrow = arrangement.minimum()
    assert narrow.width() >= 600 and narrow.width() < arrangement.wide_width()
    arrangement.fit(arrangement.wide_width())
    assert arrangement.wide and arrangement.splitter.count() == 3 and arrangement.minimum() == narrow
    arrangement.fit(arrangement.wide_width() - 1)
    assert not arrangement.wide and arrangement.tabs.count() == 3 and arrangement.splitter.count() == 2
