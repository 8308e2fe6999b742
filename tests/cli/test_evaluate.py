"""cli.evaluate (guiapp evaluate): accuracy, loss, per-class accuracy and the confusion matrix."""

from __future__ import annotations

import json

import numpy as np

from guiapp.cli import main
from guiapp.cli.evaluate import render_evaluation
from guiapp.core.training.evaluation import evaluate_probabilities


def test_render_shows_accuracy_and_the_matrix():
    probabilities = np.eye(10)[[0, 1, 1, 3]]
    text = render_evaluation(evaluate_probabilities(probabilities, np.array([0, 1, 2, 3])))
    lines = text.splitlines()
    assert lines[0] == "test accuracy  75.00%  (3 of 4)"
    assert lines[-8].split() == ["2", "0", "1", "0", "0", "0", "0", "0", "0", "0", "0"]
    assert len(lines) == 8 + 10


def test_the_shipped_model_on_256_test_digits(capsys, small_npz):
    code = main(["evaluate", "--data", str(small_npz), "--json"])
    out, err = capsys.readouterr()
    result = json.loads(out)
    assert code == 0 and result["samples"] == 256
    assert result["accuracy"] > 0.95
    assert np.array(result["confusion_matrix"]).sum() == 256
    assert "on 256 test digits" in err


def test_a_colour_model_is_refused_in_one_line(capsys, small_npz):
    from guiapp import paths

    code = main(["evaluate", "--data", str(small_npz), "--model", str(paths.MODELS_DIR / "colour_digits.keras")])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert "evaluate measures MNIST digit models (28×28×1 into 10 classes)" in err and err.count("\n") == 1
