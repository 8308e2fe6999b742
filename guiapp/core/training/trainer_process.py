"""A training run in a process of its own: the window sends pause, resume and stop, and receives progress.

Training saturates both cores with TensorFlow's threads; in the window's process it would also hold
the GIL between batches and freeze the pen. In a child process the window only ever reads small
messages from a pipe it polls (never blocks on), and the run shares its code with ``guiapp train``:
:func:`guiapp.core.training.training.train` with two more callbacks, the live view and the controls.

A trainer child loads TensorFlow, and builds and traces the network the page offers first
(:mod:`~guiapp.core.training.prepared`: a run of it skips Keras' tracing), *before* it is told what to train: :class:`TrainerProcess` started with no request is a warm
spare (:class:`~guiapp.core.training.warm_trainer.TrainerPool`) that :meth:`TrainerProcess.begin` later
hands its run, so Start does not wait ~15 s for imports. One run per child: a run's graphs and memory
go with its process. The messages both ways are in :mod:`guiapp.core.training.trainer_messages`.
"""

from __future__ import annotations

import math
import os
import time
from typing import Any

import numpy as np

from guiapp.core.child_process import ChildError, ChildProcess, Message, Parent, ParentGone
from guiapp.core.errors import GuiappError, short_reason
from guiapp.core.training.callbacks import stepping_callback
from guiapp.core.training.trainer_messages import (
    FINAL,
    WEIGHTS_EVERY_S,
    Batch,
    EpochEnded,
    Evaluating,
    Failed,
    Finished,
    Pause,
    Paused,
    Ready,
    Resume,
    Resumed,
    RunRequest,
    Snapshot,
    Started,
    Stop,
    Stopped,
    Train,
    Weights,
)

__all__ = ["FINAL", "WEIGHTS_EVERY_S", "Batch", "EpochEnded", "Evaluating", "Failed", "Finished", "Pause",
           "Paused", "Ready", "Resume", "Resumed", "RunRequest", "Snapshot", "Started", "Stop", "Stopped",
           "Train", "TrainerProcess", "Weights", "run", "serve"]

TRAINER_NICENESS = 10  # the pen and the live view come first: training takes the cycles they leave
CONV_SHOWN = 2  # the kernels the page shows: conv 1's and conv 2's


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


def _be_nice() -> None:
    try:
        os.nice(TRAINER_NICENESS)  # before TensorFlow starts its threads: they inherit it
    except OSError:  # not allowed here: train at the window's priority
        pass


def run(parent: Parent, request: RunRequest) -> None:
    """The child, told its run at once: train as asked, reporting to ``parent``; always ends with Finished,
    Stopped or Failed."""
    _be_nice()
    _train_run(parent, request)


def serve(parent: Parent) -> None:
    """The child, warm first: load TensorFlow and the shipped MNIST, say :class:`Ready`, then wait for
    :class:`Train` and run it (:class:`Stop`, or a window gone, ends it quietly)."""
    _be_nice()
    started = time.perf_counter()
    try:
        _warm_up()
    except Exception as exc:  # noqa: BLE001 — said as the run's failure, in one line
        _Outbox(parent).send(Failed(f"training failed: TensorFlow could not start ({short_reason(exc)})"))
        return
    _Outbox(parent).send(Ready(os.getpid(), time.perf_counter() - started))
    while not isinstance(command := parent.receive(), (Train, Stop)):
        pass  # a Pause or Resume before the run has started means nothing
    if isinstance(command, Train):
        _train_run(parent, command.request)


_loaded: dict[str, Any] = {}  # the shipped MNIST, once it was read in the warm-up


def _warm_up() -> None:
    """Everything a run pays once per process, paid before Start: imports, the shipped MNIST, Keras' first
    ``fit`` (its function tracing machinery and thread pools), and the network the page offers first built,
    compiled and traced (:mod:`.prepared`: a run of it skips Keras' ~1.5 s of tracing)."""
    from guiapp.core.live.compute_process import limit_blas_threads
    from guiapp.core.model.architectures import DEFAULT_ARCHITECTURE, get_architecture
    from guiapp.core.model.backend import keras
    from guiapp.core.training.data import load_mnist
    from guiapp.core.training.prepared import prepare
    from guiapp.core.training.presets import DEFAULT_PRESET, PRESETS

    limit_blas_threads()  # NumPy's work here is small; TensorFlow's own threads do the training
    _loaded["mnist"] = load_mnist(None)
    _loaded["prepared"] = prepare(keras(), get_architecture(DEFAULT_ARCHITECTURE), PRESETS[DEFAULT_PRESET].config)


def _train_run(parent: Parent, request: RunRequest) -> None:
    outbox = _Outbox(parent)
    try:
        from guiapp.core.training.data import load_mnist
        from guiapp.core.training.training import train, training_count
        from guiapp.core.live.compute_process import limit_blas_threads
        from guiapp.core.model.backend import keras

        limit_blas_threads()
        data = _loaded["mnist"] if request.data is None and "mnist" in _loaded else load_mnist(request.data)
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
                 on_snapshot=lambda snapshot: outbox.send(Snapshot(snapshot.step)), prepared=_loaded.get("prepared"))


class TrainerProcess:
    """One run in a child process. :meth:`messages` never blocks; pause, resume and stop are sent at once.

    Started without a request it is a warm spare: its child loads TensorFlow and waits; :meth:`begin`
    gives it its run (one, ever). ``ready`` turns true once :meth:`messages` (or :meth:`check_ready`) has
    read its :class:`Ready`.
    """

    def __init__(self, request: RunRequest | None = None) -> None:
        self._child = ChildProcess(serve, name="guiapp-trainer", label="the training process")
        self.request: RunRequest | None = None
        self.ended = False  # a final message (Finished, Stopped, Failed) has been read
        self.ready = False  # its Ready has been read: TensorFlow is loaded
        self.warmed_for = 0.0  # how long its warm-up took (once ready)
        self._early: list[Message] = []  # read by check_ready, not yet handed out
        if request is not None:
            self.begin(request)

    @property
    def pid(self) -> int | None:
        return self._child.pid

    def begin(self, request: RunRequest) -> None:
        """Give the child its run (it starts once TensorFlow is loaded, at once if it already is)."""
        if self.request is not None:
            raise RuntimeError("a trainer process runs one request")
        self.request = request
        self._command(Train(request))

    def check_ready(self) -> bool:
        """Whether TensorFlow is loaded in the child (reads, and keeps, what it has sent so far)."""
        if not self.ready and not self.ended:
            self._early += self._read(self._child.messages())
        return self.ready

    def messages(self, limit: int = 1000) -> list[Message]:
        """The messages waiting now (at most ``limit``), up to the final one; a child that died says so as
        :class:`Failed`."""
        if self.ended and not self._early:
            return []
        early, self._early = self._early[:limit], self._early[limit:]
        return early + (self._read(self._child.messages(limit - len(early))) if not self.ended else [])

    def _read(self, received: list[Message]) -> list[Message]:
        for index, message in enumerate(received):
            if isinstance(message, Ready):
                self.ready, self.warmed_for = True, message.seconds
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
