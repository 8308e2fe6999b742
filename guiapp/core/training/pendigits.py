"""Real pen-drawn digits (UCI pendigits): read them and draw them as canvas strokes.

Each digit is 8 points along the pen's path, scaled to fill 0..100 on both axes with
y pointing up, pen-ups dropped. :func:`pendigit_drawing` turns one into a
:class:`~guiapp.core.drawing.strokes.Drawing` — one connected stroke scaled into the canvas
with a margin — so it goes through exactly the rasteriser and preprocessing of the
live canvas.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from guiapp.core.drawing.strokes import CANVAS_SIZE, DEFAULT_PEN_WIDTH, Drawing, Stroke
from guiapp.core.errors import DataFileError, file_problem, short_reason
from guiapp.core.files import FileRefused, read_regular

__all__ = ["load_pendigits", "pendigit_drawing", "pendigit_points"]

POINTS = 8
MARGIN = 40  # canvas pixels left free on each side: the digit spans 200 of the 280
SPAN = 100.0  # pendigits coordinates run 0..100
_HINT = "give the UCI pendigits file (16 coordinates and a label per line)"
MAX_FILE_BYTES = 64 * 1024 * 1024  # the UCI training file is 380 KB


def load_pendigits(path: Path | str) -> tuple[np.ndarray, np.ndarray]:
    """(points (N, 8, 2) float, x right and y up in 0..100; labels (N,) int) from a pendigits file."""
    path = Path(path)
    try:
        text = read_regular(path, MAX_FILE_BYTES).decode("utf-8")
        table = np.loadtxt(text.splitlines(), delimiter=",", dtype=np.float64, ndmin=2)
    except FileRefused as exc:
        raise DataFileError(file_problem(path, exc.reason, _HINT)) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise DataFileError(file_problem(path, f"not a pendigits table ({short_reason(exc)})", _HINT)) from None
    if table.shape[1] != 2 * POINTS + 1 or len(table) == 0:
        raise DataFileError(file_problem(path, f"expected 17 numbers a line, found {table.shape[1]}", _HINT))
    coordinates = table[:, :-1]
    if not (np.isfinite(coordinates).all() and coordinates.min() >= 0 and coordinates.max() <= SPAN):
        raise DataFileError(file_problem(path, "coordinates must be numbers from 0 to 100", _HINT))
    if not np.isin(table[:, -1], np.arange(10)).all():  # before the cast: NaN or 1e300 are no digit
        raise DataFileError(file_problem(path, "labels must be the digits 0–9", _HINT))
    labels = table[:, -1].astype(np.int64)
    return table[:, :-1].reshape(-1, POINTS, 2), labels


def pendigit_points(points: np.ndarray, size: int = CANVAS_SIZE, margin: float = MARGIN) -> np.ndarray:
    """0..100, y up → canvas pixels, y down, inside a ``margin``."""
    scale = (size - 2 * margin) / SPAN
    xy = np.asarray(points, np.float64)
    return np.stack([margin + xy[:, 0] * scale, margin + (SPAN - xy[:, 1]) * scale], axis=-1)


def pendigit_drawing(points: np.ndarray, size: int = CANVAS_SIZE, margin: float = MARGIN,
                     pen_width: float = DEFAULT_PEN_WIDTH) -> Drawing:
    """One pendigit as the canvas would hold it: a single connected stroke."""
    canvas = pendigit_points(points, size, margin)
    stroke = Stroke(tuple((float(x), float(y)) for x, y in canvas), float(pen_width))
    return Drawing(size, size, (stroke,))
