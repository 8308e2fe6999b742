"""Drawings as strokes, and the one rasteriser that turns them into pixels.

The canvas records what the pen did (points in canvas pixels, the pen width, pen or
eraser); everything that needs pixels — the live network input, the command line,
the tests — calls :func:`rasterize`, so the same strokes always give the same input.

The rasteriser is anti-aliased: a pixel's ink is how far its centre lies inside the
round pen (a one-pixel soft edge), computed only in each segment's bounding box.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

CANVAS_SIZE = 280  # logical pixels; ten canvas pixels per network pixel
DEFAULT_PEN_WIDTH = 20.0
MIN_PEN_WIDTH = 4.0
MAX_PEN_WIDTH = 60.0

Point = tuple[float, float]


@dataclass(frozen=True)
class Stroke:
    """One pen-down-to-pen-up movement."""

    points: tuple[Point, ...]
    width: float = DEFAULT_PEN_WIDTH  # pen diameter in canvas pixels
    erase: bool = False

    def extended(self, point: Point) -> Stroke:
        return Stroke(self.points + (point,), self.width, self.erase)


@dataclass(frozen=True, eq=False)
class Drawing:
    """What is on the canvas: an optional picture underneath (a loaded sample), then strokes."""

    width: int = CANVAS_SIZE
    height: int = CANVAS_SIZE
    strokes: tuple[Stroke, ...] = ()
    background: np.ndarray | None = field(default=None, repr=False)  # (height, width) float32 0..1

    @property
    def is_blank(self) -> bool:
        return not self.strokes and (self.background is None or not self.background.any())

    def with_stroke(self, stroke: Stroke) -> Drawing:
        return Drawing(self.width, self.height, self.strokes + (stroke,), self.background)

    def without_last_stroke(self) -> Drawing:
        return Drawing(self.width, self.height, self.strokes[:-1], self.background)


def _add_segments(coverage: np.ndarray, points: np.ndarray, radius: float, start: int = 0) -> None:
    """Max the ink of segments ``start``… of a polyline (or a dot) into ``coverage``, in place."""
    height, width = coverage.shape
    if len(points) == 1:
        segments = [(points[0], points[0])]
    else:
        segments = zip(points[start:-1], points[start + 1:], strict=True)
    for a, b in segments:
        x0 = int(max(np.floor(min(a[0], b[0]) - radius - 1), 0))
        x1 = int(min(np.ceil(max(a[0], b[0]) + radius + 1), width))
        y0 = int(max(np.floor(min(a[1], b[1]) - radius - 1), 0))
        y1 = int(min(np.ceil(max(a[1], b[1]) + radius + 1), height))
        if x0 >= x1 or y0 >= y1:
            continue  # entirely outside the canvas
        ys, xs = np.mgrid[y0:y1, x0:x1]
        px, py = xs + 0.5 - a[0], ys + 0.5 - a[1]  # pixel centres relative to a
        dx, dy = b[0] - a[0], b[1] - a[1]
        length2 = dx * dx + dy * dy
        t = np.clip((px * dx + py * dy) / length2, 0.0, 1.0) if length2 > 0 else 0.0
        distance = np.hypot(px - t * dx, py - t * dy)
        ink = np.clip(radius + 0.5 - distance, 0.0, 1.0).astype(np.float32)
        np.maximum(coverage[y0:y1, x0:x1], ink, out=coverage[y0:y1, x0:x1])


def _points(stroke: Stroke) -> np.ndarray:
    points = np.asarray(stroke.points, dtype=np.float64)
    if not np.all(np.isfinite(points)):
        raise ValueError("a stroke holds NaN or infinite coordinates")
    return points


def stroke_coverage(stroke: Stroke, height: int, width: int) -> np.ndarray:
    """How much of each pixel the stroke covers, 0..1 (the max over its segments)."""
    coverage = np.zeros((height, width), np.float32)
    if stroke.points:
        _add_segments(coverage, _points(stroke), stroke.width / 2.0)
    return coverage


def _apply(image: np.ndarray, stroke: Stroke, coverage: np.ndarray) -> None:
    if stroke.erase:
        image *= 1.0 - coverage
    else:
        np.maximum(image, coverage, out=image)


def rasterize(drawing: Drawing) -> np.ndarray:
    """The drawing as a float32 (height, width) image: white ink (1.0) on black (0.0)."""
    if drawing.background is not None:
        image = np.array(drawing.background, dtype=np.float32, copy=True)
        if image.shape != (drawing.height, drawing.width):
            raise ValueError(f"background is {image.shape}, canvas is {(drawing.height, drawing.width)}")
    else:
        image = np.zeros((drawing.height, drawing.width), np.float32)
    for stroke in drawing.strokes:
        _apply(image, stroke, stroke_coverage(stroke, drawing.height, drawing.width))
    return image


def _same_picture(a: np.ndarray | None, b: np.ndarray | None) -> bool:
    """The same background picture (a drawing that crossed a process boundary holds an equal copy)."""
    return a is b or (a is not None and b is not None and a.shape == b.shape and np.array_equal(a, b))


class IncrementalRasterizer:
    """:func:`rasterize`, bit for bit, reusing the previous call's work while a stroke grows.

    Live drawing sends the same finished strokes plus a stroke that grew by a point or two;
    the finished strokes' pixels and the growing stroke's ink so far are kept, so each call
    costs the new segments, not the whole drawing. Not thread-safe: one per worker.
    """

    def __init__(self) -> None:
        self._base_key: tuple | None = None
        self._base: np.ndarray | None = None
        self._stroke: Stroke | None = None
        self._coverage: np.ndarray | None = None
        self._background: np.ndarray | None = None

    def __call__(self, drawing: Drawing) -> np.ndarray:
        finished, last = drawing.strokes[:-1], (drawing.strokes[-1] if drawing.strokes else None)
        key = (drawing.width, drawing.height, finished)  # tuples compare by identity first: cheap
        if key != self._base_key or not _same_picture(drawing.background, self._background):
            self._base = rasterize(Drawing(drawing.width, drawing.height, finished, drawing.background))
            self._base_key, self._background = key, drawing.background
            self._stroke = self._coverage = None
        image = self._base.copy()
        if last is None or not last.points:
            return image
        grown = self._stroke
        if (
            grown is not None
            and (grown.width, grown.erase) == (last.width, last.erase)
            and len(last.points) >= len(grown.points)
            and last.points[: len(grown.points)] == grown.points
        ):
            start = len(grown.points) - 1  # the segment from the last known point onwards
            if len(last.points) > len(grown.points):
                _add_segments(self._coverage, _points(last), last.width / 2.0, start)
        else:
            self._coverage = stroke_coverage(last, drawing.height, drawing.width)
        self._stroke = last
        _apply(image, last, self._coverage)
        return image
