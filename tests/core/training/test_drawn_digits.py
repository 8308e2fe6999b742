"""Pen-drawn digits: reading pendigits, drawing them on the canvas, and the drawn-digit training data."""

from __future__ import annotations

import numpy as np
import pytest

from guiapp.core.drawing.preprocess import drawing_to_network_input
from guiapp.core.errors import DataFileError
from guiapp.core.training.drawn_data import (
    Augmentation,
    augment_mnist,
    drawings_training_data,
    render_pendigits,
)
from guiapp.core.training.pendigits import (
    load_pendigits,
    pendigit_drawing,
    pendigit_points,
)


def test_reading_pendigits(pendigits):
    points, labels = pendigits  # the slice under tests/data: the first 2,000 lines of pendigits.tra
    assert points.shape == (2000, 8, 2) and labels.shape == (2000,)
    assert points.min() == 0 and points.max() == 100
    assert np.bincount(labels).tolist() == [210, 213, 216, 185, 194, 203, 189, 188, 212, 190]


def test_a_pendigit_is_one_stroke_inside_the_margin_with_y_flipped():
    digit = np.array([[0, 100], [100, 100], [50, 0], [50, 0], [50, 0], [50, 0], [50, 0], [50, 0]], float)
    canvas = pendigit_points(digit)
    assert canvas[0].tolist() == [40.0, 40.0] and canvas[1].tolist() == [240.0, 40.0]  # y up → top of the canvas
    assert canvas[2].tolist() == [140.0, 240.0]
    drawing = pendigit_drawing(digit)
    assert len(drawing.strokes) == 1 and drawing.strokes[0].width == 20.0
    assert drawing_to_network_input(drawing).max() > 0.9


@pytest.mark.parametrize("text, message", [("1,2,3\n", "expected 17 numbers"), ("a,b\n", "not a pendigits table"),
                                           ("0," * 16 + "12\n", "labels must be the digits 0–9")])
def test_bad_pendigits_files(tmp_path, text, message):
    path = tmp_path / "bad.tra"
    path.write_text(text)
    with pytest.raises(DataFileError, match=message):
        load_pendigits(path)
    with pytest.raises(DataFileError, match="no such file"):
        load_pendigits(tmp_path / "missing.tra")


def test_augmented_mnist_keeps_the_recipe_statistics(mnist):
    rng = np.random.default_rng(0)
    out = augment_mnist(mnist.x_train[:200], rng)
    assert out.shape == (200, 28, 28) and out.dtype == np.uint8
    assert not np.array_equal(out, mnist.x_train[:200])
    rows = np.flatnonzero(out.max(axis=(0, 2)) > 0)
    assert rows.min() >= 1 and rows.max() <= 26  # fitted into 20×20 and centred: nothing at the frame's edge
    centre = np.array([np.argwhere(image > 0).mean(axis=0) for image in out]).mean(axis=0)
    assert np.allclose(centre, 13.5, atol=1.0)


def test_rendered_pendigits_vary_and_the_plain_render_is_the_canvas_pipeline(pendigits):
    points, labels = pendigits
    plain = render_pendigits(points[:20])
    expected = np.round(drawing_to_network_input(pendigit_drawing(points[0])) * 255).astype(np.uint8)
    np.testing.assert_array_equal(plain[0], expected)
    varied = render_pendigits(points[:20], np.random.default_rng(1))
    assert not np.array_equal(plain, varied)


def test_training_data_adds_and_records(mnist, pendigits):
    points, labels = pendigits
    small = type(mnist)(mnist.x_train[:100], mnist.y_train[:100], mnist.x_test[:10], mnist.y_test[:10], "m")
    data, recipe = drawings_training_data(small, 50, points[:30], labels[:30], pen_copies=2, seed=3)
    assert data.x_train.shape == (100 + 50 + 60, 28, 28) and data.y_train.shape == (210,)
    assert np.array_equal(data.y_train[150:180], labels[:30]) and np.array_equal(data.x_test, small.x_test)
    assert recipe["mnist_augmented"] == 50 and recipe["pendigits_rendered"] == 60
    assert recipe["augmentation"] == Augmentation().to_dict()
