"""What one run gives is frozen, and an image goes through one door before a model sees it."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from guiapp.core.model.inference_result import InferenceResult, LayerState, LayerWeights, as_network_image, readonly
from guiapp.core.model.limits import LUMA


def test_a_run_of_the_shipped_model_is_frozen(shipped_inspector, mnist):
    result = shipped_inspector.run(mnist.x_test[2])
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.probabilities = None
    with pytest.raises(ValueError):
        result.layers[0].activation[0, 0, 0] = 1.0
    with pytest.raises(ValueError):
        result.probabilities[0] = 1.0
    with pytest.raises(ValueError):
        result.image[0, 0] = 1.0


def test_the_prediction_is_the_most_probable_class_and_layers_are_found_by_name():
    activation = readonly(np.arange(6, dtype=np.float32).reshape(2, 3))
    result = InferenceResult(np.zeros((28, 28), np.float32), (LayerState("dense", "Dense", (2, 3), 12, activation),),
                             np.array([0.1, 0.7, 0.2], np.float32), 0.01)
    assert result.predicted == 1 and result.confidence == pytest.approx(0.7)
    assert result.layer("dense").activation is activation
    with pytest.raises(KeyError, match="conv"):
        result.layer("conv")


def test_layer_weights_are_read_only_float32_and_a_frozen_array_is_not_copied_again():
    given = np.ones((3, 3, 1, 4), np.float64)
    weights = LayerWeights.of("conv", "Conv2D", {"kernel": given, "bias": np.zeros(4, np.float32)})
    assert weights.kernel.dtype == np.float32 and weights.kernel.shape == (3, 3, 1, 4)
    assert not weights.kernel.flags.writeable and not weights.bias.flags.writeable
    given[0, 0, 0, 0] = 5.0  # the caller's array changes later: the weights do not
    assert weights.kernel[0, 0, 0, 0] == 1.0
    assert LayerWeights.of("conv", "Conv2D", {"kernel": weights.kernel}).kernel is weights.kernel
    view = weights.kernel[0]  # read-only, but another array's numbers: copied
    assert LayerWeights.of("conv", "Conv2D", {"kernel": view}).kernel is not view
    assert LayerWeights.of("pool", "MaxPooling2D", {}) == LayerWeights("pool", "MaxPooling2D", None, None)


def test_input_conversion():
    assert as_network_image(np.full((28, 28), 255, np.uint8)).max() == 1.0
    assert as_network_image(np.full((28, 28, 1), 2.0)).max() == 1.0
    with pytest.raises(ValueError, match="28×28"):
        as_network_image(np.zeros((32, 32)))
    with pytest.raises(ValueError, match="NaN"):
        as_network_image(np.full((28, 28), np.nan))


def test_grey_goes_to_an_rgb_model_in_three_channels_and_colour_to_a_grey_one_as_luma():
    grey = np.random.default_rng(0).random((32, 32), dtype=np.float32)
    rgb = as_network_image(grey, (32, 32, 3))
    assert rgb.shape == (32, 32, 3) and np.array_equal(rgb[..., 0], rgb[..., 2])
    colour = np.random.default_rng(1).random((28, 28, 3), dtype=np.float32)
    np.testing.assert_allclose(as_network_image(colour), colour @ LUMA, rtol=1e-6)
