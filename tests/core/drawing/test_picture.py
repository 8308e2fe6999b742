"""Any picture is fitted to any model's input, step by step: pad, crop or MNIST's digit recipe, then its colours."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from guiapp.core.drawing.picture import (
    PictureRecipe,
    default_recipe,
    fit_crop,
    fit_pad,
    is_blank,
    picture_stages,
    to_channels,
)
from guiapp.core.drawing.preprocess import ink_bounding_box, mnist_preprocess
from tests.models import RGB_32, make_model


def _scene(height: int, width: int) -> np.ndarray:
    """A colour picture on light-grey paper with a red box in the middle."""
    picture = np.full((height, width, 3), 0.8, np.float32)
    picture[height // 4: 3 * height // 4, width // 4: 3 * width // 4] = (1.0, 0.0, 0.0)
    return picture


def _assert_unit(image: np.ndarray) -> None:
    assert image.dtype == np.float32 and float(image.min()) >= 0.0 and float(image.max()) <= 1.0


def test_default_recipe_per_model():
    assert default_recipe((28, 28, 1)) == PictureRecipe("digit")
    assert default_recipe((40, 32, 1)).fit == "digit"
    assert default_recipe((64, 48, 3)) == PictureRecipe("pad")
    with pytest.raises(ValueError, match="unknown fit 'squash': expected one of pad, crop, digit"):
        PictureRecipe("squash")  # type: ignore[arg-type]


def test_pad_keeps_the_whole_picture_and_pads_with_its_border_colour():
    stages = picture_stages(_scene(50, 100), (32, 32, 3), PictureRecipe("pad"))
    assert stages.final.shape == (32, 32, 3) and stages.window == (0, 50, 0, 100)
    assert not stages.blank
    # 100 wide → 32: the picture is 16 rows high, rows 8..23; above and below is the paper's grey
    np.testing.assert_allclose(stages.final[:8], 0.8, atol=1e-6)
    np.testing.assert_allclose(stages.final[24:], 0.8, atol=1e-6)
    np.testing.assert_allclose(stages.final[16, 16], (1.0, 0.0, 0.0), atol=0.02)  # the red box, in the middle
    for _, image in stages.steps:
        _assert_unit(image)


def test_crop_cuts_the_middle_of_the_inputs_aspect_ratio():
    stages = picture_stages(_scene(50, 100), (32, 32, 3), PictureRecipe("crop"))
    assert stages.final.shape == (32, 32, 3)
    assert stages.window == (0, 50, 25, 75)  # a 50×50 square from the middle
    np.testing.assert_allclose(stages.final[16, 16], (1.0, 0.0, 0.0), atol=0.02)
    out, window = fit_crop(_scene(120, 30), 64, 48)
    assert out.shape == (64, 48, 3) and window == (40, 80, 0, 30)  # taller than 64:48: top and bottom cut


def test_colours_become_the_models_channels():
    red = np.zeros((4, 4, 3), np.float32)
    red[..., 0] = 1.0
    np.testing.assert_allclose(to_channels(red, 1), 0.299, atol=1e-6)  # luma, as PIL's "L"
    grey = np.linspace(0, 1, 16, dtype=np.float32).reshape(4, 4)
    rgb = to_channels(grey, 3)
    assert rgb.shape == (4, 4, 3) and all(np.array_equal(rgb[..., c], grey) for c in range(3))
    grey_model = picture_stages(_scene(40, 40), (28, 28, 1), PictureRecipe("pad"))
    assert grey_model.fitted.shape == (28, 28, 3) and grey_model.final.shape == (28, 28)
    assert [title for title, _ in grey_model.steps] == [
        "original", "fitted: whole picture, padded", "grey, as the model sees it"]
    colour_model = picture_stages(np.full((20, 30), 0.25, np.float32), (32, 32, 3))
    assert colour_model.final.shape == (32, 32, 3) and np.allclose(colour_model.final, 0.25)


def test_the_digit_recipe_at_28_is_mnists(mnist):
    dark_on_light = Image.fromarray(255 - mnist.x_test[0]).resize((150, 210), Image.Resampling.BICUBIC)
    picture = np.asarray(dark_on_light, np.float32) / 255
    stages = picture_stages(picture, (28, 28, 1))
    assert stages.recipe.fit == "digit" and stages.inverted
    np.testing.assert_array_equal(stages.final, mnist_preprocess(1.0 - picture))
    assert stages.window is not None and stages.digit is not None and stages.digit.placement is not None
    assert [title for title, _ in stages.steps] == ["original", "white ink on black", "fitted: MNIST digit recipe"]


def test_the_digit_recipe_fits_any_grey_frame():
    canvas = np.zeros((280, 280), np.float32)
    canvas[40:200, 120:160] = 1.0  # a tall bar, white on black
    stages = picture_stages(canvas, (40, 32, 1))
    assert stages.final.shape == (40, 32) and not stages.inverted
    top, bottom, left, right = ink_bounding_box(stages.final)
    assert abs((bottom - top) - 20 / 28 * 40) <= 1  # the tall bar fills 20/28 of the frame's height
    assert right - left < 20 / 28 * 32  # and keeps its aspect ratio
    cy, cx = np.argwhere(stages.final > 0.5).mean(axis=0)
    assert abs(cy - 19.5) <= 1.5 and abs(cx - 15.5) <= 1.5  # centred
    rgb = picture_stages(canvas, (32, 32, 3), PictureRecipe("digit"))  # asked for on a colour model: grey × 3
    assert rgb.final.shape == (32, 32, 3) and np.array_equal(rgb.final[..., 0], rgb.final[..., 2])


def test_a_digit_already_the_inputs_size_is_used_as_it_is(mnist):
    picture = mnist.x_test[3] / 255.0
    stages = picture_stages(picture, (28, 28, 1))
    assert stages.digit is None and not stages.inverted
    np.testing.assert_allclose(stages.final, picture, atol=1e-6)
    forced = picture_stages(picture, (28, 28, 1), PictureRecipe("digit", invert=True))
    np.testing.assert_allclose(forced.final, 1.0 - picture, atol=1e-6)


@pytest.mark.parametrize("shape", [(28, 28, 1), (40, 32, 1), (32, 32, 3), (64, 48, 3)])
@pytest.mark.parametrize("fit", ["pad", "crop", "digit"])
def test_blank_pictures_are_said_to_be_blank(shape, fit):
    for blank in (np.zeros((30, 30), np.float32), np.full((50, 70, 3), (0.9, 0.1, 0.1), np.float32)):
        stages = picture_stages(blank, shape, PictureRecipe(fit))
        assert stages.blank and stages.final.shape == shape[:2] + ((3,) if shape[2] == 3 else ())
        _assert_unit(stages.final)
    assert not picture_stages(_scene(30, 30), shape, PictureRecipe(fit)).blank


def test_blank_means_one_colour_per_channel():
    assert is_blank(np.full((5, 5, 3), (1.0, 0.0, 0.5), np.float32))
    nearly = np.full((5, 5), 0.5, np.float32)
    nearly[0, 0] += 1 / 255  # JPEG-like noise of one level
    assert is_blank(nearly)
    nearly[0, 0] += 2 / 255
    assert not is_blank(nearly)


@pytest.mark.parametrize("size", [(1, 1), (1, 300), (300, 1), (2048, 3)])
@pytest.mark.parametrize("fit", ["pad", "crop", "digit"])
def test_extreme_sizes_fit(size, fit):
    picture = np.random.default_rng(0).random(size, dtype=np.float32)
    stages = picture_stages(picture, (64, 48, 3), PictureRecipe(fit))
    assert stages.final.shape == (64, 48, 3)
    _assert_unit(stages.final)


def test_pad_of_an_exact_fit_changes_nothing():
    picture = _scene(48, 64)
    out, window = fit_pad(picture, 48, 64)
    np.testing.assert_allclose(out, picture, atol=1e-5)
    assert window == (0, 48, 0, 64)


@pytest.mark.parametrize(("picture", "shape", "message"), [
    (np.zeros((5, 5, 4)), (28, 28, 1), r"expected a picture of shape \(h, w\), \(h, w, 1\) or \(h, w, 3\)"),
    (np.zeros((0, 5)), (28, 28, 1), "expected a picture of shape"),
    (np.full((5, 5), np.nan), (28, 28, 1), "NaN or infinite"),
    (np.zeros((5, 5)), (28, 28, 2), r"expected an input shape \(H, W, 1\) or \(H, W, 3\)"),
    (np.zeros((5, 5)), (28, 28), "expected an input shape"),
])
def test_bad_arguments_say_what_is_wrong(picture, shape, message):
    with pytest.raises(ValueError, match=message):
        picture_stages(picture, shape)


def test_the_steps_are_read_only_and_the_callers_picture_untouched():
    picture = _scene(32, 32)
    stages = picture_stages(picture, (32, 32, 3), PictureRecipe("pad"))
    assert all(not image.flags.writeable for _, image in stages.steps)
    assert picture.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        stages.final[0, 0] = 0.0


def test_uint8_pictures_are_read_as_0_to_255():
    stages = picture_stages(np.full((10, 10, 3), 255, np.uint8), (32, 32, 3), PictureRecipe("pad"))
    np.testing.assert_allclose(stages.final, 1.0)


def test_the_inspector_scales_the_fitted_picture_to_the_models_range(tmp_path):
    from guiapp.core.model.inference import Inspector

    inspector = Inspector.load(make_model(tmp_path, RGB_32, 10, rescaling=True))
    assert inspector.input_range == (0.0, 255.0)
    stages = picture_stages(_scene(60, 90), inspector.input_shape)
    assert stages.recipe.fit == "pad" and stages.final.max() <= 1.0  # 0..1 here; the Inspector multiplies
    result = inspector.run(stages.final)
    assert result.image.shape == (32, 32, 3) and result.probabilities.shape == (10,)
    first = result.layers[0]
    assert first.kind == "Rescaling"
    np.testing.assert_allclose(first.activation, stages.final, atol=1e-5)  # ×255 then ÷255
