"""A run in its own process: progress and weights come back, pause keeps the step, stop writes no model,
a diverging run ends with a message naming the learning rate — real training on a small slice."""

from __future__ import annotations

import time

import numpy as np
import pytest

from guiapp.core.training.data import load_mnist_npz
from guiapp.core.training.history import TrainingHistory
import dataclasses

from guiapp.core.training.trainer_process import (
    Batch,
    Evaluating,
    Failed,
    Finished,
    Paused,
    Resumed,
    RunRequest,
    Snapshot,
    Started,
    Stopped,
    TrainerProcess,
    Weights,
)
from guiapp.core.training.training import TrainingConfig, train
from guiapp.core.model.architectures import get_architecture
from guiapp.core.model.inference import Inspector
from guiapp.core.model.modelcard import card_path_for

RUN_TIMEOUT_S = 300  # a fresh TensorFlow import on a slow, busy host, then a few dozen small batches


def _request(tmp_path, small_npz, **config) -> RunRequest:
    return RunRequest(TrainingConfig(**{"epochs": 2, "batch_size": 64, **config}),
                      get_architecture("mnist_cnn").to_dict(), tmp_path / "m.keras", tmp_path / "m.history",
                      data=small_npz, weights_every_s=0.0)


def _drive(process: TrainerProcess, on_message=lambda process, message: None) -> list:
    received, deadline = [], time.monotonic() + RUN_TIMEOUT_S
    while not process.ended and time.monotonic() < deadline:
        for message in process.messages():
            received.append(message)
            on_message(process, message)
        time.sleep(0.02)
    process.close()
    assert process.ended, "the run did not end in time"
    return received


def test_pause_and_resume_continue_from_the_same_step_and_the_run_finishes(tmp_path, small_npz):
    def pause_at_three(process, message):
        if isinstance(message, Batch) and message.step == 3:
            process.pause()
        elif isinstance(message, Paused):
            process.resume()

    received = _drive(TrainerProcess(_request(tmp_path, small_npz)), pause_at_three)
    kinds = [type(m) for m in received]
    paused = next(m for m in received if isinstance(m, Paused))
    resumed = next(m for m in received if isinstance(m, Resumed))
    assert paused.step == resumed.step >= 3
    after = [m.step for m in received[kinds.index(Resumed):] if isinstance(m, Batch)]
    assert after[0] == paused.step + 1  # the next batch, not a restart
    assert [m.step for m in received if isinstance(m, Batch)] == list(range(1, 25))  # 12 batches of 64 a epoch, twice
    assert received[-1] == Finished(str(tmp_path / "m.keras"), received[-1].test_accuracy)
    assert 0.0 <= received[-1].test_accuracy <= 1.0
    assert (tmp_path / "m.keras").is_file() and card_path_for(tmp_path / "m.keras").is_file()
    assert Evaluating() in received and kinds.index(Evaluating) < len(received) - 1
    started = received[kinds.index(Started)]
    assert started.conv == [("conv2d", 0), ("conv2d_1", 2)] and started.steps == 24
    assert dataclasses.asdict(started)["conv"] == started.conv  # what the Training page's signal carries
    # Every batch sent its weights (weights_every_s=0): the last ones are the model written.
    last = [m for m in received if isinstance(m, Weights)][-1]
    step, weights, updates = last.step, last.weights, last.updates
    assert step == 24
    history = TrainingHistory.open(tmp_path / "m.history")
    for sent, saved in zip(weights, history.weights(len(history.snapshots) - 1), strict=True):
        assert np.array_equal(sent, saved)
    # The update shown beside conv 1 is the last gradient step: the kernel after it minus before it.
    assert updates[0].shape == (3, 3, 1, 32) and 0 < np.abs(updates[0]).max() < 1
    assert [m.step for m in received if isinstance(m, Snapshot)] == [s.step for s in history.snapshots]
    assert history.curve.shape == (24, 3) and np.array_equal(history.curve[:, 0], np.arange(1, 25))


def test_a_snapshot_runs_in_the_window_engine_exactly_as_keras_runs_it(tmp_path, small_npz):
    """Scrubbing shows a snapshot through the NumPy engine: the model as built, with that snapshot's weights."""
    train(load_mnist_npz(small_npz), tmp_path / "m.keras", TrainingConfig(epochs=1, batch_size=64),
          history=tmp_path / "h")
    history = TrainingHistory.open(tmp_path / "h")
    built = Inspector.load(history.model_path)
    assert built.engine.name == "NumPy"
    middle = history.weights(3)
    moved = built.with_weights(middle)
    np.testing.assert_array_equal(moved.weights["conv2d"].kernel, middle[0])
    from guiapp.core.model.backend import keras

    model = keras().models.load_model(history.model_path, compile=False)
    model.set_weights(middle)
    digits = load_mnist_npz(small_npz).x_test[:8].astype(np.float32) / 255
    expected = model.predict(digits[..., None], verbose=0)
    got = moved.predict_probabilities(digits)
    np.testing.assert_allclose(got, expected, atol=2e-5)
    with pytest.raises(ValueError, match="weight arrays"):
        built.with_weights(middle[:-1])


def test_stopping_mid_run_writes_no_model_and_leaves_a_whole_history(tmp_path, small_npz):
    def stop_at_four(process, message):
        if isinstance(message, Batch) and message.step == 4:
            process.stop()

    received = _drive(TrainerProcess(_request(tmp_path, small_npz)), stop_at_four)
    assert isinstance(received[-1], Stopped) and 4 <= received[-1].step < 24
    assert not (tmp_path / "m.keras").exists() and not card_path_for(tmp_path / "m.keras").exists()
    assert list(tmp_path.glob("*.keras*")) == [] and list(tmp_path.glob(".*")) == []  # no temporary left
    history = TrainingHistory.open(tmp_path / "m.history")
    assert [s.step for s in history.snapshots] == [s for s in (0, 1, 2, 5, 10, 12) if s <= received[-1].step]
    for index in range(len(history.snapshots)):
        assert len(history.weights(index)) == 8


def test_a_diverging_run_fails_in_one_line_naming_the_learning_rate_and_writes_no_model(tmp_path, small_npz):
    """What the Training page shows. Its loss becomes NaN on some CPUs and climbs to ~14 and stays finite on others:
    the guard stops it either way (tests/core/training/test_divergence.py makes each way happen on any CPU)."""
    received = _drive(TrainerProcess(_request(tmp_path, small_npz, epochs=1, optimizer="sgd", learning_rate=1e30)))
    assert isinstance(received[-1], Failed)
    message = received[-1].text
    assert "\n" not in message
    assert message.startswith(("the loss became", "the loss climbed", "the weights were no longer finite"))
    assert message.endswith("a learning rate of 1e+30 is too high for SGD with momentum on this network — try 1e+29")
    assert not (tmp_path / "m.keras").exists() and not card_path_for(tmp_path / "m.keras").exists()
    assert Evaluating() not in received  # stopped before the test set, let alone the files


def test_a_failing_run_says_why_in_one_line(tmp_path, small_npz):
    request = _request(tmp_path, tmp_path / "missing.npz")
    received = _drive(TrainerProcess(request))
    assert isinstance(received[-1], Failed) and "missing.npz" in received[-1].text and "\n" not in received[-1].text
