"""The map's fit in a process of its own, at low priority: a minute of both cores the pen never notices.

t-SNE's fit is the one long computation of the Where tab (60 s for 10,000 digits on two cores). In the
window's process its Python parts would take the GIL from the GUI thread; niced in a child, it takes only
the cycles the live loop leaves. The caller's thread waits on the pipe, passing on progress, and ends
the child at once when asked to stop (or when the window goes).
"""

from __future__ import annotations

import multiprocessing
import os
import warnings
from collections.abc import Callable
from multiprocessing.connection import Connection

import numpy as np

from guiapp.core.errors import short_reason
from guiapp.core.where.atlas import Stopped, fit_map

MAP_NICENESS = 10  # as the trainer: the live view first
POLL_S = 0.1  # how often the waiting thread checks should_stop
FIT_JOBS = 2  # both cores: niced, the fit yields them to the pen and the live loop


class MapFailed(Exception):
    """The fit failed or its process died (the message says how, in one line)."""


def _child(conn: Connection, features: np.ndarray, seed: int) -> None:
    try:
        os.nice(MAP_NICENESS)
    except OSError:
        pass  # not allowed here: the fit still runs, only sooner
    # scikit-learn (openTSNE's neighbour search on small sets) warns that it cannot fan out in a child
    warnings.filterwarnings("ignore", category=UserWarning)
    try:
        points = fit_map(features, seed, FIT_JOBS, progress=lambda done, total: conn.send(("progress", done, total)))
        conn.send(("done", points))
    except Exception as exc:  # noqa: BLE001 — reported to the parent in one line, never a traceback
        conn.send(("failed", short_reason(exc)))
    finally:
        conn.close()


def fit_in_process(features: np.ndarray, seed: int = 0, progress: Callable[[int, int], None] | None = None,
                   should_stop: Callable[[], bool] | None = None) -> np.ndarray:
    """:func:`~guiapp.core.where.atlas.fit_map` in a spawned child; :class:`Stopped` or :class:`MapFailed`."""
    context = multiprocessing.get_context("spawn")  # never fork a process that runs Qt threads
    parent, child = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(child, np.asarray(features, np.float32), seed),
                              name="guiapp-map", daemon=True)
    process.start()
    child.close()
    try:
        while True:
            if should_stop is not None and should_stop():
                raise Stopped
            if not parent.poll(POLL_S):
                if not process.is_alive() and not parent.poll(0):
                    raise MapFailed(f"the map's process ended unexpectedly (exit code {process.exitcode})")
                continue
            try:
                message = parent.recv()
            except EOFError:
                raise MapFailed(f"the map's process ended unexpectedly (exit code {process.exitcode})") from None
            if message[0] == "progress" and progress is not None:
                progress(message[1], message[2])
            elif message[0] == "done":
                return np.asarray(message[1], np.float32)
            elif message[0] == "failed":
                raise MapFailed(message[1])
    finally:
        if process.is_alive():
            process.terminate()
        process.join(5.0)
        parent.close()
