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


def stroke_coverage(stroke: Stroke, height: int, width: int) -> np.ndarray:
    """How much of each pixel the stroke covers, 0..1 (the max over its segments)."""
    coverage = np.zeros((height, width), np.float32)
    if not stroke.points:
        return coverage
    radius = stroke.width / 2.0
    points = np.asarray(stroke.points, dtype=np.float64)
    if not np.all(np.isfinite(points)):
        raise ValueError("a stroke holds NaN or infinite coordinates")
    segments = zip(points[:-1], points[1:], strict=True) if len(points) > 1 else [(points[0], points[0])]
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
    return coverage


def rasterize(drawing: Drawing) -> np.ndarray:
    """The drawing as a float32 (height, width) image: white ink (1.0) on black (0.0)."""
    if drawing.background is not None:
        image = np.array(drawing.background, dtype=np.float32, copy=True)
        if image.shape != (drawing.height, drawing.width):
            raise ValueError(f"background is {image.shape}, canvas is {(drawing.height, drawing.width)}")
    else:
        image = np.zeros((drawing.height, drawing.width), np.float32)
    for stroke in drawing.strokes:
        coverage = stroke_coverage(stroke, drawing.height, drawing.width)
        if stroke.erase:
            image *= 1.0 - coverage
        else:
            np.maximum(image, coverage, out=image)
    return image
