"""Start guiapp's child processes so that Ctrl-C in the terminal reaches only the process that owns them.

Ctrl-C in a terminal sends SIGINT to every process of its group: the window and each child it spawned
(the compute process, the Where pass, the trainer). A child that took it died mid-task with a
``KeyboardInterrupt`` traceback on the terminal, while its parent, which ends its children itself as it
closes (the window) or as its call unwinds (the command line), still counted on it. So a child is started
with SIGINT blocked: a blocked signal stays blocked across fork and exec, and Python leaves the mask as it
finds it, so the child never sees SIGINT, from its first instruction (its imports take seconds) to its
last. SIGTERM and SIGKILL still end it, and every child notices a parent gone (its pipe closes).
"""

from __future__ import annotations

import signal
from multiprocessing.process import BaseProcess

__all__ = ["start_child"]

_DEAF_TO = frozenset({signal.SIGINT})


def start_child(process: BaseProcess) -> None:
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
