"""The Training page: train a network in its own process and watch its kernels form from noise.

While a run goes, the page shows conv 1's and conv 2's kernels (and their last update), the loss and
accuracy curves and the time left; the window docks the live drawing column beside them, so the
user's own drawing goes through the newest weights (:class:`~guiapp.ui.training.training_wiring.TrainingWiring`).
That is the page's preview, not the live model: a finished run's model joins the Model menu and is offered
with "Use this model"; the live view changes only when the user takes it. Every snapshot the run saves can
be brought back with the history bar (:mod:`.history_bar`).
"""

from __future__ import annotations

import datetime as _dt
import html
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from guiapp.core.errors import GuiappError
from guiapp.core.learning.history import TrainingHistory
from guiapp.core.learning.pace import RunPace
from guiapp.core.learning.trainer_process import RunRequest
from guiapp.core.learning.training import OPTIMIZERS, check_output
from guiapp.core.model.architectures import Architecture
from guiapp.ui.training.curves import TrainingCurves
from guiapp.ui.training.form import TrainingForm
from guiapp.ui.training.history_bar import HistoryBar
from guiapp.ui.training.kernel_board import KernelBoard
from guiapp.ui.training.run import TrainingRun

USE_MODEL = "Use this model"
COLUMN_WIDTHS = (340, 500, 720)  # settings and curves · kernels · the docked drawing column and maps
TEXT_EVERY_S = 0.5  # the progress bar and text, while a run goes
NAME_SHOWN = 60  # characters of a history's network name in the status line


def run_name(arch: Architecture, now: _dt.datetime | None = None) -> str:
    """``mnist_cnn-20261128-121530``: a new name for every run, so nothing is overwritten."""
    return f"{arch.name}-{(now or _dt.datetime.now()):%Y%m%d-%H%M%S}"


class TrainingPage(QWidget):
    """Settings, controls, curves, kernels and the history bar; ``folder`` receives trained models and histories."""

    showWeights = Signal(str, object)  # the network as built (a .keras path), its weights to show now
    modelTrained = Signal(str, float)  # the model written (with its card), its test accuracy
    useModel = Signal(str)  # the user chose the model just trained for the live view ("Use this model")
    runEnded = Signal(str)  # stopped or failed: one line
    message = Signal(str)  # a line for the status bar

    def __init__(self, folder: Path, data: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("training")
        self.folder, self.data = Path(folder), data
        self.run: TrainingRun | None = None
        self.history: TrainingHistory | None = None
        self._conv: list[tuple[str, int]] = []
        self.pace = RunPace(0, 1)
        self._batches_per_epoch = 1
        self._text_shown = 0.0
        self.following = True  # the views show the run's newest weights (not a snapshot picked on the bar)
        self._latest: tuple[int, list[np.ndarray], object] | None = None
        #: Why the snapshot chosen last could not be shown (its file is damaged), in one line; None once shown.
        self.snapshot_problem: str | None = None
        self.trained: Path | None = None  # the model the last run wrote, offered with "Use this model"
        self._trained_head = self._trained_line = ""  # the status line that offers it (replaced once it is taken)

        self.form = TrainingForm()
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
        self.status = QLabel("Not started. The defaults are the seed's recipe: 12 epochs reach about 99.1%.")
        self.status.setWordWrap(True)
        self.use_button = QPushButton(USE_MODEL)
        self.use_button.setToolTip("Draw with the model this run trained: the live view switches to it, and it "
                                   "opens at the next launch (Model menu: any other)")
        self.use_button.hide()  # until a run has written a model
        self.curves = TrainingCurves()
        self.kernels = KernelBoard()
        self.history_bar = HistoryBar()

        controls = QWidget()
        left = QVBoxLayout(controls)
        left.setContentsMargins(0, 0, 0, 0)
        left.addWidget(self.form)
        left.addLayout(buttons)
        left.addWidget(self.progress)
        left.addWidget(self.status)
        left.addWidget(self.use_button)
        left.addWidget(self.curves, 1)
        #: The window puts the drawing column and the feature maps here while the page is shown.
        self.dock = QSplitter(Qt.Orientation.Horizontal)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        for widget in (controls, self.kernels, self.dock):
            self.splitter.addWidget(widget)
        self.splitter.setSizes(list(COLUMN_WIDTHS))
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.history_bar)

        self.start_button.clicked.connect(self.start)
        self.pause_button.clicked.connect(self.toggle_pause)
        self.stop_button.clicked.connect(self.stop)
        self.use_button.clicked.connect(self._on_use_clicked)
        self.form.changed.connect(self._refresh_buttons)
        self.history_bar.snapshotChosen.connect(self.show_snapshot)
        self.history_bar.followRequested.connect(self.follow)
        self._refresh_buttons()

    # ------------------------------------------------------------------ a run

    @property
    def running(self) -> bool:
        return self.run is not None and self.run.running

    def use_architecture(self, arch: Architecture) -> None:
        """Train ``arch`` next (the explorer's "Train this network")."""
        self.form.use_architecture(arch)

    def start(self) -> None:
        """Start a run with the form's settings; a problem is one line in the status, nothing starts."""
        if self.running:
            return
        problem = self.form.problem()
        arch, config = self.form.architecture(), self.form.config()
        name = run_name(arch)
        out, history = self.folder / f"{name}.keras", self.folder / f"{name}.history"
        try:
            if problem:
                raise GuiappError(f"cannot train {arch.name}: {problem}")
            check_output(out, force=False, hint=f"the Training page keeps models in {self.folder}: it must be "
                         "a folder you can write to")
            if history.exists():
                raise GuiappError(f"{history}: already exists; wait a second and start again")
        except GuiappError as exc:
            self._say(str(exc))
            return
        self.run = TrainingRun(RunRequest(config, arch.to_dict(), out, history, data=self.data), self)
        self.run.started.connect(self._on_started)
        self.run.batches.connect(self._on_batches)
        self.run.weights.connect(self._on_weights)
        self.run.snapshot.connect(self._on_snapshot)
        self.run.epochEnded.connect(self._on_epoch)
        self.run.paused.connect(lambda step: self._on_paused(step, True))
        self.run.resumed.connect(lambda step: self._on_paused(step, False))
        self.run.evaluating.connect(lambda: self._say("Evaluating on the 10,000 test digits…"))
        self.run.finished.connect(self._on_finished)
        self.run.stopped.connect(self._on_stopped)
        self.run.failed.connect(self._on_failed)
        self.history, self._conv, self._latest, self.snapshot_problem = None, [], None, None
        self._offer(None)
        self.form.clear_origin()  # the form holds this run's settings, the user's
        self.following = True
        self.pace = RunPace(0, config.batch_size)  # its steps are known once the run has started
        self.history_bar.clear()
        self.kernels.clear()
        self.progress.setValue(0)
        self.run.start()
        self._say(f"Starting: {arch.name}, {config.epochs} epochs of batches of {config.batch_size}, "
                  f"{OPTIMIZERS[config.optimizer]} at {config.learning_rate:g} (TensorFlow loads first)…")
        self._refresh_buttons()

    def toggle_pause(self) -> None:
        if self.run is None or not self.running:
            return
        if self.run.is_paused:
            self.run.resume()
        else:
            self.run.pause()
        self.pause_button.setEnabled(False)  # until the trainer says it has paused or resumed

    def stop(self) -> None:
        if self.running:
            self.run.stop()
            self.stop_button.setEnabled(False)
            self._say("Stopping after this batch…")

    def close_run(self) -> None:
        """The window is closing: stop the run (no model is written) and end its process."""
        if self.run is not None:
            self.run.close()

    def _on_started(self, info: dict) -> None:
        self.pace.steps = int(info["steps"])
        self._conv = [tuple(item) for item in info["conv"]]
        self.kernels.set_layers((self._conv[0][0], self._conv[1][0] if len(self._conv) > 1 else None)
                                if self._conv else ("", None))
        self._batches_per_epoch = int(info["batches_per_epoch"])
        self.curves.reset(self._batches_per_epoch, int(info["epochs"]))
        self.progress.setRange(0, self.pace.steps)

    def _on_batches(self, rows: list) -> None:
        steps, losses, accuracies = (list(column) for column in zip(*((r[0], r[1], r[2]) for r in rows)))
        self.curves.add_batches(steps, losses, accuracies)
        self.pace.add((r[0], r[3]) for r in rows)
        now = time.monotonic()
        if now - self._text_shown >= TEXT_EVERY_S:  # a label's relayout and a bar's repaint are not free
            self._text_shown = now
            self.progress.setValue(steps[-1])
            self._say(self.pace.text(steps[-1], losses[-1]))

    def _on_weights(self, step: int, weights: list, updates: object) -> None:
        self._latest = (step, weights, updates)
        if self.following:
            self._show(step, weights, updates)

    def _on_snapshot(self, step: int) -> None:
        if self.run is None:
            return
        try:
            self.history = TrainingHistory.open(self.run.request.history)
        except GuiappError as exc:
            self._say(str(exc))
            return
        self.history_bar.set_snapshots(self.history, follow=self.following)

    def _on_epoch(self, epoch: int, logs: dict) -> None:
        if self.run is None:
            return
        step = epoch * self._batches_per_epoch
        self.curves.add_epoch(step, logs.get("val_accuracy"), logs.get("val_loss"))
        if "val_accuracy" in logs:
            self.message.emit(f"Epoch {epoch}: {logs['val_accuracy']:.2%} of the test digits right")

    def _on_paused(self, step: int, paused: bool) -> None:
        self.pause_button.setText("Resume" if paused else "Pause")
        self.pause_button.setEnabled(True)
        self._say(f"Paused after batch {step:,}; Resume goes on from there." if paused else
                  f"Resumed at batch {step:,}.")

    def _on_finished(self, path: str, accuracy: float) -> None:
        self.curves.refresh()
        self._offer(Path(path))
        # Bold: rich text, so the escaped name shows as it is (an explorer's network may be named anything).
        self._trained_head = f"Trained: <b>{html.escape(Path(path).stem)}</b>, {accuracy:.2%} on the test digits"
        self._trained_line = f"{self._trained_head} — {USE_MODEL} to draw with it (it is in the Model menu too)."
        self._say(self._trained_line)
        self.status.setToolTip(f"Saved with its card in {path}")
        self.modelTrained.emit(path, accuracy)
        self._ended()

    def show_in_use(self, model: Path | None) -> None:
        """The live view now draws with ``model``: "Use this model" is offered while that is another."""
        if self.trained is None:
            return
        taken = model is not None and model.resolve() == self.trained.resolve()
        self.use_button.setEnabled(not taken)
        self.use_button.setText(f"{USE_MODEL} (in use)" if taken else USE_MODEL)
        if taken and self.status.text() == self._trained_line:  # the offer is no longer true
            self._trained_line = f"{self._trained_head} — the live view draws with it."
            self._say(self._trained_line)

    def _offer(self, model: Path | None) -> None:
        """Offer ``model`` with "Use this model" (None: nothing to offer)."""
        self.trained, self._trained_head, self._trained_line = model, "", ""
        self.use_button.setVisible(model is not None)
        self.use_button.setEnabled(model is not None)
        self.use_button.setText(USE_MODEL)
        self.status.setToolTip("")

    def _on_use_clicked(self) -> None:
        if self.trained is not None:
            self.useModel.emit(str(self.trained))

    def _on_stopped(self, step: int) -> None:
        self._say(f"Stopped after batch {step:,}: no model was written; the history so far stays in "
                  f"{self.run.request.history if self.run else 'its folder'}.")
        self.runEnded.emit("training stopped: no model was written")
        self._ended()

    def _on_failed(self, message: str) -> None:
        self._say(f"<span style='color:#ff8080'>{html.escape(message)}</span>")  # a path may hold "<"
        self.runEnded.emit(message)
        self._ended()

    def _ended(self) -> None:
        self.curves.refresh()
        if self.run is not None:
            self.progress.setValue(self.run.step)
        self.pause_button.setText("Pause")
        self._refresh_buttons()

    # ------------------------------------------------------------------ history

    def open_history(self, folder: Path) -> bool:
        """Show a saved history (its curves, its last snapshot); False, with a message, if it cannot be opened."""
        if self.running:
            self._say("A run is going: stop it before opening another history.")
            return False
        try:
            history = TrainingHistory.open(folder)
        except GuiappError as exc:
            self._say(str(exc))
            return False
        self.history, self.run, self._latest = history, None, None
        self._offer(None)
        self.form.show_run(history.settings, history.architecture, self._network_name())
        self._conv = history.conv_kernels()
        self.kernels.set_layers((self._conv[0][0], self._conv[1][0] if len(self._conv) > 1 else None)
                                if self._conv else ("", None))
        self.curves.reset(history.batches_per_epoch, max(1, round(history.epochs)))
        curve = history.curve
        if len(curve):
            self.curves.add_batches(curve[:, 0].astype(int).tolist(), curve[:, 1].tolist(), curve[:, 2].tolist())
        for snapshot in history.snapshots:
            if "val_accuracy" in snapshot.metrics:
                self.curves.add_epoch(snapshot.step, snapshot.metrics["val_accuracy"],
                                      snapshot.metrics.get("val_loss"))
        self.curves.refresh()
        self.progress.setRange(0, max(1, history.snapshots[-1].step))
        self.progress.setValue(history.snapshots[-1].step)
        self.history_bar.set_snapshots(history, follow=False)
        self.history_bar.choose(len(history.snapshots) - 1)  # the bar on the last, which shows it
        if self.snapshot_problem is None:  # else the damaged snapshot's line stays on screen
            self._say(self._history_line())
        self._refresh_buttons()
        return True

    def show_snapshot(self, index: int) -> None:
        """Every view at snapshot ``index``: kernels, the drawing through its weights, the curves' cursor."""
        if self.history is None or not 0 <= index < len(self.history.snapshots):
            return
        try:
            weights = self.history_bar.weights(index)
        except GuiappError as exc:
            self.snapshot_problem = str(exc)
            self._say(self.snapshot_problem)
            return
        if self.snapshot_problem is not None and not self.running:  # the damaged one's line is no longer true
            self._say(self._history_line())
        self.snapshot_problem = None
        snapshot = self.history.snapshots[index]
        self.following = False
        self._show(snapshot.step, weights, None)
        self.curves.set_cursor(snapshot.step)
        self.history_bar.show_following(self.running)

    def _history_line(self) -> str:
        history = self.history
        assert history is not None
        name = self._network_name()
        epochs = f"{history.epochs:g} epoch" + ("" if history.epochs == 1 else "s")
        return (f"History of {name}: {len(history.snapshots)} snapshots over {epochs}. "
                "Drag the bar or press Play.")

    def _network_name(self) -> str:
        assert self.history is not None
        return str(self.history.architecture.get("name", "a network"))[:NAME_SHOWN]  # a stranger's may be very long

    def show_current(self) -> None:
        """Show again what the page shows (the page came back on screen, the drawing column with it)."""
        if not self.following and self.history is not None:
            self.show_snapshot(self.history_bar.index)
        elif self._latest is not None:
            self._show(*self._latest)

    def follow(self) -> None:
        """Back to the run's newest weights (the bar's "Follow training")."""
        self.following = True
        self.curves.set_cursor(None)
        self.history_bar.show_following(False)
        if self._latest is not None:
            self._show(*self._latest)

    def _show(self, step: int, weights: Sequence[np.ndarray], updates: object) -> None:
        if self._conv:
            first = weights[self._conv[0][1]]
            second = weights[self._conv[1][1]] if len(self._conv) > 1 else None
            update_pair = (updates[0], updates[1] if len(updates) > 1 else None) if updates else None
            self.kernels.set_kernels(first, second, update_pair)
        model = self.network_path()
        if model is not None:
            self.showWeights.emit(str(model), list(weights))

    def network_path(self) -> Path | None:
        """The network as built, in the history folder (written before the first batch)."""
        folder = self.history.folder if self.history is not None else (
            self.run.request.history if self.run is not None else None)
        return folder / "model.keras" if folder is not None and (folder / "model.keras").is_file() else None

    # ------------------------------------------------------------------ helpers

    def _refresh_buttons(self) -> None:
        running = self.running
        self.start_button.setEnabled(not running and self.form.problem() is None)
        self.pause_button.setEnabled(running)
        self.stop_button.setEnabled(running)
        self.form.set_enabled(not running)

    def _say(self, text: str) -> None:
        self.status.setText(text)
