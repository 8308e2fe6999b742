"""events: a demo's duration runs to its last point, its points are counted, and each event reads in a few words."""

from __future__ import annotations

from guiapp.core.demo import events as ev
from guiapp.core.drawing.strokes import Stroke

STROKE = ev.StrokeEvent(1.0, ((10.0, 10.0), (20.0, 30.0), (40.0, 50.0)), (1.0, 1.5, 2.25), 14.0)


def test_a_demo_lasts_until_its_last_point_and_counts_every_point():
    demo = ev.Demo((ev.PageEvent(0.0, "Live network"), STROKE,
                    ev.DrawingEvent(1.0, (Stroke(((1.0, 2.0), (3.0, 4.0))),))))
    assert demo.duration == 2.25 and demo.point_count == 5
    assert ev.Demo().duration == 0.0 and ev.Demo().canvas == (280, 280)
    assert STROKE.stroke == Stroke(STROKE.points, 14.0, False) and STROKE.end == 2.25


def test_each_event_is_described_in_a_few_words():
    assert ev.describe(STROKE) == "stroke (3 points)"
    assert ev.describe(ev.TabEvent(0, "Why")) == 'tab "Why"'
    assert ev.describe(ev.ClassEvent(0, 3)) == "explain class 3"
    assert ev.describe(ev.SampleEvent(0, 7)) == "test digit 7"
    assert ev.describe(ev.MapEvent(0, "conv2d", 5)) == "map conv2d #5"
    assert ev.describe(ev.UndoEvent(0)) == "undo"
    assert ev.describe(ev.ModelEvent(0, "m.keras", True)) == "model m.keras"
