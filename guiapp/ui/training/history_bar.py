"""The history bar: a slider over a run's snapshots, Play, and "Follow training" back to the newest weights.

A lecturer replays learning without waiting for it: batch 0's noise, the first strokes after a few
batches, the finished detectors. Snapshots are read from the history folder when first shown and kept
(21 of 4.8 MB for the seed's 12 epochs), so dragging back and forth stays immediate.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSlider, QWidget

from guiapp.core.learning.history import TrainingHistory

PLAY_MS = 700  # one snapshot every 0.7 s: long enough to see the kernels and the drawing's maps settle


class HistoryBar(QWidget):
    """Choose a snapshot of ``history``; ``snapshotChosen(index)`` when the user (or Play) moves to one."""

    snapshotChosen = Signal(int)
    followRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.history: TrainingHistory | None = None
        self._cache: dict[int, list[np.ndarray]] = {}
        self.play_button = QPushButton("▶ Play")
        self.play_button.setToolTip("Replay the run, one snapshot every 0.7 s")
        self.play_button.setCheckable(True)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("history_slider")
        self.slider.setToolTip("Snapshots after 0, 1, 2, 5, 10, 20, 50, … batches, then every epoch's end")
        self.slider.setPageStep(1)
        self.slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.label = QLabel("History: none yet")
        self.label.setMinimumWidth(260)
        self.follow_button = QPushButton("Follow training")
        self.follow_button.setToolTip("Show the run's newest weights again")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.play_button)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.label)
        layout.addWidget(self.follow_button)
        self._timer = QTimer(self)
        self._timer.setInterval(PLAY_MS)
        self._timer.timeout.connect(self._advance)
        self.play_button.toggled.connect(self._on_play)
        self.slider.valueChanged.connect(self._on_moved)
        self.follow_button.clicked.connect(self.followRequested)
        self.clear()

    def clear(self) -> None:
        self.history, self._cache = None, {}
        self.play_button.setChecked(False)
        with QSignalBlocker(self.slider):
            self.slider.setRange(0, 0)
        self.label.setText("History: none yet")
        for widget in (self.play_button, self.slider, self.follow_button):
            widget.setEnabled(False)

    def set_snapshots(self, history: TrainingHistory, follow: bool) -> None:
        """The run's snapshots so far (it may still add some); ``follow``: the bar sits on the newest."""
        if self.history is None or history.folder != self.history.folder:
            self._cache = {}
        self.history = history
        last = len(history.snapshots) - 1
        with QSignalBlocker(self.slider):
            self.slider.setRange(0, last)
            if follow:
                self.slider.setValue(last)
        self.play_button.setEnabled(last > 0)
        self.slider.setEnabled(last > 0)
        self._describe(self.slider.value(), live=follow)

    def weights(self, index: int) -> list[np.ndarray]:
        """Snapshot ``index``'s weights (read once; :class:`DataFileError` if its file is damaged)."""
        assert self.history is not None
        if index not in self._cache:
            self._cache[index] = self.history.weights(index)
        return self._cache[index]

    def show_following(self, offer: bool) -> None:
        """Offer "Follow training" (a snapshot is shown while the run goes on)."""
        self.follow_button.setEnabled(offer)
        if not offer:
            self._describe(self.slider.value(), live=self.follow_button.isEnabled())

    def choose(self, index: int) -> None:
        """Move to snapshot ``index`` as the user would."""
        if self.slider.value() == index:
            self._on_moved(index)
        else:
            self.slider.setValue(index)  # valueChanged comes back to _on_moved

    @property
    def index(self) -> int:
        return self.slider.value()

    def _on_moved(self, index: int) -> None:
        if self.history is None:
            return
        self._describe(index, live=False)
        self.snapshotChosen.emit(index)

    def _describe(self, index: int, live: bool) -> None:
        if self.history is None or not self.history.snapshots:
            return
        snapshot = self.history.snapshots[min(index, len(self.history.snapshots) - 1)]
        metrics = snapshot.metrics
        score = f" · test {metrics['val_accuracy']:.2%}" if "val_accuracy" in metrics else (
            f" · loss {metrics['loss']:.3f}" if "loss" in metrics else "")
        where = "newest " if live else ""
        self.label.setText(f"{where}snapshot {index + 1}/{len(self.history.snapshots)}: batch {snapshot.step:,} "
                           f"(epoch {snapshot.epoch:.2f}){score}")

    def _on_play(self, playing: bool) -> None:
        self.play_button.setText("❚❚ Pause" if playing else "▶ Play")
        if playing:
            if self.slider.value() >= self.slider.maximum():
                self.slider.setValue(0)
            self._timer.start()
        else:
            self._timer.stop()

    def _advance(self) -> None:
        if self.slider.value() >= self.slider.maximum():
            self.play_button.setChecked(False)
            return
        self.slider.setValue(self.slider.value() + 1)
