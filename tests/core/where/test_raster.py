"""The map's points painted into one RGBA picture: where each disc lands, which covers which, the edges."""

from __future__ import annotations

import numpy as np

from guiapp.core.where.raster import disc_offsets, point_pixels, rasterise

RED = (255, 0, 0, 255)
BLUE = (0, 0, 255, 255)
VIEW = (0.0, 0.0, 100.0, 50.0)  # 100 × 50 data units onto 200 × 100 pixels: 2 pixels a unit
SIZE = (200, 100)


def _colours(*rgba: tuple[int, int, int, int]) -> np.ndarray:
    return np.array(rgba, np.uint8)


def test_a_point_is_a_disc_of_its_colour_at_its_pixel_with_y_up():
    picture = rasterise(np.array([[25.0, 40.0]]), _colours(RED), VIEW, SIZE, radius=3)
    assert picture.shape == (100, 200, 4) and picture.dtype == np.uint8
    # x = 25 → column 50; y = 40 of 0..50, y up → 10 units below the top → row 20.
    assert tuple(picture[20, 50]) == RED
    assert tuple(picture[20, 53]) == RED and tuple(picture[17, 50]) == RED  # the radius, both ways
    assert tuple(picture[20, 54]) == (0, 0, 0, 0) and tuple(picture[23, 53]) == (0, 0, 0, 0)  # beyond it
    disc = picture[..., 3] > 0
    assert disc.sum() == disc_offsets(3.0)[0].size == 29  # the pixels within 3 of the centre
    assert picture[~disc].sum() == 0  # the background stays transparent


def test_point_pixels_follow_the_view():
    rows, cols = point_pixels(np.array([[0.0, 50.0], [99.9, 0.1], [50.0, 25.0]]), VIEW, SIZE)
    assert rows.tolist() == [0, 99, 50] and cols.tolist() == [0, 199, 100]


def test_later_points_cover_earlier_ones():
    points = np.array([[50.0, 25.0], [51.0, 25.0]])  # two pixels apart: the discs overlap
    red_then_blue = rasterise(points, _colours(RED, BLUE), VIEW, SIZE, radius=4)
    blue_then_red = rasterise(points[::-1], _colours(BLUE, RED), VIEW, SIZE, radius=4)
    assert tuple(red_then_blue[50, 101]) == BLUE and tuple(blue_then_red[50, 101]) == RED
    assert tuple(red_then_blue[50, 97]) == RED  # the first's far side still shows
    # The same centre pixel many times: the last of them wins, whatever the count.
    many = np.repeat([[50.0, 25.0]], 7, axis=0)
    colours = np.array([RED] * 6 + [BLUE], np.uint8)
    assert tuple(rasterise(many, colours, VIEW, SIZE, radius=2)[50, 100]) == BLUE


def test_the_order_rule_holds_in_a_crowd():
    rng = np.random.default_rng(3)
    points = rng.uniform(40, 60, (2000, 2)) * [1, 0.5]
    colours = np.zeros((2000, 4), np.uint8)
    colours[:, 0] = np.arange(2000) % 256
    colours[:, 1] = np.arange(2000) // 256
    colours[:, 3] = 255
    picture = rasterise(points, colours, VIEW, SIZE, radius=2.5)
    # Every point's centre pixel shows the point itself or a later one: nothing earlier lies on top.
    rows, cols = point_pixels(points, VIEW, SIZE)
    shown = picture[rows, cols, 0].astype(int) + 256 * picture[rows, cols, 1].astype(int)
    assert (shown >= np.arange(2000)).all()
    assert shown[-1] == 1999


def test_discs_across_the_edge_are_clipped_and_points_outside_skipped():
    points = np.array([[0.0, 25.0], [100.0, 50.0], [-10.0, 25.0], [50.0, 80.0]])
    picture = rasterise(points, _colours(RED, BLUE, RED, BLUE), VIEW, SIZE, radius=3)
    assert tuple(picture[50, 0]) == RED and tuple(picture[50, 2]) == RED  # the half disc at the left edge
    assert tuple(picture[0, 199]) == BLUE  # a quarter disc in the top-right corner
    # The left disc's right half with its centre column (7 + 5 + 5 + 1 pixels); the corner point's centre
    # is column 200, one past the edge, so only its lower-left part shows (3 + 3 + 1 pixels).
    assert (picture[..., 3] > 0).sum() == 18 + 7
    assert (picture[..., 3] > 0)[:, 10:190].sum() == 0  # the points outside left nothing


def test_empty_input_gives_an_empty_transparent_picture():
    picture = rasterise(np.zeros((0, 2), np.float32), np.zeros((0, 4), np.uint8), VIEW, SIZE, radius=2.5)
    assert picture.shape == (100, 200, 4) and not picture.any()
    far = rasterise(np.array([[500.0, 500.0]]), _colours(RED), VIEW, SIZE, radius=2.5)
    assert far.shape == (100, 200, 4) and not far.any()
    assert rasterise(np.array([[1.0, 1.0]]), _colours(RED), VIEW, (0, 0), radius=2.5).shape == (0, 0, 4)
