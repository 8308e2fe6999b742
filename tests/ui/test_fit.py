"""The window fits every common screen: its minimum (menus, toolbar, page tabs, status bar included) fits a
1280×720 projector less its title bar; there the canvas, the feature maps (≥ 400 px) and the probabilities are
whole; the canvas grows with the window without changing the network's input; the tab pages scroll rather than
widen the window; geometry is kept per screen; panels can be hidden (presentation mode)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtWidgets import QWidget

from guiapp.core.drawing.strokes import CANVAS_SIZE
from guiapp.core.drawing.preprocess import drawing_to_network_input
from guiapp.ui.layout import MIN_MAPS_COLUMN, MIN_TABS_COLUMN, default_geometry
from guiapp.ui.live.tab_area import TabPageScroll
from guiapp.ui.persistence import SCREENS, fits_screen, screen_key
from guiapp.ui.settings import COLUMNS, GEOMETRY
from tests.ui.conftest import VERTICAL_BAR_POINTS, draw, wait_settled

PROJECTOR = QSize(1280, 690)  # a 1280×720 screen less a title bar
FULL_HD = QSize(1920, 1050)


def _resized(qtbot, window, size: QSize):
    window.resize(size)
    qtbot.waitUntil(lambda: window.size() == size)
    qtbot.wait(50)  # the splitter and the canvas column lay out on the next pass


def _whole_in_window(widget: QWidget, window) -> bool:
    """Shown, and every pixel of it inside each of its parents (none cuts it off) up to the window."""
    rect = QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())
    parent = widget.parentWidget()
    while parent is not None:
        if not QRect(parent.mapTo(window, parent.rect().topLeft()), parent.size()).contains(rect):
            return False
        parent = parent.parentWidget() if parent is not window else None
    return widget.isVisible() and not widget.visibleRegion().isEmpty()


def _least(window) -> QSize:
    return window.minimumSizeHint().expandedTo(window.minimumSize())


def test_the_windows_minimum_fits_a_projector_and_a_scaled_full_hd_screen(qtbot, window):
    least = _least(window)
    assert least.width() <= 960 and least.height() <= 540, least  # QT_SCALE_FACTOR=2 on 1920×1080
    assert window.menuBar().isVisible() and window.statusBar().isVisible()  # their heights are in it
    for index in range(window.tabs.count()):  # every tab built (they are built when first shown)
        window.tabs.setCurrentIndex(index)
        qtbot.wait(10)
    for index in range(window.pages.count()):
        window.pages.setCurrentIndex(index)
        qtbot.waitUntil(lambda: window.pages.currentWidget().isVisible())
        qtbot.wait(10)
        least = _least(window)
        assert least.width() <= PROJECTOR.width() and least.height() <= PROJECTOR.height(), (index, least)


def test_at_1280_by_690_canvas_maps_and_probabilities_are_whole(qtbot, window):
    window.load_sample(0)
    wait_settled(qtbot, window)
    _resized(qtbot, window, PROJECTOR)
    assert window.feature_maps.width() >= MIN_MAPS_COLUMN
    for widget in (window.canvas, window.input_view, window.probabilities, window.feature_maps, window.tabs):
        assert _whole_in_window(widget, window), widget.objectName()
    canvas = window.canvas
    assert canvas.width() == canvas.height() >= CANVAS_SIZE  # as large as before, at the least
    title = window.input_view.title
    title_top = title.mapTo(window, title.rect().topLeft()).y()
    assert canvas.mapTo(window, canvas.rect().bottomLeft()).y() < title_top  # the caption is never covered
    assert title.height() >= title.heightForWidth(title.width())  # and never cut
    assert not window.live_page.canvas_column.verticalScrollBar().isVisible()


def test_when_width_runs_short_the_tabs_give_way_before_the_maps(qtbot, window):
    _resized(qtbot, window, QSize(1366, 738))
    wide = window.splitter.sizes()
    _resized(qtbot, window, QSize(1000, 600))
    narrow = window.splitter.sizes()
    assert wide[2] - narrow[2] > wide[1] - narrow[1] >= 0
    assert narrow[1] >= MIN_MAPS_COLUMN and narrow[2] >= MIN_TABS_COLUMN
    _resized(qtbot, window, QSize(1366, 738))
    assert window.splitter.sizes() == wide  # the designed widths come back


def test_the_canvas_grows_and_a_stroke_drawn_on_it_is_the_same_input(qtbot, window):
    _resized(qtbot, window, FULL_HD)
    canvas = window.canvas
    assert canvas.width() == canvas.height() > CANVAS_SIZE * 1.3
    draw(qtbot, canvas, VERTICAL_BAR_POINTS)  # canvas coordinates, pressed where the larger canvas shows them
    wait_settled(qtbot, window)
    (stroke,) = canvas.drawing.strokes
    expected = np.array(VERTICAL_BAR_POINTS)
    assert np.abs(np.array(stroke.points) - expected).max() <= 1.0  # within a screen pixel, in canvas pixels
    assert window.last_result.predicted == 1
    small = drawing_to_network_input(canvas.drawing)
    np.testing.assert_array_equal(window.last_result.image, small)


def test_every_tab_page_scrolls_instead_of_widening_the_window(qtbot, window):
    tabs = window.tabs
    for index in range(tabs.count()):
        assert isinstance(super(type(tabs), tabs).widget(index), TabPageScroll)
        tabs.setCurrentIndex(index)
        qtbot.wait(10)
    assert tabs.currentWidget() is tabs.widget(tabs.count() - 1)  # pages are spoken of as they were added
    assert tabs.minimumSizeHint().width() <= MIN_TABS_COLUMN
    assert window.live_page.splitter.widget(2).minimumSizeHint().width() <= MIN_TABS_COLUMN


def test_hidden_panels_give_their_room(qtbot, window):
    page = window.live_page
    assert set(page.panels) == {"canvas", "input", "probabilities", "feature_maps", "model_banner", "tabs"}
    assert [page.panels[name].objectName() for name in ("canvas", "feature_maps", "probabilities")] == [
        "canvas", "feature_maps", "probabilities"]
    _resized(qtbot, window, PROJECTOR)
    maps, side = window.feature_maps.width(), window.canvas.width()
    page.set_panel_visible("tabs", False)
    qtbot.waitUntil(lambda: window.feature_maps.width() > maps + 200)
    page.set_panel_visible("input", False)
    page.set_panel_visible("probabilities", False)
    qtbot.waitUntil(lambda: window.canvas.width() > side)  # the canvas takes the column's height
    page.set_panel_visible("model_banner", False)
    page.model_banner.loading(window.inspector.path)
    assert not page.model_banner.isVisible() and not page.panel_visible("model_banner")
    for name in page.panels:
        page.set_panel_visible(name, True)
    qtbot.waitUntil(lambda: window.tabs.isVisible() and window.probabilities.isVisible())
    assert page.model_banner.isVisible()  # what it had to say, shown once allowed
    with pytest.raises(KeyError):
        page.set_panel_visible("nothing", False)


# ------------------------------------------------------------------ per-screen geometry


def _this_screen_key(window) -> str:
    screen = window.screen()
    return f"{SCREENS}/{screen_key(screen.name(), screen.size().width(), screen.size().height())}"


def test_screen_keys_name_the_screen_and_its_logical_size():
    assert screen_key("HDMI-1", 1280, 720) == "HDMI-1_1280x720"
    assert screen_key("a/b\\c d", 1536, 864) == "a_b_c_d_1536x864"  # no groups, no escapes in the file
    assert screen_key("", 960, 540) == "screen_960x540"


def test_a_geometry_larger_than_the_screen_is_not_restored(qtbot, store, window_paths):
    from guiapp.ui import MainWindow

    huge = QWidget()
    huge.setGeometry(0, 0, 3000, 2000)  # a bigger (or scaled-down) session's
    store.setValue(GEOMETRY, huge.saveGeometry())
    window = MainWindow(settings=store, paths=window_paths)
    qtbot.addWidget(window)
    try:
        available = window.screen().availableGeometry()
        assert window.geometry() == default_geometry(available)
        assert not fits_screen(QRect(0, 0, 3000, 2000), available)
    finally:
        window.shutdown()


def test_sizes_are_saved_and_restored_per_screen(qtbot, store, window_paths):
    from guiapp.ui import MainWindow

    projector = f"{SCREENS}/{screen_key('Projector', 1280, 720)}/{GEOMETRY}"
    other = QWidget()
    other.setGeometry(10, 10, 3000, 2000)
    store.setValue(projector, other.saveGeometry())  # another screen's: never read here
    window = MainWindow(settings=store, paths=window_paths)  # not shown: the geometry stays as set
    qtbot.addWidget(window)
    key = _this_screen_key(window)
    window.setGeometry(30, 40, 700, 520)
    window.save_settings()
    window.shutdown()
    assert store.contains(f"{key}/{GEOMETRY}")
    store.remove(GEOMETRY)  # only this screen's own remains (and the projector's, untouched)
    store.setValue(COLUMNS, [300, 400, 900])  # the widths of earlier versions, for every screen
    store.setValue(f"{key}/{COLUMNS}", [300, 900, 300])  # this screen's
    again = MainWindow(settings=store, paths=window_paths)
    qtbot.addWidget(again)
    try:
        assert (again.geometry().width(), again.geometry().height()) == (700, 520)
        again.show()
        _resized(qtbot, again, QSize(1900, 900))
        sizes = again.splitter.sizes()
        assert sizes[1] > 2 * sizes[2]  # this screen's widths, not the others'
        again.reset_layout()  # forgets this screen's layout, not the projector's
        assert not store.contains(f"{key}/{GEOMETRY}") and not store.contains(f"{key}/{COLUMNS}")
        assert store.contains(projector)
    finally:
        again.shutdown()


def test_a_full_screen_session_reopens_in_a_window(qtbot, store, window_paths):
    from guiapp.ui import MainWindow

    first = MainWindow(settings=store, paths=window_paths)
    qtbot.addWidget(first)
    first.resize(700, 520)
    first.showFullScreen()
    first.save_settings()
    first.shutdown()
    again = MainWindow(settings=store, paths=window_paths)
    qtbot.addWidget(again)
    try:
        assert not again.windowState() & Qt.WindowState.WindowFullScreen
    finally:
        again.shutdown()
