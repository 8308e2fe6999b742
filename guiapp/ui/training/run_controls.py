"""The Training page's run controls: Start, Pause/Resume and Stop, the progress bar, the status line, and
"Use this model" once a run has written one.

The controls only say what the user asked (``startClicked``, …); the page decides. "Use this model" is an
offer: the live view changes only when the user takes it (``useModel``), and the status line stops
offering a model the live view already draws with (:meth:`RunControls.show_in_use`).
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

USE_MODEL = "Use this model"
NOT_STARTED = ("Not started. Choose a preset for the time you have: the quick demo reads digits in under a "
               "minute; the full recipe (12 epochs) reaches about 99.1%.")


class RunControls(QWidget):
    """Buttons, progress and one status line for a run; ``trained`` is the model offered with "Use this model"."""

    startClicked = Signal()
    pauseClicked = Signal()  # Pause, or Resume while paused
    stopClicked = Signal()
    useModel = Signal(str)  # the user chose the model just trained for the live view

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.trained: Path | None = None  # the model the last run wrote, offered with "Use this model"
        self._trained_head = self._trained_line = ""  # the status line that offers it (replaced once it is taken)
        self.start_button = QPushButton("Start")
        self.start_button.setShortcut(QKeySequence("Ctrl+Return"))
        self.start_button.setToolTip("Train with these settings (Ctrl+Return)")
        self.pause_button = QPushButton("Pause")
        self.pause_button.setToolTip("Pause after this batch; Resume goes on from the same step")
        self.stop_button = QPushButton("Stop")
        self.stop_button.setToolTip("Stop after this batch: the history so far stays, no model is written")
        buttons = QHBoxLayout()
        for button in (self.start_button, self.pause_button, self.stop_button):
            buttons.addWidget(button)
        self.progress = QProgressBar()
        self.progress.setFormat("%p%")
        self.status = QLabel(NOT_STARTED)
        self.status.setWordWrap(True)
        self.use_button = QPushButton(USE_MODEL)
        self.use_button.setToolTip("Draw with the model this run trained: the live view switches to it, and it "
                                   "opens at the next launch (Model menu: any other)")
        self.use_button.hide()  # until a run has written a model

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.use_button)

        self.start_button.clicked.connect(self.startClicked)
        self.pause_button.clicked.connect(self.pauseClicked)
        self.stop_button.clicked.connect(self.stopClicked)
        self.use_button.clicked.connect(self._on_use_clicked)

    def say(self, text: str) -> None:
        """One line in the status (rich text: callers escape what they did not write)."""
        self.status.setText(text)

    def set_running(self, running: bool, can_start: bool) -> None:
        self.start_button.setEnabled(not running and can_start)
        self.pause_button.setEnabled(running)
        self.stop_button.setEnabled(running)

    def wait_for_trainer(self) -> None:
        """Pause or Resume was asked: the button waits until the trainer says it has paused or resumed."""
        self.pause_button.setEnabled(False)

    def show_stopping(self) -> None:
        self.stop_button.setEnabled(False)
        self.say("Stopping after this batch…")

    def show_paused(self, step: int, paused: bool) -> None:
        self.pause_button.setText("Resume" if paused else "Pause")
        self.pause_button.setEnabled(True)
        self.say(f"Paused after batch {step:,}; Resume goes on from there." if paused else
                 f"Resumed at batch {step:,}.")

    def show_ended(self) -> None:
        """The run ended: Pause is Pause again for the next one."""
        self.pause_button.setText("Pause")

    def offer(self, model: Path | None) -> None:
        """Offer ``model`` with "Use this model" (None: nothing to offer)."""
        self.trained, self._trained_head, self._trained_line = model, "", ""
        self.use_button.setVisible(model is not None)
        self.use_button.setEnabled(model is not None)
        self.use_button.setText(USE_MODEL)
        self.status.setToolTip("")

    def offer_trained(self, path: str, accuracy: float) -> None:
        """A run wrote ``path``: say so and offer it."""
        self.offer(Path(path))
        # Bold: rich text, so the escaped name shows as it is (an explorer's network may be named anything).
        self._trained_head = f"Trained: <b>{html.escape(Path(path).stem)}</b>, {accuracy:.2%} on the test digits"
        self._trained_line = f"{self._trained_head} — {USE_MODEL} to draw with it (it is in the Model menu too)."
        self.say(self._trained_line)
        self.status.setToolTip(f"Saved with its card in {path}")

    def show_in_use(self, model: Path | None) -> None:
        """The live view now draws with ``model``: "Use this model" is offered while that is another."""
        if self.trained is None:
            return
        taken = model is not None and model.resolve() == self.trained.resolve()
        self.use_button.setEnabled(not taken)
        self.use_button.setText(f"{USE_MODEL} (in use)" if taken else USE_MODEL)
        if taken and self.status.text() == self._trained_line:  # the offer is no longer true
            self._trained_line = f"{self._trained_head} — the live view draws with it."
            self.say(self._trained_line)

    def _on_use_clicked(self) -> None:
        if self.trained is not None:
            self.useModel.emit(str(self.trained))


if __name__ == "__main__":
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    controls = RunControls()
    controls.set_running(False, can_start=True)
    controls.offer_trained("models/mnist_cnn-20261128-121530.keras", 0.9912)
    controls.useModel.connect(lambda path: controls.show_in_use(Path(path)))
    controls.show()
    app.exec()
