"""A model file read once: its checked bytes and its card, held in memory for every engine and process.

Loading a model used to open its file three or four times — once to check it, once more for the NumPy
engine or for Keras, again for the card, again in each child process — and what an engine read was not
necessarily what had been checked (the file may be replaced in between). A :class:`ModelFile` is opened
once through the checked door, read whole, checked from memory
(:func:`~guiapp.core.model.model_check.check_model_bytes`), and its card beside it read once. Everything
after works from it: the NumPy engine unzips the bytes, Keras is given a private copy of them, a child
process is sent the object (it pickles as its bytes, a path and a small dict).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from guiapp.core.model.model_check import MODEL_HINT, ModelKind, read_checked
from guiapp.core.model.modelcard import read_card

__all__ = ["ModelFile", "private_copy"]

MAX_SUFFIX = 16  # characters of the model's suffix its private copy keeps (".keras", ".h5", ".hdf5")


@dataclass(frozen=True)
class ModelFile:
    """A model file's bytes, as read and checked, what kind it is, and its card (None: none, or unusable)."""

    path: Path
    data: bytes = field(repr=False)
    kind: ModelKind
    card: dict[str, Any] | None = field(default=None, compare=False)
    #: Why the card beside it was not used (unreadable, not JSON), one line each; its fields are judged
    #: against the model by the :class:`~guiapp.core.model.inference.Inspector`.
    card_notes: tuple[str, ...] = ()

    @classmethod
    def read(cls, path: Path | str, hint: str = MODEL_HINT) -> ModelFile:
        """The model at ``path`` and its card, each opened once; :class:`~guiapp.core.errors.ModelFileError`
        (one line naming the file, then ``hint``) if guiapp may not load it."""
        path = Path(path)
        data, kind = read_checked(path, hint)
        notes: list[str] = []
        card = read_card(path, notes)
        return cls(path, data, kind, card, tuple(notes))

    @property
    def size(self) -> int:
        return len(self.data)


@contextlib.contextmanager
def private_copy(model: ModelFile) -> Iterator[Path]:
    """The checked bytes written to a file only this user can read, for a loader that insists on a path
    (Keras); deleted on leaving. It has the original's suffix, which is how Keras tells .keras from .h5."""
    with tempfile.TemporaryDirectory(prefix="guiapp-model-") as folder:  # mode 0700
        suffix = model.path.suffix if len(model.path.suffix) <= MAX_SUFFIX else ""  # Keras knows none that long
        copy = Path(folder) / f"model{suffix}"
        fd = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(model.data)
        yield copy
