"""Finds each filter's favourite MNIST patches off the GUI thread, once per model (then from the cache).

The search is one :class:`~guiapp.ui.jobs.Jobs` job: a newer :meth:`PatchWorker.start` or
:meth:`PatchWorker.cancel` stops it between two batches, and only the latest request's progress and result
come back, so a result always belongs to the model it names.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, QThread, Signal, Slot

from guiapp.core.explain.filter_patches import FilterPatches, load_or_compute
from guiapp.core.training.data import Samples
from guiapp.ui.jobs import JobContext, Jobs

FAILED = "could not find the filters' favourite patches"


def default_cache_dir() -> Path:
    """The user's cache folder for this app (e.g. ~/.cache/guiapp/filter_patches)."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.CacheLocation)
    return Path(base or Path.home() / ".cache" / "guiapp") / "filter_patches"


class PatchWorker(QObject):
    """Call :meth:`start` from the GUI thread; ``ready`` brings (inspector, FilterPatches) back."""

    progress = Signal(int, int)  # digits done, digits in all
    ready = Signal(object, object)  # the Inspector it was computed for, FilterPatches
    failed = Signal(str)

    def __init__(self, samples: Samples, cache_dir: Path | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.samples = samples
        self.cache_dir = cache_dir
        self.jobs = Jobs("filter-patches", self)
        self.jobs.progress.connect(self._on_progress)
        self.jobs.done.connect(self._on_done)
        self.jobs.failed.connect(self._on_failed)

    def start(self, inspector: object) -> None:
        self.jobs.start(self._search, inspector, self.cache_dir)

    def cancel(self) -> None:
        self.jobs.cancel()

    def shutdown(self) -> None:
        """Stop the search and end its thread (idempotent)."""
        self.jobs.shutdown()

    def _search(self, context: JobContext, inspector: object,
                cache_dir: Path | None) -> tuple[object, FilterPatches]:
        """In the worker thread: the patches from the cache, or searched batch by batch until stopped."""
        patches = load_or_compute(inspector, self.samples.images, self.samples.labels, cache_dir,
                                  progress=context.progress, should_stop=context.stopped)
        return inspector, patches

    @Slot(int, object)
    def _on_progress(self, _generation: int, values: tuple[int, int]) -> None:
        self.progress.emit(*values)

    @Slot(int, object)
    def _on_done(self, _generation: int, found: tuple[object, FilterPatches]) -> None:
        self.ready.emit(*found)

    @Slot(int, str)
    def _on_failed(self, _generation: int, message: str) -> None:
        self.failed.emit(f"{FAILED}: {message}")


def start_patch_thread(parent: QObject, samples: Samples, cache_dir: Path | None) -> tuple[PatchWorker, QThread]:
    """A PatchWorker and the thread its searches run in (``quit`` + ``wait`` it, or call ``worker.shutdown()``)."""
    worker = PatchWorker(samples, cache_dir, parent)
    return worker, worker.jobs.worker_thread
