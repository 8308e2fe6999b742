"""A training run in a process of its own: the window sends pause, resume and stop, and receives progress.

Training saturates both cores with TensorFlow's threads; in the window's process it would also hold
the GIL between batches and freeze the pen. In a child process the window only ever reads small
messages from a pipe it polls (never blocks on), and the run shares its code with ``guiapp train``:
:func:`guiapp.core.training.training.train` with two more callbacks, the live view and the controls.

Messages from the child (frozen dataclasses, below): :class:`Started` first; then :class:`Batch` every batch,
:class:`Weights` at most every ``weights_every_s`` (1 s), :class:`Snapshot`, :class:`EpochEnded`, :class:`Paused`,
:class:`Resumed`, :class:`Evaluating`; and last one of :class:`Finished`, :class:`Stopped`, :class:`Failed`.
The window sends :class:`Pause`, :class:`Resume` and :class:`Stop`.
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from guiapp.core.child_process import ChildError, ChildProcess, Failed, Message, Parent, ParentGone, Stop
from guiapp.core.errors import GuiappError, short_reason
from guiapp.core.training.callbacks import stepping_callback
from guiapp.core.training.training import TrainingConfig

__all__ = ["Batch", "EpochEnded", "Evaluating", "Failed", "Finished", "Pause", "Paused", "Resume", "Resumed",
           "RunRequest", "Snapshot", "Started", "Stop", "Stopped", "TrainerProcess", "Weights", "run"]

# The live view's refresh while training. Each refresh costs the window a redraw of the kernels and of the
# drawing's maps, and the trainer a copy of every weight: twice a second kept training at 76–82% of plain
# model.fit on two cores, once a second at 85–90% (benchmarks/training.py).
WEIGHTS_EVERY_S = 1.0
TRAINER_NICENESS = 10  # the pen and the live view come first: training takes the cycles they leave
CONV_SHOWN = 2  # the kernels the page shows: conv 1's and conv 2's


@dataclass(frozen=True)
class RunRequest:
    """Everything a run needs: what to train, on what, and where its model, card and history go."""

    config: TrainingConfig
    architecture: dict[str, Any]  # Architecture.to_dict(): what pickles to the child
    out: Path
    history: Path
    data: Path | None = None  # None: the shipped MNIST
    weights_every_s: float = WEIGHTS_EVERY_S


# The window sends these (and Stop: end after the batch it is on; no model is written, the history stays whole).
@dataclass(frozen=True)
class Pause(Message):
    pass


@dataclass(frozen=True)
class Resume(Message):
    pass


# The trainer sends these.
@dataclass(frozen=True)
class Started(Message):
    batches_per_epoch: int
    epochs: int
    steps: int
    history: str  # the folder
    conv: list[tuple[str, int]]  # the first Conv2D layers: (name, index of their kernel in the weights list)


@dataclass(frozen=True)
class Batch(Message):
    step: int
    loss: float
    accuracy: float
    seconds: float  # since the first batch began


@dataclass(frozen=True)
class Weights(Message):
    step: int
    weights: list[np.ndarray]  # every weight, Keras' order
    updates: list[np.ndarray] | None  # each shown conv kernel's last gradient step (after − before), or None


@dataclass(frozen=True)
class Snapshot(Message):
    """The history folder holds a new snapshot of this step."""

    step: int


@dataclass(frozen=True)
class EpochEnded(Message):
    epoch: int
    logs: dict[str, float]  # its validation metrics


@dataclass(frozen=True)
class Paused(Message):
    step: int


@dataclass(frozen=True)
class Resumed(Message):
    step: int


@dataclass(frozen=True)
class Evaluating(Message):
    """Training is over; the test set is being evaluated."""


@dataclass(frozen=True)
class Finished(Message):
    model_path: str
    test_accuracy: float


@dataclass(frozen=True)
class Stopped(Message):
    """Stopped at this step; no model was written."""

    step: int


FINAL = (Finished, Stopped, Failed)  # the last message of every run


class _Stop(Exception):
    """Raised inside ``fit`` by the stop button (or a window that went away): nothing is written."""


def _conv_kernels(model: Any) -> list[tuple[str, int]]:
    """The first Conv2D layers' names and the index of their kernel in ``model.get_weights()``."""
    found, index = [], 0
    for layer in model.layers:
        if type(layer).__name__ == "Conv2D" and len(found) < CONV_SHOWN:
            found.append((layer.name, index))
        index += len(layer.weights)
    return found


def _live_callback(keras: Any, outbox: _Outbox, parent: Parent, request: RunRequest, batches: int) -> Any:
    """Sends progress and weights, and obeys pause, resume and stop between batches."""
    every = request.weights_every_s

    class _Live(stepping_callback(keras, batches)):
        def on_train_begin(self, logs: Any = None) -> None:
            self.started, self.last_sent = time.perf_counter(), -math.inf
            self.conv = _conv_kernels(self.model)
            self.before: list[np.ndarray] | None = None
            outbox.send(Started(batches, request.config.epochs, batches * request.config.epochs,
                                str(request.history), self.conv))
            self._send_weights(0, None)

        def on_train_batch_begin(self, batch: int, logs: Any = None) -> None:
            if time.perf_counter() - self.last_sent >= every:  # this batch's step will be sent: keep the before
                self.before = [np.array(self.model.weights[i]) for _, i in self.conv]

        def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
            step = self.step(batch)
            logs = logs or {}
            outbox.send(Batch(step, float(logs.get("loss", math.nan)), float(logs.get("accuracy", math.nan)),
                              time.perf_counter() - self.started))
            if self.before is not None:
                self._send_weights(step, self.before)
                self.before = None
            self._obey(step)

        def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
            outbox.send(EpochEnded(epoch + 1, {k: float(v) for k, v in (logs or {}).items()}))

        def _send_weights(self, step: int, before: list[np.ndarray] | None) -> None:
            weights = self.model.get_weights()
            updates = None if before is None else [weights[i] - old for (_, i), old in zip(self.conv, before)]
            outbox.send(Weights(step, weights, updates))
            self.last_sent = time.perf_counter()

        def _obey(self, step: int) -> None:
            """Between two batches: a pause waits here (the step is the same when it resumes)."""
            while parent.poll():
                command = parent.receive()  # a window that went away reads as Stop
                if isinstance(command, Pause):
                    outbox.send(Paused(step))
                    while not isinstance(command := parent.receive(), (Resume, Stop)):
                        pass
                    if not isinstance(command, Stop):
                        outbox.send(Resumed(step))
                if isinstance(command, Stop):
                    raise _Stop(step)

    return _Live()


def run(parent: Parent, request: RunRequest) -> None:
    """The child: train as asked, reporting to ``parent``; always ends with Finished, Stopped or Failed."""
    try:
        os.nice(TRAINER_NICENESS)  # before TensorFlow starts its threads: they inherit it
    except OSError:  # not allowed here: train at the window's priority
        pass
    outbox = _Outbox(parent)
    try:
        from guiapp.core.training.data import load_mnist
        from guiapp.core.training.training import train, training_count
        from guiapp.core.live.compute_process import limit_blas_threads
        from guiapp.core.model.backend import keras

        limit_blas_threads()  # NumPy's work here is small; TensorFlow's own threads do the training
        data = load_mnist(request.data)
        k = keras()
        batches = math.ceil(training_count(len(data.x_train), request.config) / request.config.batch_size)
        result = _train_with_notice(outbox, train, data, request, [_live_callback(k, outbox, parent, request,
                                                                                  batches)])
        message: Message = Finished(str(result.model_path), float(result.card["test"]["accuracy"]))
    except _Stop as stop:
        message = Stopped(int(stop.args[0]))
    except GuiappError as exc:
        message = Failed(str(exc))
    except Exception as exc:  # noqa: BLE001 — the window shows one line, never a traceback
        message = Failed(f"training failed: {short_reason(exc)}")
    outbox.send(message)


class _Outbox:
    """Sends to the window from the training thread and the history's writing thread."""

    def __init__(self, parent: Parent) -> None:
        self.parent = parent

    def send(self, message: Message) -> None:
        try:
            self.parent.send(message)
        except ParentGone:  # the window went away: the next command read says stop
            pass


def _train_with_notice(outbox: _Outbox, train: Any, data: Any, request: RunRequest, callbacks: list[Any]) -> Any:
    """``train``, telling the window of each snapshot on disk, and when the test set is being evaluated."""
    from guiapp.core.model.backend import keras

    class _Evaluating(keras().callbacks.Callback):
        def on_train_end(self, logs: Any = None) -> None:
            outbox.send(Evaluating())

    from guiapp.core.model.arch_edit import architecture_from_dict

    return train(data, request.out, request.config, architecture=architecture_from_dict(request.architecture),
                 history=request.history, callbacks=[*callbacks, _Evaluating()],
                 on_snapshot=lambda snapshot: outbox.send(Snapshot(snapshot.step)))


class TrainerProcess:
    """One run in a child process. :meth:`messages` never blocks; pause, resume and stop are sent at once."""

    def __init__(self, request: RunRequest) -> None:
        self._child = ChildProcess(run, request, name="guiapp-trainer", label="the training process")
        self.request = request
        self.ended = False  # a final message (Finished, Stopped, Failed) has been read

    def messages(self, limit: int = 1000) -> list[Message]:
        """The messages waiting now (at most ``limit``), up to the final one; a child that died says so as
        :class:`Failed`."""
        if self.ended:
            return []
        received = self._child.messages(limit)
        for index, message in enumerate(received):
            if isinstance(message, FINAL):
                self.ended = True
                return received[:index + 1]
        return received

    def _command(self, command: Message) -> None:
        try:
            self._child.send(command)
        except ChildError:  # the child is gone: its last message says why
            pass

    def pause(self) -> None:
        self._command(Pause())

    def resume(self) -> None:
        self._command(Resume())

    def stop(self) -> None:
        """Ask the run to stop after the batch it is on: no model is written; the history stays whole."""
        self._command(Stop())

    def close(self, timeout: float = 10.0) -> None:
        """Stop the child if it still runs and wait for it (ended for sure after ``timeout`` seconds)."""
        self._child.close(timeout)

    @property
    def alive(self) -> bool:
        return self._child.alive
