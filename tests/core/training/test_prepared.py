"""A network traced ahead (the warm trainer's) trains exactly as a cold one with the same random seed; its
history still holds the network as built with batch 0's weights, written after the first batch."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from guiapp.core.model.architectures import get_architecture
from guiapp.core.model.backend import keras
from guiapp.core.training.data import load_mnist_npz
from guiapp.core.training.history import TrainingHistory
from guiapp.core.training.prepared import prepare, preparation_key
from guiapp.core.training.presets import PRESETS
from guiapp.core.training.training import train

ARCH = get_architecture("mnist_cnn")
# The quick demo's network, optimizer and batch; 5 batches of a small slice (768 digits: the last batch short).
CONFIG = replace(PRESETS["quick"].config, epochs=1, train_size=300, seed=7)
BATCHES = 5


def _losses(data, out, history=None, prepared=None) -> list[float]:
    """The run's loss batch by batch (the first epoch's)."""
    losses: list[float] = []

    class Record(keras().callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            losses.append(float(logs["loss"]))

    train(data, out, CONFIG, architecture=ARCH, history=history, callbacks=[Record()], prepared=prepared)
    return losses


@pytest.fixture(scope="module")
def data(small_npz):
    return load_mnist_npz(small_npz)


def test_a_prepared_run_is_the_cold_run_batch_for_batch(data, tmp_path):
    cold = _losses(data, tmp_path / "cold.keras")
    prepared = prepare(keras(), ARCH, replace(CONFIG, seed=0))  # prepared (and stepped once) with another seed
    warm = _losses(data, tmp_path / "warm.keras", prepared=prepared)
    assert prepared.taken and len(cold) == len(warm) == BATCHES
    np.testing.assert_allclose(warm, cold, rtol=1e-4)
    cold_model = keras().models.load_model(tmp_path / "cold.keras", compile=False)
    warm_model = keras().models.load_model(tmp_path / "warm.keras", compile=False)
    for mine, theirs in zip(warm_model.get_weights(), cold_model.get_weights(), strict=True):
        np.testing.assert_allclose(mine, theirs, rtol=1e-3, atol=1e-5)


def test_a_prepared_model_serves_only_its_network_and_optimizer_and_only_once(data, tmp_path):
    prepared = prepare(keras(), ARCH, CONFIG)
    assert prepared.take(ARCH, replace(CONFIG, optimizer="sgd", learning_rate=0.01)) is None
    assert prepared.take(ARCH, replace(CONFIG, batch_size=32)) is None
    assert prepared.take(get_architecture("same_padding_cnn"), CONFIG) is None
    assert preparation_key(ARCH, replace(CONFIG, seed=3, epochs=9, train_size=50)) == prepared.key
    assert prepared.take(ARCH, CONFIG) is prepared.model
    assert prepared.take(ARCH, CONFIG) is None  # the run's now
    # A run it does not fit trains cold, as before.
    other = prepare(keras(), ARCH, replace(CONFIG, batch_size=32))
    assert len(_losses(data, tmp_path / "m.keras", prepared=other)) == BATCHES and not other.taken


def test_the_history_holds_the_network_as_built_with_batch_0s_weights(data, tmp_path):
    prepared = prepare(keras(), ARCH, CONFIG)
    _losses(data, tmp_path / "m.keras", history=tmp_path / "history", prepared=prepared)
    history = TrainingHistory.open(tmp_path / "history")
    assert [s.step for s in history.snapshots][:4] == [0, 1, 2, BATCHES]
    built = keras().models.load_model(history.model_path, compile=False).get_weights()
    first = history.weights(0)
    assert len(built) == len(first)
    for a, b in zip(built, first, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.allclose(first[0], history.weights(1)[0])  # batch 1 changed them: 0 is the start


def test_a_run_stopped_at_its_first_batch_still_keeps_the_network_as_built(data, tmp_path):
    class StopAtFirst(keras().callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        train(data, tmp_path / "m.keras", CONFIG, architecture=ARCH, history=tmp_path / "history",
              callbacks=[StopAtFirst()])
    history = TrainingHistory.open(tmp_path / "history")
    assert [s.step for s in history.snapshots] == [0, 1] and history.model_path.is_file()
