"""layer_formulas: each layer kind's output shape and parameter count, as Keras computes them."""

from __future__ import annotations

import pytest

from guiapp.core.arithmetic.layer_formulas import (
    UnsupportedLayer,
    explain_layer,
    normalization_axes,
    shape_text,
)


def test_shape_text_joins_with_times():
    assert shape_text((26, 26, 32)) == "26×26×32"
    assert shape_text((10,)) == "10"


def test_conv2d_32_3x3_on_28x28x1_holds_320_parameters():
    out = explain_layer("Conv2D", {"filters": 32, "kernel_size": 3}, (28, 28, 1))
    assert out.output_shape == (26, 26, 32)
    assert (out.params, out.trainable) == (320, 320)
    assert "params = (F·F·Cin + 1)·Cout = (3·3·1 + 1)·32 = 320" in out.formulas


def test_conv2d_same_padding_stride_and_no_bias():
    out = explain_layer("Conv2D", {"filters": 8, "kernel_size": (5, 3), "strides": 2, "padding": "same",
                                   "use_bias": False}, (28, 28, 4))
    assert out.output_shape == (14, 14, 8)
    assert out.params == 5 * 3 * 4 * 8
    assert out.formulas[-1].endswith("(no bias)")


def test_conv2d_groups_divide_the_channels():
    out = explain_layer("Conv2D", {"filters": 8, "kernel_size": 3, "groups": 2}, (10, 10, 4))
    assert out.params == 3 * 3 * 2 * 8 + 8
    with pytest.raises(ValueError, match="groups must divide"):
        explain_layer("Conv2D", {"filters": 8, "kernel_size": 3, "groups": 3}, (10, 10, 4))


def test_conv2d_refusals():
    with pytest.raises(ValueError, match="filters must be at least 1, not 0"):
        explain_layer("Conv2D", {"filters": 0, "kernel_size": 3}, (28, 28, 1))
    with pytest.raises(ValueError, match="needs an image input"):
        explain_layer("Conv2D", {"filters": 2, "kernel_size": 3}, (784,))
    with pytest.raises(UnsupportedLayer, match="channels_first"):
        explain_layer("Conv2D", {"filters": 2, "kernel_size": 3, "data_format": "channels_first"}, (1, 28, 28))
    with pytest.raises(UnsupportedLayer, match="padding 'causal'"):
        explain_layer("Conv2D", {"filters": 2, "kernel_size": 3, "padding": "causal"}, (28, 28, 1))


def test_dense_9216_to_128_holds_1179776_parameters():
    out = explain_layer("Dense", {"units": 128}, (9216,))
    assert out.output_shape == (128,)
    assert out.params == 1_179_776
    assert "params = (Nin + 1)·Nout = (9216 + 1)·128 = 1,179,776" in out.formulas


def test_dense_on_a_map_acts_on_the_last_axis():
    out = explain_layer("Dense", {"units": 5, "use_bias": False}, (4, 4, 3))
    assert out.output_shape == (4, 4, 5)
    assert out.params == 15
    assert any("4×4 positions" in line for line in out.formulas)


def test_pooling_flatten_and_global_pooling():
    pool = explain_layer("MaxPooling2D", {"pool_size": 2}, (24, 24, 64))
    assert (pool.output_shape, pool.params) == ((12, 12, 64), 0)
    avg = explain_layer("AveragePooling2D", {"pool_size": 3, "strides": 1, "padding": "same"}, (7, 7, 2))
    assert avg.output_shape == (7, 7, 2)
    flat = explain_layer("Flatten", {}, (12, 12, 64))
    assert flat.output_shape == (9216,)
    assert "N = H·W·C = 12·12·64 = 9,216" in flat.formulas
    assert explain_layer("GlobalAveragePooling2D", {}, (5, 5, 7)).output_shape == (7,)
    assert explain_layer("GlobalMaxPooling2D", {"keepdims": True}, (5, 5, 7)).output_shape == (1, 1, 7)


def test_depthwise_and_separable_convolutions():
    depth = explain_layer("DepthwiseConv2D", {"kernel_size": 3, "depth_multiplier": 2}, (28, 28, 3))
    assert depth.output_shape == (26, 26, 6)
    assert depth.params == (9 + 1) * 6
    sep = explain_layer("SeparableConv2D", {"filters": 16, "kernel_size": 3}, (28, 28, 8))
    assert sep.output_shape == (26, 26, 16)
    assert sep.params == 9 * 8 + 8 * 16 + 16


def test_zero_padding_batch_norm_and_identities():
    pad = explain_layer("ZeroPadding2D", {"padding": ((1, 2), (0, 3))}, (28, 28, 1))
    assert (pad.output_shape, pad.params) == ((31, 31, 1), 0)
    bn = explain_layer("BatchNormalization", {}, (12, 12, 64))
    assert (bn.output_shape, bn.params, bn.trainable) == ((12, 12, 64), 256, 128)
    bn_plain = explain_layer("BatchNormalization", {"scale": False, "center": False}, (10,))
    assert (bn_plain.params, bn_plain.trainable) == (20, 0)
    drop = explain_layer("Dropout", {"rate": 0.25}, (128,))
    assert drop.formulas[0] == "identity at inference (25% dropped only in training)"
    assert explain_layer("ReLU", {}, (3, 3, 1)).output_shape == (3, 3, 1)


def test_rescaling_shows_one_over_255():
    out = explain_layer("Rescaling", {"scale": 1 / 255, "offset": 0.0}, (28, 28, 1))
    assert out.formulas[0] == "y = x·scale + offset = x·1/255 + 0, element-wise"
    assert out.params == 0


def test_normalization_axes_and_params():
    assert normalization_axes({"axis": -1}, (28, 28, 3)) == (2,)
    assert normalization_axes({"axis": None}, (28, 28, 3)) == ()
    assert normalization_axes({"axis": [1, 2]}, (28, 28, 3)) == (0, 1)
    with pytest.raises(ValueError, match="does not fit"):
        normalization_axes({"axis": 5}, (28, 28, 3))
    out = explain_layer("Normalization", {"axis": -1}, (28, 28, 3))
    assert (out.params, out.trainable) == (7, 0)
    assert explain_layer("Normalization", {"axis": -1, "mean": 0.5, "variance": 1.0}, (4,)).params == 0


def test_frozen_layer_has_no_trainable_parameters():
    out = explain_layer("Dense", {"units": 10, "trainable": False}, (128,))
    assert (out.params, out.trainable, out.note) == (1290, 0, "frozen: not trained")


def test_unknown_kind_is_unsupported():
    with pytest.raises(UnsupportedLayer, match="no formula for Reshape"):
        explain_layer("Reshape", {}, (28, 28, 1))


def test_the_separable_parameters_read_in_three_short_lines():
    """One line with the whole sum was too long for the ledger (it ended in "= …")."""
    sep = explain_layer("SeparableConv2D", {"filters": 64, "kernel_size": 3, "depth_multiplier": 2}, (26, 26, 32))
    assert sep.formulas[-3:] == ("depthwise = F·F·Cin·M = 3·3·32·2 = 576", "pointwise = Cin·M·Cout = 32·2·64 = 4,096",
                                 "params = depthwise + pointwise + Cout = 576 + 4,096 + 64 = 4,736")
    assert sep.params == 4_736 and max(len(line) for line in sep.formulas[-3:]) <= 70
