"""The Training page's controller of a run: starts it from the form's settings, drives it from the run
controls, and puts what it reports on the curves, the progress bar and the status line.

It connects :class:`~guiapp.ui.training.run.TrainingRun`'s signals to the form, the controls
(:mod:`.run_controls`), the curves and the kernel board; what the page itself decides — which weights
every view shows, the history on the bar — it passes on: ``layersKnown``, ``weights``, ``snapshotSaved``.
"""

from __future__ import annotations

import datetime as _dt
import html
import time
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from guiapp.core.errors import GuiappError
from guiapp.core.training.pace import RunPace
from guiapp.core.training.trainer_process import RunRequest
from guiapp.core.training.training import OPTIMIZERS, check_output
from guiapp.core.training.warm_trainer import TrainerPool
from guiapp.core.model.architectures import Architecture
from guiapp.ui.training.curves import TrainingCurves
from guiapp.ui.training.form import TrainingForm
from guiapp.ui.training.kernel_board import KernelBoard
from guiapp.ui.training.run import TrainingRun
from guiapp.ui.training.run_controls import RunControls

TEXT_EVERY_S = 0.5  # the progress bar and text, while a run goes


def run_name(arch: Architecture, now: _dt.datetime | None = None) -> str:
    """``mnist_cnn-20261128-121530``: a new name for every run, so nothing is overwritten."""
    return f"{arch.name}-{(now or _dt.datetime.now()):%Y%m%d-%H%M%S}"


class RunController(QObject):
    """One run at a time, from ``start`` to its end; ``run`` stays for its step and folder until the next."""

    starting = Signal()  # a run is about to start: what the page showed before is no longer its
    layersKnown = Signal(list)  # [(conv layer name, index of its kernel in the weights), …]
    weights = Signal(int, list, object)  # step, every weight array (Keras' order), conv kernels' last update or None
    snapshotSaved = Signal(object)  # the history folder, which holds one more snapshot
    modelTrained = Signal(str, float)  # the model written (with its card), its test accuracy
    runEnded = Signal(str)  # stopped or failed: one line
    message = Signal(str)  # a line for the status bar

    def __init__(self, form: TrainingForm, controls: RunControls, curves: TrainingCurves, kernels: KernelBoard,
                 parent: QObject | None = None, trainers: TrainerPool | None = None) -> None:
        super().__init__(parent)
        self.form, self.controls, self.curves, self.kernels = form, controls, curves, kernels
        self.trainers = trainers  # a warm trainer waits there for the next run (None: each run starts cold)
        self.run: TrainingRun | None = None
        self.pace = RunPace(0, 1)
        self._batches_per_epoch = 1
        self._text_shown = 0.0
        self._starting = ""  # the status line a run starts with
        controls.pauseClicked.connect(self.toggle_pause)
        controls.stopClicked.connect(self.stop)
        form.changed.connect(self.refresh_buttons)
        self.refresh_buttons()

    @property
    def running(self) -> bool:
        return self.run is not None and self.run.running

    def start(self, folder: Path, data: Path | None) -> None:
        """Start a run with the form's settings, writing to ``folder``; a problem is one line in the status."""
        if self.running:
            return
        problem = self.form.problem()
        arch, config = self.form.architecture(), self.form.config()
        name = run_name(arch)
        out, history = folder / f"{name}.keras", folder / f"{name}.history"
        try:
            if problem:
                raise GuiappError(f"cannot train {arch.name}: {problem}")
            check_output(out, force=False, hint=f"the Training page keeps models in {folder}: it must be "
                         "a folder you can write to")
            if history.exists():
                raise GuiappError(f"{history}: already exists; wait a second and start again")
        except GuiappError as exc:
            self.controls.say(str(exc))
            return
        self.run = TrainingRun(RunRequest(config, arch.to_dict(), out, history, data=data), self, self.trainers)
        self.run.started.connect(self._on_started)
        self.run.batches.connect(self._on_batches)
        self.run.weights.connect(self.weights)
        self.run.snapshot.connect(self._on_snapshot)
        self.run.epochEnded.connect(self._on_epoch_ended)
        self.run.paused.connect(lambda step: self.controls.show_paused(step, True))
        self.run.resumed.connect(lambda step: self.controls.show_paused(step, False))
        self.run.evaluating.connect(lambda: self.controls.say("Evaluating on the 10,000 test digits…"))
        self.run.finished.connect(self._on_finished)
        self.run.stopped.connect(self._on_stopped)
        self.run.failed.connect(self._on_failed)
        self.run.ready.connect(self._on_ready)
        self.starting.emit()
        self.controls.offer(None)
        self.form.clear_origin()  # the form holds this run's settings, the user's
        self.pace = RunPace(0, config.batch_size)  # its steps are known once the run has started
        self.kernels.clear()
        self.controls.progress.setValue(0)
        self.run.start()
        self._starting = (f"Starting: {arch.name}, {config.epochs} epoch{'s' if config.epochs > 1 else ''} of "
                          f"batches of {config.batch_size}, {OPTIMIZERS[config.optimizer]} at "
                          f"{config.learning_rate:g}")
        self.controls.say(self._starting + ("…" if self.run.warm else " (TensorFlow loads first)…"))
        self.refresh_buttons()

    def toggle_pause(self) -> None:
        if self.run is None or not self.running:
            return
        if self.run.is_paused:
            self.run.resume()
        else:
            self.run.pause()
        self.controls.wait_for_trainer()

    def stop(self) -> None:
        if self.running:
            self.run.stop()
            self.controls.show_stopping()

    def close(self) -> None:
        """The window is closing: stop the run (no model is written) and end its process."""
        if self.run is not None:
            self.run.close()

    def forget(self) -> None:
        """The page shows a saved history now: the last run (ended) is no longer its."""
        self.run = None

    def refresh_buttons(self) -> None:
        running = self.running
        self.controls.set_running(running, can_start=self.form.problem() is None)
        self.form.set_enabled(not running)

    def _on_ready(self, seconds: float) -> None:
        if not self.run.warm and self.run.step == 0:  # the status still says TensorFlow loads
            self.controls.say(f"{self._starting} (TensorFlow loaded in {seconds:.0f} s)…")

    def _on_started(self, info: dict) -> None:
        self.pace.steps = int(info["steps"])
        self.layersKnown.emit([tuple(item) for item in info["conv"]])
        self._batches_per_epoch = int(info["batches_per_epoch"])
        self.curves.reset(self._batches_per_epoch, int(info["epochs"]))
        self.controls.progress.setRange(0, self.pace.steps)

    def _on_batches(self, rows: list) -> None:
        steps, losses, accuracies = (list(column) for column in zip(*((r[0], r[1], r[2]) for r in rows)))
        self.curves.add_batches(steps, losses, accuracies)
        self.pace.add((r[0], r[3]) for r in rows)
        now = time.monotonic()
        if now - self._text_shown >= TEXT_EVERY_S:  # a label's relayout and a bar's repaint are not free
            self._text_shown = now
            self.controls.progress.setValue(steps[-1])
            self.controls.say(self.pace.text(steps[-1], losses[-1]))

    def _on_snapshot(self, step: int) -> None:
        if self.run is not None:
            self.snapshotSaved.emit(self.run.request.history)

    def _on_epoch_ended(self, epoch: int, logs: dict) -> None:
        if self.run is None:
            return
        step = epoch * self._batches_per_epoch
        self.curves.add_epoch(step, logs.get("val_accuracy"), logs.get("val_loss"))
        if "val_accuracy" in logs:
            self.message.emit(f"Epoch {epoch}: {logs['val_accuracy']:.2%} of the test digits right")

    def _on_finished(self, path: str, accuracy: float) -> None:
        self.curves.refresh()
        self.controls.offer_trained(path, accuracy)
        self.modelTrained.emit(path, accuracy)
        self._ended()

    def _on_stopped(self, step: int) -> None:
        self.controls.say(f"Stopped after batch {step:,}: no model was written; the history so far stays in "
                          f"{self.run.request.history if self.run else 'its folder'}.")
        self.runEnded.emit("training stopped: no model was written")
        self._ended()

    def _on_failed(self, message: str) -> None:
        self.controls.say(f"<span style='color:#ff8080'>{html.escape(message)}</span>")  # a path may hold "<"
        self.runEnded.emit(message)
        self._ended()

    def _ended(self) -> None:
        self.curves.refresh()
        if self.run is not None:
            self.controls.progress.setValue(self.run.step)
        self.controls.show_ended()
        self.refresh_buttons()
        if self.trainers is not None:
            self.trainers.warm()  # the next run's trainer loads TensorFlow now, while this one is looked at
