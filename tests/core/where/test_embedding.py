"""The network's view of the test digits: the right layer, neighbours equal to a brute-force search, the
confusion matrix equal to ``guiapp evaluate``'s, and models without such a layer refused in one line."""

from __future__ import annotations

import numpy as np
import pytest

from guiapp.core.training.evaluation import evaluate_probabilities
from guiapp.core.model.inference import Inspector
from guiapp.core.where.embedding import (
    Neighbours,
    NoEmbedding,
    embedding_layer,
    run_test_pass,
)
from tests.models import make_model


@pytest.fixture(scope="module")
def test_pass(shipped_inspector, mnist):
    images = mnist.x_test[:1000].astype(np.float32) / 255
    reports = []
    found = run_test_pass(shipped_inspector, images, mnist.y_test[:1000], progress=lambda *a: reports.append(a))
    return found, reports


def test_the_classifiers_input_is_the_view_and_the_pass_reports_progress(shipped_inspector, test_pass):
    found, reports = test_pass
    assert embedding_layer(shipped_inspector) == "dense" == found.layer
    assert found.features.shape == (1000, 128) and found.probabilities.shape == (1000, 10)
    assert reports == [(500, 1000), (1000, 1000)]


def test_the_confusion_matrix_is_evaluates(test_pass, mnist):
    found, _ = test_pass
    expected = evaluate_probabilities(found.probabilities, mnist.y_test[:1000]).confusion
    np.testing.assert_array_equal(found.confusion, expected)
    true, answered = np.unravel_index(np.argmax(found.confusion - np.diag(np.diag(found.confusion))), (10, 10))
    cell = found.cell(true, answered)
    assert len(cell) == found.confusion[true, answered] > 0
    assert all(found.labels[cell] == true) and all(found.predicted[cell] == answered)


def test_neighbours_equal_a_brute_force_cosine_search(test_pass):
    found, _ = test_pass
    neighbours = Neighbours(found.features, found.labels)
    rng = np.random.default_rng(0)
    for query in [found.features[17], rng.normal(size=128).astype(np.float32)]:
        indices, distances = neighbours.nearest(query, 8)
        cosine = found.features @ query / (np.linalg.norm(found.features, axis=1) * np.linalg.norm(query))
        brute = np.argsort(-cosine, kind="stable")[:8]
        np.testing.assert_array_equal(indices, brute)
        np.testing.assert_allclose(distances, 1 - cosine[brute], atol=1e-5)
    indices, distances = neighbours.nearest(found.features[17], 8)
    assert indices[0] == 17 and distances[0] == pytest.approx(0, abs=1e-6)
    label, votes = neighbours.vote(indices)
    assert label == found.labels[17] and votes >= 5


def test_a_model_with_one_dense_layer_has_no_view(tmp_path):
    import keras

    model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(),
                              keras.layers.Dense(10, activation="softmax")])
    path = tmp_path / "one_dense.keras"
    model.save(path)
    with pytest.raises(NoEmbedding, match="single Dense layer reading the image itself"):
        embedding_layer(Inspector.load(path))
    huge = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(32, 3), keras.layers.Flatten(),
                             keras.layers.Dense(10, activation="softmax")])
    huge.save(tmp_path / "huge.keras")
    with pytest.raises(NoEmbedding, match="21,632 values per digit, more than the 4,096"):
        embedding_layer(Inspector.load(tmp_path / "huge.keras"))
    wide = make_model(tmp_path, (28, 28, 1), 10, name="convs_only")
    assert embedding_layer(Inspector.load(wide))  # a conv model with a dense head: a view exists


def test_the_confusion_matrix_equals_guiapp_evaluates_on_the_same_model_and_digits(capsys, tmp_path, mnist):
    import json

    from guiapp import paths
    from guiapp.__main__ import main

    count = 1500
    data = tmp_path / "slice.npz"
    np.savez(data, x_test=mnist.x_test[:count], y_test=mnist.y_test[:count])
    model = paths.MODELS_DIR / "mnist_cnn.keras"
    assert main(["evaluate", "--model", str(model), "--data", str(data), "--json"]) == 0
    evaluated = np.array(json.loads(capsys.readouterr().out)["confusion_matrix"])
    found = run_test_pass(Inspector.load(model), mnist.x_test[:count].astype(np.float32) / 255, mnist.y_test[:count])
    np.testing.assert_array_equal(found.confusion, evaluated)
    assert np.trace(evaluated) < count  # the slice holds mistakes: the comparison covers off-diagonal cells
