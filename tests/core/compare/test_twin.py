"""twin: the top k weighted layers re-initialised as Keras would, nested across k, the rest untouched."""

from __future__ import annotations

import math

import numpy as np
import pytest

from guiapp import paths
from guiapp.core.compare.twin import (
    glorot_uniform,
    randomised_twin,
    randomised_weights,
    weighted_layers,
)
from guiapp.core.model.inference import Inspector
from guiapp.core.model.inference_build import describe_chain
from guiapp.core.model.numpy_engine import Layer

CNN = ("conv2d", "conv2d_1", "dense", "dense_1")
OWNER = ["conv2d", "conv2d", "conv2d_1", "conv2d_1", "dense", "dense", "dense_1", "dense_1"]  # get_weights() order


@pytest.fixture(scope="module")
def cnn() -> Inspector:
    return Inspector.load(paths.MODELS_DIR / "mnist_cnn.keras")


def _file_weights(inspector: Inspector) -> list[np.ndarray]:
    """The file's weights as the inspector read them, by layer name: kernel then bias."""
    return [array for name in CNN for array in (inspector.weights[name].kernel, inspector.weights[name].bias)]


def _chain(*layers: Layer, shape=(8, 8, 1)) -> Inspector:
    return Inspector(*describe_chain("tiny", shape, tuple(layers)))


def test_the_weighted_layers_are_the_chain_s_layers_with_weights(cnn):
    assert weighted_layers(cnn) == CNN


def test_k_zero_gives_the_file_s_weights_exactly(cnn):
    weights = randomised_weights(cnn, 0)
    assert len(weights) == 8
    for got, expected in zip(weights, _file_weights(cnn), strict=True):
        assert got.dtype == np.float32
        np.testing.assert_array_equal(got, expected)


def test_k_one_redraws_the_top_layer_only_kernel_glorot_and_bias_zero(cnn):
    weights, trained = randomised_weights(cnn, 1), _file_weights(cnn)
    for owner, got, expected in zip(OWNER, weights, trained, strict=True):
        if owner != "dense_1":
            np.testing.assert_array_equal(got, expected)
    kernel, bias = weights[6], weights[7]
    limit = math.sqrt(6 / (128 + 10))
    assert kernel.shape == (128, 10) and np.abs(kernel).max() <= limit and not np.allclose(kernel, trained[6])
    assert kernel.std() == pytest.approx(limit / math.sqrt(3), rel=0.1)  # U(−a, a) has σ = a/√3
    np.testing.assert_array_equal(bias, np.zeros(10, np.float32))


def test_all_layers_changes_every_weighted_layer(cnn):
    weights, trained = randomised_weights(cnn, 4), _file_weights(cnn)
    for got, expected in zip(weights, trained, strict=True):
        assert got.shape == expected.shape and not np.allclose(got, expected)
    conv = weights[2]  # (3, 3, 32, 64): fans count the 3×3 field
    assert np.abs(conv).max() <= math.sqrt(6 / (9 * 32 + 9 * 64))
    assert all(not b.any() for b in weights[1::2])


def test_the_cascade_is_nested_and_deterministic_per_seed(cnn):
    two, three = randomised_weights(cnn, 2, seed=3), randomised_weights(cnn, 3, seed=3)
    for got, again in zip(two, randomised_weights(cnn, 2, seed=3), strict=True):
        np.testing.assert_array_equal(got, again)
    for i in range(4, 8):  # dense and dense_1 hold the same random values at k = 2 and k = 3
        np.testing.assert_array_equal(two[i], three[i])
    np.testing.assert_array_equal(two[2], _file_weights(cnn)[2])
    assert not np.allclose(three[2], two[2])
    assert not np.allclose(randomised_weights(cnn, 2, seed=4)[6], two[6])


@pytest.mark.parametrize("k", [-1, 5, 1.5, True])
def test_k_out_of_range_is_refused_in_one_line(cnn, k):
    with pytest.raises(ValueError, match="k = ") as caught:
        randomised_weights(cnn, k)
    assert "\n" not in str(caught.value) and "0 to 4" in str(caught.value)


def test_the_twin_answers_otherwise(cnn, mnist):
    images = mnist.x_test[:20].astype(np.float32) / 255
    twin = randomised_twin(cnn, 4)
    assert twin is not cnn and not twin.weights_from_file
    trained, random = cnn.predict_probabilities(images), twin.predict_probabilities(images)
    assert random.shape == trained.shape == (20, 10)
    assert np.abs(random - trained).max() > 0.1
    np.testing.assert_array_equal(randomised_twin(cnn, 0).predict_probabilities(images), trained)


def test_batch_normalisation_gets_keras_defaults():
    rng = np.random.default_rng(0)
    bn = Layer("BatchNormalization", "bn", {"axis": -1},
               tuple(rng.normal(size=4).astype(np.float32) + 3 for _ in range(4)))
    inspector = _chain(
        Layer("Flatten", "flat"),
        Layer("Dense", "hidden", {"units": 4}, (rng.normal(size=(64, 4)).astype(np.float32), np.ones(4, np.float32))),
        bn,
        Layer("Dense", "out", {"units": 3}, (rng.normal(size=(4, 3)).astype(np.float32), np.ones(3, np.float32))),
    )
    assert weighted_layers(inspector) == ("hidden", "bn", "out")
    weights = randomised_weights(inspector, 2)
    gamma, beta, mean, variance = weights[2:6]
    for got, expected in ((gamma, 1), (beta, 0), (mean, 0), (variance, 1)):
        np.testing.assert_array_equal(got, np.full(4, expected, np.float32))
    np.testing.assert_array_equal(weights[0], inspector.engine.network.layers[1].variables[0])  # below: its own
    assert randomised_twin(inspector, 3).predict_probabilities(np.zeros((1, 8, 8), np.float32)).shape == (1, 3)


def test_a_model_without_weights_is_refused_clearly():
    inspector = _chain(Layer("GlobalAveragePooling2D", "gap"), shape=(8, 8, 3))
    assert weighted_layers(inspector) == ()
    with pytest.raises(ValueError, match="no layers with weights"):
        randomised_weights(inspector, 0)


def test_glorot_uniform_fans_follow_keras():
    rng = np.random.default_rng(0)
    dense = glorot_uniform((300, 100), rng)
    assert np.abs(dense).max() <= math.sqrt(6 / 400) and dense.std() == pytest.approx(math.sqrt(2 / 400), rel=0.05)


def test_the_order_is_keras_get_weights_order(cnn):
    """The twin's weights land where Keras has them: Keras' own model of the file, given them, holds them."""
    model = cnn.keras_model()
    np.testing.assert_array_equal(np.concatenate([w.ravel() for w in randomised_weights(cnn, 0)]),
                                  np.concatenate([w.ravel() for w in model.get_weights()]))
    keras_twin = Inspector.from_keras(model)  # the TensorFlow engine's path reads Keras' weights by name
    assert weighted_layers(keras_twin) == CNN
    for got, expected in zip(randomised_weights(keras_twin, 3, seed=1), randomised_weights(cnn, 3, seed=1),
                             strict=True):
        np.testing.assert_array_equal(got, expected)
