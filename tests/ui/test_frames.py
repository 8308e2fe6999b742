"""The live page gets every frame; under load the tabs beside it are the first to repaint less often."""

from __future__ import annotations

from guiapp.ui.frames import SIDE_EVERY_S, FrameBudget, FrameDispatch

INTERVAL = 1 / 60


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Recorder:
    """A feature that records what it was shown; showing it costs ``cost`` seconds of the clock."""

    is_page = on_screen = False  # a tab (a page on screen is shown every frame, as the live page is)

    def __init__(self, clock: Clock, cost: float) -> None:
        self.clock, self.cost = clock, cost
        self.shown: list[tuple[object, bool]] = []
        self.settled = 0

    def show_update(self, update: object, moving: bool) -> None:
        self.shown.append((update, moving))
        self.clock.now += self.cost

    def settle(self) -> None:
        self.settled += 1


def run(cost: float, frames: int = 60) -> tuple[Recorder, Recorder, FrameDispatch, Clock]:
    clock = Clock()
    focus, side = Recorder(clock, cost / 2), Recorder(clock, cost / 2)
    dispatch = FrameDispatch([focus, side], lambda: INTERVAL, clock)
    for frame in range(frames):
        clock.now = max(clock.now, frame * INTERVAL)
        dispatch.show(frame, True)
    return focus, side, dispatch, clock


def test_a_cheap_frame_goes_to_every_feature():
    focus, side, dispatch, _ = run(cost=0.002)
    assert len(focus.shown) == len(side.shown) == 60
    assert dispatch.budget.side_skipped == 0


def test_under_load_the_tabs_give_way_and_the_live_page_keeps_every_frame():
    focus, side, dispatch, _ = run(cost=0.012)  # 12 ms of a 16.7 ms refresh: loaded
    assert len(focus.shown) == 60
    # one second of frames: the tabs about every SIDE_EVERY_S (plus the first frames, before the cost is known)
    assert 1 / SIDE_EVERY_S - 2 <= len(side.shown) <= 1 / SIDE_EVERY_S + 3
    assert dispatch.budget.side_skipped == 60 - len(side.shown)


def test_under_load_a_page_on_screen_showing_the_drawing_keeps_every_frame_and_the_tabs_give_way():
    clock = Clock()
    live, tab, page = Recorder(clock, 0.004), Recorder(clock, 0.004), Recorder(clock, 0.004)
    page.is_page = page.on_screen = True  # the Compare page: the audience watches it
    dispatch = FrameDispatch([live, tab, page], lambda: INTERVAL, clock)
    for frame in range(60):
        clock.now = max(clock.now, frame * INTERVAL)
        dispatch.show(frame, True)
    assert len(live.shown) == len(page.shown) == 60
    assert len(tab.shown) <= 1 / SIDE_EVERY_S + 3


def test_at_rest_the_tabs_get_the_newest_update_they_missed():
    focus, side, dispatch, _ = run(cost=0.012)
    dispatch.show(60, True)  # right after the last: within SIDE_EVERY_S of the tabs' last frame
    assert side.shown[-1][0] != 60 and focus.shown[-1][0] == 60  # the live page only
    dispatch.rest("newest")
    assert side.shown[-1] == ("newest", False)
    assert focus.settled == side.settled == 1
    dispatch.rest("newest")
    assert side.shown.count(("newest", False)) == 1  # owed once, shown once


def test_a_frame_at_rest_goes_to_every_feature_even_under_load():
    clock = Clock()
    focus, side = Recorder(clock, 0.006), Recorder(clock, 0.006)
    dispatch = FrameDispatch([focus, side], lambda: INTERVAL, clock)
    for frame in range(5):
        dispatch.show(frame, False)
    assert [u for u, _ in side.shown] == list(range(5))


def test_the_budget_follows_the_cost_as_the_load_goes():
    budget = FrameBudget(Clock())
    budget.spent(0.005, 0.010)
    assert budget.loaded(INTERVAL)
    for _ in range(20):
        budget.spent(0.001, None)  # the tabs kept out: their cost is still counted
    assert budget.loaded(INTERVAL)
    for _ in range(20):
        budget.spent(0.001, 0.001)
    assert not budget.loaded(INTERVAL)


def test_frames_that_begin_late_shed_the_tabs_until_the_pen_rests():
    """Painting is not in a frame's own cost: a frame beginning late (the GUI thread busy painting the last)
    says the host is loaded too; once shedding, cheap frames do not end it — the pen resting does."""
    clock = Clock()
    late = {"s": 0.012}
    focus, side = Recorder(clock, 0.0005), Recorder(clock, 0.0005)
    dispatch = FrameDispatch([focus, side], lambda: INTERVAL, clock, lateness=lambda: late["s"])
    for frame in range(30):
        clock.now = frame * INTERVAL
        dispatch.show(frame, True)
        late["s"] = 0.0  # after the first late frame, every frame is on time and cheap
    assert len(focus.shown) == 30 and len(side.shown) < 10
    assert dispatch.budget.shedding
    dispatch.rest("newest")
    dispatch.show("at rest", False)
    assert not dispatch.budget.shedding and side.shown[-1] == ("at rest", False)
