"""The Keras callbacks a training run uses: progress, history snapshots, and a stop when the loss diverges.

Each is built by a function taking the ``keras`` module, so importing this module does not import
TensorFlow (the window imports the training code long before anyone trains).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Protocol

from guiapp.core.errors import GuiappError

if TYPE_CHECKING:
    from guiapp.core.learning.history import HistoryWriter


class TrainingProgress(Protocol):
    """What a caller can observe while training runs (e.g. a progress bar)."""

    def epoch_started(self, epoch: int, epochs: int, batches: int) -> None: ...

    def batch_done(self, batch: int, logs: dict[str, float]) -> None: ...

    def epoch_done(self, epoch: int, logs: dict[str, float]) -> None: ...


class TrainingDiverged(GuiappError):
    """The loss stopped being a number: the weights are ruined, training cannot go on."""


def stepping_callback(keras: Any, batches: int) -> type:
    """A Keras callback base that knows the run's step: ``self.step(batch)`` is the batches done since the start
    (Keras numbers batches from 0 in every epoch)."""

    class _Stepping(keras.callbacks.Callback):
        epoch = 0

        def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
            self.epoch = epoch

        def step(self, batch: int) -> int:
            return self.epoch * batches + batch + 1

    return _Stepping


def progress_callback(keras: Any, progress: TrainingProgress, epochs: int, batches: int) -> Any:
    class _Forward(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
            progress.epoch_started(epoch + 1, epochs, batches)

        def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
            progress.batch_done(batch + 1, {k: float(v) for k, v in (logs or {}).items()})

        def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
            progress.epoch_done(epoch + 1, {k: float(v) for k, v in (logs or {}).items()})

    return _Forward()


def history_callback(keras: Any, writer: HistoryWriter) -> Any:
    """Saves the network as built, then the weights at the writer's scheduled batches (0 before the first)
    and at each epoch's end, and every batch's loss and accuracy."""

    class _Snapshots(stepping_callback(keras, writer.batches_per_epoch)):
        def on_train_begin(self, logs: Any = None) -> None:
            writer.save_model(self.model.save)
            writer.add(0, self.model.get_weights())

        def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
            step = self.step(batch)
            logs = logs or {}
            writer.record(step, float(logs.get("loss", math.nan)), float(logs.get("accuracy", math.nan)))
            if step % writer.batches_per_epoch and writer.due(step):  # an epoch's end waits for its validation
                writer.add(step, self.model.get_weights(), logs)

        def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
            writer.add((epoch + 1) * writer.batches_per_epoch, self.model.get_weights(), logs)

    return _Snapshots()


def divergence_guard(keras: Any, optimizer: str, learning_rate: float, batches: int) -> Any:
    """Stops the run with :class:`TrainingDiverged`, naming the learning rate, once a batch's loss is NaN or ∞.

    Keras' own TerminateOnNaN stops quietly and keeps the ruined weights; a run must say why it ended.
    """

    class _Guard(stepping_callback(keras, batches)):
        def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
            loss = float((logs or {}).get("loss", 0.0))
            if not math.isfinite(loss):
                step = self.step(batch)
                raise TrainingDiverged(
                    f"the loss became {loss} at batch {step} (epoch {self.epoch + 1}): a learning rate of "
                    f"{learning_rate:g} is too high for {optimizer} on this network — try {learning_rate / 10:g}")

    return _Guard()
