"""callbacks: progress, snapshots and the divergence guard, driven by a stand-in for Keras (no TensorFlow)."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest

from guiapp.core.training.callbacks import (
    CLIMB_PATIENCE,
    DivergenceWatch,
    TrainingDiverged,
    batch_loss,
    divergence_guard,
    progress_callback,
    stepping_callback,
    weights_finite,
)


class _Callback:
    model = None


FAKE_KERAS = SimpleNamespace(callbacks=SimpleNamespace(Callback=_Callback))


def test_a_nan_loss_is_divergence_at_once():
    watch = DivergenceWatch(10)
    assert watch.observe(1, 2.3) is None
    assert watch.observe(2, math.nan) == "the loss became nan at batch 2"
    assert watch.observe(3, math.inf) == "the loss became inf at batch 3"


def test_a_climb_must_stay_high_for_the_patience():
    watch = DivergenceWatch(10)  # chance: ln 10 ≈ 2.30, the bar twice that
    watch.observe(1, 2.3)
    reasons = [watch.observe(step, 14.0) for step in range(2, 40)]
    first = next(i for i, reason in enumerate(reasons) if reason)
    # The median of [2.3, 14] is already over the bar at batch 2; then 10 batches running are needed.
    assert first + 2 == 2 + CLIMB_PATIENCE - 1 == 11
    assert reasons[first] == f"the loss climbed from 2.30 to 14.0, far above chance (2.30), and stayed there until " \
                             f"batch {first + 2}"


def test_spikes_are_not_divergence():
    watch = DivergenceWatch(10)
    losses = [2.3, 2.0, 15.0, 1.8, 15.0, 1.7, 15.0, 1.5] * 5
    assert all(watch.observe(step, loss) is None for step, loss in enumerate(losses, 1))
    assert watch.finish() is None


def test_a_short_run_still_climbing_at_its_end_counts():
    watch = DivergenceWatch(10)
    for step, loss in enumerate([2.3, 14, 14, 14, 14, 14], 1):
        assert watch.observe(step, loss) is None
    assert watch.finish().startswith("the loss climbed from 2.30 to 14.0")
    assert watch.weights(6, True) is None
    assert watch.weights(6, False) == "the weights were no longer finite numbers after batch 6"


def test_batch_loss_undoes_the_running_mean():
    assert batch_loss(0.5, 1.0, 256, 128) == pytest.approx(0.0)  # mean 1 over 128, then 0.5 over 256: a 0 batch
    assert batch_loss(2.0, 0.0, 64, 0) == 2.0
    assert math.isnan(batch_loss(math.nan, 1.0, 2, 1))


def test_weights_finite():
    assert weights_finite([np.zeros(3), np.ones((2, 2))])
    assert not weights_finite([np.zeros(3), np.array([1.0, np.nan])])


def test_stepping_counts_batches_across_epochs():
    stepping = stepping_callback(FAKE_KERAS, batches=5)()
    stepping.on_epoch_begin(2)
    assert stepping.step(0) == 11


def test_progress_forwards_one_based_epochs_and_batches():
    calls = []
    progress = SimpleNamespace(epoch_started=lambda *a: calls.append(("start", *a)),
                               batch_done=lambda *a: calls.append(("batch", *a)),
                               epoch_done=lambda *a: calls.append(("end", *a)))
    callback = progress_callback(FAKE_KERAS, progress, epochs=3, batches=7)
    callback.on_epoch_begin(0)
    callback.on_train_batch_end(0, {"loss": np.float32(0.5)})
    callback.on_epoch_end(0, {"accuracy": 0.9})
    assert calls == [("start", 1, 3, 7), ("batch", 1, {"loss": 0.5}), ("end", 1, {"accuracy": 0.9})]


def test_the_guard_names_the_learning_rate():
    guard = divergence_guard(FAKE_KERAS, "adam", 0.1, samples=256, batch_size=128, classes=10)
    guard.model = SimpleNamespace(get_weights=lambda: [np.zeros(2)])
    guard.on_epoch_begin(0)
    guard.on_train_batch_end(0, {"loss": 2.3})
    with pytest.raises(TrainingDiverged, match=r"^the loss became nan at batch 2 \(epoch 1\): a learning rate of 0.1 "
                                               r"is too high for adam on this network — try 0.01$"):
        guard.on_train_batch_end(1, {"loss": math.nan})


def test_the_guard_checks_the_weights_at_an_epochs_end():
    guard = divergence_guard(FAKE_KERAS, "sgd", 1.0, samples=10, batch_size=10, classes=10)
    guard.model = SimpleNamespace(get_weights=lambda: [np.array([np.inf])])
    guard.on_epoch_begin(0)
    with pytest.raises(TrainingDiverged, match="weights were no longer finite numbers after batch 1"):
        guard.on_epoch_end(0)
