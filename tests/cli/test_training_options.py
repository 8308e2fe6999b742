"""The command line's training options: optimizer, learning rate, training-set size; and opening a training
history in the window (``--history DIR [--snapshot N]``): bad values are one line and exit 2."""

from __future__ import annotations

import json

import pytest

from guiapp.core.training.history import TrainingHistory
from guiapp.core.model.modelcard import card_path_for
from tests.cli.test_cli import run_cli


def test_train_with_sgd_on_a_subset_records_both_in_the_card(capsys, tmp_path, small_npz):
    out = tmp_path / "m.keras"
    code, _, err = run_cli(capsys, "train", "--data", str(small_npz), "--epochs", "1", "--batch-size", "64",
                           "--optimizer", "sgd", "--train-size", "320", "--out", str(out),
                           "--history", str(tmp_path / "h"))
    assert code == 0, err
    card = json.loads(card_path_for(out).read_text())
    assert card["hyperparameters"]["optimizer"] == "SGD with momentum"
    assert card["hyperparameters"]["learning_rate"] == 0.01  # SGD's usual rate, not Adadelta's 1.0
    assert card["data"]["train_samples"] == 320
    history = TrainingHistory.open(tmp_path / "h")
    assert history.batches_per_epoch == 5 and history.model_path.is_file()


@pytest.mark.parametrize("argv, message", [
    (["train", "--learning-rate", "-1"], "--learning-rate must be a positive number"),
    (["train", "--learning-rate", "nan"], "--learning-rate must be a positive number"),
    (["--snapshot", "2"], "--snapshot chooses a snapshot of --history DIR"),
])
def test_bad_training_options_are_one_line(capsys, tmp_path, argv, message):
    code, out, err = run_cli(capsys, *argv, *(["--out", str(tmp_path / "m.keras")] if argv[0] == "train" else []))
    assert code == 2 and message in err and err.count("\n") == 1
    assert not (tmp_path / "m.keras").exists()


def test_a_history_that_is_not_one_is_refused_before_any_window(capsys, tmp_path):
    code, _, err = run_cli(capsys, "--history", str(tmp_path), "--screenshot", str(tmp_path / "x.png"))
    assert code == 2 and "holds no history.json: not a training history" in err and err.count("\n") == 1
    assert not (tmp_path / "x.png").exists()


def test_a_history_renders_at_any_snapshot_and_a_missing_one_is_one_line(tmp_path, small_npz):
    import os

    import numpy as np
    from PIL import Image

    from guiapp.core.training.data import load_mnist_npz
    from guiapp.core.training.training import TrainingConfig, train
    from tests.cli.test_cli import guiapp_process

    train(load_mnist_npz(small_npz), tmp_path / "m.keras", TrainingConfig(epochs=1, batch_size=64),
          history=tmp_path / "h")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    shots = {}
    for snapshot in (0, 5):
        shots[snapshot] = tmp_path / f"s{snapshot}.png"
        done = guiapp_process("--screenshot", shots[snapshot], "--history", tmp_path / "h", "--snapshot",
                              str(snapshot), env=env)
        assert done.returncode == 0, done.stderr
    before, after = (np.asarray(Image.open(shots[s]).convert("RGB")).astype(int) for s in (0, 5))
    assert before.shape == after.shape and np.abs(before - after).mean() > 1  # the kernels and the maps moved
    bad = guiapp_process("--screenshot", tmp_path / "x.png", "--history", tmp_path / "h", "--snapshot", "9", env=env)
    assert bad.returncode == 2 and "holds snapshots 0 to 5" in bad.stderr and not (tmp_path / "x.png").exists()
