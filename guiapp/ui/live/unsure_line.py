"""The words under the big answer when the network is unsure: "unsure — 4 or 9?".

A bar at 55 % cannot be read from the back row; these words can. The line keeps its room (its
``UNSURE_LINES`` of the type shown now) when hidden, so the answer's column does not jump as the
answer firms up, and it is purple, not the answer's orange, readable on a light window and a dark one.
When to say it is measured, not guessed: guiapp/core/live/unsure.py.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QWidget

UNSURE_LINES = 2  # the room kept, shown or not: the line wraps in a narrow column
UNSURE_COLOURS = ("#7b1fa2", "#ce93d8")  # purple on a light window (8:1 on white), light purple on a dark one
NAME_CHARS = 14  # a longer class name is cut (the tooltip says it whole)


def _short(name: str) -> str:
    return name if len(name) <= NAME_CHARS else name[:NAME_CHARS - 1] + "…"


class UnsureLine(QLabel):
    """Hidden, or "unsure — <top> or <runner-up>?" in the model's class names."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.setObjectName("unsure")
        self.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.setWordWrap(True)
        policy = self.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.setSizePolicy(policy)
        self.hide()
        self._style()

    def say(self, names: tuple[str, str] | None) -> None:
        """Name the top class and the runner-up, or hide (a sure answer, a blank canvas, NaN)."""
        text = f"unsure — {_short(names[0])} or {_short(names[1])}?" if names else ""
        if text != self.text():
            self.setText(text)
            self.setToolTip(f"The network is unsure: {names[0]} or {names[1]}?" if names else "")
            self.setVisible(bool(text))

    @property
    def shown_text(self) -> str:
        """What the line says now; "" when hidden."""
        return "" if self.isHidden() else self.text()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.PaletteChange):
            self._style()
        super().changeEvent(event)

    def _style(self) -> None:
        self.setFixedHeight(self.fontMetrics().lineSpacing() * UNSURE_LINES + 4)
        light = self.palette().color(QPalette.ColorRole.Window).lightness() >= 128
        colour = UNSURE_COLOURS[0 if light else 1]
        if colour not in self.styleSheet():  # setting a style sheet sends a PaletteChange: set it once
            self.setStyleSheet(f"font-weight: bold; color: {colour};")
