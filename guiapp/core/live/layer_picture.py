"""A layer's activation as a picture ready to draw: mosaic or strip, colour levels, RGBA pixels.

Colour-mapping thousands of floats is the costliest step of showing a result, and it
needs no Qt: the worker thread does it (:func:`layer_picture`), so the GUI thread only
hands finished RGBA pixels to an image item. Gaps between tiles are transparent.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from guiapp.core.live.mosaic import Grid, grid_for, nice_levels, scale_per_map, tile

__all__ = ["MAP_COLUMNS", "PER_MAP", "SHARED", "STRIP_WRAP", "LayerPicture", "colourise", "layer_picture", "layout"]

MAP_COLUMNS = 8  # feature maps per mosaic row
STRIP_WRAP = 128  # units per strip row (a flatten of 9216 values wraps into 72 rows)
SHARED, PER_MAP = "shared", "per_map"
LUT_SIZE = 256


@dataclass(frozen=True)
class LayerPicture:
    """One layer drawn: where each map sits, the colour levels, the pixels.

    (The float mosaic behind the pixels is not kept: it would double what crosses from the
    compute process for every update; :func:`layout` gives it again when it is wanted.)
    """

    grid: Grid
    levels: tuple[float, float]
    rgba: np.ndarray  # (h, w, 4) uint8


def layout(activation: np.ndarray, mode: str) -> tuple[np.ndarray, Grid, tuple[float, float]]:
    """A layer's activation as (mosaic or strip, its grid, colour levels)."""
    if activation.ndim == 3:
        h, w, c = activation.shape
        grid = grid_for(c, h, w, cols=min(MAP_COLUMNS, c))
        maps = scale_per_map(activation) if mode == PER_MAP else activation
        return tile(maps, grid), grid, (0.0, 1.0) if mode == PER_MAP else nice_levels(activation)
    flat = activation.reshape(-1)
    cols = min(STRIP_WRAP, flat.size)
    rows = -(-flat.size // cols)
    strip = np.full(rows * cols, np.nan, np.float32)
    strip[: flat.size] = flat
    return strip.reshape(rows, cols), Grid(flat.size, rows, cols, 1, 1, gap=0), nice_levels(flat)


def colourise(values: np.ndarray, levels: tuple[float, float], lut: np.ndarray) -> np.ndarray:
    """Map values to RGBA through ``lut`` ((256, 4) uint8) between ``levels``; NaN becomes transparent."""
    low, high = levels
    scale = (LUT_SIZE - 1) / (high - low) if high > low else 0.0
    # Each colour as one 32-bit word: one gather per pixel instead of four (4× faster on a slow host).
    words = np.ascontiguousarray(lut, dtype=np.uint8).view(np.uint32).reshape(-1)
    index = np.subtract(values, low, dtype=np.float32)
    np.multiply(index, scale, out=index)
    np.clip(index, 0, LUT_SIZE - 1, out=index)
    gaps = np.isnan(index)
    index[gaps] = 0
    rgba = words[index.astype(np.uint8)]
    rgba[gaps] = 0  # transparent
    return rgba.view(np.uint8).reshape(*values.shape, 4)


def layer_picture(activation: np.ndarray, mode: str, lut: np.ndarray) -> LayerPicture:
    """The drawable picture of one layer's activation in colour ``mode`` (shared per layer, or per map)."""
    values, grid, levels = layout(activation, mode)
    return LayerPicture(grid, levels, colourise(values, levels, lut))
