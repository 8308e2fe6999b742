"""The Where tab's one-time work, per model: the test pass, then the map, run off the GUI thread.

For the shipped models both ship beside them (``models/mnist_cnn.where.npz``, checked by the model's and the
digits' content: :mod:`guiapp.core.where.shipped`), so a lecture's first open is instant; for others they are
read from the cache when it holds them (0.1 s). Otherwise they are computed in a niced child
process (:mod:`guiapp.core.where.map_process`: ~15 s of features and ~60 s of t-SNE for 10,000 digits on
this host) that the worker thread waits on. The child is sent the model file as the window read it
(:attr:`Inspector.model_file`: it opens nothing, and keys the cache as the window does); a model held only in
memory is read through in that thread and only its map goes to the child. The work is
:class:`~guiapp.ui.jobs.Jobs` jobs: a newer :meth:`WhereWorker.start` or :meth:`WhereWorker.cancel` stops it
(the child is ended), and only the latest request's results come back, so a result always belongs to the
model it names.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QStandardPaths, QThread, Signal, Slot

from guiapp.core.errors import GuiappError, short_reason
from guiapp.core.training.data import LabelledDigits, load_mnist_test
from guiapp.core.model.inference import Inspector
from guiapp.core.model.model_file import ModelFile
from guiapp.core.where.atlas import Stopped as CoreStopped
from guiapp.core.where.cache import (
    cache_path,
    load_map,
    load_or_compute_layer_map,
    load_or_fit_map,
    load_or_run,
    load_pass,
    map_path,
)
from guiapp.core.where.embedding import NoEmbedding, TestPass, embedding_layer
from guiapp.core.where.shipped import Shipped, ShippedIgnored, digits_key, load_shipped, shipped_path
from guiapp.core.where.layers import layer_features
from guiapp.core.where.map_process import (
    FEATURES,
    MAP,
    MapFailed,
    fit_in_process,
    layer_map_in_process,
    where_in_process,
)
from guiapp.ui.jobs import Failed, JobContext, Jobs, Stopped

__all__ = ["FEATURES", "MAP", "WhereWorker", "default_where_cache", "start_where_thread", "unsuitable"]
DIGIT_SHAPE = (28, 28)  # the test digits' size: a model must take them as they are
_PASS, _UNAVAILABLE = "pass", "unavailable"  # the pass as the job's progress; a model the tab cannot use
_NOTICE = "notice"  # a line for the status bar, as the job's progress (a shipped file passed over)


def default_where_cache() -> Path:
    """The user's cache folder for the Where tab (e.g. ~/.cache/guiapp/where)."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.CacheLocation)
    return Path(base or Path.home() / ".cache" / "guiapp") / "where"


def unsuitable(inspector: Inspector, classes: int) -> str | None:
    """Why this model cannot be compared with MNIST's test digits (None: it can)."""
    if inspector.input_shape[:2] != DIGIT_SHAPE or inspector.num_classes != classes:
        shape = "×".join(str(d) for d in inspector.input_shape)
        return (f"This model takes {shape} pictures into {inspector.num_classes} classes: the Where tab compares "
                f"drawings with MNIST's 10,000 test digits, so it needs a 28×28 model of the {classes} digits.")
    return None


def _child_source(inspector: Inspector) -> ModelFile | Path | None:
    """What the Where child loads the model from: the file as the window read it (its checked bytes: the child
    opens nothing), else the path of a model built from one; None to do the work in this thread — a model only
    in memory, or one given a training snapshot's weights (the child would load its file's weights instead)."""
    if not inspector.weights_from_file:
        return None
    return inspector.model_file if inspector.model_file is not None else inspector.path


class WhereWorker(QObject):
    """Call :meth:`start` from the GUI thread; results come back as signals naming their inspector.

    The pass and a layer's map are two :class:`~guiapp.ui.jobs.Jobs` sharing one thread: a layer's map waits
    for the pass (it needs its digits) and does not stop it; each only comes back if it is the latest asked.
    """

    progress = Signal(str, int, int)  # stage (FEATURES or MAP), done, total
    passReady = Signal(object, object, object)  # inspector, TestPass, LabelledDigits
    mapReady = Signal(object, object)  # inspector, (N, 2) float32 points
    unavailable = Signal(object, str)  # inspector, why (one or two sentences)
    failed = Signal(object, str)  # inspector, what went wrong (one line)
    layerProgress = Signal(str, str, int, int)  # layer, stage, done, total
    layerReady = Signal(object, str, object, object)  # inspector, layer, features (N, D), points (N, 2)
    notice = Signal(object, str)  # inspector, one line: a shipped pass and map passed over, and why

    def __init__(self, cache_dir: Path | None, data: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.cache_dir, self.data = cache_dir, data
        self.digits: LabelledDigits | None = None  # read once, by the worker thread
        self._digits_key: str | None = None  # their content's key, for the files shipped beside models
        self._asked: Inspector | None = None  # the model of the latest pass asked for
        self._layer_asked: tuple[Inspector, str] | None = None  # the model and layer of the latest map asked for
        self.jobs = Jobs("where", self)
        self.layer_jobs = Jobs("where-layers", self, share=self.jobs)
        self.jobs.progress.connect(self._on_progress)
        self.jobs.done.connect(self._on_done)
        self.jobs.failed.connect(self._on_failed)
        self.layer_jobs.progress.connect(self._on_layer_progress)
        self.layer_jobs.done.connect(self._on_layer_done)
        self.layer_jobs.failed.connect(self._on_layer_failed)

    def start(self, inspector: Inspector) -> None:
        self._asked = inspector
        self.jobs.start(self._pass_and_map, inspector)

    def start_layer(self, inspector: Inspector, layer: str) -> None:
        """The map of another layer than the classifier's input (after the model's own pass, if it runs)."""
        self._layer_asked = (inspector, layer)
        self.layer_jobs.start(self._layer_map, inspector, layer)

    def cancel(self) -> None:
        self.jobs.cancel()
        self.layer_jobs.cancel()

    def shutdown(self) -> None:
        """Stop the work (its child process ends) and end the thread (idempotent)."""
        self.layer_jobs.shutdown()
        self.jobs.shutdown()

    def _pass_and_map(self, context: JobContext, inspector: Inspector) -> tuple[str, object]:
        """In the worker thread: (MAP, points), or (_UNAVAILABLE, why); the pass goes as progress (_PASS, ...)."""
        try:
            if self.digits is None:
                self.digits = load_mnist_test(self.data)  # the shipped copy, checked by its sha256
        except GuiappError as exc:
            raise Failed(str(exc)) from exc
        digits = self.digits
        why = unsuitable(inspector, int(digits.labels.max()) + 1)
        if why is not None:
            return _UNAVAILABLE, why
        images = digits.images.astype(np.float32) / 255.0
        stop, progress = context.stopped, context.progress
        try:
            layer = embedding_layer(inspector)  # a model without a view is told at once, before any work
            shipped = self._shipped(inspector, images, digits.labels, context)
            if shipped is not None:  # no process started, nothing computed: the map is the one shipped
                progress(_PASS, shipped.test_pass, digits)
                return MAP, shipped.points
            cached = self._cached(inspector, images, digits.labels, layer)
            if cached is not None:
                progress(_PASS, cached[0], digits)
                return MAP, cached[1]
            source = _child_source(inspector)
            if source is not None:
                return MAP, where_in_process(source, inspector.trusted, self.data, self.cache_dir, progress,
                                             lambda found: progress(_PASS, found, digits), stop)
            found = load_or_run(inspector, images, digits.labels, self.cache_dir,
                                lambda done, total: progress(FEATURES, done, total), stop)
            if found is None:
                raise Stopped
            progress(_PASS, found, digits)
            return MAP, load_or_fit_map(
                inspector, images, digits.labels, found.features, self.cache_dir,
                lambda features: fit_in_process(features, progress=lambda done, total: progress(MAP, done, total),
                                                should_stop=stop))
        except NoEmbedding as exc:
            return _UNAVAILABLE, f"The Where tab cannot compare digits through this model: {exc}."
        except MapFailed as exc:
            raise Failed(f"could not draw the map of the test digits: {exc}") from exc
        except (Stopped, CoreStopped):
            raise
        except Exception as exc:  # noqa: BLE001 — worded here; the job turns it into `failed`
            raise Failed(f"could not compare with the test digits: {short_reason(exc)}") from exc

    def _layer_map(self, context: JobContext, inspector: Inspector, layer: str) -> tuple[np.ndarray, np.ndarray]:
        """In the worker thread: ``layer``'s (projected) features of the test digits and their map."""
        if self.digits is None:
            raise Stopped  # no pass ran: nothing to place
        stop = context.stopped
        progress = context.progress  # (stage, done, total)
        images, labels = self.digits.images.astype(np.float32) / 255.0, self.digits.labels
        try:
            source = _child_source(inspector)
            if source is not None:
                return layer_map_in_process(source, inspector.trusted, self.data, self.cache_dir, layer, progress,
                                            stop)
            found = load_or_compute_layer_map(
                inspector, layer, images, labels, self.cache_dir,
                lambda: layer_features(inspector, images, layer, lambda d, t: progress(FEATURES, d, t), stop),
                lambda values: fit_in_process(values, progress=lambda d, t: progress(MAP, d, t), should_stop=stop))
        except (Stopped, CoreStopped):
            raise
        except Exception as exc:  # noqa: BLE001 — worded here; the job turns it into `failed`
            raise Failed(f"could not draw the map of {layer}: {short_reason(exc)}") from exc
        if found is None:
            raise Stopped
        return found

    @Slot(int, object)
    def _on_progress(self, _generation: int, values: tuple[object, ...]) -> None:
        if values[0] == _PASS:
            self.passReady.emit(self._asked, *values[1:])
        elif values[0] == _NOTICE:
            self.notice.emit(self._asked, values[1])
        else:
            self.progress.emit(*values)

    @Slot(int, object)
    def _on_done(self, _generation: int, result: tuple[str, object]) -> None:
        kind, value = result
        if kind == MAP:
            self.mapReady.emit(self._asked, value)
        else:
            self.unavailable.emit(self._asked, value)

    @Slot(int, str)
    def _on_failed(self, _generation: int, message: str) -> None:
        self.failed.emit(self._asked, message)

    @Slot(int, object)
    def _on_layer_progress(self, _generation: int, values: tuple[str, int, int]) -> None:
        if self._layer_asked is not None:
            self.layerProgress.emit(self._layer_asked[1], *values)

    @Slot(int, object)
    def _on_layer_done(self, _generation: int, found: tuple[np.ndarray, np.ndarray]) -> None:
        if self._layer_asked is not None:
            self.layerReady.emit(*self._layer_asked, *found)

    @Slot(int, str)
    def _on_layer_failed(self, _generation: int, message: str) -> None:
        if self._layer_asked is not None:
            self.failed.emit(self._layer_asked[0], message)

    def _shipped(self, inspector: Inspector, images: np.ndarray, labels: np.ndarray,
                 context: JobContext) -> Shipped | None:
        """The pass and map shipped beside the model's file (``models/mnist_cnn.where.npz``), when they are this
        model's over these digits; a file for other weights, or a damaged one, is passed over with one line."""
        if inspector.path is None:
            return None
        path = shipped_path(inspector.path)
        if not path.is_file():
            return None
        if self._digits_key is None:
            self._digits_key = digits_key(images, labels)
        try:
            return load_shipped(path, inspector, images, labels, self._digits_key)
        except ShippedIgnored as exc:
            context.progress(_NOTICE, str(exc))
            return None

    def _cached(self, inspector: Inspector, images: np.ndarray, labels: np.ndarray,
                layer: str) -> tuple[TestPass, np.ndarray] | None:
        """The pass and the map, when the cache holds both for this model (no process started)."""
        if self.cache_dir is None:
            return None
        found = load_pass(cache_path(inspector, images, labels, self.cache_dir), layer,
                          np.asarray(labels, np.int64), inspector.num_classes)
        points = load_map(map_path(inspector, images, labels, self.cache_dir), len(labels)) if found else None
        return (found, points) if found is not None and points is not None else None


def start_where_thread(parent: QObject, cache_dir: Path | None) -> tuple[WhereWorker, QThread]:
    """A WhereWorker and the thread its work runs in (``quit`` + ``wait`` it, or call ``worker.shutdown()``)."""
    worker = WhereWorker(cache_dir, parent=parent)
    return worker, worker.jobs.worker_thread
