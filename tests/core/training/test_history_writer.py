"""history_writer: snapshots written in order by a thread of their own, read back exactly; a replaced history
swapped in only when the new one is whole."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from guiapp.core.errors import GuiappError
from guiapp.core.training.history import INDEX, MODEL, TrainingHistory
from guiapp.core.training.history_writer import HistoryWriter, check_history_output

ARCHITECTURE = {"name": "tiny", "layers": [{"kind": "Dense", "name": "dense"}]}
SHAPES = [(6, 3), (3,)]


def _weights(seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(shape).astype(np.float32) for shape in SHAPES]


def _write(folder: Path, steps=(0, 1, 2, 4), *, force=False, seed=0, saved=None) -> HistoryWriter:
    with HistoryWriter(folder, ARCHITECTURE, batches_per_epoch=4, epochs=1, force=force,
                       on_saved=saved) as writer:
        writer.save_model(lambda path: Path(path).write_bytes(b"network"))
        for k, step in enumerate(steps):
            writer.record(step, 2.0 / (k + 1), math.nan if k == 0 else 0.25 * k)
            writer.add(step, _weights(seed + k), {"loss": 2.0 / (k + 1), "bad": math.inf})
    return writer


def test_snapshots_and_index_read_back_exactly(tmp_path):
    seen = []
    writer = _write(tmp_path / "run", saved=seen.append)
    assert writer.schedule == [0, 1, 2, 4]
    assert [s.step for s in seen] == [0, 1, 2, 4]
    history = TrainingHistory.open(tmp_path / "run")
    assert [s.file for s in history.snapshots][:2] == ["snapshot-0000000.npz", "snapshot-0000001.npz"]
    assert [s.epoch for s in history.snapshots] == [0.0, 0.25, 0.5, 1.0]
    assert history.snapshots[1].metrics == {"loss": 1.0}  # the infinite one is left out
    for k in range(4):
        for saved, written in zip(history.weights(k), _weights(k), strict=True):
            assert np.array_equal(saved, written)
    index = json.loads((tmp_path / "run" / INDEX).read_text())
    assert index["curve"][0] == [0, 2.0, None]  # NaN is written as null
    assert index["shapes"] == [[6, 3], [3]]
    assert (tmp_path / "run" / MODEL).read_bytes() == b"network"


def test_due_is_true_once_per_scheduled_step(tmp_path):
    writer = HistoryWriter(tmp_path / "run", ARCHITECTURE, batches_per_epoch=20, epochs=2)
    assert [step for step in range(41) if writer.due(step)] == [0, 1, 2, 5, 10, 20, 40]
    writer.add(5, _weights(0))
    assert not writer.due(5)
    writer.commit()


def test_an_existing_history_needs_force_and_is_replaced_whole(tmp_path):
    folder = tmp_path / "run"
    _write(folder)
    with pytest.raises(GuiappError, match="already holds a training history — pass --force"):
        check_history_output(folder, force=False)
    _write(folder, steps=(0, 4), force=True, seed=10)
    history = TrainingHistory.open(folder)
    assert [s.step for s in history.snapshots] == [0, 4]
    assert np.array_equal(history.weights(1)[0], _weights(11)[0])
    assert sorted(p.name for p in folder.iterdir()) == [INDEX, MODEL, "snapshot-0000000.npz", "snapshot-0000004.npz"]
    assert [p.name for p in tmp_path.iterdir()] == ["run"]  # no hidden folder left beside it


def test_a_replacing_run_that_fails_leaves_the_old_history(tmp_path):
    folder = tmp_path / "run"
    _write(folder)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    with pytest.raises(RuntimeError), HistoryWriter(folder, ARCHITECTURE, 4, 1, force=True) as writer:
        writer.add(0, _weights(99))
        raise RuntimeError("stopped")
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["run"]


def test_force_refuses_a_folder_with_other_files(tmp_path):
    folder = tmp_path / "run"
    _write(folder)
    (folder / "notes.txt").write_text("mine")
    with pytest.raises(GuiappError, match="holds 'notes.txt', which is not part of a training history"):
        check_history_output(folder, force=True)


def test_a_file_where_the_folder_goes_is_refused(tmp_path):
    path = tmp_path / "file"
    path.write_text("x")
    with pytest.raises(GuiappError, match=r"file: is a file, not a folder"):
        check_history_output(path, force=True)
