"""The live pipeline in a process of its own, so the window's GUI thread never waits for it.

On a 2-core machine a compute *thread* competes with the GUI thread for Python's
global interpreter lock, and NumPy's second BLAS thread spins on the GUI's core after
each matrix product: measured on a slow host, a drawing took 10–18 ms to compute in the
loop (6 ms alone) and results waited 6 ms for the busy GUI thread. A child process with
one BLAS thread runs :func:`guiapp.core.live.live_request.compute_request` on the other core
at its solo speed. Requests go in and finished updates come back through a pipe
(pickled; about 1 MB per update, well under a millisecond), as the messages below.

:class:`ComputeProcess` is used from one thread at a time (the window's worker thread);
each call blocks until the child answers, without holding the GIL.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from guiapp.core.child_process import ChildError, ChildProcess, Failed, Message, Parent, Stop
from guiapp.core.errors import GuiappError
from guiapp.core.live.live_request import LiveRequest
from guiapp.core.live.live_update import Update

if TYPE_CHECKING:
    from guiapp.core.explain.counterfactual import Counterfactual

__all__ = ["Compute", "ComputeProcess", "ComputeProcessError", "Computed", "FindCounterfactual", "Found", "Load",
           "Loaded", "Ready", "RemoteComputeError", "SetWeights", "UserError", "WeightsSet", "limit_blas_threads"]

START_TIMEOUT_S = 60.0  # a fresh interpreter importing NumPy on a slow, busy host
# One drawing takes milliseconds; a child silent this long is stuck: the worker computes in its own
# thread from then on, rather than the live view waiting for ever.
COMPUTE_TIMEOUT_S = 30.0


# The window asks:
@dataclass(frozen=True)
class Load(Message):
    """Read a model: a path, or a model file already read and checked (anything ``Inspector.load`` takes)."""

    model: Any
    engine: str = "auto"
    trust: bool = False


@dataclass(frozen=True)
class SetWeights(Message):
    """Run the loaded network with these weights (Keras' order); None: the file's own again."""

    weights: list[np.ndarray] | None


@dataclass(frozen=True)
class Compute(Message):
    request: LiveRequest


@dataclass(frozen=True)
class FindCounterfactual(Message):
    request: LiveRequest
    target: int


# The child answers each with one of these, or UserError, or Failed:
@dataclass(frozen=True)
class Ready(Message):
    """Sent once, when the child has imported what it needs."""

    pid: int


@dataclass(frozen=True)
class Loaded(Message):
    pass


@dataclass(frozen=True)
class WeightsSet(Message):
    pass


@dataclass(frozen=True)
class Computed(Message):
    update: Update


@dataclass(frozen=True)
class Found(Message):
    counterfactual: Counterfactual


@dataclass(frozen=True)
class UserError(Message):
    """Something for the user to read (a model file that is not one, a blank drawing)."""

    text: str


class ComputeProcessError(ChildError):
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


def _serve(parent: Parent, lut: np.ndarray | None) -> None:
    """The child: answers each request in turn until :class:`Stop` (or the window is gone)."""
    limit_blas_threads()
    from guiapp.core.drawing.strokes import IncrementalRasterizer
    from guiapp.core.live.live_request import compute_request, counterfactual_for
    from guiapp.core.model.inference import Inspector

    loaded = inspector = None  # loaded: as read from the file; inspector: with the weights set since
    rasterize = IncrementalRasterizer()
    parent.send(Ready(os.getpid()))
    while not isinstance(message := parent.receive(), Stop):
        try:
            if isinstance(message, Load):
                inspector = loaded = Inspector.load(message.model, engine=message.engine, trust=message.trust)
                inspector.warm_up()
                answer: Message = Loaded()
            elif loaded is None or inspector is None:
                raise RuntimeError("no model loaded")
            elif isinstance(message, SetWeights):  # a training run's newest weights, or None: the file's own
                inspector = loaded if message.weights is None else loaded.with_weights(message.weights)
                answer = WeightsSet()
            elif isinstance(message, Compute):
                answer = Computed(compute_request(inspector, message.request, rasterize, lut))
            elif isinstance(message, FindCounterfactual):
                try:
                    answer = Found(counterfactual_for(inspector, message.request, message.target, rasterize))
                except ValueError as exc:  # blank input, class out of range: the user's to read
                    raise GuiappError(str(exc)) from None
            else:
                raise TypeError(f"unknown request {type(message).__name__}")
        except GuiappError as exc:
            answer = UserError(str(exc))
        except Exception as exc:  # noqa: BLE001 — reported to the window, the child keeps serving
            answer = Failed(f"{type(exc).__name__}: {exc}")
        parent.send(answer)


class ComputeProcess:
    """A child process computing live updates; ``compute`` and ``load`` block until it answers."""

    def __init__(self, lut: np.ndarray | None = None) -> None:
        self._child = ChildProcess(_serve, lut, name="guiapp-compute", label="the compute process")
        self._ready = False

    @property
    def pid(self) -> int | None:
        return self._child.pid

    def wait_ready(self) -> None:
        """Block until the child has imported what it needs (:class:`ComputeProcessError` if it cannot)."""
        if not self._ready:
            self._answer(START_TIMEOUT_S)
            self._ready = True

    def load(self, model: Any, engine: str = "auto", trust: bool = False) -> None:
        """Load ``model`` (a path, or a model file already read) in the child; a :class:`GuiappError` says
        what is wrong with the file."""
        self.wait_ready()
        self._ask(Load(Path(model) if isinstance(model, str) else model, engine, trust), None)

    def set_weights(self, weights: list[np.ndarray] | None) -> None:
        """Run the loaded network with ``weights`` (Keras' order) from now on; None: the file's own again."""
        self._ask(SetWeights(weights), COMPUTE_TIMEOUT_S)

    def compute(self, request: LiveRequest) -> Update:
        return self._ask(Compute(request), COMPUTE_TIMEOUT_S).update

    def counterfactual(self, request: LiveRequest, target: int) -> Counterfactual:
        """What would make the network answer ``target`` (:class:`GuiappError`: a blank input, a bad class)."""
        return self._ask(FindCounterfactual(request, target), COMPUTE_TIMEOUT_S).counterfactual

    def _ask(self, message: Message, timeout: float | None) -> Any:
        try:
            self._child.send(message)
        except ChildError as exc:
            raise ComputeProcessError(str(exc)) from None
        return self._answer(timeout)

    def _answer(self, timeout: float | None) -> Any:
        try:
            answer = self._child.receive(timeout)
        except ChildError as exc:
            raise ComputeProcessError(str(exc)) from None
        if isinstance(answer, UserError):
            raise GuiappError(answer.text)
        if isinstance(answer, Failed):
            raise RemoteComputeError(answer.text)
        return answer

    def close(self) -> None:
        """Ask the child to stop, and make sure it has (idempotent)."""
        self._child.close(2.0)
