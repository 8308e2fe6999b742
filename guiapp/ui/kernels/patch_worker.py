"""Finds each filter's favourite MNIST patches in a thread of its own, once per model (then from the cache)."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, QThread, Signal, Slot

from guiapp.core.explain.filter_patches import Cancelled, load_or_compute
from guiapp.core.training.data import Samples


def default_cache_dir() -> Path:
    """The user's cache folder for this app (e.g. ~/.cache/guiapp/filter_patches)."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.CacheLocation)
    return Path(base or Path.home() / ".cache" / "guiapp") / "filter_patches"


class PatchWorker(QObject):
    """Call :meth:`start` from the GUI thread; ``ready`` brings (inspector, FilterPatches) back.

    A newer :meth:`start` or :meth:`cancel` stops a computation in progress between two
    batches, so a result always belongs to the model it names.
    """

    progress = Signal(int, int)  # digits done, digits in all
    ready = Signal(object, object)  # the Inspector it was computed for, FilterPatches
    failed = Signal(str)
    _requested = Signal(object, object, int)

    def __init__(self, samples: Samples, cache_dir: Path | None) -> None:
        super().__init__()
        self.samples = samples
        self.cache_dir = cache_dir
        self._generation = 0
        self._lock = threading.Lock()
        self._requested.connect(self._compute)

    def start(self, inspector: object) -> None:
        with self._lock:
            self._generation += 1
            generation = self._generation
        self._requested.emit(inspector, self.cache_dir, generation)

    def cancel(self) -> None:
        with self._lock:
            self._generation += 1

    def _stale(self, generation: int) -> bool:
        with self._lock:
            return generation != self._generation

    @Slot(object, object, int)
    def _compute(self, inspector: object, cache_dir: Path | None, generation: int) -> None:
        if self._stale(generation):
            return
        try:
            patches = load_or_compute(
                inspector, self.samples.images, self.samples.labels, cache_dir,
                progress=lambda done, total: self.progress.emit(done, total),
                should_stop=lambda: self._stale(generation),
            )
        except Cancelled:
            return
        except Exception as exc:  # noqa: BLE001 — a side panel must never take the window down
            self.failed.emit(f"could not find the filters' favourite patches: {exc}")
            return
        if not self._stale(generation):
            self.ready.emit(inspector, patches)


def start_patch_thread(parent: QObject, samples: Samples, cache_dir: Path | None) -> tuple[PatchWorker, QThread]:
    thread = QThread(parent)
    thread.setObjectName("filter-patches")
    worker = PatchWorker(samples, cache_dir)
    worker.moveToThread(thread)
    thread.start()
    return worker, thread
