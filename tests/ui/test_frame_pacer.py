"""frame_pacer: at most one frame per display refresh with the newest result offered (older ones counted as
dropped), and the pointer's rest said REST_MS after the last move. (Under a real flood of strokes:
tests/ui/live/test_live_pacing.py.)"""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from PySide6.QtWidgets import QWidget

from guiapp.ui.frame_pacer import DEFAULT_REFRESH_HZ, REST_MS, FramePacer

WAIT_MS = 5000  # generous: a busy host may be late, never early


@pytest.fixture()
def pacer(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    return FramePacer(widget)


def _frames(pacer: FramePacer) -> list[tuple[float, object]]:
    shown: list[tuple[float, object]] = []
    pacer.frameDue.connect(lambda result: shown.append((time.perf_counter(), result)))
    return shown


@pytest.mark.parametrize(("rate", "interval"), [
    (144.0, 1 / 144), (60.0, 1 / 60), (0.0, 1 / DEFAULT_REFRESH_HZ), (1000.0, 1 / DEFAULT_REFRESH_HZ),
    (5.0, 1 / DEFAULT_REFRESH_HZ),
])
def test_a_frame_lasts_one_refresh_of_the_screen_when_it_says_a_believable_rate(pacer, monkeypatch, rate, interval):
    monkeypatch.setattr(pacer, "_widget", SimpleNamespace(screen=lambda: SimpleNamespace(refreshRate=lambda: rate)))
    assert pacer.frame_interval == pytest.approx(interval)


def test_no_screen_means_the_default_rate(pacer, monkeypatch):
    monkeypatch.setattr(pacer, "_widget", SimpleNamespace(screen=lambda: None))
    assert pacer.frame_interval == pytest.approx(1 / DEFAULT_REFRESH_HZ)


def test_the_newest_result_wins_its_frame_and_the_older_is_dropped(qtbot, pacer):
    shown = _frames(pacer)
    pacer.offer("first")
    pacer.offer("second")
    pacer.offer("third")
    qtbot.waitUntil(lambda: len(shown) > 0, timeout=WAIT_MS)
    qtbot.wait(int(pacer.frame_interval * 3000))  # no frame left over
    assert [result for _, result in shown] == ["third"]
    assert (pacer.frames_shown, pacer.results_dropped) == (1, 2)
    assert pacer.last_frame_time == pytest.approx(shown[0][0], abs=0.05)


def test_two_frames_are_never_closer_than_one_refresh(qtbot, pacer):
    shown = _frames(pacer)
    pacer.offer("one")
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=WAIT_MS)
    pacer.offer("two")  # at once: it waits for the next refresh
    qtbot.waitUntil(lambda: len(shown) == 2, timeout=WAIT_MS)
    assert shown[1][0] - shown[0][0] >= pacer.frame_interval - 0.0005  # a timer's half millisecond
    assert pacer.results_dropped == 0


def test_stop_forgets_the_result_waiting(qtbot, pacer):
    shown = _frames(pacer)
    pacer.offer("late")
    pacer.stop()
    qtbot.wait(int(pacer.frame_interval * 3000))
    assert shown == [] and pacer.frames_shown == 0


def test_the_pointer_rests_rest_ms_after_the_last_move(qtbot, pacer):
    rests: list[float] = []
    pacer.rested.connect(lambda: rests.append(time.perf_counter()))
    assert not pacer.moving
    pacer.moved()
    qtbot.wait(REST_MS // 3)
    last_move = time.perf_counter()
    pacer.moved()  # a move before the rest: the rest starts again
    assert pacer.moving
    qtbot.waitUntil(lambda: len(rests) > 0, timeout=WAIT_MS)
    assert not pacer.moving and len(rests) == 1
    assert rests[0] - last_move >= 0.9 * REST_MS / 1000  # (a coarse timer may fire 5% early)
    pacer.rest_later()  # work that waits for rest asks again: said again, without a move
    qtbot.waitUntil(lambda: len(rests) == 2, timeout=WAIT_MS)
    assert not pacer.moving
