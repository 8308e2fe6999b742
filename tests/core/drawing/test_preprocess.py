"""preprocess: MNIST's recipe (crop, fit 20×20, centre of mass) from any grey picture to the network input."""

from __future__ import annotations

import numpy as np
import pytest

from guiapp.core.drawing.preprocess import (
    MNIST_FRAME,
    Placement,
    PreprocessOptions,
    box_for,
    centre_by_mass,
    drawing_to_network_input,
    fit_into_box,
    ink_bounding_box,
    mnist_preprocess,
    mnist_preprocess_placed,
    preprocess_stages,
)
from guiapp.core.drawing.strokes import Drawing, Stroke


def _bar(shape=(280, 280), rows=(40, 240), cols=(60, 80)) -> np.ndarray:
    image = np.zeros(shape, np.float32)
    image[rows[0]:rows[1], cols[0]:cols[1]] = 1.0
    return image


def test_box_for_is_20_28ths_of_each_side():
    assert box_for(MNIST_FRAME) == (20, 20)
    assert box_for((56, 14)) == (40, 10)
    assert box_for((1, 1)) == (1, 1)


def test_ink_bounding_box_and_blank():
    assert ink_bounding_box(_bar()) == (40, 240, 60, 80)
    assert ink_bounding_box(np.zeros((5, 5))) is None
    faint = np.zeros((10, 10))
    faint[2, 3], faint[7, 8] = 1.0, 0.05  # below a tenth of the peak: not ink
    assert ink_bounding_box(faint) == (2, 3, 3, 4)


def test_fit_into_box_keeps_the_aspect_ratio():
    assert fit_into_box(np.ones((200, 20), np.float32)).shape == (20, 2)
    assert fit_into_box(np.ones((10, 40), np.float32), (20, 10)).shape == (2, 10)


def test_a_tall_bar_becomes_a_20_pixel_digit_at_the_centre():
    out = mnist_preprocess(_bar())
    assert out.shape == (28, 28) and out.dtype == np.float32
    rows = np.flatnonzero(out.max(axis=1) > 0.5)
    assert rows[-1] - rows[0] + 1 == 20
    ys, xs = np.nonzero(out)
    weights = out[ys, xs]
    assert abs(np.average(ys, weights=weights) - 13.5) <= 1.0
    assert abs(np.average(xs, weights=weights) - 13.5) <= 1.0
    assert 0.0 <= out.min() and out.max() <= 1.0


def test_blank_picture_gives_zeros_and_no_placement():
    final, placement = mnist_preprocess_placed(np.zeros((280, 280), np.float32))
    assert placement is None and final.shape == (28, 28) and not final.any()


def test_other_frames_and_options():
    assert mnist_preprocess(_bar(), frame=(32, 16)).shape == (32, 16)
    whole = preprocess_stages(_bar(), PreprocessOptions(False, False, False))
    assert whole.box == (0, 280, 0, 280)
    assert whole.fitted.shape == (28, 28)  # the canvas' own scale, 28/280
    assert whole.shift == (0, 0)
    assert whole.final[4:24, 6:8].mean() > 0.9  # the bar stays where it was drawn, scaled by 1/10


def test_options_label_names_the_steps_left_out():
    assert PreprocessOptions().label == "MNIST recipe"
    assert PreprocessOptions(False, False, False).label == "whole canvas downscaled"
    assert PreprocessOptions(centre=False).label == "without centre of mass"
    assert PreprocessOptions(crop=False, fit=False).label == "without crop and fit 20×20"


def test_placement_maps_input_pixels_back_to_the_canvas():
    stages = preprocess_stages(_bar())
    placement = stages.placement
    assert placement.crop_top == 40 and placement.crop_left == 60
    assert placement.scale_y == pytest.approx(20 / 200)
    top, left, bottom, right = placement.to_source(placement.offset_y, placement.offset_x,
                                                   placement.offset_y + 20, placement.offset_x + 2)
    assert (top, left, bottom, right) == pytest.approx((40, 60, 240, 80))
    assert Placement(0, 0, 0.5, 0.5, 2, 2).to_source(2, 2, 4, 4) == (0, 0, 4, 4)


def test_centre_by_mass_moves_the_mass_to_the_middle():
    digit = np.zeros((4, 4), np.float32)
    digit[:, 3] = 1.0  # mass on the right edge
    out = centre_by_mass(digit, 28)
    assert out.shape == (28, 28) and out.sum() == pytest.approx(4.0)
    cols = np.flatnonzero(out.any(axis=0))
    assert len(cols) == 1 and abs(cols[0] - 13.5) == 0.5  # a whole-pixel shift next to the centre, 13.5


def test_drawing_to_network_input_rasterises_strokes():
    drawing = Drawing(strokes=(Stroke(((140.0, 45.0), (140.0, 235.0)), 18.0),))
    out = drawing_to_network_input(drawing)
    assert out.shape == (28, 28)
    rows = np.flatnonzero(out.max(axis=1) > 0.3)
    assert rows[-1] - rows[0] + 1 >= 19
    assert not drawing_to_network_input(Drawing()).any()
