"""The conv arithmetic answers the seed's examples and agrees with Keras."""

from __future__ import annotations

import random

import pytest

from guiapp.core.arithmetic.conv_arithmetic import (
    conv_axes,
    conv_output_shape,
    conv_output_size,
    same_padding,
)


@pytest.mark.parametrize(
    ("hw", "kernel", "padding", "stride", "expected"),
    [((4, 4), 3, 1, 1, (4, 4)), ((7, 7), 3, 0, 2, (3, 3)), ((28, 31), 5, 2, 3, (10, 11))],
)
def test_examples_of_the_seed_article(hw, kernel, padding, stride, expected):
    assert conv_output_shape(hw, kernel, stride=stride, padding=padding) == expected


def test_the_mnist_network_sizes():
    assert conv_output_size(28, 3) == 26
    assert conv_output_size(26, 3) == 24
    assert conv_output_size(24, 2, stride=2) == 12
    assert conv_output_size(28, 3, padding="same") == 28


def test_formula_is_filled_in_with_the_layers_numbers():
    height, _ = conv_axes((28, 28), 3)
    assert height.formula() == "OH = (H + 2P − F)/S + 1 = (28 + 0 − 3)/1 + 1 = 26"


def test_a_floored_division_says_so_and_counts_the_rows_left_out():
    height, _ = conv_axes((28, 28), 3, stride=2)
    assert height.output == 13
    assert "⌊(28 + 0 − 3)/2⌋ + 1 = ⌊12.5⌋ + 1 = 13" in height.formula()
    assert height.remainder == 1 and height.unvisited == 1
    assert "25 is not divisible by 2: Keras floors it" in height.floor_note()


def test_same_padding_may_pad_more_below_than_above():
    assert same_padding(28, 3, 1) == (1, 1)
    assert same_padding(28, 3, 2) == (0, 1)
    assert same_padding(5, 1, 2) == (0, 0)
    axis = conv_axes((28, 28), 3, stride=2, padding="same")[0]
    assert axis.output == 14 and axis.padding_note() == "P = 0.5 (0 top, 1 bottom)"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (dict(size=3, kernel=5), "does not fit"),
        (dict(size=0, kernel=3), "input size must be a positive"),
        (dict(size=5, kernel=3, stride=0), "stride must be a positive"),
        (dict(size=5, kernel=3, padding=-1), "padding must be zero or"),
        (dict(size=5, kernel=3, padding="full"), "padding must be a number"),
    ],
)
def test_impossible_geometry_is_a_readable_error(args, message):
    with pytest.raises(ValueError, match=message):
        conv_output_size(**args)


def test_agrees_with_keras_on_generated_cases():
    from keras.src.ops.operation_utils import (
        compute_conv_output_shape,
        compute_pooling_output_shape,
    )

    rng = random.Random(7)
    checked = 0
    for _ in range(600):
        h, w = rng.randint(1, 40), rng.randint(1, 40)
        kh, kw = rng.randint(1, 7), rng.randint(1, 7)
        sh, sw = rng.randint(1, 4), rng.randint(1, 4)
        padding = rng.choice(["valid", "same"])
        dilation = rng.choice([1, 1, 2, 3]) if (sh, sw) == (1, 1) else 1
        try:
            keras_shape = compute_conv_output_shape(
                (None, h, w, 1), 4, (kh, kw), (sh, sw), padding, dilation_rate=(dilation, dilation)
            )
        except ValueError:
            with pytest.raises(ValueError):
                conv_output_shape((h, w), (kh, kw), (sh, sw), padding, dilation)
            continue
        assert conv_output_shape((h, w), (kh, kw), (sh, sw), padding, dilation) == keras_shape[1:3]
        if dilation == 1:
            pool = compute_pooling_output_shape((None, h, w, 1), (kh, kw), (sh, sw), padding)
            assert conv_output_shape((h, w), (kh, kw), (sh, sw), padding) == pool[1:3]
        checked += 1
    assert checked > 300
