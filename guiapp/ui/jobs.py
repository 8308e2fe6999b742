"""The window's one way to run in-process work off the GUI thread: a generation-stamped job on a thread of its own.

A :class:`Jobs` owns one worker thread. :meth:`Jobs.start` hands it ``work(context, *args)`` and returns the
job's generation; a newer start, or :meth:`Jobs.cancel`, makes every older job stale. The work reports
``context.progress(*values)``, polls ``context.stopped()`` and may raise :class:`Stopped` to give up. What it
returns comes back as ``done(generation, result)``, what it raises as ``failed(generation, one_line)`` — but
only for the current generation: a stale job's progress, result and failure are dropped here, in the GUI
thread, so a caller never compares generations. The idea is Orange's ``ConcurrentMixin`` (one runner, the
latest request wins, results by signal on the GUI thread).

Two kinds of work that must not run at once but must not cancel each other (the Where tab's pass and a
layer's map) share one thread: ``Jobs(share=other)``; each keeps its own generation.

The GUI thread never waits, except in :meth:`Jobs.shutdown`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from guiapp.core.errors import short_reason

__all__ = ["Failed", "JobContext", "Jobs", "Stopped"]

_DONE, _FAILED, _STOPPED = "done", "failed", "stopped"  # how a job ended


class Stopped(Exception):
    """Raised by a work to give up quietly: no ``done``, no ``failed``."""


class Failed(Exception):
    """Raised by a work to fail in its own words: the message's first line is ``failed``'s, as it is
    (any other exception is cut to one short line by :func:`~guiapp.core.errors.short_reason`)."""


def _one_line(exc: Exception) -> str:
    if isinstance(exc, Failed):
        lines = str(exc).strip().splitlines()
        return lines[0].strip() if lines else "failed"
    return short_reason(exc)


class JobContext:
    """What a work gets first: its ``generation``, :meth:`progress` and :meth:`stopped` (both thread-safe)."""

    def __init__(self, jobs: Jobs, generation: int) -> None:
        self._jobs, self.generation = jobs, generation

    def stopped(self) -> bool:
        """True once a newer start, a cancel or the shutdown made this job stale."""
        return self._jobs._stale(self.generation)

    def progress(self, *values: object) -> None:
        """``values`` to the GUI thread as ``Jobs.progress(generation, values)``, in order (dropped once stale)."""
        if not self.stopped():
            self._jobs._runner.progressed.emit(self.generation, values)


class _Runner(QObject):
    """Lives in the worker thread and runs one job at a time, in the order they were started."""

    progressed = Signal(int, object)  # generation, values
    ended = Signal(int, str, object)  # generation, _DONE/_FAILED/_STOPPED, result or message

    @Slot(object, object, object)
    def run(self, context: JobContext, work: Callable[..., Any], args: tuple[object, ...]) -> None:
        if context.stopped():  # superseded while it waited its turn: never started
            self.ended.emit(context.generation, _STOPPED, None)
            return
        try:
            result = work(context, *args)
        except Stopped:
            self.ended.emit(context.generation, _STOPPED, None)
        except Exception as exc:  # noqa: BLE001 — a job's failure is a line for the user, never a crash
            # A stale job ends quietly whatever it raised: the stop its should_stop caused is no failure.
            stale = context.stopped()
            self.ended.emit(context.generation, _STOPPED if stale else _FAILED, None if stale else _one_line(exc))
        else:
            self.ended.emit(context.generation, _DONE, result)


class Jobs(QObject):
    """Runs ``work(context, *args)`` in its worker thread; the latest :meth:`start` wins.

    Live in (and are called from) the GUI thread. ``worker_thread`` is the thread the work runs in.
    """

    progress = Signal(int, object)  # generation, the tuple given to context.progress
    done = Signal(int, object)  # generation, what the work returned
    failed = Signal(int, str)  # generation, what went wrong (one line)
    _requested = Signal(object, object, object)  # JobContext, work, args

    def __init__(self, name: str = "jobs", parent: QObject | None = None, *, share: Jobs | None = None) -> None:
        super().__init__(parent)
        self._lock = threading.Lock()
        self._generation = 0  # the current job's; every older one is stale
        self._open = 0  # the latest started job's generation until it ends
        self._closed = False
        self._owns_thread = share is None
        if share is None:
            self.worker_thread = QThread(self)
            self.worker_thread.setObjectName(name)
        else:
            self.worker_thread = share.worker_thread
        self._runner = _Runner()  # no parent: a QObject with one cannot move to another thread
        self._runner.setObjectName(name)
        self._runner.moveToThread(self.worker_thread)
        self._requested.connect(self._runner.run, Qt.ConnectionType.QueuedConnection)
        self._runner.progressed.connect(self._on_progressed, Qt.ConnectionType.QueuedConnection)
        self._runner.ended.connect(self._on_ended, Qt.ConnectionType.QueuedConnection)
        if self._owns_thread:
            self.worker_thread.start()

    @property
    def generation(self) -> int:
        """The current job's generation (0: none started yet)."""
        with self._lock:
            return self._generation

    @property
    def busy(self) -> bool:
        """A job was started whose outcome is still to come (False once it ended or went stale)."""
        return self._open != 0 and self._open == self.generation

    def start(self, work: Callable[..., Any], *args: object) -> int:
        """Queue ``work(context, *args)`` after any job still running (now stale); its generation.

        After :meth:`shutdown` nothing runs any more, and nothing comes back."""
        with self._lock:
            self._generation += 1
            generation = self._generation
        self._open = generation
        self._requested.emit(JobContext(self, generation), work, args)
        return generation

    def cancel(self) -> None:
        """Make the current job stale: it sees ``stopped()``, and its outcome never comes back."""
        with self._lock:
            self._generation += 1

    def shutdown(self) -> None:
        """Cancel, then end the worker thread and wait for it (idempotent).

        Waits for a running work to return: works poll ``stopped()``. A Jobs sharing another's thread only
        cancels; the thread's owner ends it."""
        if self._closed:
            return
        self._closed = True
        self.cancel()
        if self._owns_thread:
            self.worker_thread.quit()
            self.worker_thread.wait()

    def _stale(self, generation: int) -> bool:
        with self._lock:
            return generation != self._generation

    @Slot(int, object)
    def _on_progressed(self, generation: int, values: object) -> None:
        if not self._stale(generation):
            self.progress.emit(generation, values)

    @Slot(int, str, object)
    def _on_ended(self, generation: int, how: str, value: object) -> None:
        if self._stale(generation):
            return
        self._open = 0  # before the signals: a handler may start the next job
        if how == _DONE:
            self.done.emit(generation, value)
        elif how == _FAILED:
            self.failed.emit(generation, str(value))
