"""The offscreen replay: a demo played step by step, each step's update waited for, then handed to a callback.

For what must see every step as the audience would — a video of a replay, a test comparing probabilities —
:func:`for_each_step` plays each event at once (no waiting for its recorded time), waits until the window
shows the update for it (the network has answered the canvas as it now is, with every current choice, and
that answer is painted), and calls ``on_step(step)``. ``step.time`` is the event's time in the recording,
so a caller can pace frames as the demo was paced::

    def grab(step):  # step.index, step.count, step.event, step.time, step.update
        frames.append((step.time, window.grab().toImage()))

    problem = for_each_step(window, read_demo(path), grab, name=str(path))

or, as a clip's step driver (:func:`replay_steps` performs a step per iteration)::

    record_frames(window, replay_steps(window, demo, name=str(path)), lambda _step: update_shown(window), out)
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QEventLoop, QTimer

from guiapp.core.demo import events as ev
from guiapp.core.errors import GuiappError
from guiapp.ui.replay.steps import WAIT_MODEL, Session, StopReplay

STEP_TIMEOUT_S = 120.0  # a step whose update has not come by then ends the replay with a line
POLL_MS = 5


@dataclass(frozen=True)
class Step:
    """One step played: ``index`` of ``count`` (per event, or per stroke point with ``stroke_points``)."""

    index: int
    count: int
    event: ev.Event
    time: float  # seconds into the recording
    update: Any  # the Update the window shows after it (None before any model answered)


def _computing(live: Any) -> bool:
    """Whether the live loop has a request not yet computed, or a result not yet painted."""
    return not live.idle


def update_shown(window: Any) -> bool:
    """The window shows the network's answer to what is on the canvas now, with every current choice."""
    state, canvas = window.state, window.canvas
    update, asked = state.update, window.live.worker.asked
    if window.inspector is None or update is None or update.drawing is not canvas.drawing:
        return False
    if asked is None or not asked.same_choices(state.request(canvas.drawing)):
        return False
    return not _computing(window.live)


def wait_until(done: Callable[[], bool], timeout: float = STEP_TIMEOUT_S) -> bool:
    """Run the event loop until ``done()`` (True) or ``timeout`` seconds (False)."""
    deadline = time.monotonic() + timeout
    loop = QEventLoop()
    while not done():
        if time.monotonic() > deadline:
            return False
        QTimer.singleShot(POLL_MS, loop.quit)
        loop.exec()
    return True


def replay_steps(window: Any, demo: ev.Demo, *, name: str = "demo", stroke_points: bool = False,
                 timeout: float = STEP_TIMEOUT_S) -> Iterator[Step]:
    """Play ``demo`` in ``window`` one step per iteration, yielding each step once it is played (its update
    still to come: wait for :func:`update_shown` before the next). For a clip's step driver
    (:func:`guiapp.ui.export.clips.record_frames` with ``lambda _step: update_shown(window)``).

    A model that is not on this computer, or does not load within ``timeout``, is a
    :class:`~guiapp.core.errors.GuiappError` in one line; events this window cannot play are skipped and said
    in its status bar. The pen, the eraser and the trust question are given back when the iteration ends.
    """
    session = Session(window, name)
    try:
        actions = session.actions(demo)
        count = len(actions) if stroke_points else len(demo.events)
        index = 0
        for action in actions:
            outcome = action.run()
            if outcome == WAIT_MODEL:
                if not wait_until(session.model_ready, timeout):
                    raise GuiappError(f"{name}: event {action.event}: the model did not load within {timeout:g} s")
            elif outcome is not None:
                window.door.say(f"{name}: event {action.event}: {outcome}", error=True)
            if action.last or stroke_points:
                yield Step(index, count, demo.events[action.event], action.time, None)
                index += 1
    except StopReplay as exc:
        raise GuiappError(str(exc)) from None
    finally:
        session.close()


def for_each_step(window: Any, demo: ev.Demo, on_step: Callable[[Step], object], *, name: str = "demo",
                  stroke_points: bool = False, timeout: float = STEP_TIMEOUT_S) -> str | None:
    """Replay ``demo`` in ``window``, calling ``on_step`` once each step's update is shown; a problem in a line.

    A step is one event; with ``stroke_points`` each point of a stroke is a step too (a smoother video).
    Events that cannot be played here are skipped and said in the window's status bar; a model that is not
    on this computer, or a step whose update never comes, ends the replay with its line (returned).
    """
    try:
        with closing(replay_steps(window, demo, name=name, stroke_points=stroke_points, timeout=timeout)) as steps:
            for step in steps:
                if not wait_until(lambda: update_shown(window), timeout):
                    return f"{name}: step {step.index + 1} of {step.count}: no answer from the network within " \
                           f"{timeout:g} s"
                on_step(replace(step, update=window.last_update))
    except GuiappError as exc:
        return str(exc)
    return None
