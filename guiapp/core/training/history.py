"""A training run kept as it happened: the weights at log-spaced moments, in a folder that can be replayed.

The first batches change the kernels most, so snapshots are taken after 0, 1, 2, 5, 10, 20, 50, …
batches (1-2-5 steps) up to the first epoch's end, and then at every epoch's end. Each snapshot
is one ``.npz`` of every weight array (its sign-and-exponent bytes deflated), written atomically by a
thread of its own (:mod:`.history_writer`); ``history.json`` lists them
with the metrics of the moment and is rewritten atomically after each, so a run stopped at any
point leaves a history that opens (the last snapshot listed is whole). A run that replaces an old history
(``--force``) writes the new one in a hidden folder beside it and swaps the two at the very end, so an
interrupted run leaves the old one whole. Reading checks every number of the index against a range, and
every array's shape and size against the index before it is read: a history folder may come from a stranger.
For the seed's 12 epochs of ``mnist_cnn`` (469 batches each) that is 21 snapshots of 4.1 MB: 87 MB.

The folder also keeps the network as built (``model.keras``, batch 0's weights), so a history opens
without TensorFlow (any snapshot is that model with other weights), and every batch's loss and
accuracy (the ``curve``: 12 × 469 batches are 160 kB of the index). Since the index has a ``settings``
object, it also records how the run was asked to train (epochs, batch size, optimizer, learning rate, seed,
training digits), so the Training page shows a replayed run's own settings; older histories have none.
"""

from __future__ import annotations

import json
import math
import zipfile
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from guiapp.core.errors import DataFileError, file_problem
from guiapp.core.files import FileRefused, open_regular, read_regular

__all__ = [
    "FORMAT", "INDEX", "MAX_CURVE", "MAX_STEP", "MODEL", "RunSettings", "Snapshot", "TrainingHistory",
    "holds_history", "snapshot_limit", "snapshot_steps",
]

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
MAX_SEED = 2**63 - 1  # numpy's generators take any non-negative integer; Keras' seeds fit in 64 bits
MAX_LEARNING_RATE = 1e6  # far beyond any that trains (the form offers up to 100)
MAX_NAME = 40  # characters of an optimizer's key ("adadelta")
NPY_HEADER_MAX = 4_096  # an .npy member's header (numpy writes 128 bytes for a snapshot's)
ZIP_ENTRY_MAX = 1_024  # a member's local and central zip headers with its name (the writer's take ~100 bytes)
ZIP_END_MAX = 66_000  # the zip's end record, with the longest comment it may carry (64 kB)
READ_CHUNK = 4 << 20  # bytes of a snapshot's member decompressed at a time
_HINT = "open a folder written by `guiapp train --history DIR` or the Training page"


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


@dataclass(frozen=True)
class RunSettings:
    """How a run was asked to train, as its history records it (``train_samples``: the digits it trained on)."""

    epochs: int
    batch_size: int
    optimizer: str  # a key of training.OPTIMIZERS in guiapp's own histories; a stranger's may hold another
    learning_rate: float
    seed: int
    train_samples: int

    def to_index(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_index(cls, value: Any) -> RunSettings | None:
        """The index's ``settings``, every number range-checked; None when the index has none (an older history)."""
        if value is None:
            return None
        if not isinstance(value, dict):
            raise TypeError("settings are not an object")
        optimizer = value["optimizer"]
        if not isinstance(optimizer, str) or not 0 < len(optimizer) <= MAX_NAME or not optimizer.isidentifier():
            raise ValueError(f"optimizer {_short(optimizer)} is not a name")
        rate = value["learning_rate"]
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 < rate <= MAX_LEARNING_RATE:
            raise ValueError(f"learning rate {_short(rate)} is not a number from 0 to {MAX_LEARNING_RATE:g}")
        return cls(epochs=_integer(value["epochs"], "epochs", 1, MAX_STEP),
                   batch_size=_integer(value["batch_size"], "batch size", 1, MAX_STEP),
                   optimizer=optimizer, learning_rate=float(rate),
                   seed=_integer(value["seed"], "seed", 0, MAX_SEED),
                   train_samples=_integer(value["train_samples"], "training digits", 1, MAX_STEP))


@dataclass(frozen=True)
class TrainingHistory:
    """A history folder, opened: its snapshots in order; :meth:`weights` reads one."""

    folder: Path
    architecture: Mapping[str, Any]
    batches_per_epoch: int
    shapes: tuple[tuple[int, ...], ...]
    snapshots: tuple[Snapshot, ...]
    curve: np.ndarray  # (batches, 3): step, loss, accuracy (NaN where not finite)
    settings: RunSettings | None = None  # how the run was asked to train; None in a history older than the field

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
        return cls(folder, architecture, batches, shapes, tuple(snapshots), curve,
                   RunSettings.from_index(index.get("settings")))

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
