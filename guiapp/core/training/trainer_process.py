"""A training run in a process of its own: the window sends pause, resume and stop, and receives progress.

Training saturates both cores with TensorFlow's threads; in the window's process it would also hold
the GIL between batches and freeze the pen. In a child process the window only ever reads small
messages from a pipe it polls (never blocks on), and the run shares its code with ``guiapp train``:
:func:`guiapp.core.training.training.train` with two more callbacks, the live view and the controls.

Messages from the child, as tuples whose first item names them:

- ``("started", info)``: ``info`` has ``batches_per_epoch``, ``epochs``, ``steps``, ``history`` (the folder),
  ``conv`` (the first two Conv2D layers as (name, index of their kernel in the weights list));
- ``("batch", step, loss, accuracy, seconds)``: every batch (``seconds`` since the first batch began);
- ``("weights", step, weights, updates)``: all weights (Keras' order) at most every ``weights_every_s`` (1 s),
  and ``updates``: each conv kernel's last gradient step (after − before that batch);
- ``("snapshot", step)``: the history folder holds a new snapshot;
- ``("epoch", epoch, logs)``: an epoch's end with its validation metrics;
- ``("paused", step)``, ``("resumed", step)``, ``("evaluating",)``;
- and one of ``("finished", model_path, test_accuracy)``, ``("stopped", step)``, ``("failed", message)``.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import numpy as np

from guiapp.core.child_process import start_child
from guiapp.core.errors import GuiappError, short_reason
from guiapp.core.training.callbacks import stepping_callback
from guiapp.core.training.training import TrainingConfig

__all__ = ["RunRequest", "TrainerProcess", "run"]

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


def _live_callback(keras: Any, outbox: _Outbox, conn: Connection, request: RunRequest, batches: int) -> Any:
    """Sends progress and weights, and obeys pause, resume and stop between batches."""
    every = request.weights_every_s

    class _Live(stepping_callback(keras, batches)):
        def on_train_begin(self, logs: Any = None) -> None:
            self.started, self.last_sent = time.perf_counter(), -math.inf
            self.conv = _conv_kernels(self.model)
            self.before: list[np.ndarray] | None = None
            outbox.send(("started", {"batches_per_epoch": batches, "epochs": request.config.epochs,
                                   "steps": batches * request.config.epochs, "history": str(request.history),
                                   "conv": self.conv}))
            self._send_weights(0, None)

        def on_train_batch_begin(self, batch: int, logs: Any = None) -> None:
            if time.perf_counter() - self.last_sent >= every:  # this batch's step will be sent: keep the before
                self.before = [np.array(self.model.weights[i]) for _, i in self.conv]

        def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
            step = self.step(batch)
            logs = logs or {}
            outbox.send(("batch", step, float(logs.get("loss", math.nan)), float(logs.get("accuracy", math.nan)),
                       time.perf_counter() - self.started))
            if self.before is not None:
                self._send_weights(step, self.before)
                self.before = None
            self._obey(step)

        def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
            outbox.send(("epoch", epoch + 1, {k: float(v) for k, v in (logs or {}).items()}))

        def _send_weights(self, step: int, before: list[np.ndarray] | None) -> None:
            weights = self.model.get_weights()
            updates = None if before is None else [weights[i] - old for (_, i), old in zip(self.conv, before)]
            outbox.send(("weights", step, weights, updates))
            self.last_sent = time.perf_counter()

        def _obey(self, step: int) -> None:
            """Between two batches: a pause waits here (the step is the same when it resumes)."""
            while conn.poll():
                command = _receive(conn)
                if command == "stop":
                    raise _Stop(step)
                if command == "pause":
                    outbox.send(("paused", step))
                    while (command := _receive(conn)) not in ("resume", "stop"):
                        pass
                    if command == "stop":
                        raise _Stop(step)
                    outbox.send(("resumed", step))

    return _Live()


def _receive(conn: Connection) -> str:
    """The next command; a window that went away means stop."""
    try:
        return str(conn.recv()[0])
    except (EOFError, OSError):
        return "stop"


def run(conn: Connection, request: RunRequest) -> None:
    """The child: train as asked, reporting through ``conn``; always ends with finished, stopped or failed."""
    try:
        os.nice(TRAINER_NICENESS)  # before TensorFlow starts its threads: they inherit it
    except OSError:  # not allowed here: train at the window's priority
        pass
    try:
        from guiapp.core.training.data import load_mnist
        from guiapp.core.training.training import train, training_count
        from guiapp.core.live.compute_process import limit_blas_threads
        from guiapp.core.model.backend import keras

        limit_blas_threads()  # NumPy's work here is small; TensorFlow's own threads do the training
        data = load_mnist(request.data)
        k = keras()
        batches = math.ceil(training_count(len(data.x_train), request.config) / request.config.batch_size)
        outbox = _Outbox(conn)
        result = _train_with_notice(outbox, train, data, request, [_live_callback(k, outbox, conn, request, batches)])
        message: tuple[Any, ...] = ("finished", str(result.model_path), float(result.card["test"]["accuracy"]))
    except _Stop as stop:
        message = ("stopped", int(stop.args[0]))
    except GuiappError as exc:
        message = ("failed", str(exc))
    except Exception as exc:  # noqa: BLE001 — the window shows one line, never a traceback
        message = ("failed", f"training failed: {short_reason(exc)}")
    try:
        _Outbox(conn).send(message)
    finally:
        conn.close()


class _Outbox:
    """Sends to the window from the training thread and the history's writing thread, one message at a time."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._lock = threading.Lock()

    def send(self, message: tuple[Any, ...]) -> None:
        with self._lock:
            try:
                self.conn.send(message)
            except (OSError, ValueError):  # the window went away: the next command read says stop
                pass


def _train_with_notice(outbox: _Outbox, train: Any, data: Any, request: RunRequest, callbacks: list[Any]) -> Any:
    """``train``, telling the window of each snapshot on disk, and when the test set is being evaluated."""
    from guiapp.core.model.backend import keras

    class _Evaluating(keras().callbacks.Callback):
        def on_train_end(self, logs: Any = None) -> None:
            outbox.send(("evaluating",))

    from guiapp.core.model.arch_edit import architecture_from_dict

    return train(data, request.out, request.config, architecture=architecture_from_dict(request.architecture),
                 history=request.history, callbacks=[*callbacks, _Evaluating()],
                 on_snapshot=lambda snapshot: outbox.send(("snapshot", snapshot.step)))


class TrainerProcess:
    """One run in a child process. :meth:`messages` never blocks; pause, resume and stop are sent at once."""

    def __init__(self, request: RunRequest) -> None:
        context = multiprocessing.get_context("spawn")  # never fork a process that runs Qt threads
        self._conn, child = context.Pipe()
        self._process = context.Process(target=run, args=(child, request), name="guiapp-trainer", daemon=True)
        start_child(self._process)  # deaf to Ctrl-C: the window stops the run as it closes
        child.close()
        self.request = request
        self.ended = False  # a final message (finished, stopped, failed) has been read

    def messages(self, limit: int = 1000) -> list[tuple[Any, ...]]:
        """The messages waiting now (at most ``limit``); a child that died says so as ``("failed", …)``."""
        received: list[tuple[Any, ...]] = []
        while not self.ended and len(received) < limit:
            try:
                if not self._conn.poll():
                    break
                message = self._conn.recv()
            except (EOFError, OSError):
                code = self._process.exitcode
                message = ("failed", f"the training process ended unexpectedly (exit code {code})")
            received.append(message)
            self.ended = message[0] in ("finished", "stopped", "failed")
        return received

    def _command(self, name: str) -> None:
        try:
            self._conn.send((name,))
        except (OSError, ValueError):  # the child is gone: its last message says why
            pass

    def pause(self) -> None:
        self._command("pause")

    def resume(self) -> None:
        self._command("resume")

    def stop(self) -> None:
        """Ask the run to stop after the batch it is on: no model is written; the history stays whole."""
        self._command("stop")

    def close(self, timeout: float = 10.0) -> None:
        """Stop the child if it still runs and wait for it (killed after ``timeout`` seconds)."""
        if self._process.is_alive():
            self.stop()
            self._process.join(timeout)
        if self._process.is_alive():
            self._process.kill()
            self._process.join(2.0)
        self._conn.close()

    @property
    def alive(self) -> bool:
        return self._process.is_alive()
