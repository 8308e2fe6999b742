"""The Keras callbacks a training run uses: progress, history snapshots, and a stop when the run diverges.

Each is built by a function taking the ``keras`` module, so importing this module does not import
TensorFlow (the window imports the training code long before anyone trains).
"""

from __future__ import annotations

import math
import statistics
from collections import deque
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from guiapp.core.errors import GuiappError

if TYPE_CHECKING:
    from guiapp.core.training.history_writer import HistoryWriter

__all__ = [
    "CLIMB_PATIENCE", "CLIMB_WINDOW", "DivergenceWatch", "TrainingDiverged", "TrainingProgress", "batch_loss",
    "divergence_guard", "history_callback", "progress_callback", "stepping_callback", "weights_finite",
]


class TrainingProgress(Protocol):
    """What a caller can observe while training runs (e.g. a progress bar)."""

    def epoch_started(self, epoch: int, epochs: int, batches: int) -> None: ...

    def batch_done(self, batch: int, logs: dict[str, float]) -> None: ...

    def epoch_done(self, epoch: int, logs: dict[str, float]) -> None: ...


class TrainingDiverged(GuiappError):
    """The run diverged (its loss or weights stopped being numbers, or its loss climbed and stayed high): the
    weights are ruined, training cannot go on."""


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
    and at each epoch's end, and every batch's loss and accuracy.

    The network as built (with batch 0's weights) is written once the first batch is done and shown (before
    the second, or when the run ends — :meth:`flush`, which ``train`` calls however it ends): Keras' save takes
    ~0.2 s that Start would otherwise wait for. Snapshots due meanwhile wait for it, so the index never lists
    one before ``model.keras`` is there."""

    class _Snapshots(stepping_callback(keras, writer.batches_per_epoch)):
        initial: list[np.ndarray] | None = None  # batch 0's weights, until the network as built is written
        held: list[tuple[int, list[np.ndarray], Any]] = []

        def on_train_begin(self, logs: Any = None) -> None:
            self.initial, self.held = self.model.get_weights(), []

        def on_train_batch_begin(self, batch: int, logs: Any = None) -> None:
            if batch or self.epoch:
                self.flush()

        def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
            step = self.step(batch)
            logs = logs or {}
            writer.record(step, float(logs.get("loss", math.nan)), float(logs.get("accuracy", math.nan)))
            if step % writer.batches_per_epoch and writer.due(step):  # an epoch's end waits for its validation
                self._add(step, self.model.get_weights(), logs)

        def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
            self.flush()
            writer.add((epoch + 1) * writer.batches_per_epoch, self.model.get_weights(), logs)

        def on_train_end(self, logs: Any = None) -> None:
            self.flush()

        def _add(self, step: int, weights: list[np.ndarray], logs: Any) -> None:
            if self.initial is None:
                writer.add(step, weights, logs)
            else:
                self.held.append((step, weights, dict(logs)))

        def flush(self) -> None:
            """Write the network as built (batch 0's weights put back for the save) and the snapshots held."""
            if self.initial is None or self.model is None:
                return
            initial, self.initial = self.initial, None
            now = self.model.get_weights()
            self.model.set_weights(initial)
            try:
                writer.save_model(self.model.save)
            finally:
                self.model.set_weights(now)
            writer.add(0, initial)
            for step, weights, logs in self.held:
                writer.add(step, weights, logs)
            self.held = []

    return _Snapshots()


# When a run has diverged. Measured per batch on mnist_cnn (2,048 digits, batch 128, 2 epochs): healthy runs (the
# seed's Adadelta at 1.0 and at 10, SGD at 0.1, Adam at 0.01) never passed 2.94 in any batch, and a whole first
# epoch of the seed's recipe on all of MNIST never passed its first 2.30; diverged ones (Adam at 0.1, SGD at 1.0,
# SGD at 1e30 where its loss stays finite) sat at 13.6–15.1 from the batch they broke, near the ceiling of the
# seed's clipped loss (−ln 1e-7 ≈ 16.1: a network sure of a wrong class). The bar sits between, with room both ways.
CLIMB_FACTOR = 2.0  # "well above": over twice both the starting loss and chance's ln(classes) (4.6 for ten digits)
CLIMB_WINDOW = 7  # judged by the median of the last 7 batches' losses: 3 spikes in 7 cannot lift it
CLIMB_PATIENCE = 10  # ... staying over the bar 10 batches running (a run shorter than that is judged where it ends)
# Copying mnist_cnn's 1.2 M weights out and testing them takes 2.3 ms, a batch of 128 on two cores ~300 ms: with a
# check every 10th batch the whole guard took 0.14% of a 1-epoch model.fit (cProfile), and the checks at each
# epoch's end and the run's end mean no ruined weights are ever written, even where the loss stays finite.
WEIGHT_CHECK_EVERY = 10


class DivergenceWatch:
    """Decides from each batch's loss whether a run has diverged; pure (no Keras), so tested on made-up curves.

    Diverged: a loss that is not a number or infinite, or one that climbs well above where it started and above
    chance and stays there (:data:`CLIMB_FACTOR`, :data:`CLIMB_WINDOW`, :data:`CLIMB_PATIENCE`). Each method
    returns why, as the start of a sentence ("the loss became nan at batch 2"), or None while the run is healthy.
    """

    def __init__(self, classes: int) -> None:
        self.chance = math.log(classes)  # the loss of a uniform guess
        self.start: float | None = None  # the first batch's loss: the weights as the run got them
        self.step = 0
        self._recent: deque[float] = deque(maxlen=CLIMB_WINDOW)
        self._above = 0  # batches running whose smoothed loss was over the bar

    def observe(self, step: int, loss: float) -> str | None:
        """One batch's loss (not Keras' running mean: see :func:`batch_loss`)."""
        self.step = step
        if not math.isfinite(loss):
            return f"the loss became {loss} at batch {step}"
        if self.start is None:
            self.start = loss
        self._recent.append(loss)
        self._above = self._above + 1 if self._smoothed() > self._bar() else 0
        return self._climbed() if self._above >= CLIMB_PATIENCE else None

    def finish(self) -> str | None:
        """At the run's end: a climb still going counts, though the run was too short to wait it out."""
        return self._climbed() if self._above else None

    def weights(self, step: int, finite: bool) -> str | None:
        """Why the run diverged if the weights, checked after ``step``, are not all finite numbers."""
        return None if finite else f"the weights were no longer finite numbers after batch {step}"

    def _bar(self) -> float:
        return CLIMB_FACTOR * max(self.start or 0.0, self.chance)

    def _smoothed(self) -> float:
        return float(statistics.median(self._recent))

    def _climbed(self) -> str:
        return (f"the loss climbed from {self.start:.2f} to {self._smoothed():.1f}, far above chance "
                f"({self.chance:.2f}), and stayed there until batch {self.step}")


def batch_loss(mean: float, mean_before: float, seen: int, seen_before: int) -> float:
    """One batch's loss, from the running mean over the epoch that Keras logs after it and after the one before.

    Keras weighs each batch by its digits, so the epoch's sum so far is ``mean × seen``. The running mean hides a
    late divergence: after 400 batches at 0.3, the mean of the next 180 at 14 stays under twice chance.
    """
    if not math.isfinite(mean):
        return mean
    return (mean * seen - mean_before * seen_before) / (seen - seen_before)


def weights_finite(arrays: Sequence[np.ndarray]) -> bool:
    return all(bool(np.isfinite(array).all()) for array in arrays)


def divergence_guard(keras: Any, optimizer: str, learning_rate: float, *, samples: int, batch_size: int,
                     classes: int) -> Any:
    """Stops the run with :class:`TrainingDiverged`, naming the learning rate, once a :class:`DivergenceWatch`
    says it diverged, or the weights are no longer finite (every :data:`WEIGHT_CHECK_EVERY` batches, each epoch's
    end, and the run's end, before anything is written).

    Keras' own TerminateOnNaN stops quietly and keeps the ruined weights; a run must say why it ended.
    """
    batches = math.ceil(samples / batch_size)
    watch = DivergenceWatch(classes)

    class _Guard(stepping_callback(keras, batches)):
        mean_before = 0.0

        def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
            super().on_epoch_begin(epoch, logs)
            self.mean_before = 0.0  # Keras starts each epoch's running mean afresh

        def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
            if "loss" not in (logs or {}):
                return
            mean, step = float(logs["loss"]), self.step(batch)
            seen_before, seen = (min(n * batch_size, samples) for n in (batch, batch + 1))
            self._stop_if(watch.observe(step, batch_loss(mean, self.mean_before, seen, seen_before)))
            self.mean_before = mean
            if step % WEIGHT_CHECK_EVERY == 0:
                self._check_weights(step)

        def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
            self._check_weights(self.step(batches - 1))

        def on_train_end(self, logs: Any = None) -> None:  # after Keras put the moving average in, if any
            self._check_weights(watch.step)
            self._stop_if(watch.finish())

        def _check_weights(self, step: int) -> None:
            self._stop_if(watch.weights(step, weights_finite(self.model.get_weights())))

        def _stop_if(self, reason: str | None) -> None:
            if reason is not None:
                raise TrainingDiverged(
                    f"{reason} (epoch {self.epoch + 1}): a learning rate of {learning_rate:g} is too high for "
                    f"{optimizer} on this network — try {learning_rate / 10:g}")

    return _Guard()
