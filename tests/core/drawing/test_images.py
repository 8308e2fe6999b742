"""Image files of any size and mode become the network's 28×28 input."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from guiapp.core.drawing.images import load_digit_image
from guiapp.core.drawing.preprocess import (
    centre_by_mass,
    ink_bounding_box,
    mnist_preprocess,
)
from guiapp.core.errors import ImageFileError


def test_blank_image_gives_zeros():
    assert ink_bounding_box(np.zeros((50, 50))) is None
    assert mnist_preprocess(np.zeros((50, 50))).sum() == 0


def test_a_small_digit_in_a_corner_is_scaled_to_20_pixels_and_centred():
    canvas = np.zeros((280, 280), np.float32)
    canvas[10:60, 200:225] = 1.0  # a 50×25 bar near the top right
    out = mnist_preprocess(canvas)
    assert out.shape == (28, 28)
    top, bottom, left, right = ink_bounding_box(out)
    assert bottom - top == 20  # the longer side fits the 20×20 box
    assert 9 <= right - left <= 11  # the aspect ratio is kept
    cy, cx = np.argwhere(out > 0.5).mean(axis=0)
    assert abs(cy - 13.5) <= 1 and abs(cx - 13.5) <= 1


def test_centre_by_mass_never_pushes_ink_out_of_the_frame():
    digit = np.zeros((20, 20), np.float32)
    digit[:, 0] = 1.0  # all mass on the left edge
    out = centre_by_mass(digit)
    assert out.sum() == pytest.approx(digit.sum())


def _digit_picture(mnist_digit: np.ndarray, size: tuple[int, int], mode: str) -> Image.Image:
    """An MNIST digit drawn dark on light paper, enlarged, in the given mode."""
    picture = Image.fromarray(255 - mnist_digit).resize(size, Image.Resampling.BICUBIC)
    return picture.convert(mode)


@pytest.mark.parametrize("mode", ["L", "RGB", "P", "I;16", "1"])
def test_large_pictures_in_any_mode_are_recognised(tmp_path, shipped_inspector, mnist, mode):
    for index in range(5):
        path = tmp_path / f"digit{index}.png"
        _digit_picture(mnist.x_test[index], (150, 210), mode).save(path)
        image = load_digit_image(path)
        assert image.shape == (28, 28) and image.dtype == np.float32
        assert shipped_inspector.run(image).predicted == mnist.y_test[index], (mode, index)


def test_transparent_png_with_dark_strokes(tmp_path, shipped_inspector, mnist):
    ink = Image.fromarray(mnist.x_test[0]).resize((112, 112), Image.Resampling.BICUBIC)
    picture = Image.new("RGBA", ink.size, (0, 0, 0, 0))
    picture.putalpha(ink)  # black strokes, transparent paper
    path = tmp_path / "strokes.png"
    picture.save(path)
    assert shipped_inspector.run(load_digit_image(path)).predicted == mnist.y_test[0]


def test_28x28_pictures_are_used_as_they_are(tmp_path, mnist):
    path = tmp_path / "mnist.bmp"
    Image.fromarray(mnist.x_test[3]).save(path)
    np.testing.assert_allclose(load_digit_image(path), mnist.x_test[3] / 255.0, atol=1e-6)


def test_npy_arrays(tmp_path, mnist):
    np.save(tmp_path / "u8.npy", mnist.x_test[4])
    np.save(tmp_path / "f.npy", mnist.x_test[4] / 255.0)
    np.save(tmp_path / "f255.npy", mnist.x_test[4].astype(np.float32))
    for name in ("u8.npy", "f.npy", "f255.npy"):
        np.testing.assert_allclose(load_digit_image(tmp_path / name), mnist.x_test[4] / 255.0, atol=1e-6)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("text.png", b"this is not a picture", "not an image"),
        ("empty.jpg", b"", "not an image"),
        ("wrong.npy", None, "expected 28×28 numbers"),
        ("broken.npy", b"\x93NUMPY garbage", "not a readable .npy array"),
    ],
)
def test_unreadable_files_get_a_one_line_reason(tmp_path, name, content, message):
    path = tmp_path / name
    if content is None:
        np.save(path, np.zeros((5, 5)))
    else:
        path.write_bytes(content)
    with pytest.raises(ImageFileError) as info:
        load_digit_image(path)
    assert message in str(info.value) and str(path) in str(info.value) and "\n" not in str(info.value)
