"""layer_picture: an activation laid out as a mosaic or strip, coloured through a LUT, gaps transparent."""

from __future__ import annotations

import numpy as np

from guiapp.core.live.layer_picture import PER_MAP, SHARED, colourise, layer_picture, layout

GREY = np.stack([np.arange(256)] * 3 + [np.full(256, 255)], axis=1).astype(np.uint8)  # (256, 4) black → white


def test_32_maps_tile_eight_to_a_row():
    activation = np.random.default_rng(0).random((26, 26, 32), dtype=np.float32)
    mosaic, grid, levels = layout(activation, SHARED)
    assert (grid.rows, grid.cols) == (4, 8)
    assert mosaic.shape == (4 * 27 - 1, 8 * 27 - 1)
    assert np.isnan(mosaic[26, 0])  # the gap row between tiles
    assert levels == (0.0, 1.0)
    np.testing.assert_array_equal(mosaic[:26, 27:53], activation[:, :, 1])


def test_per_map_scales_each_map_to_0_1():
    activation = np.zeros((2, 2, 2), np.float32)
    activation[..., 0] = [[0, 5], [5, 10]]
    activation[..., 1] = [[0, 0.1], [0.1, 0.2]]
    mosaic, _, levels = layout(activation, PER_MAP)
    assert levels == (0.0, 1.0)
    np.testing.assert_allclose(mosaic[:2, :2], [[0, 0.5], [0.5, 1]])
    np.testing.assert_allclose(mosaic[:2, 3:5], [[0, 0.5], [0.5, 1]])


def test_a_vector_wraps_into_a_strip_of_128():
    strip, grid, levels = layout(np.arange(9216, dtype=np.float32), SHARED)
    assert strip.shape == (72, 128)
    assert (grid.count, grid.rows, grid.cols) == (9216, 72, 128)
    assert levels == (0.0, 10000.0)
    short, _, _ = layout(np.arange(130, dtype=np.float32), SHARED)
    assert short.shape == (2, 128) and np.isnan(short[1, 2:]).all()
    assert layout(np.ones(10, np.float32), SHARED)[0].shape == (1, 10)


def test_colourise_maps_levels_and_makes_nan_transparent():
    rgba = colourise(np.array([[0.0, 0.5, 1.0, np.nan, 7.0]], np.float32), (0.0, 1.0), GREY)
    assert rgba.shape == (1, 5, 4) and rgba.dtype == np.uint8
    assert rgba[0, :, 0].tolist() == [0, 127, 255, 0, 255]  # above the top level: clipped
    assert rgba[0, :, 3].tolist() == [255, 255, 255, 0, 255]
    flat = colourise(np.full((2, 2), 3.0, np.float32), (3.0, 3.0), GREY)  # an empty range: the bottom colour
    assert (flat[..., 0] == 0).all()


def test_layer_picture_carries_grid_levels_and_pixels():
    picture = layer_picture(np.ones((12, 12, 64), np.float32) * 0.5, SHARED, GREY)
    assert picture.rgba.shape == (*picture.grid.shape, 4)
    assert picture.grid.shape == (8 * 13 - 1, 8 * 13 - 1)
    assert picture.levels == (0.0, 1.5)  # a constant layer gets a range of one above it, on a round number
    assert picture.rgba[0, 0, 0] == 85  # 0.5 of 1.5 → 255/3
