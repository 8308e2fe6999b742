"""The inference thread: the latest drawing wins, the last one is never skipped, results never pile up."""

from __future__ import annotations

import os
import signal

import numpy as np
import pytest
from PySide6.QtCore import QObject, Slot

from guiapp import paths
from guiapp.core.drawing.preprocess import drawing_to_network_input
from guiapp.core.drawing.strokes import Drawing, Stroke
from guiapp.core.live.live_request import LiveRequest
from guiapp.ui.live.worker import start_worker_thread
from tests.ui.conftest import MODEL_TIMEOUT_MS


@pytest.fixture()
def worker():
    """A worker in its own thread (and its compute process), stopped after the test."""
    started, thread = start_worker_thread(None)
    yield started
    thread.quit()
    thread.wait()
    started.stop()


class _Receiver(QObject):
    """Takes updates on the GUI thread, as the window does (a plain lambda would run in the worker's)."""

    def __init__(self, worker) -> None:
        super().__init__()
        self.worker = worker
        self.seen = []

    @Slot()
    def on_ready(self) -> None:
        self.seen.append(self.worker.take())


def test_requests_are_coalesced_and_the_last_is_computed(qtbot, worker):
    with qtbot.waitSignal(worker.modelLoaded, timeout=MODEL_TIMEOUT_MS):
        worker.load(paths.DEFAULT_MODEL)
    drawings = [Drawing(strokes=(Stroke(((140.0, 40.0), (140.0, 40.0 + 4 * i))),)) for i in range(1, 50)]
    receiver = _Receiver(worker)
    seen = receiver.seen
    worker.updateReady.connect(receiver.on_ready)
    for drawing in drawings:
        worker.ask(LiveRequest(drawing))
    qtbot.waitUntil(lambda: bool(seen) and seen[-1] is not None and seen[-1].drawing is drawings[-1],
                    timeout=MODEL_TIMEOUT_MS)
    assert worker.inference_count < len(drawings)  # intermediate drawings were skipped
    last = seen[-1]
    np.testing.assert_array_equal(last.result.image, drawing_to_network_input(drawings[-1]))
    assert last.result.predicted == 1


def test_a_model_that_fails_to_load_is_reported(qtbot, tmp_path, worker):
    with qtbot.waitSignal(worker.modelFailed, timeout=MODEL_TIMEOUT_MS) as blocker:
        worker.load(tmp_path / "missing.keras")
    assert "no such model file" in blocker.args[0]
    worker.ask(LiveRequest(Drawing()))  # no model: nothing is computed, nothing crashes
    qtbot.wait(50)
    assert worker.inference_count == 0 and worker.take() is None


def test_a_drawing_that_cannot_be_computed_is_reported_and_the_next_still_is(qtbot, worker):
    with qtbot.waitSignal(worker.modelLoaded, timeout=MODEL_TIMEOUT_MS):
        worker.load(paths.DEFAULT_MODEL)
    receiver = _Receiver(worker)
    worker.updateReady.connect(receiver.on_ready)
    with qtbot.waitSignal(worker.computeFailed, timeout=MODEL_TIMEOUT_MS) as blocker:
        worker.ask(LiveRequest(Drawing(strokes=(Stroke(((1.0, float("nan")),)),))))
    assert "NaN" in blocker.args[0]
    good = Drawing(strokes=(Stroke(((140.0, 40.0), (140.0, 240.0))),))
    worker.ask(LiveRequest(good))
    qtbot.waitUntil(lambda: bool(receiver.seen) and receiver.seen[-1].drawing is good, timeout=MODEL_TIMEOUT_MS)
    assert worker.computing_in_process and worker.process_problem is None  # one bad drawing is not a crash


def test_if_the_compute_process_dies_drawings_are_computed_here_and_it_is_said(qtbot, worker):
    with qtbot.waitSignal(worker.modelLoaded, timeout=MODEL_TIMEOUT_MS):
        worker.load(paths.DEFAULT_MODEL)
    assert worker.computing_in_process
    os.kill(worker.compute_pid, signal.SIGKILL)  # as the system's out-of-memory killer would
    receiver = _Receiver(worker)
    worker.updateReady.connect(receiver.on_ready)
    one = Drawing(strokes=(Stroke(((140.0, 40.0), (140.0, 240.0))),))
    with qtbot.waitSignal(worker.computeFailed, timeout=MODEL_TIMEOUT_MS) as blocker:
        worker.ask(LiveRequest(one))
    assert "computing in the window's own process from now on" in blocker.args[0]
    qtbot.waitUntil(lambda: bool(receiver.seen) and receiver.seen[-1].drawing is one, timeout=MODEL_TIMEOUT_MS)
    assert receiver.seen[-1].result.predicted == 1 and not worker.computing_in_process


def test_one_frozen_request_at_a_time_and_rest_is_never_undone(qtbot, worker):
    """Every call comes from one thread with a frozen request: the same drawing moving after its at-rest request
    asks nothing (the reference pass is not replaced); the same request twice is computed once; a change of
    choice is computed again (issue 22: a late queued submit used to overwrite the at-rest request)."""
    from guiapp.core.drawing.preprocess import PreprocessOptions

    with qtbot.waitSignal(worker.modelLoaded, timeout=MODEL_TIMEOUT_MS):
        worker.load(paths.DEFAULT_MODEL)
    receiver = _Receiver(worker)
    worker.updateReady.connect(receiver.on_ready)
    drawing = Drawing(strokes=(Stroke(((140.0, 40.0), (140.0, 240.0))),))
    no_centre = PreprocessOptions(centre=False)
    moving = LiveRequest(drawing, no_centre)
    worker.ask(moving)
    worker.ask(moving.resting())
    worker.ask(LiveRequest(drawing, no_centre))  # late: the same drawing, moving, after rest
    assert worker.asked.at_rest  # the at-rest request stays the one to compute
    qtbot.waitUntil(lambda: any(u is not None and u.reference is not None for u in receiver.seen),
                    timeout=MODEL_TIMEOUT_MS)
    count = worker.inference_count
    worker.ask(LiveRequest(drawing, no_centre, at_rest=True))  # the same again: nothing new to compute
    qtbot.wait(100)
    assert worker.inference_count == count
    worker.ask(LiveRequest(drawing))  # every step on: a new choice, computed again
    qtbot.waitUntil(lambda: worker.inference_count == count + 1, timeout=MODEL_TIMEOUT_MS)
    shown = [u for u in receiver.seen if u is not None]
    assert shown[-1].reference is None and shown[-1].result.predicted == 1
