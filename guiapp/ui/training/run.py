"""The window's end of a training run: polls the trainer's pipe and turns its messages into signals.

The poll runs in the GUI thread on a timer and never blocks (``TrainerProcess.messages``): the
window cannot freeze on the trainer. Messages that pile up between two polls are coalesced:
batches arrive as one list, and only the newest weights are passed on (older ones are stale).
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QObject, QTimer, Signal

from guiapp.core.training.trainer_process import (
    Batch,
    EpochEnded,
    Evaluating,
    Failed,
    Finished,
    Paused,
    Ready,
    Resumed,
    RunRequest,
    Snapshot,
    Started,
    Stopped,
    TrainerProcess,
    Weights,
)
from guiapp.core.training.warm_trainer import TrainerPool

POLL_MS = 100  # the pipe is read 10 times a second; a message waits at most this long


class TrainingRun(QObject):
    """One run: ``start`` it, then ``pause``, ``resume`` or ``stop``; it ends with one of the last three signals."""

    started = Signal(dict)  # batches_per_epoch, epochs, steps, history, conv
    batches = Signal(list)  # [(step, loss, accuracy, seconds), …] since the last poll
    weights = Signal(int, list, object)  # step, every weight array (Keras' order), conv kernels' last update or None
    snapshot = Signal(int)  # a snapshot of this step is in the history folder
    epochEnded = Signal(int, dict)  # epoch, its logs (val_accuracy, …)
    paused = Signal(int)
    resumed = Signal(int)
    evaluating = Signal()
    finished = Signal(str, float)  # model path, test accuracy
    stopped = Signal(int)  # at this step; no model was written
    failed = Signal(str)  # one line
    ready = Signal(float)  # TensorFlow has loaded in the trainer (in this many seconds): the run starts now

    def __init__(self, request: RunRequest, parent: QObject | None = None, trainers: TrainerPool | None = None) -> None:
        super().__init__(parent)
        self.request = request
        self.trainers = trainers  # where a warm trainer waits (None: a cold one is started)
        self.process: TrainerProcess | None = None
        self.warm = False  # the trainer had TensorFlow loaded when the run was handed to it
        self.step = 0
        self.is_paused = False
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self.poll)

    def start(self) -> None:
        if self.trainers is not None:
            self.process, self.warm = self.trainers.take(self.request)
        else:
            self.process = TrainerProcess(self.request)
        self._timer.start()

    @property
    def running(self) -> bool:
        return self.process is not None and not self.process.ended

    def pause(self) -> None:
        if self.running:
            self.process.pause()

    def resume(self) -> None:
        if self.running:
            self.process.resume()

    def stop(self) -> None:
        if self.running:
            self.process.stop()

    def poll(self) -> None:
        """Read what the trainer sent since the last poll and pass it on."""
        if self.process is None:
            return
        batch_rows: list[tuple[int, float, float, float]] = []
        newest_weights: Weights | None = None
        for message in self.process.messages():
            if isinstance(message, Batch):
                batch_rows.append((message.step, message.loss, message.accuracy, message.seconds))
                self.step = message.step
                continue
            if batch_rows:  # keep the order: batches before what came after them
                self.batches.emit(batch_rows)
                batch_rows = []
            match message:
                case Weights():
                    newest_weights = message
                case Ready(_, seconds):
                    self.ready.emit(seconds)
                case Started():
                    self.started.emit(dataclasses.asdict(message))
                case Snapshot(step):
                    self.snapshot.emit(step)
                case EpochEnded(epoch, logs):
                    self.epochEnded.emit(epoch, logs)
                case Paused(step):
                    self.is_paused = True
                    self.paused.emit(step)
                case Resumed(step):
                    self.is_paused = False
                    self.resumed.emit(step)
                case Evaluating():
                    self.evaluating.emit()
                case Finished() | Stopped() | Failed():
                    if newest_weights is not None:  # the last weights before the run's end
                        self._emit_weights(newest_weights)
                        newest_weights = None
                    self._end(message)
        if batch_rows:
            self.batches.emit(batch_rows)
        if newest_weights is not None:
            self._emit_weights(newest_weights)

    def _emit_weights(self, message: Weights) -> None:
        self.weights.emit(message.step, message.weights, message.updates)

    def _end(self, message: Finished | Stopped | Failed) -> None:
        self._timer.stop()
        self.process.close()
        match message:
            case Finished(model_path, accuracy):
                self.finished.emit(model_path, accuracy)
            case Stopped(step):
                self.stopped.emit(step)
            case Failed(text):
                self.failed.emit(text)

    def close(self) -> None:
        """Stop the run if it still goes and end its process (the window is closing)."""
        self._timer.stop()
        if self.process is not None:
            self.process.close()
