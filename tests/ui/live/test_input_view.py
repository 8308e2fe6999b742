"""input_view: the network's input shown pixel by pixel, with its size, colours, value range and recipe."""

from __future__ import annotations

import numpy as np
import pytest

from guiapp.core.arithmetic.receptive_field import Field
from guiapp.ui.live.input_view import MIN_PICTURE, NetworkInputView


@pytest.fixture()
def view(qtbot):
    widget = NetworkInputView()
    qtbot.addWidget(widget)
    return widget


def test_title_names_size_colours_range_and_recipe(view):
    assert "28×28×1 grey, values 0..1" in view.title.text()
    assert "MNIST recipe: fit 20×20, centre of mass" in view.title.text()
    view.set_input_range((-1.0, 1.0))
    assert "values -1..1" in view.title.text()
    view.set_recipe("without crop")
    assert "without crop: see the Preprocessing tab" in view.title.text()
    view.set_recipe("MNIST recipe", picture=True)
    assert "picture: MNIST recipe" in view.title.text()


def test_the_shipped_model_and_a_result(view, shipped_inspector, mnist):
    view.show_model(shipped_inspector)
    assert view.input_shape == (28, 28, 1) and view.image.shape == (28, 28)
    result = shipped_inspector.run(mnist.x_test[0])
    view.show_result(result)
    np.testing.assert_array_equal(view._image.image, result.image)
    assert tuple(view._image.levels) == (0.0, 1.0)


def test_an_rgb_input_and_a_large_one_without_grid(view):
    view._set_shape((40, 32, 3))
    assert view.image.shape == (40, 32, 3) and "40×32×3 RGB" in view.title.text()
    assert view._grid.isVisible()  # drawn for 40 pixels a side
    view._set_shape((128, 128, 1))
    assert not view._grid.isVisible()


def test_fields_are_outlined_and_removed(view):
    view.set_fields([(Field(0, 0, 3, 3), "#ff0000"), (Field(2, 4, 8, 10), "#00ff00")])
    shown = [item for item in view._outlines if item.isVisible()]
    assert [(item.rect().x(), item.rect().y(), item.rect().width(), item.rect().height()) for item in shown] == \
        [(0, 0, 3, 3), (4, 2, 6, 6)]
    view.set_fields([])
    assert view.fields == [] and not any(item.isVisible() for item in view._outlines)


def test_the_caption_wraps_and_its_lines_are_in_the_least_height(view):
    view.set_recipe("MNIST recipe", picture=True)  # the longest caption: a picture's
    assert view.title.wordWrap() and view.title.text().endswith("see the Preprocessing tab</span>")
    narrow, wide = view.minimum_height_for(200), view.minimum_height_for(600)
    assert narrow > wide >= view.title.heightForWidth(600) + MIN_PICTURE
