"""One hash for "this model, on these inputs": the key of every per-model cache (filter patches, the test pass)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import numpy as np

from guiapp.core.files import FileRefused, open_regular
from guiapp.core.model.keras_file import MAX_MODEL_BYTES

__all__ = ["fingerprint"]

CHUNK_BYTES = 1 << 20  # hashed a megabyte at a time: a model file is never held whole for its key


def fingerprint(inspector: Any, label: str, *arrays: np.ndarray) -> str:
    """sha256 of ``label`` (what is cached, and its format), the model and ``arrays``.

    The model counts by content, never by name: its file's bytes as they were read when it was loaded
    (nothing is read again), or (a model only in memory, one given other weights than its file's, or a
    file that is no longer a regular one of a model's size) its weights. A model retrained into the same
    file gets a new key.
    """
    digest = hashlib.sha256(label.encode())
    model_file = getattr(inspector, "model_file", None)
    path = getattr(inspector, "path", None)
    if not getattr(inspector, "weights_from_file", True):
        with_file = None
    elif model_file is not None:
        with_file = digest.copy()
        with_file.update(model_file.data)
    else:
        with_file = _with_file(digest, Path(path)) if path is not None else None
    if with_file is not None:
        digest = with_file
    else:
        for name, weights in inspector.weights.items():
            digest.update(name.encode())
            for array in (weights.kernel, weights.bias):
                if array is not None:
                    digest.update(np.ascontiguousarray(array).tobytes())
    for array in arrays:
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


def _with_file(digest: Any, path: Path) -> Any:
    """A copy of ``digest`` that has also taken the file's bytes (read through the checked door), or None."""
    digest = digest.copy()  # a read that fails halfway leaves the caller's digest as it was
    try:
        with open_regular(path, MAX_MODEL_BYTES) as handle:
            read = 0
            for block in iter(lambda: handle.read(CHUNK_BYTES), b""):
                read += len(block)
                if read > MAX_MODEL_BYTES:  # it grew while being read
                    return None
                digest.update(block)
    except (FileRefused, OSError):
        return None
    return digest
