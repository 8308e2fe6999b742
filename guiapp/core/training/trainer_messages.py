"""What the Training page and its trainer child say to each other: the run asked for, and typed messages.

The window sends :class:`Train` (once: the run to do; a warm child waits for it with TensorFlow loaded),
:class:`Pause`, :class:`Resume` and :class:`Stop`. The child sends :class:`Ready` once TensorFlow is loaded,
then, for its run, :class:`Started`, :class:`Batch` every batch, :class:`Weights`, :class:`Snapshot`,
:class:`EpochEnded`, :class:`Paused`, :class:`Resumed`, :class:`Evaluating`; and last one of
:class:`Finished`, :class:`Stopped`, :class:`Failed` (:data:`FINAL`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from guiapp.core.child_process import Failed, Message, Stop
from guiapp.core.training.training import TrainingConfig

__all__ = ["FINAL", "WEIGHTS_EVERY_S", "Batch", "EpochEnded", "Evaluating", "Failed", "Finished", "Pause", "Paused",
           "Ready", "Resume", "Resumed", "RunRequest", "Snapshot", "Started", "Stop", "Stopped", "Train", "Weights"]

# The live view's refresh while training. Each refresh costs the window a redraw of the kernels and of the
# drawing's maps, and the trainer a copy of every weight: twice a second kept training at 76–82% of plain
# model.fit on two cores, once a second at 85–90% (benchmarks/training.py).
WEIGHTS_EVERY_S = 1.0


@dataclass(frozen=True)
class RunRequest:
    """Everything a run needs: what to train, on what, and where its model, card and history go."""

    config: TrainingConfig
    architecture: dict[str, Any]  # Architecture.to_dict(): what pickles to the child
    out: Path
    history: Path
    data: Path | None = None  # None: the shipped MNIST
    weights_every_s: float = WEIGHTS_EVERY_S


@dataclass(frozen=True)
class Train(Message):
    """The run to do (sent once; a warm child has been waiting for it)."""

    request: RunRequest


@dataclass(frozen=True)
class Ready(Message):
    """TensorFlow is loaded (and a first tiny step run): a run sent now starts without waiting for imports."""

    pid: int
    seconds: float  # the warm-up's length


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
