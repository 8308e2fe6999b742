"""One hash for "this model, on these inputs": the key of every per-model cache (filter patches, the test pass)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import numpy as np


def fingerprint(inspector: Any, label: str, *arrays: np.ndarray) -> str:
    """sha256 of ``label`` (what is cached, and its format), the model and ``arrays``.

    The model counts by content, never by name: its file's bytes, or (a model only in memory) its weights.
    A model retrained into the same file gets a new key.
    """
    digest = hashlib.sha256(label.encode())
    path = getattr(inspector, "path", None)
    if path is not None and Path(path).is_file():
        digest.update(Path(path).read_bytes())
    else:
        for name, weights in inspector.weights.items():
            digest.update(name.encode())
            for array in (weights.kernel, weights.bias):
                if array is not None:
                    digest.update(np.ascontiguousarray(array).tobytes())
    for array in arrays:
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()
