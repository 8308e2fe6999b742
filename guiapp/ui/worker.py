"""The model's thread: loads TensorFlow and the model, then turns drawings into results.

The GUI thread only hands over the latest drawing (:meth:`InferenceWorker.submit`)
and never waits. Requests are coalesced: while one drawing is being computed, newer
ones replace each other, and the newest is computed next — so intermediate states
may be skipped but the final state of a stroke never is. One thread owns the model,
so it is never called from two threads at once.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal, Slot

from guiapp.core.errors import GuiappError
from guiapp.core.inference import InferenceResult, Inspector
from guiapp.core.preprocess import Placement, PreprocessOptions, Stages, drawing_stages, preprocess_stages
from guiapp.core.strokes import Drawing, IncrementalRasterizer


@dataclass(frozen=True)
class Update:
    """One computed drawing: the result and what it cost."""

    drawing: Drawing
    result: InferenceResult
    total_seconds: float  # rasterise + preprocess + all-layers inference
    stages: Stages | None = None  # canvas → crop → fit → centre, as computed
    reference: InferenceResult | None = None  # with every step on, when the user switched one off

    @property
    def placement(self) -> Placement | None:
        """Where the input's pixels sit on the canvas (None: blank)."""
        return self.stages.placement if self.stages is not None else None


class InferenceWorker(QObject):
    """Lives in its own QThread; talk to it through :meth:`submit`, :meth:`take` and :meth:`load`.

    At most one result waits for the GUI: the next drawing is computed only once the
    GUI has taken the previous result (it then computes while the GUI paints), so a
    slow display never builds a queue of stale results.
    """

    modelLoaded = Signal(object)  # Inspector
    modelFailed = Signal(str)  # a one-line message
    updateReady = Signal()  # call take() for the newest Update
    computeFailed = Signal(str)  # a drawing could not be computed (one line); later ones still are
    _wake = Signal()
    _load_requested = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._pending: Drawing | None = None  # newest drawing not yet computed
        self._latest: Drawing | None = None  # the last drawing accepted (pending, computing or done)
        self._ready: Update | None = None  # computed, not yet taken by the GUI
        self._scheduled = False  # a _drain call is queued or running
        self._inspector: Inspector | None = None
        self._rasterize = IncrementalRasterizer()  # used only in the worker thread
        self.options = PreprocessOptions()  # replaced whole (atomic), read by the worker thread
        self.inference_count = 0
        self._wake.connect(self._drain)
        self._load_requested.connect(self._load)

    def load(self, path: Path) -> None:
        """Load a model in the worker thread; ``modelLoaded`` or ``modelFailed`` follows."""
        self._load_requested.emit(str(path))

    def submit(self, drawing: Drawing) -> None:
        """Ask for ``drawing`` to be computed; replaces any request not yet started.

        The same drawing object twice (e.g. the end of a stroke after its last move) is computed once.
        """
        with self._lock:
            if drawing is self._latest:
                return
            self._pending = self._latest = drawing
            wake = self._claim_wake()
        if wake:
            self._wake.emit()

    def set_options(self, options: PreprocessOptions, drawing: Drawing) -> None:
        """Preprocess from now on with ``options``, and compute ``drawing`` again with them."""
        self.options = options
        with self._lock:
            self._latest = None  # the same drawing must be computed again
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
        if self._scheduled or self._pending is None or self._ready is not None or self._inspector is None:
            return False
        self._scheduled = True
        return True

    @Slot(str)
    def _load(self, path: str) -> None:
        try:
            inspector = Inspector.load(Path(path))
            inspector.warm_up()
        except GuiappError as exc:
            self.modelFailed.emit(str(exc))
            return
        with self._lock:
            self._inspector = inspector
            self._ready = None
            self._latest = None  # a new model: the drawing on screen must be computed again
        self.modelLoaded.emit(inspector)

    @Slot()
    def _drain(self) -> None:
        with self._lock:
            drawing, self._pending = self._pending, None
            inspector = self._inspector
        computed = False
        try:
            if drawing is not None and inspector is not None:
                started = time.perf_counter()
                options = self.options
                stages = drawing_stages(drawing, self._rasterize, options)
                result = inspector.run(stages.final)
                reference = None
                if options != PreprocessOptions():  # what the full recipe would have given, to compare
                    reference = inspector.run(preprocess_stages(stages.raw).final)
                self.inference_count += 1
                with self._lock:
                    self._ready = Update(drawing, result, time.perf_counter() - started, stages, reference)
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


def start_worker_thread(parent: QObject) -> tuple[InferenceWorker, QThread]:
    """A worker moved to a new, started thread (stop it with ``thread.quit(); thread.wait()``)."""
    thread = QThread(parent)
    thread.setObjectName("inference")
    worker = InferenceWorker()
    worker.moveToThread(thread)
    thread.start()
    return worker, thread
