"""The shortcut sheet (F1 or ?): every action's keys, grouped by menu, read from the window's actions when shown.

Nothing here lists a key by hand: a command added to a menu with keys appears on the sheet, and keys taken off
while a page does not use them (the drawing's, off the live page) are still listed (``keys_of``).
"""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMainWindow, QMenu, QTextBrowser, QVBoxLayout, QWidget

KeysOf = Callable[[QAction], list[QKeySequence]]
Row = tuple[str, str]  # (command, keys)
OTHER = "Other keys"  # actions with keys in no menu


def action_keys(window: QMainWindow) -> KeysOf:
    """The window menus' own reading of an action's keys (drawing keys included off the live page), if any."""
    menus = getattr(window, "menus", None)
    designed = getattr(menus, "designed_keys", None)
    return designed if designed is not None else (lambda action: list(action.shortcuts()))


SHEET_TEXT = "sheet_text"  # an action's property: its name on the sheet when its text changes (Undo "Stroke")


def _text(action: QAction) -> str:
    fixed = action.property(SHEET_TEXT)
    if isinstance(fixed, str) and fixed:
        return fixed
    return action.text().replace("&&", "\x00").replace("&", "").replace("\x00", "&").rstrip(".…")


def _keys(keys: list[QKeySequence]) -> str:
    return ", ".join(key.toString(QKeySequence.SequenceFormat.NativeText) for key in keys if not key.isEmpty())


def shortcut_rows(window: QMainWindow, keys_of: KeysOf | None = None) -> list[tuple[str, list[Row]]]:
    """[(menu title, [(command, keys), …]), …] in the menu bar's order (a submenu's commands under "Menu ›
    Submenu"), then the window's other actions with keys. Only commands with keys."""
    keys_of = keys_of or action_keys(window)
    groups: list[tuple[str, list[Row]]] = []
    seen: set[int] = set()

    def walk(menu: QMenu, title: str) -> None:
        rows: list[Row] = []
        for action in menu.actions():
            if action.menu() is not None:
                walk(action.menu(), f"{title} › {_text(action)}")
                continue
            keys = _keys(keys_of(action)) if not action.isSeparator() else ""
            if keys and id(action) not in seen:
                seen.add(id(action))
                rows.append((_text(action), keys))
        if rows:
            groups.append((title, rows))

    for top in window.menuBar().actions():
        if top.menu() is not None:
            walk(top.menu(), _text(top))
    others = [(_text(action), _keys(keys_of(action))) for action in window.actions()
              if id(action) not in seen and _keys(keys_of(action))]
    if others:
        groups.append((OTHER, others))
    return groups


def sheet_html(groups: list[tuple[str, list[Row]]]) -> str:
    """One two-column table (the keys aligned down the whole sheet), a heading row per menu."""
    parts = []
    for title, rows in groups:
        parts.append(f"<tr><td colspan='2' style='padding-top:10px'><b><big>{html.escape(title)}</big></b></td></tr>")
        parts.extend(f"<tr><td>{html.escape(command)}</td><td style='padding-left:24px'><b>{html.escape(keys)}"
                     f"</b></td></tr>" for command, keys in rows)
    return f"<table cellspacing='2'>{''.join(parts)}</table>"


class ShortcutSheet(QDialog):
    """The sheet, written afresh from ``window``'s actions each time it is shown (:meth:`refresh`)."""

    def __init__(self, window: QMainWindow, parent: QWidget | None = None) -> None:
        super().__init__(parent if parent is not None else window)
        self.setWindowTitle("Keyboard shortcuts")
        self.setObjectName("shortcut_sheet")
        self._window = window
        self.text = QTextBrowser()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.resize(520, 640)
        self.groups: list[tuple[str, list[Row]]] = []

    def refresh(self) -> None:
        self.groups = shortcut_rows(self._window)
        self.text.setHtml(sheet_html(self.groups))

    def showEvent(self, event: object) -> None:  # noqa: N802 — Qt's name
        self.refresh()
        super().showEvent(event)
