"""numpy_backward: each layer's backward rule equals the numerical derivative, with TensorFlow's tie rules."""

from __future__ import annotations

import numpy as np
import pytest

from guiapp.core.model.numpy_backward import backward_step
from guiapp.core.model.numpy_engine import Layer, NotSupported, NumpyNetwork

EPSILON = 1e-2  # central differences in float32: O(ε²) error on these smooth functions
TOLERANCE = 2e-3


def _numeric_vjp(op, x: np.ndarray, g: np.ndarray) -> np.ndarray:
    """∂(Σ g·op(x))/∂x by central differences, one input value at a time."""
    out = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[index] += EPSILON
        down[index] -= EPSILON
        out[index] = float((g * (op(up) - op(down))).sum(dtype=np.float64)) / (2 * EPSILON)
    return out


def _check(layers, input_shape, seed=0):
    rng = np.random.default_rng(seed)
    network = NumpyNetwork(input_shape, layers)
    x = rng.normal(size=(2, *input_shape)).astype(np.float32)
    shape = network.input_shape
    for layer, op, out_shape in zip(network.layers, network.ops, network.output_shapes, strict=True):
        y = op(x)
        g = rng.normal(size=(2, *out_shape)).astype(np.float32)
        got = backward_step(layer, op, shape)(g, x, y)
        np.testing.assert_allclose(got, _numeric_vjp(op, x, g), rtol=TOLERANCE, atol=TOLERANCE, err_msg=layer.name)
        x, shape = y, out_shape


def test_conv_pool_flatten_dense_chain():
    rng = np.random.default_rng(1)
    _check([
        Layer("Conv2D", "conv", {"filters": 2, "kernel_size": [3, 3], "activation": "softsign"},
              (rng.normal(size=(3, 3, 1, 2)).astype(np.float32), np.zeros(2, np.float32))),
        Layer("MaxPooling2D", "pool", {"pool_size": [2, 2]}),
        Layer("Flatten", "flat"),
        Layer("Dense", "dense", {"units": 3, "activation": "sigmoid"},
              (rng.normal(size=(8, 3)).astype(np.float32), rng.normal(size=3).astype(np.float32))),
        Layer("Softmax", "soft"),
    ], (6, 6, 1))


def test_strided_same_padding_conv_and_average_pool():
    rng = np.random.default_rng(2)
    _check([
        Layer("Conv2D", "conv", {"filters": 2, "kernel_size": [3, 3], "strides": [2, 2], "padding": "same",
                                 "activation": "gelu"},
              (rng.normal(size=(3, 3, 2, 2)).astype(np.float32), np.zeros(2, np.float32))),
        Layer("AveragePooling2D", "avg", {"pool_size": [2, 2], "strides": [1, 1], "padding": "same"}),
        Layer("GlobalAveragePooling2D", "gap"),
    ], (5, 5, 2))


def test_depthwise_zero_padding_and_rescaling():
    rng = np.random.default_rng(3)
    _check([
        Layer("Rescaling", "scale", {"scale": 2.0, "offset": -1.0}),
        Layer("ZeroPadding2D", "pad", {"padding": [[1, 0], [0, 2]]}),
        Layer("DepthwiseConv2D", "depth", {"kernel_size": [2, 2], "depth_multiplier": 2, "activation": "tanh"},
              (rng.normal(size=(2, 2, 2, 2)).astype(np.float32), np.zeros(4, np.float32))),
    ], (4, 4, 2))


def test_max_pool_gives_a_tie_to_the_first_maximum():
    layer = Layer("MaxPooling2D", "pool", {"pool_size": [2, 2]})
    network = NumpyNetwork((2, 2, 1), [layer])
    x = np.array([[[[0.0], [1.0]], [[1.0], [0.5]]]], np.float32)
    y = network.forward(x)[0]
    dx = backward_step(layer, network.ops[0], (2, 2, 1))(np.ones_like(y), x, y)
    assert dx[0, :, :, 0].tolist() == [[0.0, 1.0], [0.0, 0.0]]


def test_global_max_splits_among_its_maxima():
    layer = Layer("GlobalMaxPooling2D", "gmp")
    network = NumpyNetwork((2, 2, 1), [layer])
    x = np.array([[[[1.0], [1.0]], [[0.0], [0.5]]]], np.float32)
    y = network.forward(x)[0]
    dx = backward_step(layer, network.ops[0], (2, 2, 1))(np.ones_like(y), x, y)
    assert dx[0, :, :, 0].tolist() == [[0.5, 0.5], [0.0, 0.0]]


def test_relu_and_dropout_pass_or_block_the_gradient():
    layers = [Layer("Activation", "act", {"activation": "relu"}), Layer("Dropout", "drop", {"rate": 0.5})]
    network = NumpyNetwork((3,), layers)
    x = np.array([[-1.0, 0.5, 2.0]], np.float32)
    relu, drop = (backward_step(layer, op, (3,)) for layer, op in zip(network.layers, network.ops, strict=True))
    g = np.ones((1, 3), np.float32)
    assert relu(g, x, network.forward(x)[0]).tolist() == [[0.0, 1.0, 1.0]]
    assert drop(g * 3, x, x).tolist() == [[3.0, 3.0, 3.0]]


def test_a_layer_without_a_rule_is_not_supported():
    with pytest.raises(NotSupported, match="no gradient for layer kind Cropping2D"):
        backward_step(Layer("Cropping2D", "crop"), None, (4, 4, 1))
