"""The one way guiapp runs work in another process: start it, talk to it in typed messages, stop it.

The window's compute process, the trainer and the Where pass are each a :class:`ChildProcess` running a
function of their module. Messages both ways are frozen dataclasses deriving from :class:`Message`, pickled
over one duplex pipe; the child's function receives a :class:`Parent`, its end of that pipe.

Three promises hold for every child:

- **Deaf to Ctrl-C.** Ctrl-C in a terminal sends SIGINT to every process of its group: the window and each
  child. A child that took it died mid-task with a ``KeyboardInterrupt`` traceback while its parent, which ends
  its children itself as it closes, still counted on it. So a child is started with SIGINT blocked: a blocked
  signal stays blocked across fork and exec, and Python leaves the mask as it finds it.
- **Closed for sure.** :meth:`ChildProcess.close` asks politely (:class:`Stop`), then terminates, then kills.
- **Never an orphan.** A parent killed outright (``kill -9``) cannot end its children, and a child busy in
  ``fit`` or a t-SNE never reads its pipe to notice. So each child, before it even reads what to run (its
  imports take seconds), starts a watchdog thread that ends it within :data:`WATCH_PARENT_S` once its parent
  process is gone (its parent pid changes: it was adopted). On Linux a child started from the parent's main
  thread also asks the kernel to kill it with its parent (``PR_SET_PDEATHSIG``); not from another thread, as
  the kernel then means that *thread*, and the live view's worker thread may end before its process does.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.reduction import ForkingPickler
from typing import Any

__all__ = ["ChildError", "ChildProcess", "Failed", "Message", "Parent", "ParentGone", "Stop", "WATCH_PARENT_S"]

WATCH_PARENT_S = 0.5  # how often a child checks that its parent still runs
ORPHANED_EXIT_CODE = 70  # a child that found its parent gone ends with this code
_DEAF_TO = frozenset({signal.SIGINT})
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


@dataclass(frozen=True)
class Message:
    """What goes through a child's pipe, either way: a frozen dataclass deriving from this."""


@dataclass(frozen=True)
class Stop(Message):
    """Parent → child: end now (what :meth:`ChildProcess.close` sends first, and what a closed pipe means)."""


@dataclass(frozen=True)
class Failed(Message):
    """Child → parent: the work failed, in one line (also said for a child that died without a word)."""

    text: str


class ChildError(RuntimeError):
    """The child ended, or did not answer in time (the message says which, in one line)."""


class ParentGone(Exception):
    """In the child: the parent closed its end of the pipe; there is nobody left to tell."""


class Parent:
    """The child's end of the pipe. ``send`` may be called from several threads."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._lock = threading.Lock()

    def send(self, message: Message) -> None:
        """Send ``message`` (:class:`ParentGone` once the parent has closed its end)."""
        with self._lock:
            try:
                self._conn.send(message)
            except (OSError, ValueError, EOFError):  # BrokenPipeError, ConnectionResetError, a closed handle
                raise ParentGone from None

    def poll(self, timeout: float = 0.0) -> bool:
        """Whether :meth:`receive` would return at once (a closed pipe counts: it reads as :class:`Stop`)."""
        try:
            return self._conn.poll(timeout)
        except (OSError, ValueError, EOFError):
            return True

    def receive(self) -> Message:
        """The parent's next message, waiting for it; :class:`Stop` once the parent is gone."""
        try:
            return self._conn.recv()
        except (OSError, ValueError, EOFError):
            return Stop()

    def close(self) -> None:
        self._conn.close()


class ChildProcess:
    """``target(Parent, *args)`` in a spawned child (``target``: a module-level function, ``args`` picklable).

    ``label`` names the child in the one-line errors (“the compute process ended unexpectedly …”).
    """

    def __init__(self, target: Callable[..., None], *args: Any, name: str = "guiapp-child",
                 label: str = "the child process") -> None:
        context = multiprocessing.get_context("spawn")  # never fork a process that runs Qt threads
        self._conn, child_end = context.Pipe()
        self.label = label
        # The work is pickled here and sent through the pipe once the child runs, not handed to the spawn: the
        # child reads it only once its watchdog runs (reading it imports the target's modules — NumPy,
        # TensorFlow: seconds — a time during which a killed parent must count too), and a parent killed while
        # sending it (a model file's megabytes) leaves a child that ends quietly, where multiprocessing's own
        # start-up would print a traceback for its data cut short.
        work = bytes(ForkingPickler.dumps((target, args)))
        watch_kernel = threading.current_thread() is threading.main_thread()
        self._process = context.Process(target=_child_main, args=(child_end, os.getpid(), watch_kernel),
                                        name=name, daemon=True)
        _start_deaf_to_ctrl_c(self._process)
        child_end.close()
        self._closed = self._gone = False
        try:
            self._conn.send_bytes(work)  # first, before any message: the child reads it before anything else
        except OSError:  # the child died at once: said by the first receive (or messages)
            pass

    @property
    def pid(self) -> int | None:
        return self._process.pid

    @property
    def alive(self) -> bool:
        return self._process.is_alive()

    @property
    def exitcode(self) -> int | None:
        return self._process.exitcode

    def send(self, message: Message) -> None:
        """Send ``message`` (:class:`ChildError` if the child has ended)."""
        try:
            self._conn.send(message)
        except (OSError, ValueError) as exc:
            raise ChildError(f"{self.label} ended ({exc or type(exc).__name__})") from None

    def poll(self, timeout: float = 0.0) -> bool:
        """Whether a message (or the end of the pipe) waits, after waiting up to ``timeout`` seconds."""
        if self._closed:
            return False
        try:
            return self._conn.poll(timeout)
        except (OSError, EOFError):
            return True

    def receive(self, timeout: float | None = None) -> Message:
        """The child's next message, waiting at most ``timeout`` seconds (None: for ever); :class:`ChildError`
        if it ended or did not answer in time."""
        try:
            if timeout is not None and not self._conn.poll(timeout):
                raise ChildError(f"{self.label} did not answer in {timeout:g} s")
            return self._conn.recv()
        except (EOFError, OSError):
            self._gone = True
            raise ChildError(self._ended()) from None

    def messages(self, limit: int = 1000) -> list[Message]:
        """The messages waiting now (at most ``limit``), never blocking. A child whose pipe closed says so last,
        once, as :class:`Failed`."""
        received: list[Message] = []
        while not (self._gone or self._closed) and len(received) < limit:
            try:
                if not self._conn.poll():
                    break
                received.append(self._conn.recv())
            except (EOFError, OSError):
                self._gone = True
                received.append(Failed(self._ended()))
        return received

    def close(self, timeout: float = 2.0) -> None:
        """End the child: :class:`Stop`, then after ``timeout`` s SIGTERM, then SIGKILL (idempotent)."""
        if self._closed:
            return
        self._closed = True
        if self._process.is_alive():
            try:
                self._conn.send(Stop())
            except (OSError, ValueError):
                pass
            self._process.join(timeout)
        for end in (self._process.terminate, self._process.kill):
            if not self._process.is_alive():
                break
            end()
            self._process.join(2.0)
        self._conn.close()

    def _ended(self) -> str:
        self._process.join(1.0)  # its pipe closed: it is ending; wait for its exit code
        return f"{self.label} ended unexpectedly (exit code {self._process.exitcode})"


def _start_deaf_to_ctrl_c(process: multiprocessing.process.BaseProcess) -> None:
    """``process.start()``, the child deaf to SIGINT for its whole life (where the platform has signal masks)."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows: Ctrl-C is not shared through process groups there
        process.start()
        return
    # The first spawn also starts multiprocessing's resource tracker, which unblocks SIGINT in this thread
    # once it has started: start it first, or the child would be started with SIGINT unblocked again.
    from multiprocessing import resource_tracker

    resource_tracker.ensure_running()
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _DEAF_TO)  # this thread only: others still take it
    try:
        process.start()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _child_main(conn: Connection, parent_pid: int, watch_kernel: bool) -> None:
    """In the child: watch the parent, then read the work and run it; a parent gone is a quiet end."""
    _die_with_parent(parent_pid, watch_kernel)
    parent = Parent(conn)
    try:
        try:
            work = conn.recv_bytes()
        except (EOFError, OSError):
            return  # the parent died before it had sent the work: nothing to do, nobody to tell
        target, args = pickle.loads(work)
        target(parent, *args)
    except ParentGone:
        pass  # the parent closed the pipe while told something: nobody is left to tell
    finally:
        parent.close()


def _die_with_parent(parent_pid: int, watch_kernel: bool) -> None:
    if watch_kernel and sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # no prctl here: the watchdog alone
            pass
    if os.getppid() != parent_pid:  # gone before the kernel was asked to tell
        os._exit(ORPHANED_EXIT_CODE)

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(WATCH_PARENT_S)
        os._exit(ORPHANED_EXIT_CODE)  # adopted: the parent died without ending us (kill -9, a crash)

    threading.Thread(target=watch, name="guiapp-watch-parent", daemon=True).start()
