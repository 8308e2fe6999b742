"""The divergence guard: a run whose loss or weights stop being numbers, or whose loss climbs far above where it
started and above chance and stays there, ends with one line naming the learning rate, and nothing is written;
a healthy run, noise and all, is never stopped. No test here depends on how a CPU rounds: the curves are made up,
and the runs that diverge are made to (their weights set to ∞) (the command line's, which any CPU fails, is in tests/cli/test_train_divergence.py)."""

from __future__ import annotations

import dataclasses
import math
import re

import numpy as np
import pytest

from guiapp.core.training.callbacks import (
    CLIMB_PATIENCE,
    CLIMB_WINDOW,
    DivergenceWatch,
    TrainingDiverged,
    batch_loss,
    divergence_guard,
    weights_finite,
)
from guiapp.core.training.data import load_mnist_npz
from guiapp.core.training.history import TrainingHistory
from guiapp.core.training.training import TrainingConfig, train
from guiapp.core.model.modelcard import card_path_for

CHANCE = math.log(10)
TOO_HIGH = "a learning rate of 1e+30 is too high for SGD with momentum on this network — try 1e+29"


def _watch(losses, classes: int = 10) -> tuple[DivergenceWatch, list[tuple[int, str]]]:
    """Every loss through a new watch (batches numbered from 1); the reasons it gave, with their batch."""
    watch = DivergenceWatch(classes)
    said = [(step, reason) for step, loss in enumerate(losses, 1) if (reason := watch.observe(step, loss))]
    return watch, said


# ---------------------------------------------------------------------------- the watch, on made-up curves


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_a_loss_that_is_not_a_number_stops_at_once(bad):
    _, said = _watch([2.3, 2.2, 2.1, bad])
    assert said[0] == (4, f"the loss became {bad} at batch 4")


def test_a_climb_from_chance_to_14_that_stays_stops_after_the_patience():
    watch, said = _watch([2.3] + [14.0] * 30)
    # The median of the last batches is over the bar from batch 2 on; it has stayed there long enough at batch 11.
    assert said[0] == (1 + CLIMB_PATIENCE, "the loss climbed from 2.30 to 14.0, far above chance (2.30), "
                                          f"and stayed there until batch {1 + CLIMB_PATIENCE}")
    assert watch.finish() is not None


def test_a_climb_in_a_run_too_short_to_wait_it_out_stops_at_the_end():
    watch, said = _watch([2.3] + [14.2] * 5)
    assert said == []
    assert watch.finish() == ("the loss climbed from 2.30 to 14.2, far above chance (2.30), "
                              "and stayed there until batch 6")


def test_a_noisy_healthy_first_epoch_and_spikes_that_come_back_down_never_stop():
    rng = np.random.default_rng(0)
    bouncing = CHANCE + rng.normal(0, 0.25, 80)  # the seed's Adadelta hovers around chance for a while ...
    bouncing[[7, 30, 55]] = [3.5, 4.0, 3.2]  # ... now and then well above it
    falling = 0.15 + 2.1 * np.exp(-np.arange(400) / 60) * rng.lognormal(0, 0.3, 400)  # ... then learns
    curve = np.concatenate([bouncing, falling])
    curve[200:203] = 14.0  # a bad patch of three batches at the clipped loss' ceiling
    for start in range(300, 300 + CLIMB_WINDOW // 2 + 2):  # and one as long as the median can bear, and then some
        curve[start] = 12.0
    curve[420] = 40.0
    watch, said = _watch(curve)
    assert said == [] and watch.finish() is None


def test_a_run_started_from_trained_weights_is_judged_against_chance_not_its_low_start():
    watch, said = _watch([0.05] + [2.0] * 50)  # 40 times where it started, yet still better than a guess
    assert said == [] and watch.finish() is None
    _, said = _watch([0.05] + [15.0] * 50)
    assert said[0][1].startswith("the loss climbed from 0.05 to 15.0")


def test_the_weights_must_be_finite():
    assert weights_finite([np.zeros((3, 3)), np.ones(4)])
    assert not weights_finite([np.zeros((3, 3)), np.array([1.0, np.inf])])
    assert not weights_finite([np.array([[np.nan]])])
    watch = DivergenceWatch(10)
    assert watch.weights(10, True) is None
    assert watch.weights(10, False) == "the weights were no longer finite numbers after batch 10"


def test_each_batch_loss_is_recovered_from_the_running_mean_keras_logs():
    losses, sizes = [2.0, 4.0, 9.0], [128, 128, 44]  # the last batch is short: 300 digits
    seen = np.cumsum(sizes)
    means = np.cumsum(np.multiply(losses, sizes)) / seen
    recovered = [batch_loss(means[i], means[i - 1] if i else 0.0, seen[i], seen[i - 1] if i else 0)
                 for i in range(3)]
    assert recovered == pytest.approx(losses)
    assert math.isnan(batch_loss(math.nan, 2.0, 256, 128))


# ---------------------------------------------------------------------------- the Keras callback over it


def _guard_on_a_tiny_model(samples: int = 1280, batch_size: int = 128):
    from guiapp.core.model.backend import keras

    k = keras()
    model = k.Sequential([k.Input((2,)), k.layers.Dense(2)])
    guard = divergence_guard(k, "SGD with momentum", 1e30, samples=samples, batch_size=batch_size, classes=10)
    guard.set_model(model)
    guard.on_train_begin()
    return guard, model


def _feed(guard, epoch: int, losses) -> None:
    """Each batch's loss to the guard as Keras logs it: the running mean of the epoch so far."""
    guard.on_epoch_begin(epoch)
    for batch, loss in enumerate(losses):
        guard.on_train_batch_end(batch, {"loss": float(np.mean(losses[: batch + 1])), "accuracy": 0.1})


def test_the_callback_stops_a_climb_hidden_in_a_falling_running_mean():
    guard, _ = _guard_on_a_tiny_model(samples=128 * 100)
    _feed(guard, 0, [2.3] + [0.3] * 99)
    guard.on_epoch_end(0)
    # Late in the second epoch the loss jumps to 14: the epoch's running mean stays under the bar (3.0 at the
    # epoch's end), each batch's loss does not.
    with pytest.raises(TrainingDiverged) as caught:
        _feed(guard, 1, [0.3] * 80 + [14.0] * 20)
    over = 100 + 80 + CLIMB_WINDOW // 2 + 1  # the first batch whose median of the last 7 is 14
    step = over + CLIMB_PATIENCE - 1
    assert str(caught.value) == (f"the loss climbed from 2.30 to 14.0, far above chance (2.30), and stayed there "
                                 f"until batch {step} (epoch 2): {TOO_HIGH}")


def test_the_callback_stops_when_the_weights_are_no_longer_finite_though_the_loss_is():
    guard, model = _guard_on_a_tiny_model()
    _feed(guard, 0, [2.3, 2.2, 2.0])
    model.set_weights([np.full_like(w, np.inf) for w in model.get_weights()])
    with pytest.raises(TrainingDiverged) as caught:
        guard.on_train_end()
    assert str(caught.value) == f"the weights were no longer finite numbers after batch 3 (epoch 1): {TOO_HIGH}"


# ---------------------------------------------------------------------------- real runs


def test_a_run_whose_weights_become_infinite_stops_in_one_line_and_writes_no_model(tmp_path, small_npz):
    """Weights set to ∞ after batch 3 stay non-finite under any optimizer's step, whatever the loss does then."""
    from guiapp.core.model.backend import keras

    class _Ruin(keras().callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch == 2:
                self.model.set_weights([np.full_like(w, np.inf) for w in self.model.get_weights()])

    out = tmp_path / "m.keras"
    config = TrainingConfig(epochs=2, batch_size=64, optimizer="sgd", learning_rate=0.01)
    with pytest.raises(TrainingDiverged) as caught:
        train(load_mnist_npz(small_npz), out, config, history=tmp_path / "h", callbacks=[_Ruin()])
    message = str(caught.value)
    assert "\n" not in message and message.endswith(
        "(epoch 1): a learning rate of 0.01 is too high for SGD with momentum on this network — try 0.001")
    # The next batch's loss is NaN where the CPU carries NaN through the clipping, else the weights are checked.
    assert re.match(r"the loss became (nan|-?inf) at batch 4 "
                    r"|the weights were no longer finite numbers after batch 10 ", message)
    assert not out.exists() and not card_path_for(out).exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["h"]  # as for an interrupt: the snapshots so far
    assert [s.step for s in TrainingHistory.open(tmp_path / "h").snapshots][:3] == [0, 1, 2]


def test_a_short_run_of_the_seeds_recipe_is_not_stopped(tmp_path, mnist):
    """Adadelta at 1.0, batch 128: 16 batches whose loss bounces around chance before it falls."""
    out = tmp_path / "m.keras"
    quicker = dataclasses.replace(mnist, x_test=mnist.x_test[:256], y_test=mnist.y_test[:256])  # validation
    result = train(quicker, out, TrainingConfig(epochs=1, train_size=2048))
    assert out.is_file() and card_path_for(out).is_file()
    assert result.card["epochs_completed"] == 1 and result.card["data"]["train_samples"] == 2048
