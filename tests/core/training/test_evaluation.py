"""evaluation: accuracy, cross-entropy, per-class accuracy and the confusion matrix."""

from __future__ import annotations

import math

import numpy as np
import pytest

from guiapp.core.training.evaluation import evaluate_probabilities


def _one_hot(classes, confidence=1.0):
    probabilities = np.full((len(classes), 10), (1 - confidence) / 9)
    probabilities[np.arange(len(classes)), classes] = confidence
    return probabilities


def test_counts_by_hand():
    labels = np.array([0, 0, 1, 2])
    result = evaluate_probabilities(_one_hot([0, 1, 1, 2], 0.5), labels)
    assert result.samples == 4
    assert result.accuracy == 0.75
    assert result.per_class_accuracy[:3].tolist() == [0.5, 1.0, 1.0]
    assert result.per_class_accuracy[3:].tolist() == [0.0] * 7  # no digits of those classes
    assert result.confusion[0].tolist()[:2] == [1, 1] and result.confusion.sum() == 4
    # Cross-entropy: −log 0.5 for the three right, −log(0.5/9) for the wrong one.
    assert result.loss == pytest.approx((3 * math.log(2) + math.log(18)) / 4)


def test_a_zero_probability_is_clipped_like_keras():
    result = evaluate_probabilities(_one_hot([1]), np.array([0]))
    assert result.loss == pytest.approx(-math.log(1e-7))
    assert result.accuracy == 0.0


def test_to_dict_is_json_ready():
    described = evaluate_probabilities(_one_hot([3, 3]), np.array([3, 3])).to_dict()
    assert described["accuracy"] == 1.0 and described["samples"] == 2
    assert described["confusion_matrix"][3][3] == 2
    assert len(described["per_class_accuracy"]) == 10 and isinstance(described["per_class_accuracy"][0], float)
