"""Picture files of any format, size and mode are read as 0..1 arrays; hostile ones are refused in one line."""

from __future__ import annotations

import io
import warnings
import zipfile

import numpy as np
import pytest
from PIL import Image

from guiapp.core.drawing.images import MAX_WORKING_SIDE, load_digit_image, load_picture
from guiapp.core.drawing.preprocess import (
    centre_by_mass,
    ink_bounding_box,
    mnist_preprocess,
)
from guiapp.core.errors import ImageFileError
from tests.models import npy_declaring, png_declaring


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
    np.save(tmp_path / "hw1.npy", mnist.x_test[4][..., np.newaxis])
    for name in ("u8.npy", "f.npy", "f255.npy", "hw1.npy"):
        np.testing.assert_allclose(load_digit_image(tmp_path / name), mnist.x_test[4] / 255.0, atol=1e-6)


# ----------------------------------------------------------------- any picture


def test_colour_pictures_stay_colour_and_grey_ones_grey(tmp_path):
    rgb = np.zeros((30, 40, 3), np.uint8)
    rgb[..., 0], rgb[:, 20:, 2] = 200, 100
    Image.fromarray(rgb).save(tmp_path / "colour.png")
    Image.fromarray(rgb[..., :1].repeat(3, axis=2)).save(tmp_path / "grey_as_rgb.png")  # R = G = B
    colour = load_picture(tmp_path / "colour.png")
    assert colour.shape == (30, 40, 3) and colour.dtype == np.float32
    np.testing.assert_allclose(colour[0, 0], [200 / 255, 0, 0], atol=1e-6)
    np.testing.assert_allclose(colour[0, 39], [200 / 255, 0, 100 / 255], atol=1e-6)
    grey = load_picture(tmp_path / "grey_as_rgb.png")
    assert grey.shape == (30, 40)
    np.testing.assert_allclose(grey, 200 / 255, atol=1e-6)


def test_transparent_pixels_are_white_paper(tmp_path):
    rgba = np.zeros((10, 12, 4), np.uint8)
    rgba[:, :6] = (255, 0, 0, 255)  # opaque red on the left, fully transparent black on the right
    rgba[:, 6:9, 3] = 128  # half-transparent black
    Image.fromarray(rgba, "RGBA").save(tmp_path / "alpha.png")
    picture = load_picture(tmp_path / "alpha.png")
    np.testing.assert_allclose(picture[0, 0], [1, 0, 0], atol=1e-6)
    np.testing.assert_allclose(picture[0, 11], [1, 1, 1], atol=1e-6)
    np.testing.assert_allclose(picture[0, 7], 1 - 128 / 255, atol=1e-6)


def test_sixteen_bit_greys_use_their_whole_range(tmp_path):
    ramp = np.linspace(0, 65535, 64 * 16).reshape(16, 64).astype(np.uint16)
    Image.fromarray(ramp).save(tmp_path / "sixteen.png")
    picture = load_picture(tmp_path / "sixteen.png")
    assert picture.shape == (16, 64)
    assert picture.min() == 0.0 and picture.max() == pytest.approx(1.0)
    assert picture[8, 32] == pytest.approx(ramp[8, 32] / 65535, abs=1e-4)


@pytest.mark.parametrize(("name", "mode"), [
    ("p.gif", "P"), ("l.webp", "L"), ("rgb.tiff", "RGB"), ("cmyk.jpg", "CMYK"), ("la.png", "LA"), ("ptrans.png", "P+transparency"),
])
def test_every_format_and_mode_is_read(tmp_path, name, mode):
    picture = Image.new("RGB", (24, 18), (255, 255, 255))
    picture.paste((0, 0, 0), (6, 4, 18, 14))  # a black box on white
    picture = picture.convert(mode.split("+")[0])
    options = {"lossless": True} if name.endswith(".webp") else {}
    if mode == "P+transparency":  # the white paper transparent: it must read as white again
        options = {"transparency": picture.getpixel((0, 0))}
    picture.save(tmp_path / name, **options)
    array = load_picture(tmp_path / name)
    assert array.shape[:2] == (18, 24) and array.dtype == np.float32
    assert 0.0 <= array.min() and array.max() <= 1.0
    assert array[0, 0].mean() == pytest.approx(1.0, abs=0.05) and array[9, 12].mean() == pytest.approx(0.0, abs=0.05)


def test_an_animated_gif_gives_its_first_frame(tmp_path):
    frames = [Image.new("L", (16, 16), value) for value in (0, 255, 128)]
    frames[0].save(tmp_path / "anim.gif", save_all=True, append_images=frames[1:])
    picture = load_picture(tmp_path / "anim.gif")
    assert picture.shape == (16, 16) and picture.max() == 0.0


def test_big_pictures_are_reduced_before_they_become_floats(tmp_path):
    Image.new("L", (5000, 300), 255).save(tmp_path / "wide.png")
    picture = load_picture(tmp_path / "wide.png")
    assert max(picture.shape) <= MAX_WORKING_SIDE
    assert picture.shape == (100, 1667)  # a whole-pixel reduction by 3 keeps the aspect ratio
    big = np.zeros((3000, 20), np.uint8)
    np.save(tmp_path / "tall.npy", big)
    assert load_picture(tmp_path / "tall.npy").shape == (1500, 10)


# ----------------------------------------------------------------- hostile files


def _refused(path) -> str:
    """The one-line reason a file is refused; no warning may escape either."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ImageFileError) as info:
            load_picture(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ") and "\n" not in message
    return message


def test_a_20000_by_20000_png_is_refused_from_its_header(tmp_path):
    bomb = png_declaring(tmp_path / "bomb.png", 20_000, 20_000)
    assert bomb.stat().st_size < 200  # refused without decoding a byte of its 400 megapixels
    assert "declares a picture of 400 megapixels, more than the 50 megapixels guiapp reads" in _refused(bomb)


@pytest.mark.parametrize(("width", "height", "message"), [
    (10_000, 6_000, "declares a 10000×6000 picture (60 megapixels)"),  # under PIL's own warning: ours refuses it
    (10_000, 10_000, "declares a picture of 100 megapixels"),  # PIL warns: the warning is caught, not printed
])
def test_pictures_over_50_megapixels_are_refused(tmp_path, width, height, message):
    assert message in _refused(png_declaring(tmp_path / "big.png", width, height))


def test_a_real_decompression_bomb_written_by_pil(tmp_path):
    path = tmp_path / "real_bomb.png"
    Image.new("1", (20_000, 20_000)).save(path)  # 400 megapixels of zeros: tens of kilobytes on disk
    assert "400 megapixels" in _refused(path)


def test_float_pictures(tmp_path):
    ramp = np.linspace(-5, 300, 100, dtype=np.float32).reshape(10, 10)
    Image.fromarray(ramp, "F").save(tmp_path / "float.tiff")
    picture = load_picture(tmp_path / "float.tiff")
    assert picture[0, 0] == 0.0 and picture[-1, -1] == 1.0  # negative is black, the peak white
    Image.fromarray(np.full((4, 4), np.nan, np.float32), "F").save(tmp_path / "nan.tiff")
    assert "unreadable picture (it holds NaN or infinite values)" in _refused(tmp_path / "nan.tiff")


def test_a_truncated_picture(tmp_path):
    buffer = io.BytesIO()
    Image.effect_noise((64, 64), 50).save(buffer, "PNG")
    path = tmp_path / "cut.png"
    path.write_bytes(buffer.getvalue()[:300])
    assert "unreadable picture" in _refused(path)


def test_formats_that_would_run_programs_are_not_opened(tmp_path):
    path = tmp_path / "drawing.eps"
    path.write_bytes(b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n")  # PIL would call Ghostscript
    assert "not a picture (or not in a format guiapp reads)" in _refused(path)


def test_a_npy_declaring_100000_by_100000_is_refused_before_allocating(tmp_path):
    path = npy_declaring(tmp_path / "huge.npy", (100_000, 100_000))
    assert path.stat().st_size < 200
    assert "declares a 100000×100000 array (10,000 megapixels)" in _refused(path)


def test_a_zip_named_npy(tmp_path):
    path = tmp_path / "archive.npy"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("x.npy", b"\x93NUMPY")
    assert "a zip archive (an .npz?), not a .npy array" in _refused(path)


def test_a_pickle_in_a_npy_is_never_loaded(tmp_path):
    path = tmp_path / "objects.npy"
    np.save(path, np.array([[object(), None]], dtype=object), allow_pickle=True)
    assert "holds Python objects, which guiapp never unpickles" in _refused(path)


@pytest.mark.parametrize(("array", "message"), [
    (np.zeros((4, 4, 4)), "holds an array of shape (4, 4, 4), expected (H, W), (H, W, 1) or (H, W, 3)"),
    (np.zeros(7), "holds an array of shape (7,)"),
    (np.zeros((0, 9)), "holds an empty array of shape (0, 9)"),
    (np.array([["a", "b"]]), "holds <U1 values, expected numbers"),
    (np.zeros((3, 3), complex), "holds complex128 values, expected numbers"),
    (np.full((3, 3), np.nan), "holds NaN or infinite values"),
    (np.full((3, 3), 1000.0), "holds values from 1000 to 1000, expected 0..1 or 0..255"),
    (np.full((3, 3), -1, np.int8), "holds values from -1 to -1"),
])
def test_npy_arrays_that_are_not_pictures(tmp_path, array, message):
    path = tmp_path / "odd.npy"
    np.save(path, array)
    assert message in _refused(path)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("text.png", b"this is not a picture", "not a picture"),
        ("empty.jpg", b"", "not a picture"),
        ("broken.npy", b"\x93NUMPY garbage", "not a readable .npy array"),
        ("short.npy", None, "not a readable .npy array"),
        ("text.npy", b"hello", "not a .npy array (no NumPy header)"),
    ],
)
def test_unreadable_files_get_a_one_line_reason(tmp_path, name, content, message):
    path = tmp_path / name
    if content is None:
        npy_declaring(path, (28, 28))  # the header promises 6,272 bytes; 16 follow
    else:
        path.write_bytes(content)
    assert message in _refused(path)


def test_missing_files_and_folders(tmp_path):
    assert "no such file" in _refused(tmp_path / "absent.png")
    assert "is a folder, not a file" in _refused(tmp_path)
