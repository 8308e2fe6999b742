"""The rasteriser's work is bounded: exact (as before, bit for bit) within the budget, reduced beyond it."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from guiapp.core.drawing import strokes
from guiapp.core.drawing.preprocess import drawing_to_network_input
from guiapp.core.drawing.strokes import (
    Drawing,
    IncrementalRasterizer,
    Stroke,
    raster_work,
    rasterize,
)


def _reference_rasterize(drawing: Drawing) -> np.ndarray:
    """The rasteriser as it was before the budget: a full grid per segment box, a full canvas per stroke."""
    image = (np.zeros((drawing.height, drawing.width), np.float32) if drawing.background is None
             else np.array(drawing.background, np.float32))
    for stroke in drawing.strokes:
        coverage = np.zeros((drawing.height, drawing.width), np.float32)
        points, radius = np.asarray(stroke.points, np.float64), stroke.width / 2.0
        pairs = [(points[0], points[0])] if len(points) == 1 else itertools.pairwise(points)
        for a, b in pairs:
            x0 = int(max(np.floor(min(a[0], b[0]) - radius - 1), 0))
            x1 = int(min(np.ceil(max(a[0], b[0]) + radius + 1), drawing.width))
            y0 = int(max(np.floor(min(a[1], b[1]) - radius - 1), 0))
            y1 = int(min(np.ceil(max(a[1], b[1]) + radius + 1), drawing.height))
            if x0 >= x1 or y0 >= y1:
                continue
            ys, xs = np.mgrid[y0:y1, x0:x1]
            px, py = xs + 0.5 - a[0], ys + 0.5 - a[1]
            dx, dy = b[0] - a[0], b[1] - a[1]
            length2 = dx * dx + dy * dy
            t = np.clip((px * dx + py * dy) / length2, 0.0, 1.0) if length2 > 0 else 0.0
            ink = np.clip(radius + 0.5 - np.hypot(px - t * dx, py - t * dy), 0.0, 1.0).astype(np.float32)
            np.maximum(coverage[y0:y1, x0:x1], ink, out=coverage[y0:y1, x0:x1])
        if stroke.erase:
            image *= 1.0 - coverage
        else:
            np.maximum(image, coverage, out=image)
    return image


def _random_drawing(rng: np.random.Generator, size: int) -> Drawing:
    drawn = []
    for _ in range(int(rng.integers(1, 5))):
        n = int(rng.integers(1, 30))
        if rng.random() < 0.5:
            points = rng.uniform(-0.3, 1.3, (n, 2)) * size  # some off the canvas
        else:
            points = np.cumsum(rng.normal(0, 4, (n, 2)), axis=0) + size / 2
        drawn.append(Stroke(tuple(map(tuple, points.tolist())), float(rng.uniform(0.5, 60)), bool(rng.random() < 0.25)))
    background = rng.random((size, size), dtype=np.float32) * 0.5 if rng.random() < 0.3 else None
    return Drawing(size, size, tuple(drawn), background)


def test_ordinary_drawings_render_bit_for_bit_as_before():
    rng = np.random.default_rng(7)
    for _ in range(60):
        drawing = _random_drawing(rng, int(rng.choice([28, 280, 411])))
        assert raster_work(drawing) <= strokes.MAX_RASTER_WORK
        expected = _reference_rasterize(drawing)
        np.testing.assert_array_equal(rasterize(drawing), expected)


def test_the_work_is_the_pixels_evaluated():
    dot = Drawing(strokes=(Stroke(((100.0, 100.0),), width=20),))
    assert raster_work(dot) == 2 * 22 * 22  # the stroke's box, and its one segment's box (89..111 each way)
    off_canvas = Drawing(strokes=(Stroke(((-500.0, -500.0), (-400.0, -450.0))),))
    assert raster_work(off_canvas) == 0


def _hostile(points: int = 3000, size: int = 4096, pen: float = 240.0) -> Drawing:
    """The shape of the reported case (100,000 points, 4096×4096, 240 px pen), fewer points to keep tests short."""
    rng = np.random.default_rng(0)
    walk = np.cumsum(rng.normal(0, 20, (points, 2)), axis=0) + size / 2
    walk = np.abs((walk + size) % (2 * size) - size)  # reflected into the canvas
    return Drawing(size, size, (Stroke(tuple(map(tuple, walk.tolist())), pen),))


def test_a_hostile_drawing_is_rasterised_within_the_budget(monkeypatch):
    drawing = _hostile()
    assert raster_work(drawing) > 200_000_000  # pixels at full size: 40 times the budget set below
    done = []
    exact = strokes._rasterize_exact

    def spy(working: Drawing) -> np.ndarray:
        done.append((working.width, raster_work(working)))
        return exact(working)

    monkeypatch.setattr(strokes, "_rasterize_exact", spy)
    monkeypatch.setattr(strokes, "MAX_RASTER_WORK", 5_000_000)
    image = rasterize(drawing)
    assert image.shape == (4096, 4096) and image.dtype == np.float32
    [(working_size, work)] = done
    assert work <= 5_000_000 and strokes.MIN_WORKING_SIZE <= working_size < 4096
    # The ink reaches as far as the pen does, within one working pixel.
    points = np.array(drawing.strokes[0].points)
    rows, cols = np.nonzero(image > 0.5)
    tolerance = 4096 / working_size + 1
    for found, ends in ((cols, points[:, 0]), (rows, points[:, 1])):
        assert abs(found.min() - max(ends.min() - 120, 0)) <= tolerance
        assert abs(found.max() - min(ends.max() + 120, 4095)) <= tolerance


def test_the_reduced_rendering_gives_nearly_the_same_network_input(monkeypatch):
    rng = np.random.default_rng(2)
    seven = np.array([[300, 300], [900, 300], [600, 1000]], float)
    points = np.concatenate([np.linspace(a, b, 400) for a, b in itertools.pairwise(seven)])
    drawing = Drawing(1200, 1200, (Stroke(tuple(map(tuple, (points + rng.normal(0, 2, points.shape)).tolist())),
                                          90.0),))
    exact = drawing_to_network_input(drawing)
    monkeypatch.setattr(strokes, "MAX_RASTER_WORK", raster_work(drawing) // 20)
    reduced = drawing_to_network_input(drawing)
    assert np.abs(reduced - exact).mean() < 0.02 and np.abs(reduced - exact).max() < 0.35


def test_the_incremental_rasteriser_agrees_beyond_the_budget_too(monkeypatch):
    monkeypatch.setattr(strokes, "MAX_RASTER_WORK", 300_000)
    live = IncrementalRasterizer()
    points: tuple = ()
    rng = np.random.default_rng(5)
    reduced = 0
    for _ in range(60):  # a stroke grows past the budget while it is drawn
        points = points + (tuple(float(v) for v in rng.uniform(0, 280, 2)),)
        drawing = Drawing(strokes=(Stroke(((10.0, 10.0), (200.0, 200.0)), 30.0), Stroke(points, 40.0)))
        reduced += raster_work(drawing) > strokes.MAX_RASTER_WORK
        np.testing.assert_array_equal(live(drawing), rasterize(drawing))
    assert 0 < reduced < 60


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_non_finite_points_are_still_refused(bad):
    with pytest.raises(ValueError, match="NaN or infinite"):
        raster_work(Drawing(strokes=(Stroke(((1.0, bad),)),)))
