"""The stroke rasteriser: anti-aliased round pen, eraser, background, bad coordinates."""

from __future__ import annotations

import numpy as np
import pytest

from guiapp.core.drawing.preprocess import drawing_to_network_input
from guiapp.core.drawing.strokes import Drawing, Stroke, rasterize, stroke_coverage


def test_a_dot_is_a_round_anti_aliased_disc():
    cover = stroke_coverage(Stroke(((100.0, 100.0),), width=20), 280, 280)
    assert cover[100, 100] == 1.0 and cover[100, 120] == 0.0
    ink = cover.sum()
    assert ink == pytest.approx(np.pi * 10**2, rel=0.03)
    assert 0 < cover[106, 107] < 1  # the edge is soft (this pixel centre is 9.9 px away)


def test_a_line_covers_its_length_times_the_pen_width():
    cover = stroke_coverage(Stroke(((40.0, 140.0), (240.0, 140.0)), width=10), 280, 280)
    assert cover.sum() == pytest.approx(200 * 10 + np.pi * 5**2, rel=0.03)


def test_the_eraser_removes_ink_and_the_background_stays_under_strokes():
    background = np.full((280, 280), 0.5, np.float32)
    drawing = Drawing(background=background).with_stroke(Stroke(((0.0, 10.0), (280.0, 10.0)), width=10))
    image = rasterize(drawing)
    assert image[10, 100] == 1.0 and image[200, 100] == 0.5
    erased = rasterize(drawing.with_stroke(Stroke(((0.0, 200.0), (280.0, 200.0)), width=10, erase=True)))
    assert erased[200, 100] == 0.0 and erased[10, 100] == 1.0


def test_points_outside_the_canvas_are_clipped_and_nan_is_refused():
    assert rasterize(Drawing(strokes=(Stroke(((-500.0, -500.0), (-400.0, -450.0))),))).sum() == 0
    with pytest.raises(ValueError, match="NaN"):
        rasterize(Drawing(strokes=(Stroke(((1.0, float("nan")),)),)))


def test_a_drawing_becomes_a_centred_28x28_input():
    drawing = Drawing(strokes=(Stroke(((200.0, 20.0), (200.0, 120.0)), width=12),))  # small, in a corner
    x = drawing_to_network_input(drawing)
    assert x.shape == (28, 28) and x.max() == pytest.approx(1.0, abs=0.05)
    rows, cols = np.nonzero(x > 0.3)
    assert rows.min() >= 3 and rows.max() <= 24 and abs(cols.mean() - 13.5) < 1.5


def test_the_incremental_rasteriser_gives_the_same_pixels_bit_for_bit():
    from guiapp.core.drawing.strokes import IncrementalRasterizer

    rng = np.random.default_rng(3)
    rasterize_live = IncrementalRasterizer()
    background = rng.random((280, 280), dtype=np.float32) * 0.3
    drawing = Drawing(background=background)
    checked = 0
    for stroke_index in range(6):
        erase = stroke_index == 3
        width = float(rng.integers(6, 30))
        points: tuple = ()
        for _ in range(25):  # the stroke grows point by point, as while drawing
            points = points + (tuple(float(v) for v in rng.uniform(-20, 300, 2)),)
            live = drawing.with_stroke(Stroke(points, width, erase))
            np.testing.assert_array_equal(rasterize_live(live), rasterize(live))
            checked += 1
        drawing = live
        # undo: the drawing shrinks back to an earlier state
        earlier = drawing.without_last_stroke()
        np.testing.assert_array_equal(rasterize_live(earlier), rasterize(earlier))
    cleared = Drawing()
    np.testing.assert_array_equal(rasterize_live(cleared), rasterize(cleared))
    assert checked == 150
