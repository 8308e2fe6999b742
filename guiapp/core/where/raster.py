"""Thousands of map points drawn into one RGBA picture with NumPy.

A scatter item of 10,000 points costs tens of milliseconds per repaint; the map repaints up to 60 times a
second while the drawing's own point moves over it. So the points are painted once into a picture (here,
numpy only) that the view shows as a single image, and painted again only when the view's range or size
changes.

Image convention: row 0 is the top of the view (y_max), column 0 its left (x_min); larger y is nearer
the top row, as on a plot with the y axis pointing up.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

__all__ = ["disc_offsets", "point_pixels", "rasterise"]

Colours = np.ndarray  # (N, 4) uint8 RGBA
View = tuple[float, float, float, float]  # x_min, y_min, x_max, y_max in data units


@lru_cache(maxsize=16)
def disc_offsets(radius: float) -> tuple[np.ndarray, np.ndarray]:
    """(rows, cols) offsets of the pixels whose centres lie within ``radius`` of a pixel's centre."""
    reach = max(int(np.floor(radius)), 0)
    d_row, d_col = np.mgrid[-reach:reach + 1, -reach:reach + 1]
    inside = d_row ** 2 + d_col ** 2 <= max(radius, 0.5) ** 2  # radius < 1 still draws the point's own pixel
    return d_row[inside].astype(np.intp), d_col[inside].astype(np.intp)


def point_pixels(points: np.ndarray, view: View, size: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """(rows, cols) of the pixel holding each point, unclipped (may lie outside the picture)."""
    width, height = size
    x_min, y_min, x_max, y_max = view
    points = np.asarray(points, np.float64).reshape(-1, 2)
    cols = np.floor((points[:, 0] - x_min) * (width / (x_max - x_min)))
    rows = np.floor((y_max - points[:, 1]) * (height / (y_max - y_min)))
    return rows.astype(np.intp), cols.astype(np.intp)


def rasterise(points: np.ndarray, colours: Colours, view: View, size: tuple[int, int],
              radius: float) -> np.ndarray:
    """(height, width, 4) uint8 RGBA: each point a filled disc of ``radius`` pixels in its colour on a
    transparent background; later points cover earlier ones. ``size`` is (width, height) in pixels.

    Points outside the picture are skipped, discs across its edge clipped.
    """
    width, height = int(size[0]), int(size[1])
    points = np.asarray(points).reshape(-1, 2)
    if len(points) == 0 or width <= 0 or height <= 0 or view[2] <= view[0] or view[3] <= view[1]:
        return np.zeros((max(height, 0), max(width, 0), 4), np.uint8)
    rows, cols = point_pixels(points, view, (width, height))
    d_row, d_col = disc_offsets(float(radius))
    reach = int(np.abs(d_row).max())
    near = (rows >= -reach) & (rows < height + reach) & (cols >= -reach) & (cols < width + reach)
    order = np.flatnonzero(near)  # in the given order, so a pixel's last writer is the last point over it
    if order.size == 0:
        return np.zeros((max(height, 0), max(width, 0), 4), np.uint8)
    # Points sharing a centre pixel share every disc pixel: only the last of them can show.
    centre = rows[order] * (width + 2 * reach + 1) + cols[order]
    _, last_first = np.unique(centre[::-1], return_index=True)
    order = order[order.size - 1 - last_first]
    # Which point ends on top of each pixel: the last in order. Fancy assignment with repeated indices does
    # not promise "last wins", so a depth buffer keeps the highest index; within one offset every index is
    # distinct now, so each step below is one well-defined vectorised assignment.
    top = np.zeros(height * width, np.int32)  # 1 + the index of the point on top; 0: no point
    rows, cols, owners = rows[order], cols[order], order.astype(np.int32) + 1
    for step_row, step_col in zip(d_row.tolist(), d_col.tolist()):
        r, c = rows + step_row, cols + step_col
        inside = (r >= 0) & (r < height) & (c >= 0) & (c < width)
        flat = r[inside] * width + c[inside]
        top[flat] = np.maximum(top[flat], owners[inside])
    # One gather of 4-byte pixels from a table whose entry 0 is transparent.
    table = np.zeros((len(points) + 1, 4), np.uint8)
    table[1:] = np.asarray(colours, np.uint8).reshape(-1, 4)
    return table.view(np.uint32)[top, 0].view(np.uint8).reshape(height, width, 4)
