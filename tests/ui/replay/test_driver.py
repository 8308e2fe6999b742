"""driver: a demo recorded in the window replays, step by step, to the same probabilities at every step — the
network answering again, nothing stored shown — and a model not on this computer ends it in one line."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from guiapp.core.demo import events as ev
from guiapp.core.demo.reader import read_demo
from guiapp.ui.replay.actions import controls
from guiapp.core.errors import GuiappError
from guiapp.ui.replay.driver import for_each_step, replay_steps, update_shown, wait_until
from tests.ui.conftest import VERTICAL_BAR_POINTS, draw, line


def test_a_recorded_demo_replays_to_the_same_probabilities_at_every_step(qtbot, window, tmp_path):
    demos, canvas = controls(window), window.canvas
    demos.start_recording()
    recorded = []  # (events recorded so far, the probabilities then, the update shown)

    def note() -> None:
        assert wait_until(lambda: update_shown(window))
        recorded.append((len(demos.recorder.events), window.last_result.probabilities.copy(), window.last_update))

    note()  # the blank canvas the demo starts on
    draw(qtbot, canvas, VERTICAL_BAR_POINTS)
    note()
    draw(qtbot, canvas, line((90, 60), (190, 60), 15))
    note()
    window.load_sample(3)
    note()
    window.show_page_titled("Conv arithmetic")
    window.show_page_titled("Live network")
    note()
    window.state.explain_class(5)  # a probability bar clicked: the Why tab comes up explaining 5
    note()
    conv = next(name for name in window.inspector.layer_names if "conv" in name)
    window.state.select_map(conv, 2)
    note()
    canvas.undo_stack.undo()  # the test digit goes: the two strokes are back
    note()
    draw(qtbot, canvas, line((60, 200), (200, 120), 10), button=Qt.MouseButton.RightButton)
    note()
    demos.ask_save_path = lambda: str(tmp_path / "lecture")
    path = demos.stop_recording()
    assert path == tmp_path / "lecture.json" and not demos.recorder.recording

    demo = read_demo(path, window.page_titles(), window.tab_titles())
    assert [e.kind for e in demo.events] == ["model", "page", "tab", "clear", "stroke", "stroke", "sample", "page",
                                             "page", "tab", "class", "map", "undo", "stroke"]
    assert demo.events[0] == ev.ModelEvent(0.0, window.inspector.path.name, shipped=True)
    strokes = [e for e in demo.events if isinstance(e, ev.StrokeEvent)]
    assert [len(s.points) for s in strokes] == [20, 15, 10] and strokes[2].erase
    assert all(s.times[-1] >= s.times[0] > 0 for s in strokes)
    assert (demo.events[6].index, demo.events[10].index, demo.events[11]) == (3, 5, ev.MapEvent(
        demo.events[11].t, conv, 2))

    window.load_sample(9)  # something else on the canvas and another page: the demo sets its own start
    window.show_page_titled("Training")
    computed = window.worker.inference_count
    replayed = {}
    problem = for_each_step(window, demo, lambda step: replayed.__setitem__(
        step.index, (step.update.result.probabilities.copy(), step.update, step.event)), name=str(path))
    assert problem is None and len(replayed) == len(demo.events)
    for count, probabilities, update in recorded:
        again, new_update, event = replayed[count - 1]
        assert event is demo.events[count - 1]
        assert new_update is not update  # the network answered again
        np.testing.assert_allclose(again, probabilities, atol=1e-5)
    assert window.worker.inference_count >= computed + 6  # every drawing was computed anew
    # the strokes drawn again where they were drawn (to the last bit but where the canvas' scale cannot say it)
    for again, stroke in zip(window.canvas.drawing.strokes[:2], strokes[:2], strict=True):
        np.testing.assert_allclose(again.points, stroke.points, rtol=1e-14)
    assert window.canvas.pen_width() == 20.0 and not window.canvas.eraser()  # the user's pen, given back


def test_a_model_not_on_this_computer_ends_the_replay_in_one_line(qtbot, window, tmp_path):
    missing = tmp_path / "gone.keras"
    demo = ev.Demo((ev.ClearEvent(0.0), ev.ModelEvent(0.1, str(missing)), ev.SampleEvent(0.2, 1)))
    steps = []
    problem = for_each_step(window, demo, steps.append, name="lecture.json")
    assert problem == f"lecture.json: the model {missing} is not on this computer — the replay stopped there"
    assert [s.event.kind for s in steps] == ["clear"] and window.inspector is not None
    draw(qtbot, window.canvas, VERTICAL_BAR_POINTS)  # the window goes on
    assert wait_until(lambda: update_shown(window)) and window.last_result.predicted == 1


def test_a_clip_can_drive_the_replay_one_stroke_point_at_a_time(qtbot, window):
    points = tuple((140.0, 50.0 + 20 * i) for i in range(9))
    demo = ev.Demo((ev.ClearEvent(0.0), ev.StrokeEvent(0.5, points, tuple(0.5 + 0.1 * i for i in range(9)))))
    shown = []
    for step in replay_steps(window, demo, name="bar.json", stroke_points=True):
        assert wait_until(lambda: update_shown(window))
        shown.append((step.index, step.count, step.time, len(window.last_update.drawing.strokes[-1].points)
                      if window.last_update.drawing.strokes else 0))
    # the clear, the press, a move per further point, the release: each shown, the stroke growing
    assert [s[:2] for s in shown] == [(i, 11) for i in range(11)]
    assert [s[3] for s in shown] == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9]
    assert shown[-1][2] == pytest.approx(1.3) and window.last_result.predicted == 1
    with pytest.raises(GuiappError, match="gone.keras is not on this computer"):
        list(replay_steps(window, ev.Demo((ev.ModelEvent(0.0, "/nowhere/gone.keras"),)), name="x.json"))
