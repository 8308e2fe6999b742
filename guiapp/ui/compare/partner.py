"""Model B's side of compare mode: a second live worker, with its own compute process, run the way A's is.

The window's own :class:`~guiapp.ui.live.worker.InferenceWorker` (one frozen request in a one-slot mailbox,
the newest wins, at most one result waiting for the GUI) computes B in a process of its own, started the
first time compare mode is used — so A's loop is untouched, and when the host cannot keep up B skips
drawings (its mailbox keeps only the newest) instead of queueing them: B's panels lag, A's frames do not.

B is a model file, run with its own weights or with others (a randomised twin's, a training snapshot's):
:meth:`Partner.load` takes both, and the weights are given to the worker once the file is loaded.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, QThread, Signal

from guiapp.ui.live.worker import InferenceWorker, start_worker_thread

if TYPE_CHECKING:
    from guiapp.core.live.live_request import LiveRequest
    from guiapp.core.live.live_update import Update
    from guiapp.core.model.inference import Inspector


B_NICENESS = 10  # B's compute process yields the cores to A's and to the window's when they are short


def _yield_to_a(pid: int | None) -> None:
    """Lower B's compute process' priority: on a loaded host the scheduler then gives A's process and the GUI
    the cores first, and B — which only follows A — is what lags. Where priorities cannot be set, nothing."""
    setpriority = getattr(os, "setpriority", None)
    if pid is None or setpriority is None:
        return
    try:
        setpriority(os.PRIO_PROCESS, pid, B_NICENESS)
    except OSError:
        pass


class Partner(QObject):
    """B's worker, started on first use; ``loaded`` (the file's Inspector), ``failed`` (one line), ``updated``."""

    loaded = Signal(object)  # Inspector, as read from the file (its own weights)
    failed = Signal(str)
    updated = Signal(object)  # Update computed by B with the weights last given

    def __init__(self, parent: QObject, lut: np.ndarray | None) -> None:
        super().__init__(parent)
        self._lut = lut
        self.worker: InferenceWorker | None = None
        self._thread: QThread | None = None
        self._weights: list[np.ndarray] | None = None  # to give once the file is loaded (None: its own)
        self._path: Path | None = None
        self._last: LiveRequest | None = None  # the newest request asked of B
        self.ready = False  # the file asked for last is loaded and its weights given
        self._version = 0  # the worker's weights version B's updates must carry (older: dropped)
        self.computed = 0  # B updates received: compared with A's frames by the benchmark
        self._closed = False

    @property
    def started(self) -> bool:
        return self.worker is not None

    def _start(self) -> InferenceWorker:
        if self.worker is None:
            self.worker, self._thread = start_worker_thread(self, self._lut)
            self.worker.modelLoaded.connect(self._on_loaded)
            self.worker.modelFailed.connect(self._on_failed)
            self.worker.modelNeedsTrust.connect(lambda path, message: self.failed.emit(message))
            self.worker.computeFailed.connect(self.failed)
            self.worker.updateReady.connect(self._on_ready)
            _yield_to_a(self.worker.compute_pid)
        return self.worker

    def load(self, path: Path, weights: list[np.ndarray] | None = None) -> None:
        """Run ``path`` as B, with ``weights`` in place of its own (Keras' order) when given."""
        worker = self._start()
        if self._path == Path(path):  # the same file, loaded or on its way: only the weights change
            self.set_weights(weights)
            return
        self._path, self._weights, self.ready = Path(path), weights, False
        worker.load(Path(path))

    def set_weights(self, weights: list[np.ndarray] | None) -> None:
        """The same file with other weights (None: its own); the last drawing asked for is computed again."""
        self._weights = weights
        if self.worker is not None and self.ready:
            self.worker.set_weights(weights, self._last)
            self._version = self.worker.weights_version

    def _on_loaded(self, inspector: Inspector) -> None:
        self.ready, self._version = True, 0  # the worker computes with the file's own weights until told others
        if self._weights is not None:
            self.set_weights(self._weights)  # and the last drawing asked for
        elif self._last is not None and self.worker is not None:
            self.worker.ask(self._last)
        self.loaded.emit(inspector)

    def _on_failed(self, message: str) -> None:
        self._path = None  # the same file chosen again is read again (it may have been mended)
        self.failed.emit(message)

    def ask(self, request: LiveRequest) -> None:
        """Compute ``request`` with B (coalesced: a newer request replaces one not yet started)."""
        self._last = request  # asked again once B is loaded, if it is not yet
        if self.worker is not None and self.ready and not self._closed:
            self.worker.ask(request)

    def _on_ready(self) -> None:
        if self.worker is None or self._closed:
            return
        update: Update | None = self.worker.take()
        if not self.ready:
            return  # computed by the file being replaced: the new one's answers follow
        if update is None or update.weights_version != self._version:
            return  # an older notification, or computed with weights since replaced
        self.computed += 1
        self.updated.emit(update)

    @property
    def idle(self) -> bool:
        return self.worker is None or self.worker.idle

    def shutdown(self) -> None:
        """Stop B's thread and compute process (idempotent)."""
        if self._closed:
            return
        self._closed = True
        if self.worker is not None and self._thread is not None:
            self._thread.quit()
            self._thread.wait()
            self.worker.stop()
