"""Presentation mode (F5; Esc leaves it), full screen (F11), the zoom (Ctrl+= / Ctrl+− / Ctrl+0) and the panels
a lecturer shows.

Presentation mode hides the menu bar, the toolbars and the status bar, puts the projector theme on the
application (:mod:`~guiapp.ui.presentation.theme`: larger type, high contrast), hides the live-page panels the
lecturer unticked in View → Panels in presentation, and goes full screen. Leaving it puts back everything as it
was: bars, font, palette, panels and the window's state. F11 toggles full screen on its own, in or out of it;
the zoom scales the type in and out of it. The panel choice and both zooms are kept per screen
(:mod:`~guiapp.ui.presentation.screen_choice`). The window's keys stay on its actions (added to the window), so
they work with the menu bar hidden.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QFont, QPalette
from PySide6.QtWidgets import QApplication, QMainWindow, QMenu, QToolBar, QWidget

from guiapp.ui.menus import make_action
from guiapp.ui.presentation.screen_choice import ScreenChoice, load_choice, save_choice, screen_key
from guiapp.ui.presentation.theme import PROJECTOR_SCALE, apply_font, projector_palette, step_zoom

# The live page's panels when it has no ``panels`` of its own: name → attribute.
FALLBACK_PANELS = {"canvas": "canvas", "input": "input_view", "probabilities": "probabilities",
                   "feature_maps": "feature_maps", "model_banner": "model_banner", "tabs": "tabs"}
LABELS = {"input": "Network input"}  # a panel's name in the menu, where its key does not say it


def live_panels(live_page: object) -> dict[str, QWidget]:
    """The live page's panels by name: its ``panels``, or the widgets it is known to hold."""
    panels = getattr(live_page, "panels", None)
    if panels is not None:
        return dict(panels)
    found = {name: getattr(live_page, attribute, None) for name, attribute in FALLBACK_PANELS.items()}
    return {name: widget for name, widget in found.items() if isinstance(widget, QWidget)}


def panel_visible(live_page: object, name: str) -> bool:
    """Whether the panel is shown when its page is: the live page's own answer (the banner hides itself when it
    has nothing to say: that is not the lecturer's choice), or the widget's."""
    asked = getattr(live_page, "panel_visible", None)
    return asked(name) if asked is not None else not live_panels(live_page)[name].isHidden()


def set_panel_visible(live_page: object, name: str, visible: bool) -> None:
    setter = getattr(live_page, "set_panel_visible", None)
    if setter is not None:
        setter(name, visible)
    elif name in (panels := live_panels(live_page)):
        panels[name].setVisible(visible)


def panel_label(name: str) -> str:
    return LABELS.get(name, name.replace("_", " ").capitalize())


@dataclass(frozen=True)
class _Before:
    """What entering presentation mode changed, to be put back."""

    bars: tuple[tuple[QWidget, bool], ...]  # (bar, was hidden)
    state: Qt.WindowState
    palette: QPalette
    panels: dict[str, bool]  # shown
    zoom: float


class Presentation(QObject):
    """The commands and the state of presentation mode for ``window`` (a QMainWindow with ``live_page``).

    ``store``: where the per-screen choice is kept (default: the window's settings). ``full_screen``: whether
    entering goes full screen (off for offscreen screenshots at a chosen size). ``key``: the current screen's
    settings key (default: from ``window.screen()``).
    """

    presentingChanged = Signal(bool)

    def __init__(self, window: QMainWindow, store: QSettings | None = None, *, full_screen: bool = True,
                 key: Callable[[], str] | None = None) -> None:
        super().__init__(window)
        self._window = window
        self._store = store if store is not None else window.persistence.store
        self._key = key or (lambda: screen_key(window.screen()))
        self.go_full_screen = full_screen
        self.presenting = False
        self._before: _Before | None = None
        self._base_font = QFont(QApplication.font())
        self._choice_key = self._key()
        self.choice = load_choice(self._store, self._choice_key, set(self.panels()))
        self.zoom = self.choice.zoom

        self.present = make_action(window, "Presentation mode", self.toggle, ("F5",),
                                   "Hide the bars, large high-contrast type, only the chosen panels; Esc leaves",
                                   checkable=True)
        self.leave_action = make_action(window, "Leave presentation mode", self.leave, ("Esc",))
        self.leave_action.setEnabled(False)  # Esc is free for everything else out of presentation mode
        self.full_screen = make_action(window, "Full screen", self.toggle_full_screen, ("F11",), checkable=True)
        self.zoom_in = make_action(window, "Zoom in", lambda: self.set_zoom(step_zoom(self.zoom, 1)),
                                   ("Ctrl+=", "Ctrl++"), "Larger type and panels")
        self.zoom_out = make_action(window, "Zoom out", lambda: self.set_zoom(step_zoom(self.zoom, -1)),
                                    ("Ctrl+-",), "Smaller type and panels")
        self.zoom_reset = make_action(window, "Actual size", lambda: self.set_zoom(1.0), ("Ctrl+0",),
                                      "Type and panels at 100%")
        self.panel_menu = QMenu("Panels in presentation", window)
        self.panel_menu.setToolTipsVisible(True)
        self.panel_actions: dict[str, QAction] = {}
        for name in self.panels():
            action = self.panel_menu.addAction(panel_label(name))
            action.setCheckable(True)
            action.setToolTip(f"Show the {panel_label(name).lower()} in presentation mode (kept for this screen)")
            action.toggled.connect(lambda shown, n=name: self._on_panel_chosen(n, shown))
            self.panel_actions[name] = action
        self._show_choice()
        window.installEventFilter(self)
        if self.zoom != 1.0:
            self._apply_font()

    def menu_actions(self) -> list[QAction]:
        """The View menu's section: presentation, full screen, zoom, the panels submenu."""
        return [self.present, self.full_screen, self.zoom_in, self.zoom_out, self.zoom_reset,
                self.panel_menu.menuAction()]

    def panels(self) -> dict[str, QWidget]:
        return live_panels(self._window.live_page)

    # ------------------------------------------------------------------ presentation mode

    def toggle(self) -> None:
        self.leave() if self.presenting else self.enter()

    def enter(self) -> None:
        if self.presenting:
            return
        window = self._window
        self._reload_choice()
        toolbars = [bar for bar in window.findChildren(QToolBar) if bar.parent() is window]
        bars = (window.menuBar(), window.statusBar(), *toolbars)
        self._before = _Before(tuple((bar, bar.isHidden()) for bar in bars), window.windowState(),
                               QPalette(QApplication.palette()),
                               {name: panel_visible(window.live_page, name) for name in self.panels()}, self.zoom)
        self.presenting = True
        self._menus_toolbar(False)
        for bar in bars:
            bar.hide()
        QApplication.setPalette(projector_palette())
        self.zoom = self.choice.presentation_zoom
        self._apply_font()
        for name in self.choice.hidden:
            set_panel_visible(window.live_page, name, False)
        if self.go_full_screen:
            window.setWindowState(window.windowState() | Qt.WindowState.WindowFullScreen)
        self._show_mode()

    def leave(self) -> None:
        """Everything back as it was before :meth:`enter`."""
        before = self._before
        if not self.presenting or before is None:
            return
        window = self._window
        self.presenting = False
        for name, shown in before.panels.items():
            if panel_visible(window.live_page, name) != shown:
                set_panel_visible(window.live_page, name, shown)
        QApplication.setPalette(before.palette)
        self.zoom = before.zoom
        self._apply_font()
        window.setWindowState(before.state)
        for bar, hidden in before.bars:
            bar.setVisible(not hidden)
        self._menus_toolbar(True)  # after the bars: the drawing toolbar shows only where the drawing is
        self._before = None
        self._show_mode()

    def _show_mode(self) -> None:
        self.present.setChecked(self.presenting)
        self.leave_action.setEnabled(self.presenting)
        self.full_screen.setChecked(self._window.isFullScreen())
        self.presentingChanged.emit(self.presenting)

    def _menus_toolbar(self, allowed: bool) -> None:
        menus = getattr(self._window, "menus", None)
        if menus is not None and hasattr(menus, "set_toolbar_allowed"):
            menus.set_toolbar_allowed(allowed)

    def toggle_full_screen(self) -> None:
        window = self._window
        window.setWindowState(window.windowState() ^ Qt.WindowState.WindowFullScreen)
        self.full_screen.setChecked(window.isFullScreen())

    # ------------------------------------------------------------------ zoom and panels, per screen

    def set_zoom(self, zoom: float) -> None:
        self.zoom = zoom
        self._apply_font()
        field = "presentation_zoom" if self.presenting else "zoom"
        self._save(replace(self.choice, **{field: zoom}))

    def _apply_font(self) -> None:
        apply_font(self._base_font, self.zoom * (PROJECTOR_SCALE if self.presenting else 1.0))

    def _on_panel_chosen(self, name: str, shown: bool) -> None:
        hidden = self.choice.hidden - {name} if shown else self.choice.hidden | {name}
        if hidden == self.choice.hidden:
            return
        self._save(replace(self.choice, hidden=frozenset(hidden)))
        if self.presenting:
            set_panel_visible(self._window.live_page, name, shown)

    def _save(self, choice: ScreenChoice) -> None:
        self.choice = choice
        save_choice(self._store, self._choice_key, choice)

    def _reload_choice(self) -> None:
        """The window may have moved to another screen (the projector) since: that screen's choice."""
        key = self._key()
        if key != self._choice_key:
            self._choice_key = key
            self.choice = load_choice(self._store, key, set(self.panels()))
            self._show_choice()

    def _show_choice(self) -> None:
        for name, action in self.panel_actions.items():
            action.blockSignals(True)
            action.setChecked(name not in self.choice.hidden)
            action.blockSignals(False)

    # ------------------------------------------------------------------ the application follows the window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The application's font and palette are this window's while it shows; as they were when it is hidden or
        closed (dialogs opened meanwhile follow the window's zoom and theme)."""
        if watched is self._window:
            kind = event.type()
            if kind == QEvent.Type.Hide:
                QApplication.setFont(self._base_font)
                if self._before is not None:
                    QApplication.setPalette(self._before.palette)
            elif kind == QEvent.Type.Show:
                self._apply_font()
                if self.presenting:
                    QApplication.setPalette(projector_palette())
            elif kind == QEvent.Type.WindowStateChange:
                self.full_screen.setChecked(self._window.isFullScreen())
        return False


def install(window: QMainWindow, **options: object) -> list[QAction]:
    """Presentation mode on ``window`` (kept as its child: ``window.findChild(Presentation)``); the View menu's
    actions. ``options``: :class:`Presentation`'s keywords."""
    return Presentation(window, **options).menu_actions()
