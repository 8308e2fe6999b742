"""The window's one way to run in-process work: a job's outcome comes back with its generation, only the
latest job's progress and outcome come back at all, failures are one line, and shutdown stops the work."""

from __future__ import annotations

import threading
import time

import pytest

from guiapp.ui.jobs import Failed, Jobs, Stopped

WAIT_S = 5  # generous: how long a test waits for the worker thread to reach a point


@pytest.fixture
def jobs(qtbot):
    runner = Jobs("test-jobs")
    outcomes = {"progress": [], "done": [], "failed": []}
    runner.progress.connect(lambda g, values: outcomes["progress"].append((g, values)))
    runner.done.connect(lambda g, result: outcomes["done"].append((g, result)))
    runner.failed.connect(lambda g, message: outcomes["failed"].append((g, message)))
    runner.outcomes = outcomes
    yield runner
    runner.shutdown()


def _settle(qtbot, jobs):
    """Process every outcome queued so far: one more job's result arrives after all of them, in order."""
    marker = jobs.start(lambda _context: "marker")
    qtbot.waitUntil(lambda: (marker, "marker") in jobs.outcomes["done"], timeout=WAIT_S * 1000)
    jobs.outcomes["done"].remove((marker, "marker"))


def test_a_jobs_result_arrives_with_its_generation_in_the_worker_thread(qtbot, jobs):
    gui = threading.get_ident()
    generation = jobs.start(lambda _context, a, b: (a * b, threading.get_ident()), 6, 7)
    assert jobs.busy
    qtbot.waitUntil(lambda: jobs.outcomes["done"] != [], timeout=WAIT_S * 1000)
    [(got, (product, ident))] = jobs.outcomes["done"]
    assert got == generation == jobs.generation and product == 42 and ident != gui
    assert not jobs.busy and jobs.outcomes["failed"] == []


def test_progress_values_arrive_in_order(qtbot, jobs):
    def work(context):
        for i in range(50):
            context.progress(i, 50)
        return "end"

    generation = jobs.start(work)
    qtbot.waitUntil(lambda: jobs.outcomes["done"] != [], timeout=WAIT_S * 1000)
    assert jobs.outcomes["progress"] == [(generation, (i, 50)) for i in range(50)]
    assert jobs.outcomes["done"] == [(generation, "end")]


def test_a_second_start_drops_the_firsts_progress_and_result_even_when_it_finishes_later(qtbot, jobs):
    entered, release = threading.Event(), threading.Event()
    seen = {}

    def first(context):
        context.progress("first", 1)
        entered.set()
        assert release.wait(WAIT_S)
        seen["stopped"] = context.stopped()
        context.progress("first", 2)
        return "first"

    old = jobs.start(first)
    assert entered.wait(WAIT_S)  # the GUI thread waits without processing events: "first", 1 is still queued
    new = jobs.start(lambda context: ("second", context.stopped()))
    release.set()
    qtbot.waitUntil(lambda: jobs.outcomes["done"] != [], timeout=WAIT_S * 1000)
    assert new == old + 1 and seen["stopped"] is True
    assert jobs.outcomes["done"] == [(new, ("second", False))]
    assert jobs.outcomes["progress"] == [] and jobs.outcomes["failed"] == []


def test_cancel_means_no_done(qtbot, jobs):
    entered, release, ended = threading.Event(), threading.Event(), threading.Event()

    def work(context):
        entered.set()
        assert release.wait(WAIT_S)
        ended.set()
        return "too late"

    jobs.start(work)
    assert entered.wait(WAIT_S)
    jobs.cancel()
    assert not jobs.busy
    release.set()
    assert ended.wait(WAIT_S)
    _settle(qtbot, jobs)
    assert jobs.outcomes["done"] == [] and jobs.outcomes["failed"] == []


def test_an_exception_is_a_one_line_failure_and_stopped_is_silent(qtbot, jobs):
    def broken(_context):
        raise ValueError("the file is not a model\nTraceback (most recent call last):\n  File ...")

    generation = jobs.start(broken)
    qtbot.waitUntil(lambda: jobs.outcomes["failed"] != [], timeout=WAIT_S * 1000)
    assert jobs.outcomes["failed"] == [(generation, "the file is not a model")] and not jobs.busy
    def worded_failure(_context):
        raise Failed("could not draw the map: " + "x" * 200)

    def giving_up(_context):
        raise Stopped

    worded = jobs.start(worded_failure)
    qtbot.waitUntil(lambda: len(jobs.outcomes["failed"]) == 2, timeout=WAIT_S * 1000)
    assert jobs.outcomes["failed"][1] == (worded, "could not draw the map: " + "x" * 200)  # its own words, whole
    jobs.start(giving_up)
    _settle(qtbot, jobs)
    assert len(jobs.outcomes["failed"]) == 2 and jobs.outcomes["done"] == []


def test_what_a_stale_job_raises_is_dropped(qtbot, jobs):
    entered, release = threading.Event(), threading.Event()

    def work(context):
        entered.set()
        assert release.wait(WAIT_S)
        raise RuntimeError("stopped half-way")  # as a core loop does when its should_stop says so

    jobs.start(work)
    assert entered.wait(WAIT_S)
    jobs.cancel()
    release.set()
    _settle(qtbot, jobs)
    assert jobs.outcomes["failed"] == []


def test_shutdown_while_work_runs_returns_and_the_work_sees_stopped(qtbot, jobs):
    entered, seen = threading.Event(), {}

    def endless(context):
        entered.set()
        deadline = time.monotonic() + WAIT_S
        while not context.stopped() and time.monotonic() < deadline:
            time.sleep(0.005)
        seen["stopped"] = context.stopped()
        return "ended"

    jobs.start(endless)
    assert entered.wait(WAIT_S)
    jobs.shutdown()
    assert seen == {"stopped": True} and not jobs.worker_thread.isRunning()
    jobs.shutdown()  # again: nothing to do
    qtbot.wait(10)  # let anything still queued arrive: nothing does
    assert jobs.outcomes["done"] == [] and not jobs.busy


def test_two_jobs_sharing_a_thread_run_one_after_the_other_and_keep_their_own_generations(qtbot, jobs):
    lane = Jobs("test-lane", share=jobs)
    got = []
    lane.done.connect(lambda g, result: got.append((g, result)))
    entered, release = threading.Event(), threading.Event()

    def slow(_context):
        entered.set()
        assert release.wait(WAIT_S)
        return threading.get_ident()

    first = jobs.start(slow)
    assert entered.wait(WAIT_S)
    lane_generation = lane.start(lambda _context: threading.get_ident())
    lane.cancel()
    lane_generation = lane.start(lambda _context: threading.get_ident())  # the lane's own latest wins
    release.set()
    qtbot.waitUntil(lambda: got != [] and jobs.outcomes["done"] != [], timeout=WAIT_S * 1000)
    assert jobs.outcomes["done"][0][0] == first  # the other lane's starts did not make it stale
    assert got == [(lane_generation, jobs.outcomes["done"][0][1])]  # the same thread
    lane.shutdown()
    assert jobs.worker_thread.isRunning()  # the owner ends it
