"""The live replay: a demo's actions at their recorded times (scaled by ``speed``), in the window, as a user
would act; the network answers each change again. It can pause, resume, and step one event while paused.

Times are kept on a demo clock that stops while paused and while a model loads, so nothing is rushed
after a pause: the next action comes when it came in the recording, counted from where the demo stood.
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from guiapp.core.demo import events as ev
from guiapp.ui.replay.steps import WAIT_MODEL, Session, StopReplay

MODEL_POLL_MS = 50  # how often a loading model is looked for


class DemoPlayer(QObject):
    """Plays ``demo`` (read from the file ``name``) in ``window``; :meth:`start`, :meth:`toggle`, :meth:`step`."""

    progressed = Signal(int, int)  # events played, events in all
    skipped = Signal(str)  # one line: an event that could not be played here (the replay goes on)
    finished = Signal(object)  # None: played to the end; a line: why it stopped

    def __init__(self, window: Any, demo: ev.Demo, name: str, speed: float = 1.0) -> None:
        super().__init__(window)
        self.demo, self.name, self.speed = demo, name, max(float(speed), 1e-3)
        self.session = Session(window, name)
        self.actions = self.session.actions(demo)
        self.next = 0  # the next action
        self.played = 0  # events played whole
        self.paused = False
        self.done = False
        self._position = 0.0  # demo seconds reached when the clock last stopped
        self._since: float | None = None  # monotonic time the clock last started (None: stopped)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._run_due)

    @property
    def count(self) -> int:
        return len(self.demo.events)

    def _now(self) -> float:
        """Where the demo stands, in its own seconds."""
        if self._since is None:
            return self._position
        return self._position + (time.monotonic() - self._since) * self.speed

    def _stop_clock(self) -> None:
        self._position, self._since = self._now(), None
        self._timer.stop()

    def _start_clock(self) -> None:
        if self._since is None:
            self._since = time.monotonic()
        self._schedule()

    # ------------------------------------------------------------------ controls

    def start(self) -> None:
        self.progressed.emit(0, self.count)
        self._start_clock()

    def toggle(self) -> None:
        """Space: pause, or resume."""
        if self.done:
            return
        self.paused = not self.paused
        if self.paused:
            self._stop_clock()
        elif self.session.loading is None:
            self._start_clock()
        self.progressed.emit(self.played, self.count)

    def step(self) -> bool:
        """→ while paused: the rest of the event under way, or the next event, at once (True: one was played)."""
        if not self.paused or self.done or self.session.loading is not None:
            return False
        event = self.actions[self.next].event if self.next < len(self.actions) else None
        while self.next < len(self.actions) and self.actions[self.next].event == event:
            self._position = max(self._position, self.actions[self.next].time)
            if not self._run(self.actions[self.next]):
                break
        return event is not None

    def stop(self, problem: str | None = None) -> None:
        """End the replay (the window keeps what it shows); ``finished`` says ``problem`` (None: to the end)."""
        if self.done:
            return
        self.done = True
        self._stop_clock()
        self.session.close()
        self.finished.emit(problem)

    # ------------------------------------------------------------------ the clock

    def _schedule(self) -> None:
        if self.done or self.paused or self.session.loading is not None:
            return
        if self.next >= len(self.actions):
            self.stop()
            return
        wait = (self.actions[self.next].time - self._now()) / self.speed
        self._timer.start(max(0, round(wait * 1000)))

    def _run_due(self) -> None:
        now = self._now()
        while not self.done and not self.paused and self.next < len(self.actions):
            action = self.actions[self.next]
            if action.time > now or not self._run(action):
                break
        self._schedule()

    def _run(self, action: Any) -> bool:
        """Play ``action``; False: the replay waits (a model loading) or stopped."""
        self.next += 1
        try:
            outcome = action.run()
        except StopReplay as exc:
            self.stop(str(exc))
            return False
        if outcome == WAIT_MODEL:
            self._stop_clock()
            QTimer.singleShot(MODEL_POLL_MS, lambda: self._wait_model(action))
            return False
        self._done_with(action, outcome)
        return True

    def _done_with(self, action: Any, outcome: str | None) -> None:
        if outcome is not None:
            self.skipped.emit(f"{self.name}: event {action.event}: {outcome}")
        if action.last:
            self.played = action.event + 1
            self.progressed.emit(self.played, self.count)

    def _wait_model(self, action: Any) -> None:
        if self.done:
            return
        try:
            ready = self.session.model_ready()
        except StopReplay as exc:
            self.stop(str(exc))
            return
        if not ready:
            QTimer.singleShot(MODEL_POLL_MS, lambda: self._wait_model(action))
            return
        self._done_with(action, None)
        self._position = max(self._position, action.time)
        if not self.paused:
            self._start_clock()
