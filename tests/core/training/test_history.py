"""A training history: snapshots at log-spaced batches and each epoch's end, read back exactly, and refused
in one line when the folder is not whole or not a history."""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pytest

from guiapp.core.errors import DataFileError, GuiappError
from guiapp.core.training.data import load_mnist_npz
from guiapp.core.training.history import INDEX, TrainingHistory, snapshot_steps
from guiapp.core.training.training import TrainingConfig, train
from guiapp.core.model.architectures import build_model, get_architecture


def test_the_schedule_is_one_two_five_then_each_epoch():
    assert snapshot_steps(469, 12) == [0, 1, 2, 5, 10, 20, 50, 100, 200, *range(469, 469 * 13, 469)]
    assert snapshot_steps(12, 2) == [0, 1, 2, 5, 10, 12, 24]
    assert snapshot_steps(0, 3) == [0]


@pytest.fixture(scope="module")
def trained(tmp_path_factory, small_npz):
    """768 digits, batches of 64 (12 a epoch), 2 epochs, with a history."""
    folder = tmp_path_factory.mktemp("run")
    data = load_mnist_npz(small_npz)
    result = train(data, folder / "m.keras", TrainingConfig(epochs=2, batch_size=64), history=folder / "history")
    return result, TrainingHistory.open(folder / "history")


def test_a_run_leaves_its_snapshots_which_load_back_exactly(trained):
    result, history = trained
    assert [s.step for s in history.snapshots] == [0, 1, 2, 5, 10, 12, 24]
    assert [s.epoch for s in history.snapshots][-2:] == [1.0, 2.0]
    assert history.architecture["name"] == "mnist_cnn"
    assert "val_accuracy" in history.snapshots[-1].metrics and "loss" in history.snapshots[1].metrics
    # The first is the network as built (seeded), the last the model written: the same numbers, bit for bit.
    initial = build_model(get_architecture("mnist_cnn"), seed=TrainingConfig().seed).get_weights()
    for saved, built in zip(history.weights(0), initial, strict=True):
        assert np.array_equal(saved, built)
    from guiapp.core.model.backend import keras

    final = keras().models.load_model(result.model_path, compile=False).get_weights()
    for saved, written in zip(history.weights(len(history.snapshots) - 1), final, strict=True):
        assert np.array_equal(saved, written)
    # The kernels move: conv 1's first snapshot after one batch differs from the start.
    assert not np.array_equal(history.weights(0)[0], history.weights(1)[0])


def test_a_history_is_not_overwritten_without_force(trained, small_npz):
    _, history = trained
    with pytest.raises(GuiappError, match="already holds a training history — pass --force"):
        train(load_mnist_npz(small_npz), history.folder.parent / "other.keras", TrainingConfig(epochs=1, batch_size=64),
              history=history.folder)


def _copy(history, tmp_path):
    folder = tmp_path / "copy"
    folder.mkdir()
    for path in history.folder.iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    return folder


def test_strangers_histories_are_one_line(trained, tmp_path):
    _, history = trained
    folder = _copy(history, tmp_path)
    index = json.loads((folder / INDEX).read_text())
    with pytest.raises(DataFileError, match="holds no history.json"):
        TrainingHistory.open(tmp_path)
    # A file name reaching outside the folder, impossible sizes, garbage: refused from the index.
    for change, problem in (({"snapshots": [{**index["snapshots"][0], "file": "../m.keras"}]}, "not a file name"),
                            ({"shapes": [[100000, 100000]]}, "impossible sizes"),
                            ({"format": "something else"}, "format is not")):
        (folder / INDEX).write_text(json.dumps({**index, **change}))
        with pytest.raises(DataFileError, match=problem):
            TrainingHistory.open(folder)
    (folder / INDEX).write_text("{not json")
    with pytest.raises(DataFileError, match="is not readable JSON"):
        TrainingHistory.open(folder)
    # A snapshot cut short: that one is refused when read, the others still open.
    (folder / INDEX).write_text(json.dumps(index))
    last = folder / index["snapshots"][-1]["file"]
    last.write_bytes(last.read_bytes()[:1000])
    opened = TrainingHistory.open(folder)
    with pytest.raises(DataFileError, match="is not a whole snapshot"):
        opened.weights(len(opened.snapshots) - 1)
    assert len(opened.weights(0)) == 8
    # A member that is not what the index says is refused from its declared size (another size), else from its
    # header (another type).
    first = folder / index["snapshots"][0]["file"]
    for wrong, problem in ((np.zeros(288, np.float64), r"w0e.npy is .*, not uint8 \(288,\)"),
                           (np.zeros(10**6, np.uint8), r"w0e.npy unpacks to 1,000,128 bytes, not the 288 of")):
        buffer = io.BytesIO()
        np.lib.format.write_array(buffer, wrong)
        with zipfile.ZipFile(first, "w") as archive:
            archive.writestr("w0e.npy", buffer.getvalue())
        with pytest.raises(DataFileError, match=r"is not a whole snapshot \(" + problem):
            opened.weights(0)


def test_guiapp_train_history_writes_the_folder(tmp_path, small_npz):
    from guiapp.cli import main

    out, folder = tmp_path / "m.keras", tmp_path / "h"
    code = main(["train", "--data", str(small_npz), "--epochs", "1", "--batch-size", "256", "--out", str(out),
                 "--history", str(folder)])
    assert code == 0
    history = TrainingHistory.open(folder)
    assert [s.step for s in history.snapshots] == [0, 1, 2, 3]  # 768 digits in batches of 256: 3 a epoch
    again = main(["train", "--data", str(small_npz), "--epochs", "1", "--batch-size", "256", "--out",
                  str(tmp_path / "n.keras"), "--history", str(folder)])
    assert again == 2  # one line: the folder holds a history (no --force)
