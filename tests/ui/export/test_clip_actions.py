"""Clips from the window itself: a demo and a training history filmed in the window, at its size, one line in
the status bar; a bad demo is one line and no clip."""

from __future__ import annotations

import imageio.v3 as iio

from guiapp.core.demo import events as ev
from guiapp.core.demo.writer import save_demo
from guiapp.core.training.history import TrainingHistory
from guiapp.ui.export.clip_actions import ClipActions


def _clips(window) -> ClipActions:
    found = window.findChildren(ClipActions)
    assert len(found) == 1  # the window's commands installed it, its actions in the File menu
    return found[0]


def test_a_demo_is_filmed_in_the_window_at_its_size(window, tmp_path):
    window.resize(1100, 700)
    points = tuple((140.0, 50.0 + 9 * i) for i in range(21))
    demo = save_demo(ev.Demo(events=(ev.StrokeEvent(t=0.1, points=points, times=tuple(0.1 + 0.02 * i for i in
                                                                                       range(21))),)),
                     tmp_path / "bar.json")
    out = tmp_path / "bar.mp4"
    assert _clips(window).film_demo(demo, out) is None
    back = iio.imread(out, plugin="FFMPEG")
    assert back.shape[1:3] == (window.height() + window.height() % 2, window.width() + window.width() % 2)
    assert window.statusBar().currentMessage().startswith(f"wrote {out} ({back.shape[0]} frames")
    assert window.canvas.drawing.strokes  # the demo's bar is on the canvas, undoable


def test_a_history_is_filmed_a_frame_per_snapshot(window, history, tmp_path):
    out = tmp_path / "training.gif"
    assert _clips(window).film_history(history, out) is None
    assert iio.imread(out).shape[0] == len(TrainingHistory.open(history).snapshots)


def test_a_bad_demo_is_one_line_and_no_clip(window, tmp_path):
    demo = tmp_path / "demo.json"
    demo.write_text('{"format": "guiapp-demo", "version": 9}')
    problem = _clips(window).film_demo(demo, tmp_path / "x.gif")
    assert problem is not None and str(demo) in problem and "\n" not in problem
    assert not (tmp_path / "x.gif").exists()
