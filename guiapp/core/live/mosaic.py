"""Many small maps as one image: tiling, per-map or shared scaling, and finding a tile again.

The views draw each layer as a single image (one pyqtgraph ImageItem), which is far
cheaper than one widget per feature map; these pure functions build that image.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = [
    "Grid", "colour_kernels", "grid_for", "nice_ceiling", "nice_levels", "scale_per_map", "symmetric_levels", "tile",
    "tile_rgb", "value_levels",
]

GAP = 1  # pixels of separation between tiles (NaN: drawn transparent)


@dataclass(frozen=True)
class Grid:
    """Where the tiles of a mosaic sit."""

    count: int
    rows: int
    cols: int
    tile_height: int
    tile_width: int
    gap: int = GAP

    @property
    def shape(self) -> tuple[int, int]:
        return (
            self.rows * (self.tile_height + self.gap) - self.gap,
            self.cols * (self.tile_width + self.gap) - self.gap,
        )

    def origin(self, index: int) -> tuple[int, int]:
        """(row, column) in pixels of tile ``index``'s top-left corner."""
        r, c = divmod(index, self.cols)
        return r * (self.tile_height + self.gap), c * (self.tile_width + self.gap)

    def index_at(self, y: float, x: float) -> int | None:
        """The tile under pixel (y, x) of the mosaic, or None (a gap or outside)."""
        if y < 0 or x < 0:
            return None
        r, ry = divmod(int(y), self.tile_height + self.gap)
        c, rx = divmod(int(x), self.tile_width + self.gap)
        if ry >= self.tile_height or rx >= self.tile_width or r >= self.rows or c >= self.cols:
            return None
        index = r * self.cols + c
        return index if index < self.count else None

    def unit_at(self, y: float, x: float) -> tuple[int, int, int] | None:
        """(tile, row, column inside the tile) under pixel (y, x) of the mosaic, or None."""
        index = self.index_at(y, x)
        if index is None:
            return None
        top, left = self.origin(index)
        return index, int(y) - top, int(x) - left


def grid_for(count: int, tile_height: int, tile_width: int, cols: int | None = None, gap: int = GAP) -> Grid:
    """A near-square grid (in pixels) for ``count`` tiles, unless ``cols`` is given."""
    if cols is None:
        cols = max(1, math.ceil(math.sqrt(count * tile_height / max(tile_width, 1))))
    rows = max(1, math.ceil(count / cols))
    return Grid(count, rows, cols, tile_height, tile_width, gap)


def tile(maps: np.ndarray, grid: Grid) -> np.ndarray:
    """(H, W, C) maps → one 2-D float32 mosaic, tiles in channel order, gaps NaN (one vectorised copy)."""
    h, w, c = maps.shape
    g = grid.gap
    tiles = np.full((grid.rows * grid.cols, h + g, w + g), np.nan, np.float32)
    tiles[:c, :h, :w] = np.moveaxis(maps, -1, 0)
    out = tiles.reshape(grid.rows, grid.cols, h + g, w + g).transpose(0, 2, 1, 3)
    out = out.reshape(grid.rows * (h + g), grid.cols * (w + g))
    return out[: out.shape[0] - g, : out.shape[1] - g]


def scale_per_map(maps: np.ndarray) -> np.ndarray:
    """Each map scaled to 0..1 by its own maximum (all-zero maps stay zero)."""
    peak = maps.reshape(-1, maps.shape[-1]).max(axis=0)
    low = maps.reshape(-1, maps.shape[-1]).min(axis=0)
    span = np.where(peak - low > 0, peak - low, 1.0)
    return ((maps - low) / span).astype(np.float32)


def symmetric_levels(values: np.ndarray) -> tuple[float, float]:
    """(−m, m) with m the largest magnitude: for a diverging colour map centred on zero."""
    finite = values[np.isfinite(values)]
    m = float(np.abs(finite).max()) if finite.size else 1.0
    return (-m, m) if m > 0 else (-1.0, 1.0)


def value_levels(values: np.ndarray) -> tuple[float, float]:
    """(min, max) of the finite values, never an empty range."""
    finite = values[np.isfinite(values)]
    if not finite.size:
        return 0.0, 1.0
    low, high = float(finite.min()), float(finite.max())
    return (low, high) if high > low else (low, low + 1.0)


NICE_STEPS = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10ᵏ that is ≥ ``value`` (> 0)."""
    if not np.isfinite(value) or value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    scale = 10.0 ** exponent
    nice = next(step * scale for step in NICE_STEPS if step * scale >= value * (1 - 1e-9))
    return float(f"{nice:.12g}")  # 0.30000000000000004 → 0.3


def nice_levels(values: np.ndarray) -> tuple[float, float]:
    """Colour levels on round numbers, so that a colour bar keeps its scale while a stroke grows.

    0 stays the bottom for non-negative values (ReLU outputs); negative values get a round floor.
    """
    low, high = value_levels(values)
    top = nice_ceiling(high) if high > 0 else 0.0
    bottom = 0.0 if low >= 0 else -nice_ceiling(-low)
    return (bottom, top) if top > bottom else (bottom, bottom + 1.0)


def colour_kernels(kernel: np.ndarray) -> np.ndarray:
    """(FH, FW, 3, Cout) weights on an RGB input → colours in 0..1, one filter per tile.

    Zero is mid-grey; a channel is brighter where its weight is positive and darker where
    negative, each filter scaled by its own largest weight (as first-layer filters are
    usually shown: a weak filter's pattern stays visible).
    """
    peak = np.abs(kernel).reshape(-1, kernel.shape[-1]).max(axis=0)
    scale = np.where(peak > 0, peak, 1.0)
    return (0.5 + 0.5 * kernel / scale).astype(np.float32)


def tile_rgb(maps: np.ndarray, grid: Grid) -> np.ndarray:
    """(H, W, 3, C) colour tiles in 0..1 → one (h, w, 4) uint8 RGBA mosaic; the gaps are transparent."""
    planes = np.stack([tile(maps[:, :, k, :], grid) for k in range(3)], axis=-1)
    gaps = np.isnan(planes[..., 0])
    rgba = np.zeros((*planes.shape[:2], 4), np.uint8)
    rgba[..., :3] = np.clip(np.round(np.nan_to_num(planes) * 255), 0, 255)
    rgba[..., 3] = np.where(gaps, 0, 255)
    return rgba
