"""Writing a training history as the run goes: snapshots by a thread of their own, an index after each,
and a replaced history swapped in only once the new one is whole. The format and its reader are in
:mod:`.history`.
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
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
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
from guiapp.core.errors import GuiappError, file_problem, short_reason
from guiapp.core.training.history import (
    FORMAT,
    INDEX,
    MAX_CURVE,
    MODEL,
    RunSettings,
    Snapshot,
    holds_history,
    snapshot_steps,
)

__all__ = ["HistoryWriter", "check_history_output"]

_OUT_HINT = "choose another folder for the training history"
# What a history folder holds, and the temporary files an interrupted write of one may leave: nothing else is
# deleted when a history is replaced.
_HISTORY_FILE = re.compile(r"(history\.json|model\.keras|snapshot-\d+\.npz"
                           r"|\.(history|model|snapshot-\d+)\..+\.tmp\.(json|keras|npz))")


def _rounded(value: float) -> float | None:
    """Five significant digits (the curve's size), None for NaN (JSON has no NaN)."""
    return float(f"{value:.5g}") if math.isfinite(value) else None


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

    ``settings``: how the run was asked to train, recorded in the index for whoever replays it.
    """

    def __init__(self, folder: Path, architecture: Mapping[str, Any], batches_per_epoch: int, epochs: int,
                 *, force: bool = False, on_saved: Callable[[Snapshot], None] | None = None,
                 settings: RunSettings | None = None) -> None:
        self.folder = Path(folder)
        check_history_output(self.folder, force=force)
        self.replacing = holds_history(self.folder)
        if self.replacing:
            self.writing = _sibling(self.folder, "new")
        else:
            self.folder.mkdir(parents=True, exist_ok=True)
            self.writing = self.folder
        self.architecture = dict(architecture)
        self.settings = settings
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
        if self.settings is not None:
            index["settings"] = self.settings.to_index()
        return json.dumps(index, indent=1)
