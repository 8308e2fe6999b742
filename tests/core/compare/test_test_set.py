"""Two models on labelled digits: agreement, per-class accuracy and the digits they disagree on."""

from __future__ import annotations

import numpy as np
import pytest

from guiapp.core.compare.cka import Stopped
from guiapp.core.compare.test_set import (
    TestComparison,
    compare_on_test,
    per_class_accuracy,
)
from tests.models import GREY_28, GREY_40x32, make_model


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    from guiapp.core.model.inference import Inspector

    folder = tmp_path_factory.mktemp("test_set_models")
    return (Inspector.load(make_model(folder, GREY_28, 10, name="one", seed=1)),
            Inspector.load(make_model(folder, GREY_40x32, 10, name="two", seed=2)),
            Inspector.load(make_model(folder, GREY_28, 3, name="three")))


def test_per_class_accuracy_counts_each_label_and_nan_for_a_missing_class():
    labels = np.array([0, 0, 1, 1, 1, 2])
    predicted = np.array([0, 1, 1, 1, 0, 2])
    accuracy = per_class_accuracy(labels, predicted, 4)
    np.testing.assert_allclose(accuracy[:3], [0.5, 2 / 3, 1.0])
    assert np.isnan(accuracy[3])


def test_two_models_on_the_test_digits(models, mnist, shipped_inspector):
    images, labels = mnist.x_test[:120].astype(np.float32) / 255.0, mnist.y_test[:120]
    one, two, _ = models
    result = compare_on_test(one, two, images, labels)
    assert isinstance(result, TestComparison)
    expected_a = one.predict_probabilities(images).argmax(axis=1)
    np.testing.assert_array_equal(result.predicted_a, expected_a)
    assert result.predicted_b.shape == (120,)
    assert result.agreement == pytest.approx(np.mean(result.predicted_a == result.predicted_b))
    np.testing.assert_array_equal(result.disagreements, np.flatnonzero(result.predicted_a != result.predicted_b))
    assert result.overall_a == pytest.approx(np.mean(expected_a == labels))
    assert result.accuracy_a.shape == result.accuracy_b.shape == (10,)
    trained = compare_on_test(shipped_inspector, shipped_inspector, images, labels)
    assert trained.agreement == 1.0 and trained.disagreements.size == 0
    assert trained.overall_a == trained.overall_b > 0.95
    assert np.nanmin(trained.accuracy_a) > 0.8


def test_different_class_counts_are_one_line(models, mnist):
    with pytest.raises(ValueError, match="10 classes and B 3") as caught:
        compare_on_test(models[0], models[2], mnist.x_test[:4], mnist.y_test[:4])
    assert "\n" not in str(caught.value)


def test_progress_and_stop(models, mnist):
    images, labels = mnist.x_test[:10], mnist.y_test[:10]
    calls = []
    compare_on_test(models[0], models[1], images, labels, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 2), (2, 2)]
    with pytest.raises(Stopped):
        compare_on_test(models[0], models[1], images, labels, stopped=lambda: True)
