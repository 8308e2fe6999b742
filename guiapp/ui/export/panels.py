"""Export any panel of the window for a slide: right-click → Copy / Save as PNG (1–4×) / Save plot as SVG;
Ctrl+Shift+C copies the panel under the pointer; the whole window too.

A panel is found generically: from the widget under the pointer, up to the nearest widget whose object name is
in the panel table — the live page's canvas, network input, probabilities and feature maps, and each tab and
page (named here after its tab when it has no name of its own). Nothing in the panels' folders knows about
this: :func:`install` reads the window's public attributes and watches the panels' context-menu events, which
Qt passes up from any child that does not use them. The canvas keeps its right button (it erases): its menu
never opens there, and Ctrl+Shift+C or File → Copy panel exports it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPoint, QStandardPaths
from PySide6.QtGui import QAction, QContextMenuEvent, QCursor
from PySide6.QtWidgets import QApplication, QFileDialog, QMainWindow, QMenu, QWidget

from guiapp.core.errors import GuiappError, short_reason
from guiapp.ui.export.render import COPY_SCALE, SCALES, copy_image, plot_svg, save_png, save_svg, widget_image
from guiapp.ui.menus import make_action

#: The live page's panels: the window's attribute, its object name and what a file is called after.
LIVE_PANELS = (("canvas", "canvas", "Drawing"), ("input_view", "network_input", "Network input"),
               ("probabilities", "probabilities", "Probabilities"), ("feature_maps", "feature_maps", "Feature maps"))
COPY_KEYS = ("Ctrl+Shift+C",)
NO_MENU = ("canvas",)  # panels whose right button is theirs


@dataclass(frozen=True)
class Panel:
    """A panel found under the pointer: its widget, its title and the plot in it (for SVG), if any."""

    widget: QWidget
    title: str
    plot: pg.GraphicsView | None = None

    @property
    def stem(self) -> str:
        return slug(self.title)


def slug(title: str, joint: str = "-") -> str:
    """'Trace unit' → 'trace-unit': a title as a file or object name."""
    return re.sub(r"[^a-z0-9]+", joint, title.lower()).strip(joint) or "panel"


class PanelExport(QObject):
    """The window's panel table, their context menus and the export actions."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.titles: dict[str, str] = {}  # object name → title
        self.menu: QMenu | None = None  # the last context menu shown (a test reads it)
        self.folder = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
                           or Path.home())
        live = window.live_page
        for attribute, name, title in LIVE_PANELS:
            self.register(getattr(live, attribute), name, title)
        for prefix, tabs in (("tab", live.tabs), ("page", window.pages)):
            for index in range(tabs.count()):
                title = tabs.tabText(index).replace("&", "")
                self.register(tabs.widget(index), f"{prefix}_{slug(title, '_')}", title)

    def register(self, widget: QWidget, name: str, title: str) -> None:
        """Make ``widget`` a panel (naming it ``name`` if it has no name) and open its menu on right-click."""
        if not widget.objectName():
            widget.setObjectName(name)
        self.titles[widget.objectName()] = title
        widget.installEventFilter(self)

    # ------------------------------------------------------------------ finding panels

    def panel_of(self, widget: QWidget | None) -> Panel | None:
        """The nearest panel at or above ``widget`` (with the plot ``widget`` is in, or the panel's only plot)."""
        plot = None
        current = widget
        while current is not None and current is not self.window:
            if plot is None and isinstance(current, pg.GraphicsView):
                plot = current
            title = self.titles.get(current.objectName())
            if title is not None:
                if plot is None:
                    plots = current.findChildren(pg.GraphicsView)
                    plot = current if isinstance(current, pg.GraphicsView) else (plots[0] if len(plots) == 1 else None)
                return Panel(current, title, plot)
            current = current.parentWidget()
        return None

    def panel_at(self, global_pos: QPoint) -> Panel | None:
        widget = QApplication.widgetAt(global_pos)
        return self.panel_of(widget) if widget is not None and widget.window() is self.window else None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.ContextMenu or not isinstance(event, QContextMenuEvent):
            return False
        target = QApplication.widgetAt(event.globalPos())
        panel = self.panel_of(target if target is not None and target.window() is self.window else watched)
        if panel is None or panel.widget.objectName() in NO_MENU:
            return False
        self.menu = self.menu_for(panel)
        self.menu.popup(event.globalPos())
        event.accept()
        return True

    # ------------------------------------------------------------------ menus and actions

    def menu_for(self, panel: Panel) -> QMenu:
        """Copy, Save as PNG at each scale, Save plot as SVG (over a plot), and the same for the window."""
        if self.menu is not None:
            self.menu.deleteLater()  # one context menu at a time
        menu = QMenu(self.window)
        menu.addAction(f"Copy “{panel.title}”", lambda: self.copy(panel))
        pngs = menu.addMenu(f"Save “{panel.title}” as PNG")
        for scale in SCALES:
            pngs.addAction(f"{scale}× ({panel.widget.width() * scale}×{panel.widget.height() * scale} px)…",
                           lambda scale=scale: self.save_png_dialog(panel, scale))
        if panel.plot is not None:
            menu.addAction("Save plot as SVG…", lambda: self.save_svg_dialog(panel))
        menu.addSeparator()
        menu.addAction("Copy window", self.copy_window)
        menu.addAction("Save window as PNG (2×)…", lambda: self.save_png_dialog(self.window_panel(), 2))
        return menu

    def window_panel(self) -> Panel:
        return Panel(self.window, "window")

    def actions(self) -> list[QAction]:
        """For the File menu: copy the panel under the pointer (Ctrl+Shift+C), copy or save the window."""
        window = self.window
        save_window = QMenu("Save window as PNG", window)
        for scale in SCALES:
            save_window.addAction(f"{scale}×…", lambda scale=scale: self.save_png_dialog(self.window_panel(), scale))
        save_window.menuAction().setToolTip("The whole window as a PNG, 1–4× its size on screen")
        return [
            make_action(window, "Copy panel under the pointer", self.copy_under_pointer, COPY_KEYS,
                        "Copy the panel under the mouse pointer to the clipboard, at 2× (right-click a panel "
                        "for PNG and SVG)"),
            make_action(window, "Copy window", self.copy_window, (), "Copy the whole window to the clipboard, at 2×"),
            save_window.menuAction(),
        ]

    def copy_under_pointer(self) -> Panel | None:
        panel = self.panel_at(QCursor.pos())
        if panel is None:
            self._say("no panel under the pointer — point at one and press Ctrl+Shift+C again", error=True)
            return None
        self.copy(panel)
        return panel

    def copy(self, panel: Panel) -> None:
        image = widget_image(panel.widget, COPY_SCALE)
        svg = None
        if panel.plot is not None and panel.plot is panel.widget:
            try:
                svg = plot_svg(panel.plot)
            except Exception:  # noqa: BLE001 — the picture is copied all the same; SVG is a bonus here
                svg = None
        copy_image(image, svg)
        self._say(f"copied “{panel.title}” ({image.width()}×{image.height()} px)")

    def copy_window(self) -> None:
        self.copy(self.window_panel())

    def save_png_dialog(self, panel: Panel, scale: int) -> Path | None:
        path = self._ask(f"Save “{panel.title}” as PNG", f"{panel.stem}@{scale}x.png", "PNG pictures (*.png)", ".png")
        if path is None:
            return None
        try:
            width, height = save_png(panel.widget, path, scale, overwrite=True)  # the dialog asked about an old file
        except (OSError, GuiappError) as exc:
            self._say(f"{path}: not saved ({short_reason(exc)})", error=True)
            return None
        self._say(f"saved “{panel.title}” as {path} ({width}×{height} px)")
        return path

    def save_svg_dialog(self, panel: Panel) -> Path | None:
        if panel.plot is None:
            return None
        path = self._ask(f"Save “{panel.title}” as SVG", f"{panel.stem}.svg", "SVG drawings (*.svg)", ".svg")
        if path is None:
            return None
        try:
            save_svg(panel.plot, path, overwrite=True)
        except Exception as exc:  # noqa: BLE001 — pyqtgraph's exporter fails in many ways: one line, never a crash
            self._say(f"{path}: not saved ({short_reason(exc)})", error=True)
            return None
        self._say(f"saved the plot of “{panel.title}” as {path}")
        return path

    def _ask(self, caption: str, name: str, filters: str, suffix: str) -> Path | None:
        """A path from the Save dialog (which asks before replacing a file), or None."""
        chosen, _ = QFileDialog.getSaveFileName(self.window, caption, str(self.folder / name), filters)
        if not chosen:
            return None
        path = Path(chosen)
        if path.suffix.lower() != suffix:
            path = path.with_name(path.name + suffix)
            if path.exists():  # the dialog asked about the name typed, not this one: never replaced silently
                self._say(f"{path}: already exists — not replaced; choose another name", error=True)
                return None
        self.folder = path.parent
        return path

    def _say(self, message: str, error: bool = False) -> None:
        door = getattr(self.window, "door", None)
        if door is not None:
            door.say(message, error=error)
        else:
            self.window.statusBar().showMessage(message, 8000)


def install(window: QMainWindow) -> list[QAction]:
    """Make every panel of ``window`` exportable; the File menu's actions (Ctrl+Shift+C works at once)."""
    return PanelExport(window).actions()  # the window owns it (its Qt parent): window.findChild(PanelExport)
