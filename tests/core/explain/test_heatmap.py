"""Heatmaps: red for evidence, blue against, transparent at zero; the PNG the CLI writes."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageFont

from guiapp.core.errors import OutputExistsError
from guiapp.core.explain.attribution import Attribution, Completeness
from guiapp.core.explain.heatmap import (
    BAR_WIDTH,
    GAP,
    MARGIN,
    MAX_ALPHA,
    MAX_SIDE,
    PAPER_INK,
    colour_bar_rgba,
    diverging_rgba,
    drawable,
    heatmap_png,
    heatmap_title,
    overlay_on,
    png_scale,
    upscaled,
)

FULL_ALPHA = round(255 * MAX_ALPHA)


def test_positive_is_red_negative_is_blue_zero_is_transparent():
    rgba = diverging_rgba(np.array([[2.0, -2.0, 0.0, 1.0, -4.0]]), limit=2.0)
    assert rgba.shape == (1, 5, 4) and rgba.dtype == np.uint8
    red, blue, zero, half, beyond = rgba[0].astype(int)
    assert red[0] > red[1] + 100 and red[0] > red[2] + 100 and red[3] == FULL_ALPHA
    assert blue[2] > blue[0] + 100 and blue[3] == FULL_ALPHA
    assert zero[3] == 0
    # Half the limit: half the opacity, and paler (closer to white) than the full colour.
    assert abs(half[3] - FULL_ALPHA / 2) <= 1 and half[1] > red[1] and half[0] >= red[0]
    assert (beyond == blue).all()  # clipped at the limit


def test_alpha_grows_with_the_size_of_the_evidence():
    values = np.linspace(-1, 1, 21, dtype=np.float32)[np.newaxis]
    alpha = diverging_rgba(values, 1.0)[0, :, 3].astype(int)
    assert (np.diff(alpha[10:]) > 0).all() and (np.diff(alpha[:11]) < 0).all()
    assert alpha[10] == 0 and alpha[0] == alpha[-1] == FULL_ALPHA
    assert diverging_rgba(values, 1.0, max_alpha=0.5)[0, -1, 3] == round(255 * 0.5)


@pytest.mark.parametrize("limit", [0.0, -1.0, float("nan"), float("inf")])
def test_a_limit_that_is_not_positive_and_finite_draws_nothing(limit):
    rgba = diverging_rgba(np.random.default_rng(0).normal(size=(28, 28)), limit)
    assert rgba.shape == (28, 28, 4) and not rgba.any()


def test_an_all_zero_map_is_fully_transparent():
    assert not diverging_rgba(np.zeros((512, 512), np.float32), 1.0)[..., 3].any()


def test_nan_and_infinity_count_as_zero():
    values = np.array([[np.nan, np.inf, -np.inf, 1.0, -1.0]], np.float32)
    with np.errstate(all="raise"):  # no warning either: it runs on every frame
        rgba = diverging_rgba(values, 1.0)
    assert (rgba[0, :3] == diverging_rgba(np.zeros((1, 3)), 1.0)[0]).all()  # the same as a zero value
    assert not rgba[0, :3, 3].any()
    assert (rgba[0, 3:] == diverging_rgba(np.array([[1.0, -1.0]]), 1.0)[0]).all()


def test_colour_bar_runs_from_red_through_transparent_to_blue():
    bar = colour_bar_rgba(101, 12)
    assert bar.shape == (101, 12, 4)
    top, middle, bottom = bar[0, 0].astype(int), bar[50, 0].astype(int), bar[-1, 0].astype(int)
    assert top[0] > top[2] + 100 and top[3] == FULL_ALPHA
    assert middle[3] == 0
    assert bottom[2] > bottom[0] + 100 and bottom[3] == FULL_ALPHA
    assert (bar == bar[:, :1]).all()  # every column the same


def test_overlay_keeps_the_digit_where_there_is_no_evidence():
    digit = np.zeros((4, 4), np.float32)
    digit[1:3, 1:3] = 1.0
    clear = np.zeros((4, 4, 4), np.uint8)
    on_paper = overlay_on(digit, clear)  # a grey input: dark ink on white paper
    assert on_paper.shape == (4, 4, 3) and on_paper.dtype == np.uint8
    assert (on_paper[0, 0] == 255).all() and (np.abs(on_paper[1, 1] - 255 * PAPER_INK) <= 0.5).all()
    as_seen = overlay_on(digit, clear, paper=False)
    assert (as_seen[0, 0] == 0).all() and (as_seen[1, 1] == 255).all()
    colour = np.zeros((4, 4, 3), np.float32)
    colour[..., 1] = 1.0  # pure green: drawn as its grey (ITU-R 601 luma)
    assert (overlay_on(colour, clear)[0, 0] == round(255 * 0.587)).all()


def test_overlay_blends_the_heat_by_its_alpha():
    digit = np.zeros((1, 2), np.float32)
    heat = diverging_rgba(np.array([[1.0, -1.0]]), 1.0)
    out = overlay_on(digit, heat, paper=False).astype(int)  # over black: the colour times its alpha
    expected = np.rint(heat[..., :3].astype(np.float32) * heat[..., 3:4] / 255.0)
    assert np.abs(out - expected).max() <= 1
    assert out[0, 0, 0] > out[0, 0, 2] and out[0, 1, 2] > out[0, 1, 0]


def _seven_attribution() -> Attribution:
    values = np.zeros((28, 28), np.float32)
    values[4:12, 4:12], values[16:24, 8:20] = 2.0, -1.0
    return Attribution("ig", 7, 1, values, check=Completeness(10.0, 10.2, 64))


def test_heatmap_png_has_the_map_enlarged_and_a_bar_beside_it(tmp_path):
    digit = np.zeros((28, 28), np.float32)
    digit[6:22, 13:16] = 1.0
    attribution = _seven_attribution()
    path = heatmap_png(tmp_path / "seven.png", digit, attribution, "integrated gradients — class 7", scale=10)
    with Image.open(path) as png:
        assert png.format == "PNG"
        pixels = np.asarray(png.convert("RGB"))
    height, width = pixels.shape[:2]
    assert width >= MARGIN + 280 + GAP + BAR_WIDTH + GAP + MARGIN and height > 280 + 2 * MARGIN
    map_top = height - MARGIN - 280
    expected = upscaled(overlay_on(digit, diverging_rgba(attribution.values, attribution.limit)), 10)
    assert (pixels[map_top:map_top + 280, MARGIN:MARGIN + 280] == expected).all()
    bar = pixels[map_top:map_top + 280, MARGIN + 280 + GAP + BAR_WIDTH // 2]
    assert bar[0, 0] > bar[0, 2] + 100 and bar[-1, 2] > bar[-1, 0] + 100  # red on top, blue at the bottom
    assert (bar[140] >= 250).all()  # white in the middle
    assert pixels[:map_top - 1].min() < 100  # the title's ink
    assert [p.name for p in tmp_path.iterdir()] == ["seven.png"]  # no temporary file left behind


def test_heatmap_png_refuses_an_existing_file_unless_forced(tmp_path):
    path = tmp_path / "map.png"
    path.write_bytes(b"mine")
    with pytest.raises(OutputExistsError, match="already exists"):
        heatmap_png(path, np.zeros((28, 28)), _seven_attribution(), "t")
    assert path.read_bytes() == b"mine"
    heatmap_png(path, np.zeros((28, 28)), _seven_attribution(), "t", force=True)
    with Image.open(path) as png:
        assert png.format == "PNG"


def test_large_inputs_are_enlarged_less(tmp_path):
    assert png_scale((28, 28), 10) == 10 and png_scale((512, 512), 10) == MAX_SIDE // 512
    assert png_scale((4096, 64), 10) == 1
    values = np.zeros((200, 100), np.float32)
    values[0, 0] = 1.0
    path = heatmap_png(tmp_path / "big.png", np.zeros((200, 100, 3)), Attribution("gradient", 0, None, values), "t")
    with Image.open(path) as png:
        pixels = np.asarray(png.convert("RGB"))
    title_height = pixels.shape[0] - 2 * MARGIN - 1000  # ×5: 1000×500
    assert 0 < title_height < 50 and pixels.shape[1] >= MARGIN + 500 + GAP + BAR_WIDTH
    top = MARGIN + title_height
    assert pixels[top, MARGIN, 0] > pixels[top, MARGIN, 2] + 100  # the one red pixel, as a 5×5 square
    assert (pixels[top:top + 5, MARGIN:MARGIN + 5] == pixels[top, MARGIN]).all()
    assert (pixels[top + 5, MARGIN] == 0).all()  # then the black picture, as it is (a colour picture)


def test_title_names_the_method_the_classes_and_the_completeness_gap():
    names = [str(i) for i in range(10)]
    assert heatmap_title(_seven_attribution(), names) == "integrated gradients — class 7 (vs 1), completeness gap 1.96%"
    plain = Attribution("gradient-input", 3, None, np.zeros((2, 2)))
    assert heatmap_title(plain, ["a", "b", "c", "three"]) == "gradient × input — class three"


def test_characters_the_default_font_lacks_are_replaced():
    font = ImageFont.load_default()
    text = drawable("gradient × input — class 7", font)
    assert text.isascii() and "class 7" in text and "input" in text
