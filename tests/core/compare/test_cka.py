"""Linear CKA: held to the feature-space formula, its invariances, constant layers, and a model against itself."""

from __future__ import annotations

import numpy as np
import pytest

from guiapp.core.compare import cka
from guiapp.core.compare.cka import (
    CkaMatrix,
    Stopped,
    centred_gram,
    cka_layers,
    cka_matrix,
    linear_cka,
    self_check,
)
from tests.models import GREY_28, RGB_32, make_model


def feature_space_cka(x: np.ndarray, y: np.ndarray) -> float:
    """Kornblith et al.'s eq. (5), independently: ‖YᵀX‖²_F / (‖XᵀX‖_F ‖YᵀY‖_F) on centred features."""
    x = x.reshape(len(x), -1).astype(np.float64)
    y = y.reshape(len(y), -1).astype(np.float64)
    x, y = x - x.mean(axis=0), y - y.mean(axis=0)
    return np.linalg.norm(y.T @ x) ** 2 / (np.linalg.norm(x.T @ x) * np.linalg.norm(y.T @ y))


def test_cka_matches_the_feature_space_formula():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 6))
    y = np.tanh(x @ rng.normal(size=(6, 9))) + 0.5 * rng.normal(size=(40, 9))
    z = rng.normal(size=(40, 3, 2, 2))  # an image-shaped layer: flattened per example
    for first, second in ((x, y), (x, z), (y, z), (x, x)):
        assert linear_cka(first, second) == pytest.approx(feature_space_cka(first, second), abs=1e-3)
    assert linear_cka(x, y) == pytest.approx(feature_space_cka(x, y), abs=1e-9)  # in fact far closer


def test_a_wide_layer_is_sliced_and_matches_the_gram_formula():
    """Wider than one column slice: the Gram is summed over slices, and equals H (X Xᵀ) H formed directly."""
    rng = np.random.default_rng(1)
    x = rng.random((12, cka.COLUMN_SLICE * 2 + 37), dtype=np.float32)
    n = len(x)
    h = np.eye(n) - np.ones((n, n)) / n
    k = x.astype(np.float64) @ x.astype(np.float64).T
    np.testing.assert_allclose(centred_gram(x), h @ k @ h, rtol=1e-9, atol=1e-6)
    y = x[:, :50] ** 2
    assert linear_cka(x, y) == pytest.approx(feature_space_cka(x, y), abs=1e-6)


def test_cka_ignores_isotropic_scale_and_rotation_but_not_other_maps():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(30, 8))
    y = np.maximum(x @ rng.normal(size=(8, 5)), 0)
    q, _ = np.linalg.qr(rng.normal(size=(8, 8)))  # an orthogonal matrix
    base = linear_cka(x, y)
    assert linear_cka(7.5 * x, y) == pytest.approx(base, abs=1e-9)
    assert linear_cka(x @ q, y) == pytest.approx(base, abs=1e-9)
    assert linear_cka(x + 3.0, y) == pytest.approx(base, abs=1e-9)  # a shift is centred away
    assert linear_cka(x, x @ q * 0.01) == pytest.approx(1.0, abs=1e-9)
    stretched = x * np.array([10.0, 1, 1, 1, 1, 1, 1, 0.1])  # anisotropic: not invariant
    assert abs(linear_cka(stretched, y) - base) > 1e-3


def test_values_are_between_0_and_1_and_a_constant_layer_gives_0():
    rng = np.random.default_rng(3)
    for _ in range(20):
        value = linear_cka(rng.normal(size=(15, 4)), rng.normal(size=(15, 7)))
        assert 0.0 <= value <= 1.0
    x = rng.normal(size=(10, 4))
    assert linear_cka(np.full((10, 5), 0.3, np.float32), x) == 0.0
    assert linear_cka(np.zeros((10, 5)), x) == 0.0
    assert linear_cka(x[:1], x[:1]) == 0.0  # one example: nothing to arrange
    with pytest.raises(ValueError, match="same inputs"):
        linear_cka(x, x[:5])


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    from guiapp.core.model.inference import Inspector

    folder = tmp_path_factory.mktemp("cka_models")
    return (Inspector.load(make_model(folder, GREY_28, 10, name="one", seed=1)),
            Inspector.load(make_model(folder, GREY_28, 10, name="two", seed=2)),
            Inspector.load(make_model(folder, RGB_32, 10, name="rgb", rescaling=True)))


@pytest.fixture(scope="module")
def digits(mnist):
    return mnist.x_test[:60].astype(np.float32) / 255.0


def test_the_layers_compared_leave_out_copies(tiny, shipped_inspector):
    assert cka_layers(tiny[0]) == ("conv1", "pool1", "conv2", "dense")  # flatten: pool's values rearranged
    assert cka_layers(shipped_inspector) == ("conv2d", "conv2d_1", "max_pooling2d", "dense", "dense_1")


def test_a_model_against_itself_is_1_on_the_diagonal(tiny, digits):
    model = tiny[0]
    calls = []
    matrix = cka_matrix(model, model, digits, progress=lambda done, total: calls.append((done, total)))
    assert isinstance(matrix, CkaMatrix) and matrix.digits == 60
    assert matrix.rows == matrix.cols == cka_layers(model)
    np.testing.assert_allclose(matrix.diagonal(), 1.0, atol=1e-6)
    np.testing.assert_allclose(matrix.values, matrix.values.T, atol=1e-9)
    assert np.all((matrix.values >= 0) & (matrix.values <= 1))
    assert calls and calls[-1][0] == calls[-1][1]
    assert self_check(model, digits) < 1e-6


def test_two_models_give_a_rows_by_columns_matrix_that_matches_their_features(tiny, digits):
    a, b, _ = tiny
    matrix = cka_matrix(a, b, digits, rows=("conv1", "dense"), cols=("conv2", "pool1", "dense"))
    assert matrix.values.shape == (2, 3)
    features_a = a.batch_outputs(digits, ("conv1",))["conv1"]
    features_b = b.batch_outputs(digits, ("pool1",))["pool1"]
    assert matrix.value("conv1", "pool1") == pytest.approx(feature_space_cka(features_a, features_b), abs=1e-3)
    assert matrix.value("dense", "dense") < 1.0  # two different initialisations


def test_models_of_different_input_sizes_each_read_the_digits_at_their_own(tiny, digits):
    grey, _, rgb = tiny
    matrix = cka_matrix(grey, rgb, digits[:20])
    assert matrix.values.shape == (len(cka_layers(grey)), len(cka_layers(rgb)))
    assert np.all(np.isfinite(matrix.values)) and matrix.values.max() > 0.1


def test_stopping_raises_stopped(tiny, digits):
    with pytest.raises(Stopped):
        cka_matrix(tiny[0], tiny[1], digits, stopped=lambda: True)
