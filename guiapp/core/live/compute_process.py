"""The live pipeline in a process of its own, so the window's GUI thread never waits for it.

On a 2-core machine a compute *thread* competes with the GUI thread for Python's
global interpreter lock, and NumPy's second BLAS thread spins on the GUI's core after
each matrix product: measured on a slow host, a drawing took 10–18 ms to compute in the
loop (6 ms alone) and results waited 6 ms for the busy GUI thread. A child process with
one BLAS thread runs :func:`guiapp.core.live.live_update.compute_update` on the other core
at its solo speed. Drawings go in and finished updates come back through a pipe
(pickled; about 1 MB per update, well under a millisecond).

:class:`ComputeProcess` is used from one thread at a time (the window's worker thread);
each call blocks until the child answers, without holding the GIL.
"""

from __future__ import annotations

import multiprocessing
import os
import traceback
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from guiapp.core.drawing.picture import PictureRecipe
from guiapp.core.drawing.preprocess import PreprocessOptions
from guiapp.core.child_process import start_child
from guiapp.core.errors import GuiappError
from guiapp.core.live.layer_picture import SHARED
from guiapp.core.live.live_update import Source, Update, ExplainRequest

if TYPE_CHECKING:
    from guiapp.core.explain.counterfactual import Counterfactual

__all__ = ["ComputeProcess", "ComputeProcessError", "RemoteComputeError", "limit_blas_threads"]

START_TIMEOUT_S = 60.0  # a fresh interpreter importing NumPy on a slow, busy host
# One drawing takes milliseconds; a child silent this long is stuck: the worker computes in its own
# thread from then on, rather than the live view waiting for ever.
COMPUTE_TIMEOUT_S = 30.0


class ComputeProcessError(RuntimeError):
    """The child process died or did not answer; the caller computes in its own thread instead."""


class RemoteComputeError(RuntimeError):
    """One request failed in the child (e.g. a drawing with NaN in it); the child goes on serving."""


def limit_blas_threads() -> None:
    """One BLAS thread in this process: on two cores, a second one spins on the core the other
    process needs (the GUI's, or the compute process')."""
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(1, user_api="blas")
    except ImportError:  # pragma: no cover - threadpoolctl is a dependency; without it, BLAS' default
        pass


def _serve(conn: Connection, lut: np.ndarray | None) -> None:
    """The child's loop: ("load", path, engine, trust), ("weights", arrays or None), ("compute", source, options, reference, mode,
    picture_recipe, input_range, why) and ("counterfactual", source, target, options, picture_recipe,
    input_range) until ("stop",)."""
    limit_blas_threads()
    from guiapp.core.drawing.strokes import IncrementalRasterizer
    from guiapp.core.live.live_update import compute_update, counterfactual
    from guiapp.core.model.inference import Inspector

    inspector = loaded = None  # loaded: as read from the file; inspector: with the weights set since
    rasterize = IncrementalRasterizer()
    conn.send(("ready", os.getpid()))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):  # the window went away
            return
        kind = message[0]
        try:
            if kind == "stop":
                return
            if kind == "load":
                inspector = loaded = Inspector.load(Path(message[1]), engine=message[2], trust=message[3])
                inspector.warm_up()
                conn.send(("loaded", None))
            elif kind == "weights":  # a training run's newest weights, or None: the file's own again
                if loaded is None:
                    raise RuntimeError("no model loaded")
                inspector = loaded if message[1] is None else loaded.with_weights(message[1])
                conn.send(("weights", None))
            elif kind == "compute":
                _, drawing, options, reference, mode, recipe, input_range, why = message
                if inspector is None:
                    raise RuntimeError("no model loaded")
                conn.send(("update", compute_update(inspector, drawing, rasterize, options, reference=reference,
                                                    colour_mode=mode, lut=lut, picture_recipe=recipe,
                                                    input_range=input_range, why=why)))
            elif kind == "counterfactual":
                _, drawing, target, options, recipe, input_range = message
                if inspector is None:
                    raise RuntimeError("no model loaded")
                try:
                    found = counterfactual(inspector, drawing, target, rasterize, options, recipe, input_range)
                except ValueError as exc:  # blank input, class out of range: the user's to read
                    raise GuiappError(str(exc)) from None
                conn.send(("counterfactual", found))
        except GuiappError as exc:
            conn.send(("user_error", str(exc)))
        except Exception as exc:  # noqa: BLE001 — reported to the window, the child keeps serving
            conn.send(("error", f"{type(exc).__name__}: {exc}", traceback.format_exc(limit=3)))


class ComputeProcess:
    """A child process computing live updates; ``compute`` and ``load`` block until it answers."""

    def __init__(self, lut: np.ndarray | None = None) -> None:
        context = multiprocessing.get_context("spawn")  # never fork a process that runs Qt threads
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, lut), name="guiapp-compute", daemon=True)
        start_child(self._process)  # deaf to Ctrl-C: the window ends it as it closes
        child.close()
        self.pid: int | None = None

    def _answer(self, timeout: float | None = None) -> tuple[Any, ...]:
        try:
            if timeout is not None and not self._conn.poll(timeout):
                raise ComputeProcessError(f"the compute process did not answer in {timeout:.0f} s")
            answer = self._conn.recv()
        except (EOFError, OSError) as exc:
            raise ComputeProcessError(f"the compute process ended ({exc or type(exc).__name__})") from None
        if answer[0] == "user_error":
            raise GuiappError(answer[1])
        if answer[0] == "error":
            raise RemoteComputeError(answer[1])
        return answer

    def wait_ready(self) -> None:
        """Block until the child has imported what it needs (:class:`ComputeProcessError` if it cannot)."""
        if self.pid is None:
            self.pid = self._answer(START_TIMEOUT_S)[1]

    def load(self, path: Path, engine: str = "auto", trust: bool = False) -> None:
        """Load ``path`` in the child (a :class:`GuiappError` says what is wrong with the file)."""
        self.wait_ready()
        self._send(("load", str(path), engine, trust))
        self._answer()

    def set_weights(self, weights: list[np.ndarray] | None) -> None:
        """Run the loaded network with ``weights`` (Keras' order) from now on; None: the file's own again."""
        self._send(("weights", weights))
        self._answer(COMPUTE_TIMEOUT_S)

    def compute(self, drawing: Source, options: PreprocessOptions, reference: bool, colour_mode: str = SHARED,
                picture_recipe: PictureRecipe | None = None, input_range: tuple[float, float] | None = None,
                why: ExplainRequest | None = None) -> Update:
        self._send(("compute", drawing, options, reference, colour_mode, picture_recipe, input_range, why))
        return self._answer(COMPUTE_TIMEOUT_S)[1]

    def counterfactual(self, drawing: Source, target: int, options: PreprocessOptions,
                       picture_recipe: PictureRecipe | None = None,
                       input_range: tuple[float, float] | None = None) -> Counterfactual:
        """What would make the network answer ``target`` (:class:`GuiappError`: a blank input, a bad class)."""
        self._send(("counterfactual", drawing, target, options, picture_recipe, input_range))
        return self._answer(COMPUTE_TIMEOUT_S)[1]

    def _send(self, message: tuple[Any, ...]) -> None:
        try:
            self._conn.send(message)
        except (OSError, ValueError) as exc:
            raise ComputeProcessError(f"the compute process ended ({exc})") from None

    def close(self) -> None:
        """Ask the child to stop, and make sure it has (idempotent)."""
        try:
            self._conn.send(("stop",))
        except (OSError, ValueError):
            pass
        self._process.join(2.0)
        if self._process.is_alive():
            self._process.kill()
            self._process.join(2.0)
        self._conn.close()
