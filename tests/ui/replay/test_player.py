"""player: a demo plays live at its recorded pace; Space pauses and resumes it, → plays exactly one event while
paused, and the indicator says which."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from guiapp.core.demo import events as ev
from guiapp.ui.replay.actions import controls
from tests.ui.conftest import MODEL_TIMEOUT_MS


def _stroke(t: float, x: float) -> ev.StrokeEvent:
    points = tuple((x, 40.0 + 20 * i) for i in range(10))
    return ev.StrokeEvent(t, points, tuple(t + 0.01 * i for i in range(10)))


DEMO = ev.Demo((ev.ClearEvent(0.5), _stroke(1.0, 80.0), _stroke(2.0, 140.0), ev.TabEvent(3.0, "Why"),
                _stroke(4.0, 200.0)))


def test_space_pauses_and_right_steps_exactly_one_event(qtbot, window):
    window.load_sample(4)
    window.activateWindow()
    demos = controls(window)
    player = demos.play(DEMO, "steps.json")
    qtbot.keyClick(window, Qt.Key.Key_Space)  # paused before the first event came due
    assert player.paused and player.played == 0
    assert demos.indicator.text() == "❚❚ Paused 0/5 — Space resumes, → steps one event"
    qtbot.wait(800)  # past the first event's time: nothing is played while paused
    assert player.played == 0 and window.canvas.undo_stack.undoText().startswith("Sample 4")

    qtbot.keyClick(window, Qt.Key.Key_Right)
    assert player.played == 1 and window.canvas.undo_stack.undoText() == "Clear"
    qtbot.keyClick(window, Qt.Key.Key_Right)  # one stroke, whole, at once
    assert player.played == 2 and len(window.canvas.drawing.strokes) == 1
    assert window.canvas.drawing.strokes[0].points[-1][1] == pytest.approx(220.0, rel=1e-14)
    assert demos.indicator.text() == "❚❚ Paused 2/5 — Space resumes, → steps one event"
    qtbot.wait(300)
    assert player.played == 2

    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert not player.paused and demos.indicator.text().startswith("▶ Replaying 2/5")
    qtbot.waitUntil(lambda: player.done, timeout=MODEL_TIMEOUT_MS)
    assert player.played == 5 and len(window.canvas.drawing.strokes) == 3
    assert window.tabs.currentWidget() is window.why_page
    assert window.statusBar().currentMessage() == "steps.json: replayed to the end"
    assert demos.indicator.isHidden() and demos.player is None
    assert demos.pause not in window.actions()  # Space and → are the window's own again


def test_right_does_nothing_while_playing_and_a_new_replay_replaces_the_old(qtbot, window):
    demos = controls(window)
    first = demos.play(DEMO, "first.json")
    assert first.step() is False and first.played == 0  # → steps only a paused replay
    second = demos.play(ev.Demo((ev.ClearEvent(0.0),)), "second.json")
    assert first.done and demos.player is second
    qtbot.waitUntil(lambda: second.done, timeout=MODEL_TIMEOUT_MS)
    assert first.played == 0 and window.statusBar().currentMessage() == "second.json: replayed to the end"
