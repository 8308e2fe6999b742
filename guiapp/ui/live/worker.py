"""The model's thread: loads the model, then turns drawings into finished updates.

The GUI thread only hands over the latest drawing (:meth:`InferenceWorker.submit`)
and never waits. Requests are coalesced: while one drawing is being computed, newer
ones replace each other, and the newest is computed next — so intermediate states
may be skipped but the final state of a stroke never is. Each drawing goes through
:func:`guiapp.core.live.live_update.compute_update`, pictures included, so the GUI thread
only paints. Work not needed at pointer rate (the full recipe's reference pass when a
preprocessing step is off) runs when the window says the pointer rests (:meth:`settle`).
"""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QThread, Signal, Slot

from guiapp.core.drawing.picture import PictureRecipe
from guiapp.core.drawing.preprocess import PreprocessOptions
from guiapp.core.drawing.strokes import Drawing, IncrementalRasterizer
from guiapp.core.errors import GuiappError, UnsafeModelError, short_reason
from guiapp.core.live.compute_process import ComputeProcess, ComputeProcessError
from guiapp.core.live.layer_picture import SHARED
from guiapp.core.live.live_update import (
    Source,
    Update,
    ExplainRequest,
    compute_update,
    counterfactual,
)
from guiapp.core.model.inference import Inspector

__all__ = ["InferenceWorker", "Update", "start_worker_thread"]


class InferenceWorker(QObject):
    """Lives in its own QThread; talk to it through :meth:`submit`, :meth:`take` and :meth:`load`.

    At most one result waits for the GUI: the next drawing is computed only once the
    GUI has taken the previous result (it then computes while the GUI paints), so a
    slow display never builds a queue of stale results.
    """

    modelLoaded = Signal(object)  # Inspector
    modelFailed = Signal(str)  # a one-line message
    modelNeedsTrust = Signal(str, str)  # path, one-line message: the file holds code that would run on load
    updateReady = Signal()  # call take() for the newest Update
    computeFailed = Signal(str)  # a drawing could not be computed (one line); later ones still are
    counterfactualReady = Signal(object)  # a Counterfactual, asked for with request_counterfactual
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
        self.colour_mode = SHARED  # replaced whole (atomic), read by the worker thread
        self._pending: Source | None = None  # newest drawing (or picture) not yet computed
        self._pending_reference = False  # compute the pending drawing's reference pass too
        self._referenced: Source | None = None  # the last drawing computed with its reference pass
        self._latest: Source | None = None  # the last drawing accepted (pending, computing or done)
        self._ready: Update | None = None  # computed, not yet taken by the GUI
        self._scheduled = False  # a _drain call is queued or running
        self._inspector: Inspector | None = None
        self._rasterize = IncrementalRasterizer()  # used only in the worker thread
        self.options = PreprocessOptions()  # replaced whole (atomic), read by the worker thread
        self.picture_recipe: PictureRecipe | None = None  # None: the model's default
        self.input_range: tuple[float, float] | None = None  # None: the model's own
        self.why: ExplainRequest | None = None  # the Why tab on screen: its evidence maps with every update
        self._counterfactual: tuple[Source, int] | None = None  # asked for, not yet computed
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

    def submit(self, drawing: Source) -> None:
        """Ask for ``drawing`` to be computed; replaces any request not yet started.

        The same drawing object twice (e.g. the end of a stroke after its last move) is computed once.
        """
        with self._lock:
            if drawing is self._latest:
                return
            self._pending = self._latest = drawing
            self._pending_reference = False
            wake = self._claim_wake()
        if wake:
            self._wake.emit()

    def settle(self, drawing: Source) -> None:
        """The pointer rests on ``drawing``: compute what waits for rest (the full recipe's reference pass,
        the Why tab's integrated gradients and occlusion)."""
        reference = self.options != PreprocessOptions() and isinstance(drawing, Drawing)
        if not reference and self.why is None:
            return  # every step on (or a picture), no Why tab: the result is all there is
        with self._lock:
            if drawing is self._referenced or (drawing is self._pending and self._pending_reference):
                return
            self._pending = self._latest = drawing
            self._pending_reference = True
            wake = self._claim_wake()
        if wake:
            self._wake.emit()

    def set_recipe(self, picture_recipe: PictureRecipe | None, input_range: tuple[float, float] | None,
                   drawing: Source) -> None:
        """Fit pictures with ``picture_recipe`` and scale inputs to ``input_range`` from now on; recompute."""
        with self._lock:  # the worker thread reads the two together
            self.picture_recipe, self.input_range = picture_recipe, input_range
            self._latest = self._referenced = None
        self.submit(drawing)

    def set_why(self, why: ExplainRequest | None, drawing: Source) -> None:
        """Explain every update with ``why`` from now on (None: the Why tab is off screen); recompute ``drawing``
        with the at-rest methods too."""
        with self._lock:
            self.why = why
            self._latest = self._referenced = None
        if why is not None:
            self.settle(drawing)
        else:
            self.submit(drawing)

    def set_weights(self, weights: list[np.ndarray] | None, drawing: Source) -> None:
        """Run the loaded network with ``weights`` (a training run's, Keras' order) and compute ``drawing``
        again; None goes back to the file's own weights. Newer weights replace any not yet applied."""
        with self._lock:
            self._weights, self._weights_changed = weights, True
            self.weights_version += 1
            self._pending = self._latest = drawing
            self._pending_reference = False
            wake = self._claim_wake()
        if wake:
            self._wake.emit()

    def request_counterfactual(self, drawing: Source, target: int) -> None:
        """Find what would make ``drawing`` a ``target``; ``counterfactualReady`` or ``counterfactualFailed`` follows."""
        with self._lock:
            self._counterfactual = (drawing, target)
            wake = self._claim_wake()
        if wake:
            self._wake.emit()

    def set_options(self, options: PreprocessOptions, drawing: Source) -> None:
        """Preprocess from now on with ``options``, and compute ``drawing`` again with them (and its reference)."""
        self.options = options
        with self._lock:
            self._latest = self._referenced = None  # the same drawing must be computed again
        if options != PreprocessOptions():
            self.settle(drawing)
        else:
            self.submit(drawing)

    def take(self) -> Update | None:
        """The newest computed update (GUI thread); lets the worker start on the next drawing."""
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
            try:  # the same file, in the compute process too (engine as chosen here)
                self._process.load(Path(path), "numpy" if inspector.engine.name == "NumPy" else "tensorflow", trust)
            except (GuiappError, ComputeProcessError) as exc:
                self._give_up_process(exc)
        with self._lock:
            self._inspector = self._file_inspector = inspector
            self._weights, self._weights_changed = None, False
            self._applied_version = 0
            self._ready = None
            self._latest = None  # a new model: the drawing on screen must be computed again
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
            drawing, self._pending = self._pending, None
            reference = self._pending_reference
            weights, changed, self._weights_changed = self._weights, self._weights_changed, False
            version = self.weights_version if changed else self._applied_version
        computed = False
        try:
            if changed:
                self._apply_weights(weights)
                self._applied_version = version
            inspector = self._inspector
            if drawing is not None and inspector is not None:
                update = dataclasses.replace(self._compute(inspector, drawing, reference),
                                             weights_version=self._applied_version)
                self.inference_count += 1
                with self._lock:
                    self._ready = update
                    if reference:
                        self._referenced = drawing
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

    def _find_counterfactual(self, drawing: Source, target: int) -> None:
        with self._lock:
            recipe, input_range, inspector = self.picture_recipe, self.input_range, self._inspector
        try:
            if self._process is not None:
                try:
                    found = self._process.counterfactual(drawing, target, self.options, recipe, input_range)
                    self.counterfactualReady.emit(found)
                    return
                except ComputeProcessError as exc:
                    self._give_up_process(exc)
            assert inspector is not None
            try:
                found = counterfactual(inspector, drawing, target, self._rasterize, self.options, recipe, input_range)
            except ValueError as exc:
                raise GuiappError(str(exc)) from None
            self.counterfactualReady.emit(found)
        except GuiappError as exc:
            self.counterfactualFailed.emit(str(exc))
        except Exception as exc:  # noqa: BLE001 — the live view goes on whatever the search met
            self.counterfactualFailed.emit(f"could not search for a change: {short_reason(exc)}")

    def _compute(self, inspector: Inspector, drawing: Source, reference: bool) -> Update:
        with self._lock:
            recipe, input_range = self.picture_recipe, self.input_range
            why = self.why
            weights = self._weights
        if why is not None:
            why = dataclasses.replace(why, at_rest=reference)  # the at-rest methods come with the rest pass
        if self._process is not None:
            try:
                update = self._process.compute(drawing, self.options, reference, self.colour_mode, recipe,
                                               input_range, why)
                return dataclasses.replace(update, drawing=drawing)  # the window's own object, not a copy
            except ComputeProcessError as exc:
                self._give_up_process(exc)
                self._apply_weights(weights)  # this thread's copy of the network gets them now
                inspector = self._inspector or inspector
        return compute_update(inspector, drawing, self._rasterize, self.options, reference=reference,
                              colour_mode=self.colour_mode, lut=self.lut, picture_recipe=recipe,
                              input_range=input_range, why=why)

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
