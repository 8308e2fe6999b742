"""Presentation mode: F5 hides the bars and puts the projector theme on, Esc/F5 puts everything back; F11 on its
own; the zoom; the panels shown, chosen per screen."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QToolBar

from guiapp.ui.presentation import Presentation, install
from guiapp.ui.presentation.presentation import live_panels, set_panel_visible
from guiapp.ui.presentation.theme import MAX_ZOOM, PROJECTOR_SCALE


def _active(qtbot, window):
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def _bars(window):
    toolbar = window.findChild(QToolBar, "tools")
    return window.menuBar(), toolbar, window.statusBar()


def _points() -> float:
    return QApplication.font().pointSizeF()


def test_f5_hides_the_three_bars_and_a_second_f5_brings_everything_back(qtbot, small_window):
    presentation = Presentation(small_window, full_screen=False, key=lambda: "laptop_1366x768")
    _active(qtbot, small_window)
    points, window_colour = _points(), QApplication.palette().color(QPalette.ColorRole.Window)
    presentation.panel_actions["tabs"].setChecked(False)  # chosen out of presentation mode: nothing hides yet
    assert small_window.live_page.panels["tabs"].isVisible()

    qtbot.keyClick(small_window, Qt.Key.Key_F5)
    assert presentation.presenting and presentation.present.isChecked()
    assert [bar.isVisible() for bar in _bars(small_window)] == [False, False, False]
    assert _points() == pytest.approx(points * PROJECTOR_SCALE)
    palette = QApplication.palette()
    assert palette.color(QPalette.ColorRole.WindowText).name() == "#000000"
    assert palette.color(QPalette.ColorRole.Window).name() == "#ffffff"
    assert not small_window.live_page.panels["tabs"].isVisible()
    assert small_window.live_page.panels["canvas"].isVisible()
    small_window.menus.set_live(True)  # a page change while presenting does not bring the toolbar back
    assert not _bars(small_window)[1].isVisible()

    qtbot.keyClick(small_window, Qt.Key.Key_F5)
    assert not presentation.presenting
    assert [bar.isVisible() for bar in _bars(small_window)] == [True, True, True]
    assert _points() == pytest.approx(points)
    assert QApplication.palette().color(QPalette.ColorRole.Window) == window_colour
    assert all(label.isVisible() for label in small_window.live_page.panels.values())


def test_esc_leaves_presentation_mode_and_is_free_out_of_it(qtbot, small_window):
    presentation = Presentation(small_window, full_screen=False, key=lambda: "k")
    _active(qtbot, small_window)
    assert not presentation.leave_action.isEnabled()
    presentation.enter()
    qtbot.keyClick(small_window, Qt.Key.Key_Escape)
    assert not presentation.presenting and small_window.menuBar().isVisible()
    assert not presentation.leave_action.isEnabled()


def test_a_bar_hidden_before_stays_hidden_after(qtbot, small_window):
    presentation = Presentation(small_window, full_screen=False, key=lambda: "k")
    _active(qtbot, small_window)
    small_window.menus.set_live(False)  # a page without the drawing: no toolbar
    small_window.statusBar().hide()
    presentation.enter()
    presentation.leave()
    assert not _bars(small_window)[1].isVisible() and not small_window.statusBar().isVisible()
    assert small_window.menuBar().isVisible()


def test_f11_toggles_full_screen_on_its_own_and_leaving_restores_the_state(qtbot, small_window):
    presentation = Presentation(small_window, key=lambda: "k")  # entering goes full screen
    _active(qtbot, small_window)
    qtbot.keyClick(small_window, Qt.Key.Key_F11)
    assert small_window.isFullScreen() and presentation.full_screen.isChecked()
    qtbot.keyClick(small_window, Qt.Key.Key_F11)
    assert not small_window.isFullScreen() and not presentation.full_screen.isChecked()
    presentation.enter()
    assert small_window.isFullScreen()
    presentation.toggle_full_screen()  # out of full screen while presenting: still presenting
    assert presentation.presenting and not small_window.isFullScreen()
    presentation.toggle_full_screen()
    presentation.leave()
    assert not small_window.isFullScreen() and not presentation.full_screen.isChecked()


def test_ctrl_plus_zooms_the_type_and_ctrl_0_brings_it_back_in_and_out_of_presentation(qtbot, small_window):
    presentation = Presentation(small_window, full_screen=False, key=lambda: "k")
    _active(qtbot, small_window)
    points = _points()
    qtbot.keyClick(small_window, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert presentation.zoom == 1.1 and _points() == pytest.approx(points * 1.1)
    qtbot.keyClick(small_window, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert _points() == pytest.approx(points * 1.25)
    qtbot.keyClick(small_window, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert _points() == pytest.approx(points * 1.1)
    qtbot.keyClick(small_window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert presentation.zoom == 1.0 and _points() == pytest.approx(points)
    presentation.zoom_in.trigger()  # 1.1 out of presentation mode

    presentation.enter()  # its own zoom, over the projector's larger type
    for _ in range(20):
        presentation.zoom_in.trigger()
    assert presentation.zoom == MAX_ZOOM and _points() == pytest.approx(points * PROJECTOR_SCALE * MAX_ZOOM)
    presentation.zoom_reset.trigger()
    assert _points() == pytest.approx(points * PROJECTOR_SCALE)
    presentation.zoom_out.trigger()
    presentation.leave()  # back to the zoom out of presentation mode
    assert presentation.zoom == 1.1 and _points() == pytest.approx(points * 1.1)
    small_window.close()  # a closed window leaves the application's font as it found it
    assert _points() == pytest.approx(points)


def test_the_panel_choice_and_zoom_are_kept_per_screen(qtbot, small_window):
    screen = {"key": "eDP-1_1366x768"}
    presentation = Presentation(small_window, full_screen=False, key=lambda: screen["key"])
    _active(qtbot, small_window)
    panels = small_window.live_page.panels
    presentation.panel_actions["model_banner"].setChecked(False)  # the laptop: no banner

    screen["key"] = "HDMI-1_1280x720"  # the window moves to the projector
    presentation.enter()
    assert panels["model_banner"].isVisible()  # a screen never seen: every panel
    assert all(action.isChecked() for action in presentation.panel_actions.values())
    presentation.panel_actions["tabs"].setChecked(False)  # chosen while presenting: hidden at once
    presentation.panel_actions["input"].setChecked(False)
    presentation.zoom_in.trigger()
    assert not panels["tabs"].isVisible() and not panels["input"].isVisible()
    presentation.leave()
    assert panels["tabs"].isVisible() and panels["input"].isVisible()
    # only what presentation mode hid is shown again: the banner, hidden by its own choice, is left alone
    assert ("model_banner", True) not in small_window.live_page.calls

    store = small_window.persistence.store
    again = Presentation(small_window, store, full_screen=False, key=lambda: "HDMI-1_1280x720")  # a new run
    assert again.choice.hidden == {"tabs", "input"} and again.choice.presentation_zoom == 1.1
    laptop = Presentation(small_window, store, full_screen=False, key=lambda: "eDP-1_1366x768")
    assert laptop.choice.hidden == {"model_banner"} and laptop.choice.presentation_zoom == 1.0
    assert not laptop.panel_actions["model_banner"].isChecked() and laptop.panel_actions["tabs"].isChecked()


def test_install_gives_the_view_menu_its_section(qtbot, small_window):
    actions = install(small_window, full_screen=False, key=lambda: "k")
    presentation = small_window.findChild(Presentation)
    assert [a.text() for a in actions] == ["Presentation mode", "Full screen", "Zoom in", "Zoom out",
                                           "Actual size", "Panels in presentation"]
    assert [a.text() for a in actions[-1].menu().actions()] == ["Canvas", "Network input", "Probabilities",
                                                                  "Feature maps", "Model banner", "Tabs"]
    assert presentation.present.toolTip().endswith("(F5)")
    assert [k.toString() for k in presentation.zoom_in.shortcuts()] == ["Ctrl+=", "Ctrl++"]


def test_a_live_page_without_the_panel_api_is_driven_by_its_widgets(qtbot):
    from PySide6.QtWidgets import QLabel

    class OldPage:
        def __init__(self):
            self.canvas, self.tabs, self.input_view = QLabel("c"), QLabel("t"), QLabel("i")

    page = OldPage()
    for label in (page.canvas, page.tabs, page.input_view):
        qtbot.addWidget(label)
        label.show()
    assert set(live_panels(page)) == {"canvas", "tabs", "input"}
    set_panel_visible(page, "input", False)
    assert not page.input_view.isVisible() and page.canvas.isVisible()
    set_panel_visible(page, "nothing", False)  # an unknown name: nothing happens


def test_on_the_real_window_the_chosen_panels_go_and_come_back(window):
    font = QApplication.font()
    presentation = Presentation(window, full_screen=False, key=lambda: "projector_1280x720")
    page = window.live_page
    assert set(presentation.panel_actions) == set(page.panels)
    assert presentation.panel_actions["input"].text() == "Network input"
    presentation.panel_actions["tabs"].setChecked(False)
    presentation.panel_actions["model_banner"].setChecked(False)
    presentation.enter()
    assert not page.panel_visible("tabs") and not page.tabs.isVisible() and page.model_banner.suppressed
    assert page.feature_maps.isVisible() and not window.menuBar().isVisible()
    presentation.leave()
    assert page.panel_visible("tabs") and page.tabs.isVisible() and not page.model_banner.suppressed
    assert window.menuBar().isVisible() and window.statusBar().isVisible()
    QApplication.setFont(font)
