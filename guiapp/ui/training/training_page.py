"""The Training page: train a network in its own process and watch its kernels form from noise.

While a run goes, the page shows conv 1's and conv 2's kernels (and their last update), the loss and
accuracy curves and the time left; the window docks the live drawing column beside them, so the
user's own drawing goes through the newest weights (:class:`~guiapp.ui.training.feature.TrainingFeature`).
That is the page's preview, not the live model: a finished run's model joins the Model menu and is offered
with "Use this model"; the live view changes only when the user takes it. Every snapshot the run saves can
be brought back with the history bar (:mod:`.history_bar`).

The page composes its parts — the form, the run controls (:mod:`.run_controls`) and the run's controller
(:mod:`.run_controller`), the curves, the kernel board, the history (:mod:`.history_replay`) — and keeps
one thing itself: which weights every view shows, the run's newest (``following``) or a snapshot's.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from guiapp.core.training.history import TrainingHistory
from guiapp.core.training.warm_trainer import TrainerPool
from guiapp.core.model.architectures import Architecture
from guiapp.ui.training.curves import TrainingCurves
from guiapp.ui.training.form import TrainingForm
from guiapp.ui.training.history_bar import HistoryBar
from guiapp.ui.training.history_replay import HistoryReplay, replay_curves
from guiapp.ui.training.kernel_board import KernelBoard
from guiapp.ui.training.page_layout import COLUMN_WIDTHS, KERNELS_TAB, PageLayout
from guiapp.ui.training.run import TrainingRun
from guiapp.ui.training.run_controller import RunController, run_name
from guiapp.ui.training.run_controls import USE_MODEL, RunControls

__all__ = ["COLUMN_WIDTHS", "USE_MODEL", "TrainingPage", "run_name"]


class TrainingPage(QWidget):
    """Settings, controls, curves, kernels and the history bar; ``folder`` receives trained models and histories."""

    showWeights = Signal(str, object)  # the network as built (a .keras path), its weights to show now
    modelTrained = Signal(str, float)  # the model written (with its card), its test accuracy
    useModel = Signal(str)  # the user chose the model just trained for the live view ("Use this model")
    runEnded = Signal(str)  # stopped or failed: one line
    message = Signal(str)  # a line for the status bar

    def __init__(self, folder: Path, data: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("training")
        self.folder, self.data = Path(folder), data
        self._conv: list[tuple[str, int]] = []  # the conv layers whose kernels the board shows
        self.following = True  # the views show the run's newest weights (not a snapshot picked on the bar)
        self._latest: tuple[int, list[np.ndarray], object] | None = None

        self.form = TrainingForm()
        self.controls = RunControls()
        # The controls' widgets under the names the window and the tests read.
        self.start_button, self.pause_button = self.controls.start_button, self.controls.pause_button
        self.stop_button, self.use_button = self.controls.stop_button, self.controls.use_button
        self.progress, self.status = self.controls.progress, self.controls.status
        self.curves = TrainingCurves()
        self.kernels = KernelBoard()
        self.history_bar = HistoryBar()
        #: A trainer child loading TensorFlow before Start is pressed (from the page's first showing, and
        #: again after each run), so Start shows a first batch in about a second, not after ~15 s of imports.
        self.trainers = TrainerPool()
        self.controller = RunController(self.form, self.controls, self.curves, self.kernels, self, self.trainers)
        self.replay = HistoryReplay(self.history_bar, self)

        #: The window puts the drawing column and the feature maps here while the page is shown.
        self.dock = QSplitter(Qt.Orientation.Horizontal)
        #: Three columns, or (narrow) the controls over tabs beside the drawing: :mod:`.page_layout`.
        self.arrangement = PageLayout(self.form, self.controls, self.curves, self.kernels, self.dock)
        self.splitter = self.arrangement.splitter
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.history_bar)

        self.controls.startClicked.connect(self.start)
        self.controls.useModel.connect(self.useModel)
        self.controller.starting.connect(self._on_starting)
        self.controller.layersKnown.connect(self._on_layers_known)
        self.controller.weights.connect(self._on_weights)
        self.controller.snapshotSaved.connect(self._on_snapshot_saved)
        self.controller.modelTrained.connect(self.modelTrained)
        self.controller.runEnded.connect(self.runEnded)
        self.controller.message.connect(self.message)
        self.replay.message.connect(self.controls.say)
        self.history_bar.snapshotChosen.connect(self.show_snapshot)
        self.history_bar.followRequested.connect(self.follow)

    @property
    def run(self) -> TrainingRun | None:
        """The run going, or the last one (for its step and folder) until a history is opened."""
        return self.controller.run

    @property
    def running(self) -> bool:
        return self.controller.running

    @property
    def history(self) -> TrainingHistory | None:
        """The history shown: the run's (once it has saved a snapshot) or one opened."""
        return self.replay.history

    @property
    def snapshot_problem(self) -> str | None:
        """Why the snapshot chosen last could not be shown (its file is damaged), in one line; None once shown."""
        return self.replay.snapshot_problem

    @property
    def trained(self) -> Path | None:
        """The model the last run wrote, offered with "Use this model"."""
        return self.controls.trained

    # ------------------------------------------------------------------ a run

    def use_architecture(self, arch: Architecture) -> None:
        """Train ``arch`` next (the explorer's "Train this network")."""
        self.form.use_architecture(arch)

    def start(self) -> None:
        """Start a run with the form's settings into ``folder``; a problem is one line in the status."""
        self.controller.start(self.folder, self.data)

    def toggle_pause(self) -> None:
        self.controller.toggle_pause()

    def stop(self) -> None:
        self.controller.stop()

    def close_run(self) -> None:
        """The window is closing: stop the run (no model is written) and end its process, and the warm one."""
        self.controller.close()
        self.trainers.close()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 — Qt's name
        """The narrow arrangement's, whichever is shown: the window may always shrink to it."""
        margins, inner = self.layout().contentsMargins(), self.arrangement.minimum()
        bar = self.history_bar.minimumSizeHint()
        return QSize(max(inner.width(), bar.width()) + margins.left() + margins.right(),
                     inner.height() + self.layout().spacing() + bar.height() + margins.top() + margins.bottom())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 — Qt's name
        super().resizeEvent(event)
        self.refit()

    def refit(self) -> None:
        """Three columns if they fit the page's width, else the tabs (also once the drawing is docked)."""
        margins = self.layout().contentsMargins()
        self.arrangement.fit(self.width() - margins.left() - margins.right())

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 — Qt's name
        """On screen: a trainer starts loading TensorFlow, after this paint (a spawn is a few milliseconds)."""
        super().showEvent(event)
        if not self.running:
            QTimer.singleShot(0, self.warm_up)

    def warm_up(self) -> None:
        """Have a trainer load TensorFlow now (once: a spare already there, or a run going, is enough)."""
        if not self.running:
            self.trainers.warm()

    def show_in_use(self, model: Path | None) -> None:
        """The live view now draws with ``model``: "Use this model" is offered while that is another."""
        self.controls.show_in_use(model)

    def _on_starting(self) -> None:
        self.arrangement.show_tab(KERNELS_TAB)
        self._conv, self._latest = [], None
        self.following = True
        self.replay.clear()

    def _on_layers_known(self, conv: list[tuple[str, int]]) -> None:
        """The conv layers whose kernels the board shows: the run's, once it has started, or a history's."""
        self._conv = conv
        self.kernels.set_layers((conv[0][0], conv[1][0] if len(conv) > 1 else None) if conv else ("", None))

    def _on_weights(self, step: int, weights: list, updates: object) -> None:
        self._latest = (step, weights, updates)
        if self.following:
            self._show(step, weights, updates)

    def _on_snapshot_saved(self, folder: Path) -> None:
        self.replay.follow_run(folder, follow=self.following)

    # ------------------------------------------------------------------ history

    def open_history(self, folder: Path) -> bool:
        """Show a saved history (its curves, its last snapshot); False, with a message, if it cannot be opened."""
        if self.running:
            self.controls.say("A run is going: stop it before opening another history.")
            return False
        history = self.replay.open(folder)
        if history is None:
            return False
        self.controller.forget()
        self._latest = None
        self.controls.offer(None)
        self.form.show_run(history.settings, history.architecture, self.replay.network_name())
        self._on_layers_known(history.conv_kernels())
        replay_curves(self.curves, history)
        self.progress.setRange(0, max(1, history.snapshots[-1].step))
        self.progress.setValue(history.snapshots[-1].step)
        self.history_bar.set_snapshots(history, follow=False)
        self.history_bar.choose(len(history.snapshots) - 1)  # the bar on the last, which shows it
        if self.snapshot_problem is None:  # else the damaged snapshot's line stays on screen
            self.controls.say(self.replay.line())
        self.controller.refresh_buttons()
        return True

    def show_snapshot(self, index: int) -> None:
        """Every view at snapshot ``index``: kernels, the drawing through its weights, the curves' cursor."""
        shown = self.replay.snapshot(index, running=self.running)
        if shown is None:
            return
        step, weights = shown
        self.following = False
        self._show(step, weights, None)
        self.curves.set_cursor(step)
        self.history_bar.show_following(self.running)

    def show_current(self) -> None:
        """Show again what the page shows (the page came back on screen, the drawing column with it)."""
        if not self.following and self.history is not None:
            self.show_snapshot(self.history_bar.index)
        elif self._latest is not None:
            self._show(*self._latest)

    def follow(self) -> None:
        """Back to the run's newest weights (the bar's "Follow training")."""
        self.following = True
        self.curves.set_cursor(None)
        self.history_bar.show_following(False)
        if self._latest is not None:
            self._show(*self._latest)

    def _show(self, step: int, weights: Sequence[np.ndarray], updates: object) -> None:
        if self._conv:
            first = weights[self._conv[0][1]]
            second = weights[self._conv[1][1]] if len(self._conv) > 1 else None
            update_pair = (updates[0], updates[1] if len(updates) > 1 else None) if updates else None
            self.kernels.set_kernels(first, second, update_pair)
        model = self.network_path()
        if model is not None:
            self.showWeights.emit(str(model), list(weights))

    def network_path(self) -> Path | None:
        """The network as built, in the history folder (written before the first batch)."""
        folder = self.history.folder if self.history is not None else (
            self.run.request.history if self.run is not None else None)
        return folder / "model.keras" if folder is not None and (folder / "model.keras").is_file() else None
