"""The history bar: a slider over a run's snapshots, Play, and "Follow training" back to the newest weights.

A lecturer replays learning without waiting for it: batch 0's noise, the first strokes after a few
batches, the finished detectors. Snapshots are read from the history folder when first shown and the
most recently shown are kept, so dragging back and forth stays immediate: all 21 of the seed's 12 epochs
(4.8 MB each), but never more than CACHE_SNAPSHOTS or CACHE_BYTES — a stranger's history may hold
10,000 snapshots, or snapshots of 500 MB that its files pack into a few.
"""

from __future__ import annotations

import math
from collections import OrderedDict

import numpy as np
from PySide6.QtCore import QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSlider, QWidget

from guiapp.core.training.history import TrainingHistory

PLAY_MS = 700  # one snapshot every 0.7 s: long enough to see the kernels and the drawing's maps settle
CACHE_SNAPSHOTS = 32  # snapshots kept once shown: a whole seed run (21) and then some
CACHE_BYTES = 128 << 20  # and their weights: the seed's 21 are 101 MB; the one shown is kept even if larger


class HistoryBar(QWidget):
    """Choose a snapshot of ``history``; ``snapshotChosen(index)`` when the user (or Play) moves to one."""

    snapshotChosen = Signal(int)
    followRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.history: TrainingHistory | None = None
        self._cache: OrderedDict[int, list[np.ndarray]] = OrderedDict()  # least recently shown first
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
        self.history = None
        self._cache.clear()
        self.play_button.setChecked(False)
        with QSignalBlocker(self.slider):
            self.slider.setRange(0, 0)
        self.label.setText("History: none yet")
        for widget in (self.play_button, self.slider, self.follow_button):
            widget.setEnabled(False)

    def set_snapshots(self, history: TrainingHistory, follow: bool) -> None:
        """The run's snapshots so far (it may still add some); ``follow``: the bar sits on the newest."""
        if self.history is None or history.folder != self.history.folder:
            self._cache.clear()
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
        """Snapshot ``index``'s weights (read when not kept; :class:`DataFileError` if its file is damaged)."""
        assert self.history is not None
        if index in self._cache:
            self._cache.move_to_end(index)
            return self._cache[index]
        # Room first, from the sizes the index gives: what is dropped is free before the new one is read.
        incoming = 4 * sum(math.prod(shape) for shape in self.history.shapes)
        self._make_room(CACHE_SNAPSHOTS - 1, CACHE_BYTES - incoming)
        weights = self.history.weights(index)
        self._cache[index] = weights
        return weights

    @property
    def kept(self) -> int:
        """How many snapshots' weights are kept in memory."""
        return len(self._cache)

    def _make_room(self, count: int, size: int) -> None:
        """Drop the least recently shown snapshots until at most ``count`` of at most ``size`` bytes are kept."""
        total = sum(sum(w.nbytes for w in weights) for weights in self._cache.values())
        while self._cache and (len(self._cache) > count or total > size):
            _, dropped = self._cache.popitem(last=False)
            total -= sum(w.nbytes for w in dropped)

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
