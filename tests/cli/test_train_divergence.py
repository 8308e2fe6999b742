"""``guiapp train`` with a learning rate no network survives: one line naming it, exit 2, no model written.

On one CPU this loss becomes NaN; on another (AVX-512) Keras' clipping keeps it finite near 14: the guard
stops both (its logic is tested on made-up curves in tests/core/training/test_divergence.py).
"""

from __future__ import annotations

from tests.cli.test_cli import run_cli

TOO_HIGH = "a learning rate of 1e+30 is too high for SGD with momentum on this network — try 1e+29"
DIVERGING = ("train", "--optimizer", "sgd", "--learning-rate", "1e30", "--epochs", "1", "--train-size", "2048")


def test_the_command_line_says_in_one_line_that_the_learning_rate_is_too_high_and_writes_nothing(
        capsys, tmp_path, small_npz):
    """On one CPU this loss becomes NaN; on another it climbs to ~14 and stays finite: the guard stops both."""
    out = tmp_path / "m.keras"
    code, printed, err = run_cli(capsys, *DIVERGING, "--data", small_npz, "--out", out)
    assert code == 2 and printed == ""
    said = [line for line in err.splitlines() if "learning rate" in line]
    assert len(said) == 1 and said[0].startswith("guiapp: the ") and said[0].endswith(TOO_HIGH)
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_with_a_history_the_line_says_where_the_batches_up_to_the_divergence_are(capsys, tmp_path, small_npz):
    out, history = tmp_path / "m.keras", tmp_path / "run.history"
    code, printed, err = run_cli(capsys, *DIVERGING, "--data", small_npz, "--out", out, "--history", history)
    said = [line for line in err.splitlines() if "learning rate" in line]
    assert code == 2 and printed == "" and len(said) == 1
    assert said[0].endswith(f"{TOO_HIGH}; the history up to there is in {history}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.history"]  # no model, no card
