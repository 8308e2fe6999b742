"""The model's thread: loads the model, then turns requests into finished updates.

Every public method is called from the GUI thread, and never waits: it leaves a frozen
:class:`~guiapp.core.live.live_request.LiveRequest` (the drawing and every choice that shapes it, read
together from the window's state) in a one-slot mailbox and wakes the worker's thread. Requests are
coalesced: while one is being computed, newer ones replace each other, and the newest is computed next —
so intermediate states may be skipped but the final state of a stroke never is. The same source with the
same choices is computed once; at rest, once more only when rest adds work (the full recipe's reference
pass, the Why tab's slower methods). The computing happens in the compute process
(:mod:`guiapp.core.live.compute_process`), or in this thread when there is none.
"""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QThread, Signal, Slot

from guiapp.core.drawing.strokes import IncrementalRasterizer
from guiapp.core.errors import GuiappError, UnsafeModelError, short_reason
from guiapp.core.live.compute_process import ComputeProcess, ComputeProcessError
from guiapp.core.live.live_request import LiveRequest, compute_request, counterfactual_for
from guiapp.core.live.live_update import Update
from guiapp.core.model.inference import Inspector

__all__ = ["InferenceWorker", "Update", "start_worker_thread"]


class InferenceWorker(QObject):
    """Lives in its own QThread; the GUI thread talks to it through :meth:`ask`, :meth:`take`, :meth:`load`,
    :meth:`set_weights` and :meth:`find_counterfactual`.

    At most one result waits for the GUI: the next request is computed only once the GUI has taken the
    previous result (it then computes while the GUI paints), so a slow display never builds a queue of
    stale results.
    """

    modelLoaded = Signal(object)  # Inspector
    modelFailed = Signal(str)  # a one-line message
    modelNeedsTrust = Signal(str, str)  # path, one-line message: the file holds code that would run on load
    updateReady = Signal()  # call take() for the newest Update
    computeFailed = Signal(str)  # a drawing could not be computed (one line); later ones still are
    counterfactualReady = Signal(object)  # a Counterfactual, asked for with find_counterfactual
    counterfactualFailed = Signal(str)  # one line: why none could be found (a blank input, …)
    _wake = Signal()
    _load_requested = Signal(str, bool)

    def __init__(self, lut: np.ndarray | None = None, compute_process: ComputeProcess | None = None) -> None:
        super().__init__()
        # Drawings are computed in this process (another core, no shared GIL) when there is one.
        self._process = compute_process
        self.process_problem: str | None = None if compute_process is not None else "no compute process"
        self._lock = threading.Lock()
        self.lut = lut  # (256, 4) uint8 colours of the layer pictures; None: no pictures
        self._pending: LiveRequest | None = None  # the newest request not yet computed
        self._asked: LiveRequest | None = None  # the last request accepted (pending, computing or done)
        self._ready: Update | None = None  # computed, not yet taken by the GUI
        self._scheduled = False  # a _drain call is queued or running
        self._inspector: Inspector | None = None
        self._rasterize = IncrementalRasterizer()  # used only in the worker thread
        self._counterfactual: tuple[LiveRequest, int] | None = None  # asked for, not yet computed
        self.inference_count = 0
        self._weights: list[np.ndarray] | None = None  # a training run's, replacing the file's (None: the file's)
        self._weights_changed = False  # new weights not yet given to the compute process
        self.weights_version = 0  # counts set_weights calls; each Update says which weights computed it
        self._applied_version = 0
        self._file_inspector: Inspector | None = None  # the model as loaded, before any weights were set
        self._wake.connect(self._drain)
        self._load_requested.connect(self._load)

    def load(self, path: Path, trust: bool = False) -> None:
        """Load a model in the worker thread; ``modelLoaded``, ``modelFailed`` or ``modelNeedsTrust`` follows.

        ``trust``: let Keras run Python code stored in the file (the user said yes).
        """
        self._load_requested.emit(str(path), trust)

    def ask(self, request: LiveRequest) -> None:
        """Compute ``request``; replaces any request not yet started. Nothing new is asked — and nothing is
        computed — when the last request had the same source and choices, and either the same rest or rest
        (a moving request after an at-rest one), or when rest adds no work."""
        with self._lock:
            last = self._asked
            if request.same_choices(last) and (last.at_rest or not request.at_rest or not request.rest_adds_work):
                return
            self._pending = self._asked = request
            wake = self._claim_wake()
        if wake:
            self._wake.emit()

    @property
    def asked(self) -> LiveRequest | None:
        """The last request accepted (pending, computing or computed)."""
        return self._asked

    def set_weights(self, weights: list[np.ndarray] | None, request: LiveRequest) -> None:
        """Run the loaded network with ``weights`` (a training run's, Keras' order) and compute ``request``
        again; None goes back to the file's own weights. Newer weights replace any not yet applied."""
        with self._lock:
            self._weights, self._weights_changed = weights, True
            self.weights_version += 1
            self._pending = self._asked = request
            wake = self._claim_wake()
        if wake:
            self._wake.emit()

    def find_counterfactual(self, request: LiveRequest, target: int) -> None:
        """Find what would make ``request``'s source a ``target``; ``counterfactualReady`` or
        ``counterfactualFailed`` follows."""
        with self._lock:
            self._counterfactual = (request, target)
            wake = self._claim_wake()
        if wake:
            self._wake.emit()

    @property
    def idle(self) -> bool:
        """Nothing asked and not yet computed, computing, or computed and not yet taken."""
        with self._lock:
            return self._pending is None and self._ready is None and not self._scheduled

    def take(self) -> Update | None:
        """The newest computed update (GUI thread); lets the worker start on the next request."""
        with self._lock:
            update, self._ready = self._ready, None
            wake = self._claim_wake()
        if wake:
            self._wake.emit()
        return update
    def _claim_wake(self) -> bool:
        """Under the lock: should a _drain be queued now?"""
        if self._scheduled or self._inspector is None:
            return False
        if self._counterfactual is None and (self._pending is None or self._ready is not None):
            return False
        self._scheduled = True
        return True

    @Slot(str, bool)
    def _load(self, path: str, trust: bool) -> None:
        try:
            inspector = Inspector.load(Path(path), trust=trust)
            inspector.warm_up()
        except UnsafeModelError as exc:
            self.modelNeedsTrust.emit(path, str(exc))
            return
        except GuiappError as exc:
            self.modelFailed.emit(str(exc))
            return
        except Exception as exc:  # noqa: BLE001 — a stranger's model may break Keras anywhere: one line, no traceback
            self.modelFailed.emit(f"{path}: could not be run ({short_reason(exc)})")
            return
        if self._process is not None:
            try:  # the same bytes, read once and checked here, in the compute process too (engine as chosen here)
                model = inspector.model_file if inspector.model_file is not None else Path(path)
                self._process.load(model, "numpy" if inspector.engine.name == "NumPy" else "tensorflow", trust)
            except (GuiappError, ComputeProcessError) as exc:
                self._give_up_process(exc)
        with self._lock:
            self._inspector = self._file_inspector = inspector
            self._weights, self._weights_changed = None, False
            self._applied_version = 0
            self._ready = None
            self._asked = None  # a new model: the drawing on screen must be computed again
        self.modelLoaded.emit(inspector)

    @Slot()
    def _drain(self) -> None:
        with self._lock:
            asked, self._counterfactual = self._counterfactual, None
        if asked is not None:
            self._find_counterfactual(*asked)
        with self._lock:
            if self._ready is not None:  # only the counterfactual could go: the GUI has a result to take
                self._scheduled = False
                return
            request, self._pending = self._pending, None
            weights, changed, self._weights_changed = self._weights, self._weights_changed, False
            version = self.weights_version if changed else self._applied_version
        computed = False
        try:
            if changed:
                self._apply_weights(weights)
                self._applied_version = version
            inspector = self._inspector
            if request is not None and inspector is not None:
                update = dataclasses.replace(self._compute(inspector, request, weights),
                                             weights_version=self._applied_version)
                self.inference_count += 1
                with self._lock:
                    self._ready = update
                computed = True
        except Exception as exc:  # noqa: BLE001 — one bad drawing must not stop the live view
            self.computeFailed.emit(f"could not compute this drawing: {exc}")
        finally:
            with self._lock:
                self._scheduled = False
                wake = self._claim_wake()
        if computed:
            self.updateReady.emit()
        if wake:
            self._drain()

    def _apply_weights(self, weights: list[np.ndarray] | None) -> None:
        """In the compute process when there is one (this thread's copy is rebuilt only without it)."""
        if self._process is not None:
            try:
                self._process.set_weights(weights)
            except ComputeProcessError as exc:
                self._give_up_process(exc)
        base = self._file_inspector
        if self._process is None and base is not None:
            inspector = base if weights is None else base.with_weights(weights)
            with self._lock:
                self._inspector = inspector

    def _find_counterfactual(self, request: LiveRequest, target: int) -> None:
        inspector = self._inspector
        try:
            if self._process is not None:
                try:
                    self.counterfactualReady.emit(self._process.counterfactual(request, target))
                    return
                except ComputeProcessError as exc:
                    self._give_up_process(exc)
            assert inspector is not None
            try:
                found = counterfactual_for(inspector, request, target, self._rasterize)
            except ValueError as exc:
                raise GuiappError(str(exc)) from None
            self.counterfactualReady.emit(found)
        except GuiappError as exc:
            self.counterfactualFailed.emit(str(exc))
        except Exception as exc:  # noqa: BLE001 — the live view goes on whatever the search met
            self.counterfactualFailed.emit(f"could not search for a change: {short_reason(exc)}")

    def _compute(self, inspector: Inspector, request: LiveRequest, weights: list[np.ndarray] | None) -> Update:
        if self._process is not None:
            try:
                update = self._process.compute(request)
                return dataclasses.replace(update, drawing=request.source)  # the window's own object, not a copy
            except ComputeProcessError as exc:
                self._give_up_process(exc)
                self._apply_weights(weights)  # this thread's copy of the network gets them now
                inspector = self._inspector or inspector
        return compute_request(inspector, request, self._rasterize, self.lut)

    @property
    def compute_pid(self) -> int | None:
        """The compute process' id (None: computing in this thread)."""
        return self._process.pid if self._process is not None else None

    @property
    def computing_in_process(self) -> bool:
        """Whether drawings go to the compute process (False: computed in this thread)."""
        return self._process is not None

    def _give_up_process(self, exc: Exception) -> None:
        """Compute in this thread from now on (slower on two cores, but the window keeps working)."""
        process, self._process = self._process, None
        self.process_problem = str(exc)
        if process is not None:
            process.close()
            self.computeFailed.emit(f"computing in the window's own process from now on ({exc})")

    def stop(self) -> None:
        """End the compute process (call once the thread has stopped)."""
        if self._process is not None:
            self._process.close()
            self._process = None


def start_worker_thread(parent: QObject, lut: np.ndarray | None = None, separate_process: bool = True
                        ) -> tuple[InferenceWorker, QThread]:
    """A worker moved to a new, started thread (stop it with ``thread.quit(); thread.wait(); worker.stop()``).

    ``separate_process``: compute drawings in a child process (started now, so its imports run
    on the other core while the window is built); if it cannot start, in the worker thread.
    """
    thread = QThread(parent)
    thread.setObjectName("inference")
    process = None
    if separate_process:
        try:
            process = ComputeProcess(lut)
        except (OSError, RuntimeError):  # no way to start a process here: compute in the thread
            process = None
    worker = InferenceWorker(lut, process)
    worker.moveToThread(thread)
    thread.start()
    return worker, thread
