"""The Training page's history side: the history it shows (a run's, as it grows, or one saved), its
snapshots through the history bar (:mod:`.history_bar`), and why a snapshot chosen could not be shown.

A history comes from a stranger as often as from a run: a snapshot's file may be damaged. Its problem is
one line (``message``) that stays on screen until a snapshot is shown again; the page stays usable.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Signal

from guiapp.core.errors import GuiappError
from guiapp.core.training.history import TrainingHistory
from guiapp.ui.training.curves import TrainingCurves
from guiapp.ui.training.history_bar import HistoryBar

NAME_SHOWN = 60  # characters of a history's network name in the status line


class HistoryReplay(QObject):
    """The history open on ``bar``; ``message(line)`` when it cannot be opened or a snapshot cannot be shown."""

    message = Signal(str)  # a line for the page's status

    def __init__(self, bar: HistoryBar, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.bar = bar
        self.history: TrainingHistory | None = None
        #: Why the snapshot chosen last could not be shown (its file is damaged), in one line; None once shown.
        self.snapshot_problem: str | None = None

    def clear(self) -> None:
        """A new run: no history yet (its first snapshot brings it, :meth:`follow_run`)."""
        self.history, self.snapshot_problem = None, None
        self.bar.clear()

    def open(self, folder: Path) -> TrainingHistory | None:
        """Open a saved history; None, with a message, if it cannot be (the one open stays)."""
        try:
            history = TrainingHistory.open(folder)
        except GuiappError as exc:
            self.message.emit(str(exc))
            return None
        self.history = history
        return history

    def follow_run(self, folder: Path, follow: bool) -> None:
        """The run saved a snapshot in ``folder``: read its history again and put it on the bar."""
        try:
            self.history = TrainingHistory.open(folder)
        except GuiappError as exc:
            self.message.emit(str(exc))
            return
        self.bar.set_snapshots(self.history, follow=follow)

    def snapshot(self, index: int, running: bool) -> tuple[int, list[np.ndarray]] | None:
        """Snapshot ``index``'s step and weights; None if there is none or it cannot be read (a message says why)."""
        if self.history is None or not 0 <= index < len(self.history.snapshots):
            return None
        try:
            weights = self.bar.weights(index)
        except GuiappError as exc:
            self.snapshot_problem = str(exc)
            self.message.emit(self.snapshot_problem)
            return None
        if self.snapshot_problem is not None and not running:  # the damaged one's line is no longer true
            self.message.emit(self.line())
        self.snapshot_problem = None
        return self.history.snapshots[index].step, weights

    def line(self) -> str:
        """The status line of the history open: its network, its snapshots, what to do."""
        history = self.history
        assert history is not None
        epochs = f"{history.epochs:g} epoch" + ("" if history.epochs == 1 else "s")
        return (f"History of {self.network_name()}: {len(history.snapshots)} snapshots over {epochs}. "
                "Drag the bar or press Play.")

    def network_name(self) -> str:
        assert self.history is not None
        return str(self.history.architecture.get("name", "a network"))[:NAME_SHOWN]  # a stranger's may be very long


def replay_curves(curves: TrainingCurves, history: TrainingHistory) -> None:
    """Draw a saved history's whole run on ``curves``: every batch, and each epoch's validation."""
    curves.reset(history.batches_per_epoch, max(1, round(history.epochs)))
    curve = history.curve
    if len(curve):
        curves.add_batches(curve[:, 0].astype(int).tolist(), curve[:, 1].tolist(), curve[:, 2].tolist())
    for snapshot in history.snapshots:
        if "val_accuracy" in snapshot.metrics:
            curves.add_epoch(snapshot.step, snapshot.metrics["val_accuracy"], snapshot.metrics.get("val_loss"))
    curves.refresh()
