"""Frame pacing for the live page: at most one frame per display refresh, and the pointer's rest.

The live loop degrades by dropping work, never by growing late: a result waits here for
the next display refresh, and a newer one replaces it (the older is counted as dropped).
What is not needed at pointer rate waits until no drawing change has come for ``REST_MS``.
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QWidget

REST_MS = 150  # no drawing change for this long: the pointer rests, deferred work runs
DEFAULT_REFRESH_HZ = 60.0  # when the screen does not say (offscreen)
MIN_REFRESH_HZ, MAX_REFRESH_HZ = 20.0, 500.0  # a rate outside this is a platform's guess, not a display's

if TYPE_CHECKING:
    from guiapp.ui.live.worker import Update


class FramePacer(QObject):
    """Holds the newest result until its frame; says when the pointer rests.

    ``frameDue(result)`` fires at most once per display refresh with the newest result
    offered; ``rested()`` fires ``REST_MS`` after the last :meth:`moved` (or :meth:`rest_later`).
    """

    frameDue = Signal(object)  # the Update to show now
    rested = Signal()

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self._widget = widget  # whose screen sets the refresh rate
        self._waiting: Update | None = None
        self.last_frame_time = 0.0  # perf_counter() when the last frame began to be shown
        self.lateness = 0.0  # how late the last frame began, seconds: the GUI thread was busy (painting, …)
        self._due = 0.0
        self.frames_shown = self.results_dropped = 0
        self.moving = False  # the pointer is drawing: deferred work waits
        self._frame_timer = QTimer(self)
        self._frame_timer.setSingleShot(True)
        self._frame_timer.setTimerType(Qt.TimerType.PreciseTimer)  # a coarse timer may fire 5% early
        self._frame_timer.timeout.connect(self._on_frame)
        self._rest_timer = QTimer(self)
        self._rest_timer.setSingleShot(True)
        self._rest_timer.setInterval(REST_MS)
        self._rest_timer.timeout.connect(self._on_rest)

    @property
    def frame_interval(self) -> float:
        """Seconds between two frames: one display refresh."""
        screen = self._widget.screen()
        rate = screen.refreshRate() if screen is not None else 0.0
        return 1.0 / (rate if MIN_REFRESH_HZ <= rate <= MAX_REFRESH_HZ else DEFAULT_REFRESH_HZ)

    def offer(self, result: Update) -> None:
        """A new result: shown at the next refresh, unless a newer one comes first."""
        if self._waiting is not None:
            self.results_dropped += 1  # computed, overtaken before its frame: never painted
        self._waiting = result
        if not self._frame_timer.isActive():
            now = time.perf_counter()
            wait = max(0, math.ceil((self.last_frame_time + self.frame_interval - now) * 1000))
            self._due = now + wait / 1000
            self._frame_timer.start(wait)

    def moved(self) -> None:
        """The drawing changed: the pointer moves until it rests."""
        self.moving = True
        self._rest_timer.start()

    def rest_later(self) -> None:
        """Say ``rested`` again after ``REST_MS`` (work that waits for a first frame asks again)."""
        self._rest_timer.start()

    @property
    def holding(self) -> bool:
        """A result waits for its frame."""
        return self._waiting is not None

    def stop(self) -> None:
        self._frame_timer.stop()
        self._rest_timer.stop()
        self._waiting = None

    def _on_frame(self) -> None:
        result, self._waiting = self._waiting, None
        if result is None:
            return
        self.last_frame_time = time.perf_counter()
        self.lateness = max(0.0, self.last_frame_time - self._due)
        self.frames_shown += 1
        self.frameDue.emit(result)

    def _on_rest(self) -> None:
        self.moving = False
        self.rested.emit()
