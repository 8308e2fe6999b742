"""recorder: it starts from the window as it is (model, page, tab, canvas), says what each canvas change was —
a stroke with its points' times, a clear, a test digit, an undo, a redo, a drawing opened — records models by
where they are, keeps no picture (saying so once), and hears nothing once stopped."""

from __future__ import annotations

import numpy as np

from guiapp import paths
from guiapp.core.demo import events as ev
from guiapp.core.drawing.strokes import Drawing, Stroke
from guiapp.core.live.live_update import PictureInput
from guiapp.ui.replay.recorder import DemoRecorder
from tests.ui.conftest import MODEL_TIMEOUT_MS, VERTICAL_BAR_POINTS, draw

OPENED = Drawing(strokes=(Stroke(((30.0, 30.0), (60.0, 90.0)), 14.0),))


def test_the_start_and_every_canvas_change_are_recorded_for_what_they_were(qtbot, window):
    window.load_sample(2)
    window.show_tab_titled("Where")
    recorder = DemoRecorder(window)
    notes = []
    recorder.noted.connect(notes.append)
    assert recorder.start() is None  # a test digit alone: the demo starts on it, nothing cleared
    draw(qtbot, window.canvas, VERTICAL_BAR_POINTS)
    window.canvas.undo_stack.undo()
    window.canvas.undo_stack.undo()  # below the start: the replay is told what the canvas shows
    window.canvas.undo_stack.redo()
    window.canvas.undo_stack.redo()
    window.canvas.clear()
    window.canvas.load_drawing(OPENED)
    window.canvas.show_picture(PictureInput(np.ones((28, 28), np.float32), "photo"))
    window.canvas.show_picture(PictureInput(np.zeros((28, 28), np.float32), "photo 2"))
    demo = recorder.stop()
    window.canvas.clear()  # not recorded: stopped
    window.show_page_titled("Training")
    kinds = [e.kind for e in demo.events]
    assert kinds == ["model", "page", "tab", "sample", "stroke", "undo", "clear", "sample", "redo", "clear",
                     "drawing"]
    assert demo.events[0] == ev.ModelEvent(0.0, paths.DEFAULT_MODEL.name, shipped=True)
    assert demo.events[1:4] == (ev.PageEvent(0.0, "Live network"), ev.TabEvent(0.0, "Where"), ev.SampleEvent(0.0, 2))
    stroke = demo.events[4]
    assert len(stroke.points) == len(VERTICAL_BAR_POINTS) == len(stroke.times) and stroke.width == 20.0
    assert stroke.t == stroke.times[0] and list(stroke.times) == sorted(stroke.times)
    assert demo.events[10].strokes == OPENED.strokes
    assert [e.t for e in demo.events] == sorted(e.t for e in demo.events)
    assert notes == ["a picture is not kept in a demo: its replay shows the canvas without it"]  # once


def test_a_picture_on_the_canvas_is_cleared_first_and_models_are_recorded_by_where_they_are(qtbot, window):
    window.canvas.show_picture(PictureInput(np.ones((28, 28), np.float32), "photo"))
    recorder = DemoRecorder(window)
    assert recorder.start() == "the canvas was cleared to start the demo (Ctrl+Z brings back what was on it)"
    assert window.canvas.drawing.is_blank
    window.load_model(paths.SEED_MODEL)
    qtbot.waitUntil(lambda: window.inspector.path == paths.SEED_MODEL, timeout=MODEL_TIMEOUT_MS)
    window.state.explain_class(4)
    window.state.select_map("dense", None)
    demo = recorder.stop()
    assert demo.events[3] == ev.ClearEvent(0.0)
    # the Why tab comes up as the class is heard (it listens first): the replay does the same from the class alone
    assert [e.kind for e in demo.events[4:]] == ["model", "tab", "class", "map"]
    model, _tab, chosen, chosen_map = demo.events[4:]
    assert (model.path, model.shipped, chosen.index) == (paths.SEED_MODEL.name, True, 4)
    assert (chosen_map.layer, chosen_map.index) == ("dense", None)
