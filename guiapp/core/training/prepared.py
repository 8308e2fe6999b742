"""A network built, compiled and traced before its run, so that Start does not wait for Keras' tracing.

Keras traces a new model's training step the first time ``fit`` calls it: ~1.3–1.8 s on a two-core laptop
(the optimizer's update is a third of it), in front of the audience. A warm trainer child
(:mod:`guiapp.core.training.trainer_process`) prepares the network the page offers first (the default preset's)
while it waits: built, compiled, and trained one step on blank digits, which traces the training and the
validation steps. A run asking for the same network, optimizer, loss and batch size then takes it
(:meth:`PreparedModel.take`): its variables are set to what a cold run starts from — a fresh model built
with the run's random seed, exactly as :func:`~guiapp.core.training.training.train` builds one — and the
optimizer's to their state before any step. The run is the cold run's, batch for batch (tests compare
their losses); only the tracing is gone. One run per prepared model: it is the run's once taken.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from guiapp.core.model.architectures import Architecture, build_model
from guiapp.core.training.data import NUM_CLASSES
from guiapp.core.training.training import TrainingConfig, compile_model

__all__ = ["PreparedModel", "prepare", "preparation_key"]


def preparation_key(arch: Architecture, config: TrainingConfig) -> str:
    """What a traced model depends on: the network, the optimizer and its settings, the loss, the batch size
    (not the random seed, the epochs or the digits: those change the data and the starting values only)."""
    return json.dumps({"architecture": arch.to_dict(), "optimizer": config.optimizer, "rate": config.learning_rate,
                       "rho": config.rho, "epsilon": config.epsilon, "momentum": config.momentum, "ema": config.ema,
                       "keras2_loss": config.keras2_loss, "batch": config.batch_size}, sort_keys=True)


@dataclass
class PreparedModel:
    """A compiled model whose training and validation steps are traced; its optimizer's state before a step."""

    key: str
    model: Any
    optimizer_start: list[np.ndarray] = field(repr=False)
    taken: bool = False

    def take(self, arch: Architecture, config: TrainingConfig) -> Any | None:
        """The model, set to where a cold run of ``arch`` with ``config`` starts; None if it was prepared for
        another network or optimizer, or already taken."""
        if self.taken or preparation_key(arch, config) != self.key:
            return None
        self.taken = True
        fresh = build_model(arch, seed=config.seed)  # the cold run's starting values, and its random state
        for mine, theirs in zip(self.model.layers, fresh.layers, strict=True):
            for variable, value in zip(mine.variables, theirs.variables, strict=True):  # weights and seed states
                variable.assign(value)
        for variable, value in zip(self.model.optimizer.variables, self.optimizer_start, strict=True):
            variable.assign(value)
        return self.model


def prepare(keras: Any, arch: Architecture, config: TrainingConfig) -> PreparedModel:
    """Build and compile ``arch`` for ``config`` and trace its steps on one batch of blank digits."""
    model = build_model(arch, seed=config.seed)
    compile_model(keras, model, config)
    model.optimizer.build(model.trainable_variables)
    start = [np.array(variable) for variable in model.optimizer.variables]
    # One batch and one digit more: a run's batches are traced with a batch dimension left open (its last
    # batch is short), not one fixed at the batch size — else the run would trace its step again.
    count = config.batch_size + 1
    x = np.zeros((count, *arch.input_shape), np.float32)
    y = keras.utils.to_categorical(np.zeros(count, np.int64), NUM_CLASSES)
    model.fit(x, y, batch_size=config.batch_size, epochs=1, verbose=0, validation_data=(x, y))
    return PreparedModel(preparation_key(arch, config), model, start)
