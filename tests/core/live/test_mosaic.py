"""Tiling many maps into one image, and finding a map again from a pixel."""

from __future__ import annotations

import numpy as np
import pytest

from guiapp.core.live.mosaic import (
    grid_for,
    scale_per_map,
    symmetric_levels,
    tile,
    value_levels,
)


@pytest.mark.parametrize(("count", "size", "cols"), [(32, 26, 8), (64, 24, 8), (64, 12, 8), (10, 3, 4), (1, 5, None)])
def test_every_map_lands_in_its_tile_and_is_found_again(count, size, cols):
    rng = np.random.default_rng(count)
    maps = rng.random((size, size, count), dtype=np.float32)
    grid = grid_for(count, size, size, cols=cols)
    mosaic = tile(maps, grid)
    assert mosaic.shape == grid.shape
    for index in range(count):
        y, x = grid.origin(index)
        np.testing.assert_array_equal(mosaic[y:y + size, x:x + size], maps[:, :, index])
        assert grid.index_at(y + size - 1, x) == index
    # Gaps and unused tiles are NaN (drawn transparent) and belong to no map.
    if grid.rows > 1:
        assert np.isnan(mosaic[size, :]).all() and grid.index_at(size, 0) is None
    assert np.isfinite(mosaic).sum() == count * size * size


def test_shapes_of_the_mnist_layers():
    assert grid_for(32, 26, 26, cols=8).shape == (4 * 27 - 1, 8 * 27 - 1)
    assert grid_for(64, 24, 24, cols=8).shape == (8 * 25 - 1, 8 * 25 - 1)


def test_per_map_scaling_and_levels():
    maps = np.stack([np.zeros((4, 4)), np.full((4, 4), 3.0), np.arange(16.0).reshape(4, 4)], axis=-1)
    scaled = scale_per_map(maps)
    assert scaled[..., 0].max() == 0 and scaled[..., 2].max() == 1.0 and scaled[..., 2].min() == 0.0
    assert value_levels(np.array([2.0, 2.0])) == (2.0, 3.0)
    assert symmetric_levels(np.array([-0.2, 0.5, np.nan])) == (-0.5, 0.5)


def test_nice_levels_stay_put_while_values_grow_a_little():
    from guiapp.core.live.mosaic import nice_ceiling, nice_levels

    assert [nice_ceiling(v) for v in (0.7, 1.0, 1.01, 1.3, 2.2, 7.1, 0.034)] == [0.8, 1.0, 1.2, 1.5, 2.5, 8.0, 0.04]
    assert nice_levels(np.array([0.0, 1.31])) == nice_levels(np.array([0.0, 1.45])) == (0.0, 1.5)
    assert nice_levels(np.array([-0.31, 2.0])) == (-0.4, 2.0)
    assert nice_levels(np.zeros(4)) == (0.0, 1.0)
