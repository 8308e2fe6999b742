"""Each frame to every feature in sight, and what the window gives up first when the host is loaded.

The live page (canvas, maps, probabilities) is what the audience watches: it gets every frame the
:class:`~guiapp.ui.frame_pacer.FramePacer` lets through, and so does the page on screen when another page
shows the drawing (the Compare page). The tabs beside it are out of that focus: once
frames run late while the pen moves — a frame's own work plus how late it began (the GUI thread busy
painting the last one) above half a display refresh: a video call keeping a core busy, a slow host —
they are shown at most every :data:`SIDE_EVERY_S` until the pen rests, and then the newest update.
So under load the tabs repaint less often before the live panels do.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from guiapp.core.live.live_update import Update
    from guiapp.ui.feature import Feature

SIDE_EVERY_S = 0.1  # under load, the tabs at most ten times a second while the pen moves
LATE_SHARE = 0.5  # a frame costing more than this share of a refresh: the host is loaded
SMOOTHING = 0.3  # weight of the newest frame's cost in the running estimate


class FrameBudget:
    """Decides, frame by frame, whether the features out of focus get this frame.

    ``clock``: seconds (``time.perf_counter`` by default; tests pass their own).
    """

    def __init__(self, clock: Callable[[], float] = time.perf_counter) -> None:
        self._clock = clock
        self.focus_cost = self.side_cost = 0.0  # running estimates of each part of a frame's cost, seconds
        self.lateness = 0.0  # running estimate of how late frames begin, seconds
        self.shedding = False  # the tabs give way until the pen rests
        self._side_at = -1e9  # when the side features were last shown
        self.owed = False  # a frame was kept from them: they get the newest at rest
        self.side_frames = self.side_skipped = 0

    def loaded(self, interval: float) -> bool:
        """Frames cost more than :data:`LATE_SHARE` of a refresh of ``interval`` seconds."""
        return self.focus_cost + self.side_cost + self.lateness > LATE_SHARE * interval

    def side_due(self, moving: bool, interval: float) -> bool:
        """Whether the features out of focus are shown this frame."""
        now = self._clock()
        # Once loaded, until the pen rests: giving way makes frames cheap again, which is not the load gone.
        self.shedding = moving and (self.shedding or self.loaded(interval))
        if self.shedding and now - self._side_at < SIDE_EVERY_S:
            self.owed = True
            self.side_skipped += 1
            return False
        self._side_at = now
        self.owed = False
        self.side_frames += 1
        return True

    def spent(self, focus: float, side: float | None, late: float = 0.0) -> None:
        """A frame took ``focus`` seconds to show on the live page and ``side`` on the others (None: not shown),
        and began ``late`` seconds after its time."""
        self.focus_cost = _smoothed(self.focus_cost, focus)
        self.lateness = _smoothed(self.lateness, late)
        if side is not None:
            self.side_cost = _smoothed(self.side_cost, side)


def _smoothed(estimate: float, seconds: float) -> float:
    return seconds if estimate == 0.0 else (1 - SMOOTHING) * estimate + SMOOTHING * seconds


class FrameDispatch:
    """Shows updates on the features: the live page (first) always, the others as :class:`FrameBudget` allows.

    ``features``: the window's features, the live page first; ``interval()``: seconds per display refresh;
    ``lateness()``: how late the frame being shown began (the pacer's).
    """

    def __init__(self, features: Sequence[Feature], interval: Callable[[], float],
                 clock: Callable[[], float] = time.perf_counter, lateness: Callable[[], float] = lambda: 0.0) -> None:
        self._features = features
        self._interval = interval
        self._lateness = lateness
        self._clock = clock
        self.budget = FrameBudget(clock)

    def show(self, update: Update, moving: bool) -> None:
        start = self._clock()
        live, *side = self._features
        # A page on screen that shows the drawing's results (the Compare page) is what the audience watches too.
        page = next((feature for feature in side if feature.is_page and feature.on_screen), None)
        live.show_update(update, moving)
        if page is not None:
            page.show_update(update, moving)
        middle = self._clock()
        side_seconds = None
        if self.budget.side_due(moving, self._interval()):
            for feature in side:
                if feature is not page:
                    feature.show_update(update, moving)
            side_seconds = self._clock() - middle
        self.budget.spent(middle - start, side_seconds, self._lateness())

    def rest(self, update: Update | None) -> None:
        """The pointer rests: features kept from a frame get the newest; every feature does its deferred work."""
        if update is not None and self.budget.owed:
            self.budget.owed = False
            for feature in self._features[1:]:
                feature.show_update(update, False)
        for feature in self._features:
            feature.settle()
