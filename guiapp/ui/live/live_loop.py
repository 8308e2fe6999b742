"""The drawing's loop: the canvas and the state's choices in, frames out, at the display's pace.

Every stroke, every choice changed in the state (preprocessing, picture recipe, colour mode, the Why tab's
request) becomes one frozen :class:`~guiapp.core.live.live_request.LiveRequest`, read from the state at that
moment and handed to the worker — from this (the GUI) thread only. Finished updates go through the
:class:`~guiapp.ui.frame_pacer.FramePacer`: at most one frame per display refresh, and when the pointer rests
the same drawing is asked for once more at rest (the reference pass, the Why tab's slower methods), then
``rested`` tells the window to let every feature catch up.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from guiapp.core.live.live_update import Source, Update
from guiapp.ui.frame_pacer import FramePacer
from guiapp.ui.live.canvas import DrawingCanvas
from guiapp.ui.live.worker import InferenceWorker, start_worker_thread
from guiapp.ui.state import WindowState


class LiveLoop(QObject):
    """Owns the worker (and its compute process) and the pacer; the window reads ``frameDue`` and ``rested``."""

    frameDue = Signal(object, bool)  # the Update to show now, and whether the pen still moves
    rested = Signal()  # the pointer rests: features do what they skipped while it moved
    modelLoaded = Signal(object)  # Inspector
    modelFailed = Signal(str)
    modelNeedsTrust = Signal(str, str)  # path, message
    failed = Signal(str)  # one line for the status bar
    counterfactualFound = Signal(object)  # Counterfactual
    counterfactualFailed = Signal(str)

    def __init__(self, state: WindowState, canvas: DrawingCanvas, paced: QWidget, lut: np.ndarray | None) -> None:
        super().__init__(paced)
        self.state, self.canvas = state, canvas
        self.worker, self._thread = start_worker_thread(self, lut)
        self.pacer = FramePacer(paced)
        self._closed = False
        self._forward = ((self.worker.modelLoaded, self.modelLoaded), (self.worker.modelFailed, self.modelFailed),
                         (self.worker.modelNeedsTrust, self.modelNeedsTrust), (self.worker.computeFailed, self.failed),
                         (self.worker.counterfactualReady, self.counterfactualFound),
                         (self.worker.counterfactualFailed, self.counterfactualFailed))
        for source, target in self._forward:
            source.connect(target)  # signal to signal, queued: re-emitted in this (the GUI) thread
        self.worker.updateReady.connect(self._on_update_ready)
        self.pacer.frameDue.connect(self._on_frame_due)
        self.pacer.rested.connect(self._on_rest)
        canvas.drawingChanged.connect(self._on_drawing_changed)
        for changed in (state.optionsChanged, state.pictureChanged, state.colourModeChanged, state.explainChanged):
            changed.connect(self._on_choice_changed)

    @property
    def source(self) -> Source:
        """What is on the canvas: the drawing, or a picture in its place."""
        return self.canvas.drawing

    @property
    def idle(self) -> bool:
        """Every change asked for is computed and shown: nothing in the worker, no frame waiting."""
        return self.worker.idle and not self.pacer.holding

    @property
    def moving(self) -> bool:
        return self.pacer.moving

    def ask(self, at_rest: bool = False) -> None:
        """Compute what is on the canvas with the state's current choices."""
        if not self._closed:
            self.worker.ask(self.state.request(self.source, at_rest))

    def load(self, path: Path, trust: bool = False) -> None:
        self.worker.load(Path(path), trust)

    def model_shown(self) -> None:
        """A new model is in the state: the drawing through it now, the at-rest work once the pointer rests."""
        self.ask()
        self.pacer.rest_later()

    def ask_live_first(self) -> None:
        """The next change is asked for as a stroke is: what is quick at once, the at-rest work once it rests."""
        self.pacer.moved()

    def rest_later(self) -> None:
        """Tell ``rested`` again once the pointer rests (work deferred until then is still due)."""
        self.pacer.rest_later()

    def find_counterfactual(self, target: int) -> None:
        self.worker.find_counterfactual(self.state.request(self.source), target)

    def set_weights(self, weights: list[np.ndarray] | None) -> None:
        """Run the loaded network with ``weights`` (a training run's; None: the file's own), and the drawing again."""
        self.worker.set_weights(weights, self.state.request(self.source))

    def _on_drawing_changed(self, drawing: Source) -> None:
        if not self._closed:
            self.pacer.moved()
            self.worker.ask(self.state.request(drawing))

    def _on_choice_changed(self, *_args: object) -> None:
        self.ask(at_rest=not self.pacer.moving)

    def _on_update_ready(self) -> None:
        if self._closed:
            return
        update = self.worker.take()  # the worker starts on the next request while this one waits to be shown
        if update is not None:  # None: an older notification, whose update was already taken
            self.pacer.offer(update)

    def _on_frame_due(self, update: Update) -> None:
        if not self._closed:
            self.frameDue.emit(update, self.pacer.moving)

    def _on_rest(self) -> None:
        if not self._closed:
            self.ask(at_rest=True)
            self.rested.emit()

    def shutdown(self) -> None:
        """Stop the pacer, the worker's thread and its compute process (idempotent)."""
        if self._closed:
            return
        self._closed = True
        self.canvas.drawingChanged.disconnect(self._on_drawing_changed)
        self.pacer.stop()
        for source, target in self._forward:
            source.disconnect(target)
        self.worker.updateReady.disconnect(self._on_update_ready)
        self._thread.quit()
        self._thread.wait()
        self.worker.stop()


__all__ = ["InferenceWorker", "LiveLoop"]
