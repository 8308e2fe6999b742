"""A training run kept as it happened: the weights at log-spaced moments, in a folder that can be replayed.

The first batches change the kernels most, so snapshots are taken after 0, 1, 2, 5, 10, 20, 50, …
batches (1-2-5 steps) up to the first epoch's end, and then at every epoch's end. Each snapshot
is one ``.npz`` of every weight array (its sign-and-exponent bytes deflated, see :func:`_write_planes`),
written atomically by a thread of its own; ``history.json`` lists them
with the metrics of the moment and is rewritten atomically after each, so a run stopped at any
point leaves a history that opens (the last snapshot listed is whole). A run that replaces an old history
(``--force``) writes the new one in a hidden folder beside it and swaps the two at the very end, so an
interrupted run leaves the old one whole. Reading checks every number of the index against a range, and
every array's shape and size against the index before it is read: a history folder may come from a stranger.
For the seed's 12 epochs of ``mnist_cnn`` (469 batches each) that is 21 snapshots of 4.1 MB: 87 MB.

The folder also keeps the network as built (``model.keras``, batch 0's weights), so a history opens
without TensorFlow (any snapshot is that model with other weights), and every batch's loss and
accuracy (the ``curve``: 12 × 469 batches are 160 kB of the index).
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import re
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Self

import numpy as np

from guiapp.core.atomic import (
    CommittedInterrupt,
    atomic_path,
    check_output_path,
    check_writable_folder,
    uninterrupted,
)
from guiapp.core.errors import DataFileError, GuiappError, file_problem, short_reason
from guiapp.core.files import FileRefused, open_regular, read_regular

INDEX = "history.json"
MODEL = "model.keras"
FORMAT = "guiapp-training-history/1"
MAX_SNAPSHOTS = 10_000
MAX_CURVE = 200_000  # batches whose loss the index keeps (the seed's run has 5,628)
MAX_INDEX_BYTES = 16 << 20  # the writer's largest index (MAX_CURVE points, MAX_SNAPSHOTS snapshots) is 10.5 MB
MAX_WEIGHT_BYTES = 512 << 20  # one snapshot: MNIST's network is 4.8 MB, the largest trained here (10⁸ numbers) 400 MB
MAX_ARRAYS = 1_000  # weight arrays in a network (mnist_cnn has 8)
MAX_DIMENSIONS = 8  # of one weight array (a Conv3D kernel has 5)
MAX_STEP = 10**9  # batches in a run: far more than any, and within Qt's 32-bit progress bar and slider
MAX_METRIC = 1e12  # a loss or accuracy beyond this is no measurement: left out, like the NaN the writer leaves out
NPY_HEADER_MAX = 4_096  # an .npy member's header (numpy writes 128 bytes for a snapshot's)
ZIP_ENTRY_MAX = 1_024  # a member's local and central zip headers with its name (the writer's take ~100 bytes)
ZIP_END_MAX = 66_000  # the zip's end record, with the longest comment it may carry (64 kB)
READ_CHUNK = 4 << 20  # bytes of a snapshot's member decompressed at a time
_HINT = "open a folder written by `guiapp train --history DIR` or the Training page"
_OUT_HINT = "choose another folder for the training history"
# What a history folder holds, and the temporary files an interrupted write of one may leave: nothing else is
# deleted when a history is replaced.
_HISTORY_FILE = re.compile(r"(history\.json|model\.keras|snapshot-\d+\.npz"
                           r"|\.(history|model|snapshot-\d+)\..+\.tmp\.(json|keras|npz))")


def _npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def _write_planes(path: Path, arrays: Sequence[np.ndarray]) -> None:
    """Each float32 array as its bytes' planes: ``w{i}e.npy``, the high byte of each number (sign and exponent:
    weights share a few, so it compresses to half) deflated, and ``w{i}m.npy``, the other three (mantissa:
    noise to a compressor) stored. 50 ms a snapshot of ``mnist_cnn`` and 4.1 MB, where deflating all of it
    took 270 ms for 4.4 MB."""
    with zipfile.ZipFile(path, "w") as archive:
        for i, array in enumerate(arrays):
            planes = np.ascontiguousarray(array, "<f4").view(np.uint8).reshape(-1, 4)
            archive.writestr(f"w{i}e.npy", _npy(np.ascontiguousarray(planes[:, 3])), zipfile.ZIP_DEFLATED, 1)
            archive.writestr(f"w{i}m.npy", _npy(np.ascontiguousarray(planes[:, :3])), zipfile.ZIP_STORED)


def snapshot_limit(shapes: Sequence[Sequence[int]]) -> int:
    """The most bytes a snapshot of arrays of these ``shapes`` can take: four planes of bytes a number (one
    deflated, which adds at most a few bytes in a thousand), each member's headers, and the zip's end."""
    numbers = sum(math.prod(shape) for shape in shapes)
    return 4 * numbers + numbers // 100 + 2 * len(shapes) * (NPY_HEADER_MAX + ZIP_ENTRY_MAX) + ZIP_END_MAX


def _read_member(archive: zipfile.ZipFile, name: str, out: np.ndarray) -> None:
    """Fill ``out`` (a view of the planes) from one uint8 .npy member: its declared size, then its header, checked
    against ``out``'s shape before its data is decompressed (a member may claim to unpack to gigabytes), which
    is then read a chunk at a time (a whole member's bytes beside the planes would double the memory it takes)."""
    count, shape = out.size, out.shape
    declared = archive.getinfo(name).file_size
    if not count <= declared <= count + NPY_HEADER_MAX:
        raise ValueError(f"{name} unpacks to {declared:,} bytes, not the {count:,} of its {shape} numbers")
    row = count // len(out) if len(out) else 1
    rows = max(1, READ_CHUNK // row)
    with archive.open(name) as member:
        version = np.lib.format.read_magic(member)
        if version not in ((1, 0), (2, 0)):
            raise ValueError(f"{name} is an .npy file of version {version}, not 1.0 or 2.0")
        read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                       else np.lib.format.read_array_header_2_0)
        found, fortran, dtype = read_header(member)
        if tuple(found) != shape or np.dtype(dtype) != np.uint8 or fortran:
            raise ValueError(f"{name} is {dtype} {tuple(found)}, not uint8 {shape}")
        for start in range(0, len(out), rows):
            part = out[start:start + rows]
            data = member.read(part.size)
            if len(data) != part.size:
                raise ValueError(f"{name} is cut short")
            part[...] = np.frombuffer(data, np.uint8).reshape(part.shape)
        if member.read(1):
            raise ValueError(f"{name} is longer than its header says")


def _read_planes(archive: zipfile.ZipFile, i: int, shape: tuple[int, ...]) -> np.ndarray:
    count = math.prod(shape)
    planes = np.empty((count, 4), np.uint8)
    _read_member(archive, f"w{i}e.npy", planes[:, 3])
    _read_member(archive, f"w{i}m.npy", planes[:, :3])
    return planes.view("<f4").reshape(shape).astype(np.float32, copy=False)


def _short(value: Any) -> str:
    """A number from a stranger's file, fit for a one-line message (a 400-digit integer is not)."""
    text = repr(value)
    return text if len(text) <= 24 else f"{text[:20]}…"


def _integer(value: Any, what: str, low: int, high: int) -> int:
    """A whole number of the index within [low, high]; ``1e400`` (∞ once parsed) or 400 digits are refused here,
    not overflowed later."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{what} is {_short(value)}, not a number")
    if isinstance(value, float) and not value.is_integer():  # NaN and ∞ are not integers either
        raise ValueError(f"{what} is {_short(value)}, not a whole number")
    if not low <= value <= high:
        raise ValueError(f"{what} is {_short(value)}, not from {low:,} to {high:,}")
    return int(value)


def _measure(value: Any, what: str) -> float:
    """A loss or accuracy of the index: NaN where it is none (null, NaN, ∞, beyond ±MAX_METRIC), as the writer
    writes what is not finite; anything but a number is refused."""
    if value is None:
        return math.nan
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{what} is {_short(value)}, not a number")
    # Compared before float(): 400 digits would overflow it. NaN compares false, so NaN and ∞ give NaN.
    return float(value) if abs(value) <= MAX_METRIC else math.nan


def _items(value: Any, what: str, high: int, low: int = 0) -> list[Any]:
    """A list of the index, of ``low`` to ``high`` items."""
    if not isinstance(value, list):
        raise TypeError(f"{what} is not a list")
    if not low <= len(value) <= high:
        raise ValueError(f"{len(value):,} {what}, not " + (f"{low:,}" if low == high else f"from {low:,} to {high:,}"))
    return value


def _rounded(value: float) -> float | None:
    """Five significant digits (the curve's size), None for NaN (JSON has no NaN)."""
    return float(f"{value:.5g}") if math.isfinite(value) else None


def snapshot_steps(batches_per_epoch: int, epochs: int) -> list[int]:
    """Batches done at each snapshot: 0, 1, 2, 5, 10, 20, 50, … before the first epoch ends, then each epoch's end."""
    if batches_per_epoch < 1 or epochs < 1:
        return [0]
    steps, decade = [0], 1
    while decade < batches_per_epoch:
        steps += [decade * m for m in (1, 2, 5) if decade * m < batches_per_epoch]
        decade *= 10
    return steps + [batches_per_epoch * epoch for epoch in range(1, epochs + 1)]


@dataclass(frozen=True)
class Snapshot:
    """One saved moment: ``step`` batches done (``epoch`` = step / batches per epoch), its metrics and file."""

    step: int
    epoch: float
    file: str
    metrics: Mapping[str, float] = field(default_factory=dict)  # loss, accuracy; val_* at an epoch's end


def holds_history(folder: Path) -> bool:
    """``folder`` holds a training history's index (which a new run would replace)."""
    index = Path(folder) / INDEX
    return index.exists() or index.is_symlink()


def check_history_output(folder: Path, *, force: bool) -> None:
    """Fail before the work if a history cannot or may not be written to ``folder``; one line naming it.

    Refused: a name too long, a path through a file, a file where the folder goes, a place that takes no new
    files (``/proc``), a history already there without ``force`` — and with ``force``, a folder that holds
    anything but a history's files, which replacing the history would delete with it.
    """
    folder = Path(folder)
    check_output_path(folder, force=True, folder=True, hint=_OUT_HINT)  # a folder without a history is written into
    if not holds_history(folder):
        return
    if not force:
        raise GuiappError(file_problem(folder, "already holds a training history — pass --force to replace it, "
                                       "or choose another folder"))
    stranger = next((path.name for path in folder.iterdir() if not _HISTORY_FILE.fullmatch(path.name)), None)
    if stranger is not None:
        raise GuiappError(file_problem(folder, f"holds {stranger!r}, which is not part of a training history and "
                                       "would be deleted with the history it replaces", _OUT_HINT))
    check_writable_folder(folder.parent, _OUT_HINT)  # the new history is written beside the old one


def _sibling(folder: Path, tag: str) -> Path:
    """A new hidden folder beside ``folder`` (``.NAME.k2j4x9_a.new``), as a new folder's permissions would be."""
    made = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=f".{tag}", dir=folder.parent))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(made, 0o777 & ~umask)
    return made


def _remove_history(folder: Path) -> None:
    """Delete a history's files and then its folder, if nothing else is in it (never another file)."""
    with contextlib.suppress(OSError):
        for path in folder.iterdir():
            if _HISTORY_FILE.fullmatch(path.name) and not path.is_dir():
                path.unlink()
        folder.rmdir()


class HistoryWriter:
    """Writes a history folder as training goes (``add`` after each scheduled batch).

    Compressing a snapshot takes a quarter of a second of one core, longer than a batch: the files are
    written by a thread of their own, in order, while training goes on (zlib lets go of the GIL), and
    ``on_saved(snapshot)`` is called from that thread once a snapshot and the index listing it are on disk.
    However the run ends, :meth:`wait` waits for the writes still queued; then :meth:`commit` (the run is
    whole) or :meth:`discard` (it is not).

    A new folder is written as the run goes: a run stopped early leaves its history so far. A folder that
    already holds a history (``force``) is not touched until :meth:`commit`: the new history is written in a
    hidden folder beside it (:attr:`writing`), which takes the old one's place at the end; :meth:`discard`
    removes it and leaves the old history whole.
    """

    def __init__(self, folder: Path, architecture: Mapping[str, Any], batches_per_epoch: int, epochs: int,
                 *, force: bool = False, on_saved: Callable[[Snapshot], None] | None = None) -> None:
        self.folder = Path(folder)
        check_history_output(self.folder, force=force)
        self.replacing = holds_history(self.folder)
        if self.replacing:
            self.writing = _sibling(self.folder, "new")
        else:
            self.folder.mkdir(parents=True, exist_ok=True)
            self.writing = self.folder
        self.architecture = dict(architecture)
        self.batches_per_epoch = batches_per_epoch
        self.schedule = snapshot_steps(batches_per_epoch, epochs)
        self.snapshots: list[Snapshot] = []
        self.shapes: list[list[int]] | None = None
        self.curve: list[tuple[int, float, float]] = []  # (step, loss, accuracy) of every batch so far
        self.on_saved = on_saved
        self._writes = ThreadPoolExecutor(max_workers=1, thread_name_prefix="history")  # one: files in order
        self.error: BaseException | None = None  # the first write that failed (a full disk): raised by wait

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        """A run that wrote its model (even one Ctrl-C caught in the final renames) commits; any other discards."""
        if kind is None or issubclass(kind, CommittedInterrupt):
            self.commit()
        else:
            self.discard()

    def save_model(self, save: Callable[[Path], None]) -> None:
        """Keep the network as built: ``save(path)`` writes it (Keras' ``model.save``), atomically here."""
        with atomic_path(self.writing / MODEL) as tmp:
            save(tmp)

    def record(self, step: int, loss: float, accuracy: float) -> None:
        """One batch's metrics, for the curves (written with the next snapshot's index)."""
        if len(self.curve) < MAX_CURVE:
            self.curve.append((step, _rounded(loss), _rounded(accuracy)))

    def due(self, step: int) -> bool:
        return step in self.schedule and all(s.step != step for s in self.snapshots)

    def add(self, step: int, weights: Sequence[np.ndarray], metrics: Mapping[str, float] | None = None) -> Snapshot:
        """Save ``weights`` (copied now) as the moment ``step`` batches were done; the index follows."""
        arrays = [np.array(w, np.float32) for w in weights]
        self.shapes = [list(a.shape) for a in arrays]
        kept = {key: float(value) for key, value in (metrics or {}).items()
                if isinstance(value, (int, float)) and math.isfinite(value)}
        snapshot = Snapshot(step, step / self.batches_per_epoch, f"snapshot-{step:07d}.npz", kept)
        self.snapshots.append(snapshot)
        index = self._index()  # as of now: the index never lists a snapshot before its file is whole
        self._writes.submit(self._write, snapshot, arrays, index)
        return snapshot

    def _write(self, snapshot: Snapshot, arrays: list[np.ndarray], index: str) -> None:
        if self.error is not None:
            return
        try:
            with atomic_path(self.writing / snapshot.file) as tmp:
                _write_planes(tmp, arrays)
            with atomic_path(self.writing / INDEX) as tmp:
                tmp.write_text(index, encoding="utf-8")
        except BaseException as exc:  # noqa: BLE001 — kept for wait(), which raises it in the training thread
            self.error = exc
            return
        if self.on_saved is not None:
            self.on_saved(snapshot)

    def wait(self) -> None:
        """Wait for every queued write; raise the first that failed as a one-line :class:`GuiappError`."""
        self._writes.shutdown(wait=True)
        if self.error is not None:
            raise GuiappError(file_problem(self.folder, f"the training history could not be written "
                                           f"({short_reason(self.error)})")) from None

    def commit(self) -> None:
        """The run is whole: a new history replaces the old one (two renames, which Ctrl-C does not split)."""
        try:
            self.wait()
        except BaseException:
            self._remove_new()
            raise
        if self.writing == self.folder:
            return
        old = _sibling(self.folder, "old")
        try:
            with uninterrupted():
                os.replace(self.folder, old)  # onto the empty folder just made for it: the name stays taken
                try:
                    os.replace(self.writing, self.folder)
                except BaseException:
                    os.replace(old, self.folder)
                    raise
                self.writing = self.folder
                _remove_history(old)
        except OSError as exc:
            with contextlib.suppress(OSError):
                old.rmdir()
            raise GuiappError(file_problem(self.folder, f"could not be replaced ({short_reason(exc)}); the new "
                                           f"history is in {self.writing}")) from None

    def discard(self) -> None:
        """The run ended early: a new folder keeps the history so far; a replacing run's is removed, the old
        history stays as it was."""
        try:
            self.wait()
        finally:
            self._remove_new()

    def _remove_new(self) -> None:
        if self.writing != self.folder:
            shutil.rmtree(self.writing, ignore_errors=True)

    def _index(self) -> str:
        index = {"format": FORMAT, "architecture": self.architecture, "batches_per_epoch": self.batches_per_epoch,
                 "model": MODEL, "shapes": self.shapes, "snapshots": [asdict(s) for s in self.snapshots],
                 "curve": self.curve}
        return json.dumps(index, indent=1)


@dataclass(frozen=True)
class TrainingHistory:
    """A history folder, opened: its snapshots in order; :meth:`weights` reads one."""

    folder: Path
    architecture: Mapping[str, Any]
    batches_per_epoch: int
    shapes: tuple[tuple[int, ...], ...]
    snapshots: tuple[Snapshot, ...]
    curve: np.ndarray  # (batches, 3): step, loss, accuracy (NaN where not finite)

    @property
    def model_path(self) -> Path:
        """The network as built (batch 0): any snapshot is this model with that snapshot's weights."""
        return self.folder / MODEL

    @property
    def epochs(self) -> float:
        return self.snapshots[-1].epoch

    def conv_kernels(self, count: int = 2) -> list[tuple[str, int]]:
        """The first ``count`` convolution kernels: (layer name, index in a snapshot's weights)."""
        names = [str(layer.get("name", "")) for layer in self.architecture.get("layers", [])
                 if isinstance(layer, dict) and layer.get("kind") == "Conv2D"]
        indices = [i for i, shape in enumerate(self.shapes) if len(shape) == 4]
        if len(names) != len(indices):  # other layers with 4-D weights: name them by position
            names = [f"conv {n + 1}" for n in range(len(indices))]
        return list(zip(names, indices))[:count]

    @classmethod
    def open(cls, folder: Path | str) -> TrainingHistory:
        """Read and check ``history.json``; :class:`DataFileError` names the folder or the file, and the problem."""
        folder = Path(folder)
        index_path = folder / INDEX
        if not holds_history(folder):
            raise DataFileError(file_problem(folder, f"holds no {INDEX}: not a training history", _HINT))
        try:
            index = json.loads(read_regular(index_path, MAX_INDEX_BYTES).decode("utf-8"))
        except FileRefused as exc:
            raise DataFileError(file_problem(index_path, exc.reason, _HINT)) from None
        except RecursionError:  # json's parser recurses: [[[[…]]]] 100,000 deep
            raise DataFileError(file_problem(index_path, "is nested far deeper than a training history's index",
                                             _HINT)) from None
        except (UnicodeDecodeError, ValueError) as exc:
            raise DataFileError(file_problem(index_path, f"is not readable JSON ({str(exc)[:80]})", _HINT)) from None
        try:
            return cls._from_index(folder, index)
        except (KeyError, TypeError, ValueError, OverflowError, RecursionError) as exc:
            raise DataFileError(file_problem(index_path, f"is not a guiapp training history ({exc!s:.80})",
                                             _HINT)) from None

    @classmethod
    def _from_index(cls, folder: Path, index: Any) -> TrainingHistory:
        """Every number range-checked as it is read: what passes cannot overflow or allocate beyond the limits."""
        if not isinstance(index, dict) or index.get("format") != FORMAT:
            raise TypeError(f"format is not {FORMAT}")
        batches = _integer(index["batches_per_epoch"], "batches per epoch", 1, MAX_STEP)
        shapes = tuple(tuple(_integer(d, "a weight's size", 0, MAX_WEIGHT_BYTES)
                             for d in _items(shape, "dimensions", MAX_DIMENSIONS))
                       for shape in _items(index["shapes"], "weight arrays", MAX_ARRAYS))
        if sum(4 * math.prod(s) for s in shapes) > MAX_WEIGHT_BYTES:
            raise ValueError("weights of impossible sizes")
        snapshots = []
        for item in _items(index["snapshots"], "snapshots", MAX_SNAPSHOTS, low=1):
            if not isinstance(item, dict):
                raise TypeError("a snapshot is not an object")
            name = item["file"]
            if not isinstance(name, str) or Path(name).name != name or not name.endswith(".npz"):
                raise ValueError(f"snapshot file {_short(name)} is not a file name in the folder")
            step = _integer(item["step"], "a snapshot's step", 0, MAX_STEP)
            raw_metrics = item.get("metrics", {})
            if not isinstance(raw_metrics, dict):
                raise TypeError("a snapshot's metrics are not an object")
            measured = {str(k): _measure(v, f"metric {k!s:.20}") for k, v in raw_metrics.items()}
            metrics = {k: v for k, v in measured.items() if not math.isnan(v)}
            # The epoch is the step's, whatever the file says (the writer writes the same): one number fewer to trust.
            snapshots.append(Snapshot(step, step / batches, name, metrics))
        steps = [s.step for s in snapshots]
        if steps != sorted(set(steps)):
            raise ValueError("snapshots out of order")
        architecture = index["architecture"]
        if not isinstance(architecture, dict):
            raise TypeError("no architecture")
        if index.get("model") != MODEL or not (folder / MODEL).is_file():
            raise ValueError(f"the network as built ({MODEL}) is missing")
        curve = np.array([(_integer(step, "a curve's step", 0, MAX_STEP), _measure(loss, "a curve's loss"),
                           _measure(accuracy, "a curve's accuracy"))
                          for step, loss, accuracy in (_items(point, "numbers in a curve point", 3, low=3)
                                                       for point in _items(index.get("curve", []), "curve points",
                                                                           MAX_CURVE))],
                         dtype=np.float64).reshape(-1, 3)
        return cls(folder, architecture, batches, shapes, tuple(snapshots), curve)

    def weights(self, index: int) -> list[np.ndarray]:
        """Snapshot ``index``'s weight arrays: the file opened only if it is a regular file no larger than its
        arrays can make it, each member's size and header checked against the index's shapes before it is read."""
        path = self.folder / self.snapshots[index].file
        try:
            with open_regular(path, snapshot_limit(self.shapes)) as handle, zipfile.ZipFile(handle) as archive:
                return [_read_planes(archive, i, shape) for i, shape in enumerate(self.shapes)]
        except FileRefused as exc:
            raise DataFileError(file_problem(path, exc.reason, _HINT)) from None
        except (OSError, KeyError, ValueError, zipfile.BadZipFile, EOFError, zlib.error,
                NotImplementedError) as exc:  # NotImplementedError: a compression zipfile does not know
            raise DataFileError(file_problem(path, f"is not a whole snapshot ({exc!s:.80})", _HINT)) from None
