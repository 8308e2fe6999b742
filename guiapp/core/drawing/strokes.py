"""Drawings as strokes, and the one rasteriser that turns them into pixels.

The canvas records what the pen did (points in canvas pixels, the pen width, pen or
eraser); everything that needs pixels — the live network input, the command line,
the tests — calls :func:`rasterize`, so the same strokes always give the same input.

The rasteriser is anti-aliased: a pixel's ink is how far its centre lies inside the
round pen (a one-pixel soft edge), computed only in each segment's bounding box.

Its work is the pixels it evaluates: the sum of those boxes (see :func:`raster_work`).
A drawing from a file can ask for far more than any canvas would (100,000 points on a
4096×4096 canvas with a 240-pixel pen: hours); above :data:`MAX_RASTER_WORK` the drawing
is rasterised at a smaller working size and scaled back up, so every drawing takes
bounded time, and every drawing within the budget (all the canvas can make) is exact.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "CANVAS_SIZE", "DEFAULT_PEN_WIDTH", "MAX_PEN_WIDTH", "MAX_RASTER_WORK", "MIN_PEN_WIDTH", "MIN_WORKING_SIZE",
    "Drawing", "IncrementalRasterizer", "Stroke", "raster_work", "rasterize", "stroke_coverage",
]

CANVAS_SIZE = 280  # logical pixels; ten canvas pixels per network pixel
DEFAULT_PEN_WIDTH = 20.0
MIN_PEN_WIDTH = 4.0
MAX_PEN_WIDTH = 60.0
MAX_RASTER_WORK = 20_000_000  # pixels evaluated per drawing (about a second); a canvas of scribble needs ~1 M
MIN_WORKING_SIZE = 28  # never rasterise below the network's own input size
SMALL_BOX = 48  # segments whose box fits 48×48 pixels are drawn in batches (see _add_segments)
MIN_BATCH = 16  # fewer segments than this are drawn one at a time
BATCH_PIXELS = 1 << 16  # pixels per batch: temporary arrays of 512 KB stay in the cache

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


def _add_segments(
    coverage: np.ndarray, points: np.ndarray, radius: float, start: int = 0, origin: tuple[int, int] = (0, 0)
) -> None:
    """Max the ink of segments ``start``… of a polyline (or a dot) into ``coverage``, in place.

    ``coverage`` is the window of the canvas whose top-left pixel is ``origin`` (row, column);
    pixels are addressed in canvas coordinates, so a window gives the whole canvas' values.
    Segments with small boxes are drawn many at a time: one at a time, NumPy's per-call cost
    (not the pixels) would be most of the work. Both ways compute each pixel with the same
    operations in the same order, so the result does not depend on how segments are grouped.
    """
    top, left = origin
    height, width = coverage.shape
    a, b = (points[:1], points[:1]) if len(points) == 1 else (points[start:-1], points[start + 1:])
    if len(a) < MIN_BATCH:  # a stroke growing by a point: plain Python per segment is quickest
        for (ax, ay), (bx, by) in zip(a.tolist(), b.tolist(), strict=True):
            _add_one_segment(coverage, ax, ay, bx, by, radius, origin)
        return
    x0 = np.maximum(np.floor(np.minimum(a[:, 0], b[:, 0]) - radius - 1), left).astype(np.int64)
    x1 = np.minimum(np.ceil(np.maximum(a[:, 0], b[:, 0]) + radius + 1), left + width).astype(np.int64)
    y0 = np.maximum(np.floor(np.minimum(a[:, 1], b[:, 1]) - radius - 1), top).astype(np.int64)
    y1 = np.minimum(np.ceil(np.maximum(a[:, 1], b[:, 1]) + radius + 1), top + height).astype(np.int64)
    inside = (x0 < x1) & (y0 < y1)  # the others lie entirely outside the canvas
    small = inside & (x1 - x0 <= SMALL_BOX) & (y1 - y0 <= SMALL_BOX)
    for i in np.flatnonzero(inside & ~small).tolist():
        _add_one_segment(coverage, *a[i].tolist(), *b[i].tolist(), radius, origin)
    if small.any():
        _add_small_segments(coverage, a[small], b[small], radius, (x0[small], x1[small], y0[small], y1[small]), origin)


def _add_one_segment(
    coverage: np.ndarray, ax: float, ay: float, bx: float, by: float, radius: float, origin: tuple[int, int]
) -> None:
    """One segment (Python floats: the same doubles as NumPy's, less overhead one at a time)."""
    top, left = origin
    height, width = coverage.shape
    x0 = max(math.floor(min(ax, bx) - radius - 1), left)
    x1 = min(math.ceil(max(ax, bx) + radius + 1), left + width)
    y0 = max(math.floor(min(ay, by) - radius - 1), top)
    y1 = min(math.ceil(max(ay, by) + radius + 1), top + height)
    if x0 >= x1 or y0 >= y1:
        return  # entirely outside the canvas
    ink = _segment_ink(ax, ay, bx, by, radius, np.arange(x0, x1), np.arange(y0, y1)[:, np.newaxis])
    window = coverage[y0 - top:y1 - top, x0 - left:x1 - left]
    np.maximum(window, ink, out=window)


def _segment_ink(ax: Any, ay: Any, bx: Any, by: Any, radius: float, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Ink of segment a→b at pixel columns ``xs`` and rows ``ys`` (broadcastable; scalars or arrays for a, b)."""
    px = xs + 0.5 - ax  # pixel centres relative to a
    py = ys + 0.5 - ay
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    if np.ndim(length2) == 0:  # one segment
        t = (px * dx + py * dy) / length2 if length2 > 0 else 0.0
        if length2 > 0:
            np.minimum(np.maximum(t, 0.0, out=t), 1.0, out=t)  # np.clip, without its per-call overhead
    else:
        moving = length2 > 0
        t = (px * dx + py * dy) / np.where(moving, length2, 1.0)
        np.minimum(np.maximum(t, 0.0, out=t), 1.0, out=t)
        t = np.where(moving, t, 0.0)  # a dot: the distance to a itself
    ink = radius + 0.5 - np.hypot(px - t * dx, py - t * dy)
    return np.minimum(np.maximum(ink, 0.0, out=ink), 1.0, out=ink).astype(np.float32)


def _add_small_segments(
    coverage: np.ndarray, a: np.ndarray, b: np.ndarray, radius: float,
    boxes: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray], origin: tuple[int, int],
) -> None:
    """Segments whose boxes fit :data:`SMALL_BOX`, grouped by box size (rounded up to a power of two)."""
    top, left = origin
    if not coverage.flags.c_contiguous:
        raise ValueError("coverage must be a contiguous array")  # reshape(-1) below must be a view
    x0, x1, y0, y1 = boxes
    padded_w = 1 << np.ceil(np.log2(x1 - x0)).astype(np.int64)
    padded_h = 1 << np.ceil(np.log2(y1 - y0)).astype(np.int64)
    for pw, ph in sorted(set(zip(padded_w.tolist(), padded_h.tolist(), strict=True))):
        group = np.flatnonzero((padded_w == pw) & (padded_h == ph))
        step = max(1, BATCH_PIXELS // (pw * ph))
        for chunk in (group[i:i + step] for i in range(0, len(group), step)):
            xs = x0[chunk, np.newaxis] + np.arange(pw)  # (n, pw) columns, past the box where padded
            ys = y0[chunk, np.newaxis] + np.arange(ph)
            column = (slice(None), np.newaxis)  # per-segment values broadcast over the box
            ink = _segment_ink(a[chunk, 0][column + (np.newaxis,)], a[chunk, 1][column + (np.newaxis,)],
                               b[chunk, 0][column + (np.newaxis,)], b[chunk, 1][column + (np.newaxis,)],
                               radius, xs[:, np.newaxis, :], ys[:, :, np.newaxis])
            beyond = (xs >= x1[chunk, np.newaxis])[:, np.newaxis, :] | (ys >= y1[chunk, np.newaxis])[:, :, np.newaxis]
            ink[beyond] = 0.0  # padding: max with 0 leaves the (clamped) pixel it lands on as it is
            cols = np.minimum(xs, x1[chunk, np.newaxis] - 1) - left
            rows = np.minimum(ys, y1[chunk, np.newaxis] - 1) - top
            # Boxes overlap, so a plain assignment would drop ink: ufunc.at maxes every one in,
            # fastest with flat indices into a contiguous array (15× the two-index form).
            flat = (rows[:, :, np.newaxis] * coverage.shape[1] + cols[:, np.newaxis, :]).reshape(-1)
            np.maximum.at(coverage.reshape(-1), flat, ink.reshape(-1))


def _points(stroke: Stroke) -> np.ndarray:
    points = np.asarray(stroke.points, dtype=np.float64).reshape(-1, 2)
    if not np.all(np.isfinite(points)):
        raise ValueError("a stroke holds NaN or infinite coordinates")
    return points


def _box(points: np.ndarray, radius: float, height: int, width: int) -> tuple[int, int, int, int] | None:
    """The canvas box (y0, y1, x0, x1) holding every segment box of ``points``; None when off the canvas.

    The same floor/ceil as :func:`_add_segments` on the extreme coordinates, so each segment's box lies inside.
    """
    x0 = int(max(np.floor(points[:, 0].min() - radius - 1), 0))
    x1 = int(min(np.ceil(points[:, 0].max() + radius + 1), width))
    y0 = int(max(np.floor(points[:, 1].min() - radius - 1), 0))
    y1 = int(min(np.ceil(points[:, 1].max() + radius + 1), height))
    return (y0, y1, x0, x1) if x0 < x1 and y0 < y1 else None


def _segments_work(points: np.ndarray, radius: float, height: int, width: int, start: int = 0) -> int:
    """Pixels :func:`_add_segments` evaluates for segments ``start``… (their clipped boxes), computed at once."""
    a, b = (points[:1], points[:1]) if len(points) == 1 else (points[start:-1], points[start + 1:])
    if len(a) < MIN_BATCH:  # a growing stroke's new segment or two: Python is quicker than NumPy here
        work = 0
        for (ax, ay), (bx, by) in zip(a.tolist(), b.tolist(), strict=True):
            w = min(math.ceil(max(ax, bx) + radius + 1), width) - max(math.floor(min(ax, bx) - radius - 1), 0)
            h = min(math.ceil(max(ay, by) + radius + 1), height) - max(math.floor(min(ay, by) - radius - 1), 0)
            work += max(w, 0) * max(h, 0)
        return work
    low, high = np.minimum(a, b), np.maximum(a, b)
    x0 = np.maximum(np.floor(low[:, 0] - radius - 1), 0)
    x1 = np.minimum(np.ceil(high[:, 0] + radius + 1), width)
    y0 = np.maximum(np.floor(low[:, 1] - radius - 1), 0)
    y1 = np.minimum(np.ceil(high[:, 1] + radius + 1), height)
    return int((np.clip(x1 - x0, 0, None) * np.clip(y1 - y0, 0, None)).sum())


def _stroke_work(points: np.ndarray, radius: float, height: int, width: int) -> int:
    box = _box(points, radius, height, width)
    if box is None:
        return 0
    return (box[1] - box[0]) * (box[3] - box[2]) + _segments_work(points, radius, height, width)


def raster_work(drawing: Drawing) -> int:
    """Pixels :func:`rasterize` evaluates for ``drawing`` exactly: each stroke's box, plus each segment's box."""
    return sum(
        _stroke_work(_points(stroke), stroke.width / 2.0, drawing.height, drawing.width)
        for stroke in drawing.strokes if stroke.points
    )


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
    """The drawing as a float32 (height, width) image: white ink (1.0) on black (0.0).

    Exact within :data:`MAX_RASTER_WORK`; beyond it, rasterised at a working size that fits
    the budget and scaled back up (see the module docstring).
    """
    if drawing.background is not None:
        shape = np.shape(drawing.background)
        if shape != (drawing.height, drawing.width):
            raise ValueError(f"background is {shape}, canvas is {(drawing.height, drawing.width)}")
    work = raster_work(drawing)
    if work > MAX_RASTER_WORK:
        return _rasterize_reduced(drawing, work)
    return _rasterize_exact(drawing)


def _rasterize_exact(drawing: Drawing) -> np.ndarray:
    if drawing.background is not None:
        image = np.array(drawing.background, dtype=np.float32, copy=True)
    else:
        image = np.zeros((drawing.height, drawing.width), np.float32)
    for stroke in drawing.strokes:
        if not stroke.points:
            continue
        points, radius = _points(stroke), stroke.width / 2.0
        box = _box(points, radius, drawing.height, drawing.width)
        if box is None:
            continue  # off the canvas: its coverage is zero everywhere, which changes no pixel
        y0, y1, x0, x1 = box
        # Outside its box a stroke's coverage is zero: max(pixel, 0) and pixel · (1 − 0) leave pixels as they are.
        coverage = np.zeros((y1 - y0, x1 - x0), np.float32)
        _add_segments(coverage, points, radius, origin=(y0, x0))
        _apply(image[y0:y1, x0:x1], stroke, coverage)
    return image


def _scaled_drawing(drawing: Drawing, scale: float) -> Drawing:
    """``drawing`` at ``scale`` of its size (points, pens and canvas), its picture sampled to match."""
    height, width = max(1, round(drawing.height * scale)), max(1, round(drawing.width * scale))
    sy, sx = height / drawing.height, width / drawing.width
    strokes = tuple(
        Stroke(tuple((x * sx, y * sy) for x, y in stroke.points), stroke.width * min(sx, sy), stroke.erase)
        for stroke in drawing.strokes
    )
    background = None
    if drawing.background is not None:
        background = np.asarray(drawing.background, np.float32)[_nearest(drawing.height, height)][
            :, _nearest(drawing.width, width)]
    return Drawing(width, height, strokes, background)


def _nearest(size: int, source: int) -> np.ndarray:
    """For each of ``source`` pixels, the nearest of ``size`` pixels covering the same span (by centres)."""
    return np.minimum(((np.arange(source) + 0.5) * size / source).astype(np.intp), size - 1)


def _rasterize_reduced(drawing: Drawing, work: int) -> np.ndarray:
    """Rasterise at the largest working size (by steps) whose work fits the budget, then scale back up."""
    smallest = min(1.0, MIN_WORKING_SIZE / max(drawing.width, drawing.height))
    scale = max(smallest, float(np.sqrt(MAX_RASTER_WORK / work)))
    while True:
        reduced = _scaled_drawing(drawing, scale)
        if scale <= smallest or raster_work(reduced) <= MAX_RASTER_WORK:
            break
        scale = max(smallest, scale * 0.7)
    small = _rasterize_exact(reduced)
    return small[_nearest(reduced.height, drawing.height)][:, _nearest(reduced.width, drawing.width)]


def _same_picture(a: np.ndarray | None, b: np.ndarray | None) -> bool:
    """The same background picture (a drawing that crossed a process boundary holds an equal copy)."""
    return a is b or (a is not None and b is not None and a.shape == b.shape and np.array_equal(a, b))


class IncrementalRasterizer:
    """:func:`rasterize`, bit for bit, reusing the previous call's work while a stroke grows.

    Live drawing sends the same finished strokes plus a stroke that grew by a point or two;
    the finished strokes' pixels and the growing stroke's ink so far are kept, so each call
    costs the new segments, not the whole drawing. A drawing beyond :data:`MAX_RASTER_WORK`
    is handed to :func:`rasterize` whole, so both always agree. Not thread-safe: one per worker.
    """

    def __init__(self) -> None:
        self._base_key: tuple | None = None
        self._base: np.ndarray | None = None
        self._base_work = 0
        self._segments_work = 0  # the growing stroke's segment boxes, as raster_work counts them
        self._stroke: Stroke | None = None
        self._coverage: np.ndarray | None = None
        self._background: np.ndarray | None = None

    def __call__(self, drawing: Drawing) -> np.ndarray:
        finished, last = drawing.strokes[:-1], (drawing.strokes[-1] if drawing.strokes else None)
        key = (drawing.width, drawing.height, finished)  # tuples compare by identity first: cheap
        if key != self._base_key or not _same_picture(drawing.background, self._background):
            base = Drawing(drawing.width, drawing.height, finished, drawing.background)
            self._base, self._base_work = rasterize(base), raster_work(base)
            self._base_key, self._background = key, drawing.background
            self._stroke = self._coverage = None
        if last is None or not last.points:
            return self._base.copy()
        points, radius, (height, width) = _points(last), last.width / 2.0, (drawing.height, drawing.width)
        grown = self._stroke
        growing = (
            grown is not None
            and (grown.width, grown.erase) == (last.width, last.erase)
            and len(last.points) >= len(grown.points)
            and last.points[: len(grown.points)] == grown.points
        )
        start = len(grown.points) - 1 if growing else 0  # the segment from the last known point onwards
        # The stroke's work as raster_work counts it, adding only the new segments' boxes (a dot's box is not a
        # segment's: a stroke that had one point is counted afresh).
        if growing and start > 0:
            segments = self._segments_work + (_segments_work(points, radius, height, width, start)
                                              if len(last.points) > len(grown.points) else 0)
        else:
            segments = _segments_work(points, radius, height, width)
        box = _box(points, radius, height, width)
        stroke_work = 0 if box is None else (box[1] - box[0]) * (box[3] - box[2]) + segments
        if self._base_work + stroke_work > MAX_RASTER_WORK:
            self._stroke = self._coverage = None
            return rasterize(drawing)
        image = self._base.copy()
        if growing:
            if len(last.points) > len(grown.points):
                _add_segments(self._coverage, points, radius, start)
        else:
            self._coverage = stroke_coverage(last, height, width)
        self._stroke, self._segments_work = last, segments
        _apply(image, last, self._coverage)
        return image
