"""The Where tab's one-time work, per model: the test pass, then the map, driven from a thread of its own.

Both are read from the cache by this thread when it holds them (0.1 s). Otherwise they are computed in a
niced child process (:mod:`guiapp.core.where.map_process`: ~15 s of features and ~60 s of t-SNE for
10,000 digits on this host) that this thread waits on; a model held only in memory is read through in this
thread and only its map goes to the child. A newer :meth:`WhereWorker.start` or :meth:`WhereWorker.cancel`
stops the work (the child is ended), so a result always belongs to the model it names.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QStandardPaths, QThread, Signal, Slot

from guiapp.core.errors import GuiappError, short_reason
from guiapp.core.training.data import LabelledDigits, load_mnist_test
from guiapp.core.model.inference import Inspector
from guiapp.core.where.atlas import Stopped
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
from guiapp.core.where.layers import layer_features
from guiapp.core.where.map_process import (
    FEATURES,
    MAP,
    MapFailed,
    fit_in_process,
    layer_map_in_process,
    where_in_process,
)

__all__ = ["FEATURES", "MAP", "WhereWorker", "default_where_cache", "start_where_thread", "unsuitable"]
DIGIT_SHAPE = (28, 28)  # the test digits' size: a model must take them as they are


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


class WhereWorker(QObject):
    """Call :meth:`start` from the GUI thread; results come back as signals naming their inspector."""

    progress = Signal(str, int, int)  # stage (FEATURES or MAP), done, total
    passReady = Signal(object, object, object)  # inspector, TestPass, LabelledDigits
    mapReady = Signal(object, object)  # inspector, (N, 2) float32 points
    unavailable = Signal(object, str)  # inspector, why (one or two sentences)
    failed = Signal(object, str)  # inspector, what went wrong (one line)
    layerProgress = Signal(str, str, int, int)  # layer, stage, done, total
    layerReady = Signal(object, str, object, object)  # inspector, layer, features (N, D), points (N, 2)
    _requested = Signal(object, int)
    _layer_requested = Signal(object, str, int)

    def __init__(self, cache_dir: Path | None, data: Path | None = None) -> None:
        super().__init__()
        self.cache_dir, self.data = cache_dir, data
        self.digits: LabelledDigits | None = None
        self._generation = self._layer_generation = 0
        self._lock = threading.Lock()
        self._requested.connect(self._compute)
        self._layer_requested.connect(self._compute_layer)

    def start(self, inspector: Inspector) -> None:
        with self._lock:
            self._generation += 1
            generation = self._generation
        self._requested.emit(inspector, generation)

    def start_layer(self, inspector: Inspector, layer: str) -> None:
        """The map of another layer than the classifier's input (after the model's own pass, if it runs)."""
        with self._lock:
            self._layer_generation += 1
            generation = self._layer_generation
        self._layer_requested.emit(inspector, layer, generation)

    def cancel(self) -> None:
        with self._lock:
            self._generation += 1
            self._layer_generation += 1

    def _layer_stale(self, generation: int) -> bool:
        with self._lock:
            return generation != self._layer_generation

    def _stale(self, generation: int) -> bool:
        with self._lock:
            return generation != self._generation

    @Slot(object, int)
    def _compute(self, inspector: Inspector, generation: int) -> None:
        if self._stale(generation):
            return
        try:
            if self.digits is None:
                self.digits = load_mnist_test(self.data)  # the shipped copy, checked by its sha256
        except GuiappError as exc:
            self.failed.emit(inspector, str(exc))
            return
        digits = self.digits
        why = unsuitable(inspector, int(digits.labels.max()) + 1)
        if why is not None:
            self.unavailable.emit(inspector, why)
            return
        images = digits.images.astype(np.float32) / 255.0
        stop = lambda: self._stale(generation)
        progress = lambda stage, done, total: self.progress.emit(stage, done, total)
        try:
            layer = embedding_layer(inspector)  # a model without a view is told at once, before any work
            cached = self._cached(inspector, images, digits.labels, layer)
            if cached is not None:
                self.passReady.emit(inspector, cached[0], digits)
                points = cached[1]
            elif inspector.path is not None:
                points = where_in_process(inspector.path, inspector.trusted, self.data, self.cache_dir, progress,
                                          lambda found: self.passReady.emit(inspector, found, digits), stop)
            else:
                found = load_or_run(inspector, images, digits.labels, self.cache_dir,
                                    lambda done, total: progress(FEATURES, done, total), stop)
                if found is None or stop():
                    return
                self.passReady.emit(inspector, found, digits)
                points = load_or_fit_map(
                    inspector, images, digits.labels, found.features, self.cache_dir,
                    lambda features: fit_in_process(features, progress=lambda done, total: progress(
                        MAP, done, total), should_stop=stop))
        except NoEmbedding as exc:
            self.unavailable.emit(inspector, f"The Where tab cannot compare digits through this model: {exc}.")
            return
        except Stopped:
            return
        except MapFailed as exc:
            self.failed.emit(inspector, f"could not draw the map of the test digits: {exc}")
            return
        except Exception as exc:  # noqa: BLE001 — a side panel must never take the window down
            self.failed.emit(inspector, f"could not compare with the test digits: {short_reason(exc)}")
            return
        if not stop():
            self.mapReady.emit(inspector, points)


    @Slot(object, str, int)
    def _compute_layer(self, inspector: Inspector, layer: str, generation: int) -> None:
        if self._layer_stale(generation) or self.digits is None:
            return
        stop = lambda: self._layer_stale(generation)
        progress = lambda stage, done, total: self.layerProgress.emit(layer, stage, done, total)
        images, labels = self.digits.images.astype(np.float32) / 255.0, self.digits.labels
        try:
            if inspector.path is not None:
                features, points = layer_map_in_process(inspector.path, inspector.trusted, self.data, self.cache_dir,
                                                        layer, progress, stop)
            else:
                found = load_or_compute_layer_map(
                    inspector, layer, images, labels, self.cache_dir,
                    lambda: layer_features(inspector, images, layer, lambda d, t: progress(FEATURES, d, t), stop),
                    lambda values: fit_in_process(values, progress=lambda d, t: progress(MAP, d, t), should_stop=stop))
                if found is None:
                    return
                features, points = found
        except Stopped:
            return
        except Exception as exc:  # noqa: BLE001 — a side panel must never take the window down
            self.failed.emit(inspector, f"could not draw the map of {layer}: {short_reason(exc)}")
            return
        if not stop():
            self.layerReady.emit(inspector, layer, features, points)

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
    thread = QThread(parent)
    thread.setObjectName("where")
    worker = WhereWorker(cache_dir)
    worker.moveToThread(thread)
    thread.start()
    return worker, thread
