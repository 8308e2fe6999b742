"""The explain figure at a chosen width: exactly that wide, twice the size is twice everything (type included),
the map keeps whole square pixels, and a width out of bounds is one line."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from PIL import Image

from guiapp.cli.explain_figure import MAX_SIZE, MIN_SIZE, check_size, figure_png, figure_size
from guiapp.core.errors import GuiappError, OutputExistsError

TITLE = "integrated gradients — class 7, completeness gap 0.00%"


@pytest.fixture()
def attribution():
    values = np.zeros((28, 28), np.float32)
    values[5:10, 5:10], values[15:20, 15:20] = 0.5, -0.5
    return SimpleNamespace(values=values, limit=0.5)


def _ink_rows(path, top, bottom):
    """How many rows between ``top`` and ``bottom`` hold dark (title) ink."""
    grey = np.asarray(Image.open(path).convert("L"))[top:bottom]
    return int((grey < 100).any(axis=1).sum())


def test_twice_the_size_is_twice_the_figure_and_its_type(tmp_path, attribution):
    image = np.zeros((28, 28), np.float32)
    small = figure_png(tmp_path / "a.png", image, attribution, TITLE, 400)
    large = figure_png(tmp_path / "b.png", image, attribution, TITLE, 800)
    (w1, h1), (w2, h2) = Image.open(small).size, Image.open(large).size
    assert (w1, w2) == (400, 800) and abs(h2 - 2 * h1) <= 1
    # The title's letters are twice as tall (its ink rows above the map), give or take a font's hinting.
    assert abs(_ink_rows(large, 0, h2 // 8) - 2 * _ink_rows(small, 0, h1 // 8)) <= 3
    assert _ink_rows(small, 0, h1 // 8) >= 10  # not the old 11-pixel bitmap type


def test_the_map_is_whole_square_pixels(tmp_path, attribution):
    path = figure_png(tmp_path / "a.png", np.zeros((28, 28), np.float32), attribution, "t", 1000)
    pixels = np.asarray(Image.open(path).convert("RGB")).astype(int)
    red = (pixels[..., 0] - pixels[..., 2]) > 100
    rows, cols = np.nonzero(red[:, : pixels.shape[1] * 3 // 4])  # the map, not the colour bar
    side = rows.max() - rows.min() + 1
    assert side == cols.max() - cols.min() + 1 and side % 5 == 0  # 5 input pixels, each a whole square


def test_an_existing_figure_is_kept_unless_forced(tmp_path, attribution):
    path = tmp_path / "a.png"
    path.write_bytes(b"mine")
    with pytest.raises(OutputExistsError):
        figure_png(path, np.zeros((28, 28)), attribution, "t", 400)
    assert path.read_bytes() == b"mine"
    figure_png(path, np.zeros((28, 28)), attribution, "t", 400, force=True)
    assert Image.open(path).size[0] == 400


@pytest.mark.parametrize("text", ["50", "4001", "abc", "1.5", "-400"])
def test_a_size_out_of_bounds_is_one_line(text):
    with pytest.raises(GuiappError) as caught:
        figure_size(text)
    assert str(caught.value).startswith(f"--size {text}: ") and f"{MIN_SIZE} to {MAX_SIZE}" in str(caught.value)


def test_sizes_in_bounds_pass():
    assert figure_size(None) is None and figure_size(" 800 ") == 800 and check_size(MIN_SIZE) == MIN_SIZE
