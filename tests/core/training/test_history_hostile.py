"""A training history from a stranger: snapshots and indexes that are not regular files, that unpack to more than
they say, numbers no run writes; and a history replaced only once the new one is whole.

The histories here are written by :class:`HistoryWriter` itself from small arrays (no Keras), so each test
starts from a folder the app would accept and changes one thing.
"""

from __future__ import annotations

import io
import json
import math
import os
import zipfile
from pathlib import Path

import numpy as np
import pytest

from guiapp.core.atomic import CommittedInterrupt
from guiapp.core.errors import DataFileError, GuiappError
from guiapp.core.training import history as hist
from guiapp.core.training import history_writer
from guiapp.core.training.history import INDEX, MAX_CURVE, MODEL, TrainingHistory
from guiapp.core.training.history_writer import HistoryWriter
from tests.hostile_files import DEVICE_REASON, FIFO_REASON, dev_zero_link, fifo

SHAPES = [(3, 3, 1, 4), (4,), (36, 10), (10,)]
ARCHITECTURE = {"name": "tiny", "layers": [{"kind": "Conv2D", "name": "conv2d"}]}


def _weights(seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(shape).astype(np.float32) for shape in SHAPES]


def make_history(folder: Path, steps: tuple[int, ...] = (0, 1, 2, 5), *, batches_per_epoch: int = 5,
                 force: bool = False) -> Path:
    """A whole history of ``steps`` snapshots of small random weights (snapshot k holds ``_weights(k)``)."""
    writer = HistoryWriter(folder, ARCHITECTURE, batches_per_epoch, epochs=1, force=force)
    with writer:
        writer.save_model(lambda path: Path(path).write_bytes(b"the network as built"))
        for k, step in enumerate(steps):
            writer.record(step, 2.3 / (k + 1), 0.1 * k)
            writer.add(step, _weights(k), {"loss": 2.3 / (k + 1)})
    return folder


def _state(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


HINT = hist._HINT


# ------------------------------------------------------------------ not regular files


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_a_snapshot_that_is_not_a_regular_file_is_one_line_and_the_others_still_open(tmp_path, kind):
    history = TrainingHistory.open(make_history(tmp_path / "h"))
    path = history.folder / history.snapshots[2].file
    path.unlink()
    if kind == "fifo":
        with fifo(path), pytest.raises(DataFileError) as caught:
            history.weights(2)
        reason = FIFO_REASON
    else:
        dev_zero_link(path)
        with pytest.raises(DataFileError) as caught:
            history.weights(2)
        reason = DEVICE_REASON
    assert str(caught.value) == f"{path}: {reason} — {HINT}"
    assert all(np.array_equal(a, b) for a, b in zip(history.weights(3), _weights(3), strict=True))


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_an_index_that_is_not_a_regular_file_is_one_line(tmp_path, kind):
    folder = make_history(tmp_path / "h")
    index = folder / INDEX
    index.unlink()
    if kind == "fifo":
        with fifo(index), pytest.raises(DataFileError) as caught:
            TrainingHistory.open(folder)
        reason = FIFO_REASON
    else:
        dev_zero_link(index)
        with pytest.raises(DataFileError) as caught:
            TrainingHistory.open(folder)
        reason = DEVICE_REASON
    assert str(caught.value) == f"{index}: {reason} — {HINT}"


def test_a_snapshot_larger_than_its_shapes_can_make_it_is_refused_before_it_is_read(tmp_path):
    history = TrainingHistory.open(make_history(tmp_path / "h"))
    path = history.folder / history.snapshots[1].file
    limit = hist.snapshot_limit(history.shapes)
    with path.open("ab") as handle:
        handle.write(bytes(limit))  # a zip may carry anything before its end record: still a valid zip
    with pytest.raises(DataFileError) as caught:
        history.weights(1)
    assert str(caught.value).startswith(f"{path}: is ") and "more than the" in str(caught.value)
    assert f"{limit / 1000:.1f} kB guiapp reads from such a file — {HINT}" in str(caught.value)


def test_a_member_that_unpacks_to_more_than_it_should_is_refused_before_it_is_decompressed(tmp_path, monkeypatch):
    history = TrainingHistory.open(make_history(tmp_path / "h"))
    path = history.folder / history.snapshots[0].file
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.zeros(20_000_000, np.uint8))  # 20 MB of zeros: 20 kB deflated
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("w0e.npy", buffer.getvalue(), zipfile.ZIP_DEFLATED, 9)
    assert path.stat().st_size < 100_000

    def never(*args, **kwargs):
        raise AssertionError("a member was opened before its declared size was checked")

    monkeypatch.setattr(zipfile.ZipFile, "open", never)
    with pytest.raises(DataFileError) as caught:
        history.weights(0)
    assert str(caught.value) == (f"{path}: is not a whole snapshot (w0e.npy unpacks to 20,000,128 bytes, not the 36 "
                                 f"of its (36,) numbers) — {HINT}")


# ------------------------------------------------------------------ numbers from the index


def _index_with(folder: Path, change: str, raw: str) -> Path:
    """The index with one value replaced by ``raw`` JSON text (1e400 and 400 digits cannot come from dumps)."""
    index = json.loads((folder / INDEX).read_text())
    where, _, key = change.partition(".")
    marker = "\u2603 replaced"
    if where == "top":
        index[key] = marker
    elif where == "snapshot":
        index["snapshots"][1][key] = marker
    elif where == "metric":
        index["snapshots"][1]["metrics"][key] = marker
    elif where == "curve":
        index["curve"][1][int(key)] = marker
    elif where == "shape":
        index["shapes"][2][int(key)] = marker
    (folder / INDEX).write_text(json.dumps(index).replace(json.dumps(marker), raw))
    return folder / INDEX


DIGITS_400 = "9" * 400


@pytest.mark.parametrize(("change", "raw", "problem"), [
    ("shape.0", "1e400", "a weight's size is inf, not a whole number"),
    ("shape.0", DIGITS_400, "a weight's size is 99999999999999999999…, not from 0 to 536,870,912"),
    ("shape.1", "-3", "a weight's size is -3, not from 0 to 536,870,912"),
    ("snapshot.step", "1e999", "a snapshot's step is inf, not a whole number"),
    ("snapshot.step", DIGITS_400, "a snapshot's step is 99999999999999999999…, not from 0 to 1,000,000,000"),
    ("snapshot.step", '"2"', "a snapshot's step is '2', not a number"),
    ("top.batches_per_epoch", "1e400", "batches per epoch is inf, not a whole number"),
    ("top.batches_per_epoch", DIGITS_400, "batches per epoch is 99999999999999999999…, not from 1 to 1,000,000,000"),
    ("top.batches_per_epoch", "0", "batches per epoch is 0, not from 1 to 1,000,000,000"),
    ("top.batches_per_epoch", "2.5", "batches per epoch is 2.5, not a whole number"),
    ("curve.0", "1e400", "a curve's step is inf, not a whole number"),
    ("curve.1", "[1]", "a curve's loss is [1], not a number"),
    ("top.curve", "[[1, 2]]", "2 numbers in a curve point, not 3"),
    ("top.shapes", "[[1, 1, 1, 1, 1, 1, 1, 1, 1]]", "9 dimensions, not from 0 to 8"),
])
def test_numbers_out_of_range_are_one_line_naming_the_index(tmp_path, change, raw, problem):
    folder = make_history(tmp_path / "h")
    index = _index_with(folder, change, raw)
    with pytest.raises(DataFileError) as caught:
        TrainingHistory.open(folder)
    assert str(caught.value) == f"{index}: is not a guiapp training history ({problem}) — {HINT}"


def test_measurements_that_are_none_are_left_out_not_overflowed(tmp_path):
    folder = make_history(tmp_path / "h")
    _index_with(folder, "metric.loss", DIGITS_400)
    index = json.loads((folder / INDEX).read_text())
    index["snapshots"][2]["metrics"] = {"loss": 1e300, "accuracy": 0.5}
    text = json.dumps(index)
    (folder / INDEX).write_text(text.replace('"curve": [[0, 2.3, 0.0]', '"curve": [[0, 1e999, -1e400]'))
    history = TrainingHistory.open(folder)
    assert history.snapshots[1].metrics == {} and history.snapshots[2].metrics == {"accuracy": 0.5}
    assert np.isnan(history.curve[0, 1:]).all() and history.curve[1, 1] == pytest.approx(2.3 / 2)
    assert [s.epoch for s in history.snapshots] == [0.0, 0.2, 0.4, 1.0]  # the step's, whatever the file says


def test_an_index_nested_100000_deep_is_one_line(tmp_path):
    folder = make_history(tmp_path / "h")
    (folder / INDEX).write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(DataFileError) as caught:
        TrainingHistory.open(folder)
    assert str(caught.value) == f"{folder / INDEX}: is nested far deeper than a training history's index — {HINT}"


def test_the_longest_run_the_writer_keeps_opens_again(tmp_path):
    """MAX_CURVE batches: the index the writer writes must fit what the reader reads (it was 1 MB: 25,000)."""
    writer = HistoryWriter(tmp_path / "h", ARCHITECTURE, MAX_CURVE, epochs=1)
    with writer:
        writer.save_model(lambda path: Path(path).write_bytes(b"net"))
        for step in range(1, MAX_CURVE + 1):
            writer.record(step, 0.123456789, 0.987654321)
        writer.add(MAX_CURVE, _weights(0))
    assert (tmp_path / "h" / INDEX).stat().st_size > 1 << 20
    history = TrainingHistory.open(tmp_path / "h")
    assert history.curve.shape == (MAX_CURVE, 3) and history.curve[-1, 0] == MAX_CURVE


# ------------------------------------------------------------------ replacing a history


def test_a_replacing_run_writes_beside_the_old_history_and_swaps_at_the_end(tmp_path):
    folder = make_history(tmp_path / "h")
    old = _state(folder)
    writer = HistoryWriter(folder, ARCHITECTURE, 5, epochs=2, force=True)
    writer.save_model(lambda path: Path(path).write_bytes(b"another network"))
    writer.add(0, _weights(7))
    writer.wait()
    assert writer.writing.parent == tmp_path and writer.writing.name.startswith(".h.")
    assert _state(folder) == old  # the old one is whole until the end
    writer.commit()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["h"]  # nothing left beside it
    replaced = TrainingHistory.open(folder)
    assert [s.step for s in replaced.snapshots] == [0]
    assert all(np.array_equal(a, b) for a, b in zip(replaced.weights(0), _weights(7), strict=True))
    assert (folder / MODEL).read_bytes() == b"another network"


@pytest.mark.parametrize("ending", [KeyboardInterrupt, GuiappError, CommittedInterrupt])
def test_a_replacing_run_that_ends_early_leaves_the_old_history_whole(tmp_path, ending):
    folder = make_history(tmp_path / "h")
    old = _state(folder)
    with pytest.raises(ending), HistoryWriter(folder, ARCHITECTURE, 5, epochs=2, force=True) as writer:
        writer.save_model(lambda path: Path(path).write_bytes(b"another network"))
        writer.add(0, _weights(7))
        raise ending("the end")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["h"]
    if ending is CommittedInterrupt:  # the model and card were put in place: the history went with them
        assert (folder / MODEL).read_bytes() == b"another network"
    else:
        assert _state(folder) == old


def test_a_new_folder_keeps_the_history_so_far(tmp_path):
    with pytest.raises(KeyboardInterrupt), HistoryWriter(tmp_path / "h", ARCHITECTURE, 5, epochs=2) as writer:
        writer.save_model(lambda path: Path(path).write_bytes(b"net"))
        writer.add(0, _weights(0))
        writer.add(1, _weights(1))
        raise KeyboardInterrupt
    assert [s.step for s in TrainingHistory.open(tmp_path / "h").snapshots] == [0, 1]


@pytest.mark.parametrize(("layout", "message"), [
    ("through a file", "not-a-folder: is not a folder, so the output cannot be written below it"),
    ("a file", "h: is a file, not a folder"),
    ("too long", "is 300 bytes long, more than a file system takes"),
    ("a history, no force", "h: already holds a training history — pass --force to replace it"),
    ("a stranger's file", "h: holds 'notes.txt', which is not part of a training history and would be deleted"),
])
def test_a_folder_a_history_cannot_go_to_is_refused_before_the_work(tmp_path, layout, message):
    folder = tmp_path / "h"
    force = layout == "a stranger's file"
    if layout == "through a file":
        (tmp_path / "not-a-folder").write_text("x")
        folder = tmp_path / "not-a-folder" / "h"
    elif layout == "a file":
        folder.write_text("x")
    elif layout == "too long":
        folder = tmp_path / ("h" * 300)
    else:
        make_history(folder)
        if force:
            (folder / "notes.txt").write_text("mine")
    with pytest.raises(GuiappError) as caught:
        history_writer.check_history_output(folder, force=force)
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_leftovers_of_a_killed_write_do_not_stop_a_replacement(tmp_path):
    folder = make_history(tmp_path / "h")
    (folder / ".snapshot-0000005.k2j4x9_a.tmp.npz").write_bytes(b"half")
    (folder / ".history.abcdefgh.tmp.json").write_bytes(b"{")
    history_writer.check_history_output(folder, force=True)
    make_history(folder, (0, 3), force=True)
    assert sorted(os.listdir(tmp_path)) == ["h"]
    assert sorted(os.listdir(folder)) == [INDEX, MODEL, "snapshot-0000000.npz", "snapshot-0000003.npz"]
    assert math.isclose(TrainingHistory.open(folder).snapshots[-1].epoch, 0.6)
