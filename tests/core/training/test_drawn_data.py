"""drawn_data: MNIST varied as people draw, pen-drawn digits rendered through the canvas, one recipe."""

from __future__ import annotations

import numpy as np

from guiapp.core.training.drawn_data import (
    Augmentation,
    augment_mnist,
    drawings_training_data,
    render_pendigits,
)
from guiapp.core.training.data import MnistData


def test_augmented_digits_stay_digits_in_mnist_form(mnist):
    images = mnist.x_train[:6]
    varied = augment_mnist(images, np.random.default_rng(0))
    assert varied.shape == (6, 28, 28) and varied.dtype == np.uint8
    assert not np.array_equal(varied, images)
    for digit in varied:
        rows = np.flatnonzero(digit.max(axis=1) > 25)
        cols = np.flatnonzero(digit.max(axis=0) > 25)
        assert max(rows[-1] - rows[0], cols[-1] - cols[0]) + 1 in range(17, 22)  # fitted to the 20×20 box
    again = augment_mnist(images, np.random.default_rng(0))
    np.testing.assert_array_equal(varied, again)  # a seed gives the same data


def test_pendigits_rendered_plain_and_varied(pendigits):
    points, _ = pendigits
    plain = render_pendigits(points[:3])
    assert plain.shape == (3, 28, 28) and plain.dtype == np.uint8
    np.testing.assert_array_equal(plain, render_pendigits(points[:3]))
    varied = render_pendigits(points[:3], np.random.default_rng(1))
    assert not np.array_equal(plain, varied) and (varied.max(axis=(1, 2)) > 200).all()


def test_training_data_adds_augmented_and_pen_digits(mnist, pendigits):
    small = MnistData(mnist.x_train[:50], mnist.y_train[:50], mnist.x_test[:10], mnist.y_test[:10], "slice")
    points, labels = pendigits
    data, recipe = drawings_training_data(small, augmented=5, pen_points=points[:4], pen_labels=labels[:4],
                                          pen_copies=2, seed=3)
    assert data.x_train.shape == (50 + 5 + 8, 28, 28) and data.y_train.shape == (63,)
    assert data.y_train.dtype == small.y_train.dtype
    np.testing.assert_array_equal(data.x_train[:50], small.x_train)
    np.testing.assert_array_equal(data.y_train[55:59], labels[:4])
    assert data.x_test is small.x_test
    assert recipe["mnist_train"] == 50 and recipe["mnist_augmented"] == 5 and recipe["seed"] == 3
    assert (recipe["pendigits_rendered"], recipe["pendigits_digits"]) == (8, 4)
    assert recipe["augmentation"] == Augmentation().to_dict()
    _, no_pen = drawings_training_data(small, augmented=1)
    assert "pendigits_rendered" not in no_pen


def test_writers_recipe_slants_bends_and_rescales_pen_digits(pendigits):
    points, _ = pendigits
    old = render_pendigits(points[:20], np.random.default_rng(4), Augmentation())
    new = render_pendigits(points[:20], np.random.default_rng(4), Augmentation.writers())
    assert new.shape == (20, 28, 28) and not np.array_equal(old, new)
    assert (new.max(axis=(1, 2)) > 200).all()  # still ink, still fitted by the MNIST recipe
    rows = [np.flatnonzero(d.max(axis=1) > 25) for d in new]
    cols = [np.flatnonzero(d.max(axis=0) > 25) for d in new]
    assert all(max(r[-1] - r[0], c[-1] - c[0]) + 1 in range(17, 22) for r, c in zip(rows, cols))
    writers = Augmentation.writers()
    assert writers.pen_slant > 0 and writers.pen_warp > 0 and 0 < writers.pen_refill < 1
    assert Augmentation().pen_slant == Augmentation().pen_warp == Augmentation().pen_refill == 0  # the old recipe


def test_mnist_copies_repeat_the_training_set_and_are_recorded(mnist):
    small = MnistData(mnist.x_train[:40], mnist.y_train[:40], mnist.x_test[:10], mnist.y_test[:10], "slice")
    data, recipe = drawings_training_data(small, augmented=3, mnist_copies=2)
    assert data.x_train.shape == (83, 28, 28)
    np.testing.assert_array_equal(data.x_train[40:80], small.x_train)
    assert recipe["mnist_copies"] == 2
    assert "mnist_copies" not in drawings_training_data(small, augmented=3)[1]
    import pytest
    with pytest.raises(ValueError, match="at least 1"):
        drawings_training_data(small, augmented=3, mnist_copies=0)
