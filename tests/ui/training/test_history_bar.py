"""history_bar: a slider over a run's snapshots, what each is, Play, and a small cache of their weights."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from guiapp.core.training.history import TrainingHistory
from guiapp.core.training.history_writer import HistoryWriter
from guiapp.ui.training.history_bar import HistoryBar


def _weights(k: int) -> list[np.ndarray]:
    return [np.full((6, 3), k, np.float32), np.full(3, -k, np.float32)]


@pytest.fixture()
def history(tmp_path) -> TrainingHistory:
    folder = tmp_path / "run"
    with HistoryWriter(folder, {"name": "tiny"}, batches_per_epoch=4, epochs=1) as writer:
        writer.save_model(lambda path: Path(path).write_bytes(b"network"))
        for k, step in enumerate((0, 1, 2, 4)):
            metrics = {"loss": 1.0 / (k + 1)} | ({"val_accuracy": 0.875} if step == 4 else {})
            writer.add(step, _weights(k), metrics)
    return TrainingHistory.open(folder)


@pytest.fixture()
def bar(qtbot):
    widget = HistoryBar()
    qtbot.addWidget(widget)
    return widget


def test_empty_until_a_history_comes(bar):
    assert bar.label.text() == "History: none yet"
    assert not bar.slider.isEnabled() and not bar.play_button.isEnabled()


def test_following_sits_on_the_newest_snapshot(bar, history):
    bar.set_snapshots(history, follow=True)
    assert (bar.slider.maximum(), bar.index) == (3, 3)
    assert bar.label.text() == "newest snapshot 4/4: batch 4 (epoch 1.00) · test 87.50%"


def test_choosing_a_snapshot_says_which_and_reads_its_weights(bar, history, qtbot):
    bar.set_snapshots(history, follow=True)
    with qtbot.waitSignal(bar.snapshotChosen) as signal:
        bar.choose(1)
    assert signal.args == [1]
    assert bar.label.text() == "snapshot 2/4: batch 1 (epoch 0.25) · loss 0.500"
    weights = bar.weights(1)
    assert np.array_equal(weights[0], _weights(1)[0]) and bar.kept == 1
    assert bar.weights(1) is weights  # kept, not read again


def test_play_runs_to_the_end_and_stops(bar, history, qtbot):
    bar.set_snapshots(history, follow=True)
    bar.play_button.setChecked(True)
    assert bar.index == 0 and bar.play_button.text() == "❚❚ Pause"  # from the start again
    qtbot.waitUntil(lambda: not bar.play_button.isChecked(), timeout=10_000)
    assert bar.index == 3 and bar.play_button.text() == "▶ Play"


def test_follow_training_is_a_signal(bar, history, qtbot):
    bar.set_snapshots(history, follow=False)
    bar.show_following(True)
    with qtbot.waitSignal(bar.followRequested):
        bar.follow_button.click()
    bar.clear()
    assert bar.history is None and bar.kept == 0
