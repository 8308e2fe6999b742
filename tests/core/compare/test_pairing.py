"""Pairing two models' layers by position, their difference, and the lines that say what cannot be compared."""

from __future__ import annotations

import numpy as np
import pytest

from guiapp.core.compare.pairing import (
    LayerPair,
    class_problem,
    difference,
    disagreement_line,
    images_for,
    input_note,
    pair_layers,
)
from tests.models import GREY_28, RGB_32, GREY_40x32, make_model


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    from guiapp.core.model.inference import Inspector

    folder = tmp_path_factory.mktemp("pairing_models")
    return {
        "grey": Inspector.load(make_model(folder, GREY_28, 10, name="grey")),
        "rgb": Inspector.load(make_model(folder, RGB_32, 10, name="rgb", rescaling=True)),
        "three": Inspector.load(make_model(folder, GREY_40x32, 3, name="three")),
    }


def test_layers_pair_by_position_and_the_longer_chain_stands_beside_nothing(models):
    pairs = pair_layers(models["grey"], models["rgb"])  # rgb has a Rescaling layer first: one longer
    assert len(pairs) == 6 and all(isinstance(pair, LayerPair) for pair in pairs)
    assert [pair.position for pair in pairs] == list(range(6))
    assert (pairs[0].a, pairs[0].b, pairs[0].kind_a, pairs[0].kind_b) == ("conv1", "rescaling", "Conv2D", "Rescaling")
    assert pairs[0].shape_a == (26, 26, 4) and pairs[0].shape_b == (32, 32, 3) and not pairs[0].same_shape
    last = pairs[-1]
    assert last.a is None and last.shape_a is None and last.kind_a is None
    assert last.b == "dense" and last.shape_b == (10,) and not last.same_shape


def test_a_model_beside_itself_has_every_shape_the_same(models):
    pairs = pair_layers(models["grey"], models["grey"])
    assert [pair.a for pair in pairs] == [pair.b for pair in pairs] == list(models["grey"].layer_names)
    assert all(pair.same_shape for pair in pairs)


def test_difference_is_a_minus_b_only_where_shapes_agree():
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    y = np.ones((2, 3), np.float32)
    np.testing.assert_array_equal(difference(x, y), x - 1)
    assert difference(x, y).dtype == np.float32
    assert difference(x, np.ones((3, 2))) is None


def test_class_problem_names_both_counts_and_input_note_both_shapes(models):
    assert class_problem(models["grey"], models["rgb"]) is None
    line = class_problem(models["grey"], models["three"])
    assert "10" in line and "3" in line and "\n" not in line
    assert input_note(models["grey"], models["grey"]) is None
    note = input_note(models["grey"], models["rgb"])
    assert "28×28×1" in note and "32×32×3" in note and "own size" in note and "\n" not in note


def test_the_disagreement_line_compares_class_names():
    digits = [str(i) for i in range(10)]
    a = np.full(10, 0.003)
    a[4] = 0.973
    b = np.full(10, 0.0433)
    b[9] = 0.61
    assert disagreement_line(a, b, digits, digits) == "A: 4 (97%), B: 9 (61%)"
    assert disagreement_line(a, a, digits, digits) is None
    three = np.array([0.1, 0.8, 0.1])  # other classes, but the same answer by name: they agree
    assert disagreement_line(a, three, digits, ["7", "4", "1"]) is None
    assert disagreement_line(a, three, digits, ["7", "8", "1"]) == "A: 4 (97%), B: 8 (80%)"


def test_images_are_fitted_to_each_models_input(models, mnist):
    digits = mnist.x_test[:5]
    same = images_for(models["grey"], digits)
    assert same.shape == (5, 28, 28) and same.dtype == np.float32 and same.max() <= 1.0
    np.testing.assert_allclose(same, digits / 255.0, atol=1e-6)
    resized = images_for(models["three"], digits)
    assert resized.shape == (5, 40, 32)
    assert abs(float(resized.mean()) - float(same.mean())) < 0.05  # the same ink, resampled
    assert models["rgb"].predict_probabilities(images_for(models["rgb"], digits)).shape == (5, 10)
