"""The row every Compare view starts with: what it says, its progress, and the button that starts its work.

The views only ask (``clicked``); the lead's feature runs the work and reports back through
:meth:`ComputeBar.show_progress` and :meth:`ComputeBar.show_message`.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QWidget,
)

PROGRESS_W = 160
STEP = 50  # digits per arrow click


class ComputeBar(QWidget):
    """A status line, a progress bar shown while work runs, an optional digits count, and one button."""

    clicked = Signal()

    def __init__(self, button: str, digits: tuple[int, int, int] | None = None,
                 parent: QWidget | None = None) -> None:
        """``digits``: (default, minimum, maximum) test digits to use, or None for no count."""
        super().__init__(parent)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setFixedWidth(PROGRESS_W)
        self.progress.setFormat("%v of %m")
        self.progress.hide()
        self.button = QPushButton(button)
        self.digits: QSpinBox | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.status, 1)
        layout.addWidget(self.progress)
        if digits is not None:
            default, low, high = digits
            self.digits = QSpinBox()
            self.digits.setRange(low, high)
            self.digits.setSingleStep(STEP)
            self.digits.setGroupSeparatorShown(True)
            self.digits.setValue(default)
            self.digits.setSuffix(" test digits")
            self.digits.setToolTip("How many MNIST test digits, in the shipped order: more is steadier and slower")
            layout.addWidget(self.digits)
        layout.addWidget(self.button)
        self.button.clicked.connect(self.clicked)

    @property
    def count(self) -> int:
        """The digits asked for (0 without a count)."""
        return 0 if self.digits is None else self.digits.value()

    def show_progress(self, done: int, total: int) -> None:
        """``done`` of ``total`` steps; the button waits until the last one."""
        total = max(int(total), 1)
        self.progress.setRange(0, total)
        self.progress.setValue(min(max(int(done), 0), total))
        self.progress.show()
        self.button.setEnabled(done >= total)

    def show_message(self, text: str) -> None:
        """``text`` in the status line; work is over (the progress hides, the button is back)."""
        self.status.setText(text)
        self.finish()

    def finish(self) -> None:
        self.progress.hide()
        self.button.setEnabled(True)
