"""A training run kept as it happened: the weights at log-spaced moments, in a folder that can be replayed.

The first batches change the kernels most, so snapshots are taken after 0, 1, 2, 5, 10, 20, 50, …
batches (1-2-5 steps) up to the first epoch's end, and then at every epoch's end. Each snapshot
is one ``.npz`` of every weight array (its sign-and-exponent bytes deflated, see :func:`_write_planes`),
written atomically by a thread of its own; ``history.json`` lists them
with the metrics of the moment and is rewritten atomically after each, so a run stopped at any
point leaves a history that opens (the last snapshot listed is whole). Reading checks every
array's shape against the index before it is read: a history folder may come from a stranger.
For the seed's 12 epochs of ``mnist_cnn`` (469 batches each) that is 21 snapshots of 4.1 MB: 87 MB.

The folder also keeps the network as built (``model.keras``, batch 0's weights), so a history opens
without TensorFlow (any snapshot is that model with other weights), and every batch's loss and
accuracy (the ``curve``: 12 × 469 batches are 160 kB of the index).
"""

from __future__ import annotations

import io
import json
import math
import zipfile
import zlib
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from guiapp.core.atomic import atomic_path
from guiapp.core.errors import DataFileError, GuiappError, file_problem

INDEX = "history.json"
MODEL = "model.keras"
FORMAT = "guiapp-training-history/1"
MAX_INDEX_BYTES = 1 << 20
MAX_SNAPSHOTS = 10_000
MAX_CURVE = 200_000  # batches whose loss the index keeps (the seed's run has 5,628)
MAX_WEIGHT_BYTES = 512 << 20  # one snapshot: MNIST's network is 4.8 MB
_HINT = "open a folder written by `guiapp train --history DIR` or the Training page"


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


def _read_member(archive: zipfile.ZipFile, name: str, shape: tuple[int, ...]) -> np.ndarray:
    """One uint8 .npy member, its header checked against ``shape`` before its data is read."""
    with archive.open(name) as member:
        version = np.lib.format.read_magic(member)
        read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                       else np.lib.format.read_array_header_2_0)
        found, fortran, dtype = read_header(member)
        if tuple(found) != shape or np.dtype(dtype) != np.uint8 or fortran:
            raise ValueError(f"{name} is {dtype} {tuple(found)}, not uint8 {shape}")
        data = member.read(math.prod(shape) + 1)
    if len(data) != math.prod(shape):
        raise ValueError(f"{name} is cut short")
    return np.frombuffer(data, np.uint8).reshape(shape)


def _read_planes(archive: zipfile.ZipFile, i: int, shape: tuple[int, ...]) -> np.ndarray:
    count = math.prod(shape)
    planes = np.empty((count, 4), np.uint8)
    planes[:, 3] = _read_member(archive, f"w{i}e.npy", (count,))
    planes[:, :3] = _read_member(archive, f"w{i}m.npy", (count, 3))
    return planes.view("<f4").reshape(shape).astype(np.float32, copy=False)


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


class HistoryWriter:
    """Writes a history folder as training goes (``add`` after each scheduled batch).

    Compressing a snapshot takes a quarter of a second of one core, longer than a batch: the files are
    written by a thread of their own, in order, while training goes on (zlib lets go of the GIL), and
    ``on_saved(snapshot)`` is called from that thread once a snapshot and the index listing it are on disk.
    :meth:`close` waits for the writes still queued (call it however the run ends).
    """

    def __init__(self, folder: Path, architecture: Mapping[str, Any], batches_per_epoch: int, epochs: int,
                 *, force: bool = False, on_saved: Callable[[Snapshot], None] | None = None) -> None:
        self.folder = Path(folder)
        if self.folder.exists() and not self.folder.is_dir():
            raise GuiappError(file_problem(self.folder, "is a file, not a folder for a training history"))
        if (self.folder / INDEX).exists() and not force:
            raise GuiappError(file_problem(self.folder, "already holds a training history — pass --force to "
                                           "replace it, or choose another folder"))
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("snapshot-*.npz") if force else ():
            old.unlink()
        self.architecture = dict(architecture)
        self.batches_per_epoch = batches_per_epoch
        self.schedule = snapshot_steps(batches_per_epoch, epochs)
        self.snapshots: list[Snapshot] = []
        self.shapes: list[list[int]] | None = None
        self.curve: list[tuple[int, float, float]] = []  # (step, loss, accuracy) of every batch so far
        self.on_saved = on_saved
        self._writes = ThreadPoolExecutor(max_workers=1, thread_name_prefix="history")  # one: files in order
        self.error: BaseException | None = None  # the first write that failed (a full disk): raised by close

    def save_model(self, save: Callable[[Path], None]) -> None:
        """Keep the network as built: ``save(path)`` writes it (Keras' ``model.save``), atomically here."""
        with atomic_path(self.folder / MODEL) as tmp:
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
            with atomic_path(self.folder / snapshot.file) as tmp:
                _write_planes(tmp, arrays)
            with atomic_path(self.folder / INDEX) as tmp:
                tmp.write_text(index, encoding="utf-8")
        except BaseException as exc:  # noqa: BLE001 — kept for close(), which raises it in the training thread
            self.error = exc
            return
        if self.on_saved is not None:
            self.on_saved(snapshot)

    def close(self) -> None:
        """Wait for every queued write; raise the first that failed as a one-line :class:`GuiappError`."""
        self._writes.shutdown(wait=True)
        if self.error is not None:
            raise GuiappError(file_problem(self.folder, f"the training history could not be written "
                                           f"({self.error})")) from None

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
        """Read and check ``history.json``; :class:`DataFileError` names the folder and the problem."""
        folder = Path(folder)
        index_path = folder / INDEX
        if not index_path.is_file():
            raise DataFileError(file_problem(folder, f"holds no {INDEX}: not a training history", _HINT))
        if index_path.stat().st_size > MAX_INDEX_BYTES:
            raise DataFileError(file_problem(index_path, "is larger than any training history's index", _HINT))
        try:
            index = json.loads(index_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise DataFileError(file_problem(index_path, f"is not readable JSON ({str(exc)[:80]})", _HINT)) from None
        try:
            return cls._from_index(folder, index)
        except (KeyError, TypeError, ValueError) as exc:
            raise DataFileError(file_problem(index_path, f"is not a guiapp training history ({exc!s:.80})",
                                             _HINT)) from None

    @classmethod
    def _from_index(cls, folder: Path, index: Any) -> TrainingHistory:
        if not isinstance(index, dict) or index.get("format") != FORMAT:
            raise TypeError(f"format is not {FORMAT}")
        shapes = tuple(tuple(int(d) for d in shape) for shape in index["shapes"])
        if any(d < 0 for shape in shapes for d in shape) or sum(4 * math.prod(s) for s in shapes) > MAX_WEIGHT_BYTES:
            raise ValueError("weights of impossible sizes")
        raw = index["snapshots"]
        if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_SNAPSHOTS:
            raise ValueError("no snapshots")
        snapshots = []
        for item in raw:
            name = str(item["file"])
            if Path(name).name != name or not name.endswith(".npz"):
                raise ValueError(f"snapshot file {name!r} is not a file name in the folder")
            metrics = {str(k): float(v) for k, v in dict(item.get("metrics", {})).items()}
            snapshots.append(Snapshot(int(item["step"]), float(item["epoch"]), name, metrics))
        steps = [s.step for s in snapshots]
        if steps != sorted(set(steps)):
            raise ValueError("snapshots out of order")
        architecture = index["architecture"]
        if not isinstance(architecture, dict):
            raise TypeError("no architecture")
        if index.get("model") != MODEL or not (folder / MODEL).is_file():
            raise ValueError(f"the network as built ({MODEL}) is missing")
        raw_curve = index.get("curve", [])
        if not isinstance(raw_curve, list) or len(raw_curve) > MAX_CURVE:
            raise ValueError("a curve of impossible length")
        curve = np.array([[float(v) if v is not None else math.nan for v in point] for point in raw_curve],
                         dtype=np.float64).reshape(-1, 3)
        batches = int(index["batches_per_epoch"])
        if batches < 1:
            raise ValueError("no batches per epoch")
        return cls(folder, architecture, batches, shapes, tuple(snapshots), curve)

    def weights(self, index: int) -> list[np.ndarray]:
        """Snapshot ``index``'s weight arrays, each checked against the index's shapes before it is read."""
        path = self.folder / self.snapshots[index].file
        try:
            with zipfile.ZipFile(path) as archive:
                return [_read_planes(archive, i, shape) for i, shape in enumerate(self.shapes)]
        except (OSError, KeyError, ValueError, zipfile.BadZipFile, EOFError, zlib.error) as exc:
            raise DataFileError(file_problem(path, f"is not a whole snapshot ({exc!s:.80})", _HINT)) from None
