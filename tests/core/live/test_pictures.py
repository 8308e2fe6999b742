"""One pipeline for drawings and pictures, for any model: what the window computes is what predict gives."""

from __future__ import annotations

import numpy as np
import pytest

from guiapp.core.drawing.picture import PictureRecipe, picture_stages
from guiapp.core.drawing.strokes import CANVAS_SIZE, Drawing, Stroke
from guiapp.core.live.live_update import PictureInput, compute_update, network_input
from guiapp.core.model.inference import Inspector
from tests.models import GREY_40x32, RGB_64x48, make_model


@pytest.fixture(scope="module")
def rgb(tmp_path_factory):
    return Inspector.load(make_model(tmp_path_factory.mktemp("rgb"), RGB_64x48, 100))


@pytest.fixture(scope="module")
def grey(tmp_path_factory):
    return Inspector.load(make_model(tmp_path_factory.mktemp("grey"), GREY_40x32, 10))


def _photo(height=120, width=200) -> np.ndarray:
    rng = np.random.default_rng(7)
    return rng.random((height, width, 3), dtype=np.float32)


@pytest.mark.parametrize("fit", ["pad", "crop"])
def test_a_picture_is_fitted_and_computed_as_the_recipe_says(rgb, fit):
    photo = PictureInput(_photo(), "photo.png")
    recipe = PictureRecipe(fit)
    update = compute_update(rgb, photo, picture_recipe=recipe)
    expected = picture_stages(photo.picture, rgb.input_shape, recipe).final
    assert update.result.image.shape == (64, 48, 3)
    np.testing.assert_allclose(update.result.image, expected, atol=1e-6)
    np.testing.assert_allclose(update.result.probabilities, rgb.predict_probabilities(expected[np.newaxis])[0],
                               atol=1e-6)
    assert update.result.probabilities.shape == (100,)
    assert update.reference is None


def test_the_pad_placement_maps_the_input_onto_the_picture_on_the_canvas(rgb):
    photo = PictureInput(_photo(120, 200), "wide")
    update = compute_update(rgb, photo, picture_recipe=PictureRecipe("pad"))
    scale, top, left = photo.on_canvas()
    assert (scale, left) == (CANVAS_SIZE / 200, 0.0)
    # The wide picture fills the input's width; its top edge maps to the picture's top on the canvas.
    p = update.placement
    inner_top = p.offset_y  # the first input row holding picture pixels
    canvas_top, canvas_left, _, canvas_right = p.to_source(inner_top, 0, inner_top + 1, 48)
    assert canvas_top == pytest.approx(top, abs=0.5)
    assert canvas_left == pytest.approx(0.0, abs=0.5) and canvas_right == pytest.approx(CANVAS_SIZE, abs=0.5)


def test_a_drawing_goes_through_the_mnist_recipe_scaled_to_a_grey_model(grey):
    drawing = Drawing(strokes=(Stroke(((140.0, 40.0), (140.0, 240.0)), 20.0),))
    update = compute_update(grey, drawing)
    assert update.result.image.shape == (40, 32)
    stages, _ = network_input(grey, drawing)
    np.testing.assert_allclose(update.result.image, stages.final)
    assert update.placement is not None


def test_the_input_range_reaches_the_model(grey):
    drawing = Drawing(strokes=(Stroke(((140.0, 40.0), (140.0, 240.0)), 20.0),))
    unit = compute_update(grey, drawing).result.probabilities
    bytes_ = compute_update(grey, drawing, input_range=(0.0, 255.0)).result.probabilities
    stages, _ = network_input(grey, drawing)
    np.testing.assert_allclose(bytes_, grey.predict_probabilities(stages.final[np.newaxis], input_range=(0, 255))[0],
                               atol=1e-6)
    assert not np.allclose(unit, bytes_)
