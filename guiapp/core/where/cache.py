"""The test pass, computed once per model and kept on disk: keyed by the model's content, read back checked.

A cache file may be truncated, stale or written by something else: anything that does not read back as
exactly the arrays expected (names, types, shapes, these labels) is ignored, and the pass is run again.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from guiapp.core.atomic import atomic_path
from guiapp.core.model.fingerprint import fingerprint
from guiapp.core.model.inference import Inspector
from guiapp.core.where.embedding import TestPass, embedding_layer, run_test_pass

FORMAT = "where v1"


def cache_path(inspector: Inspector, images: np.ndarray, labels: np.ndarray, cache_dir: Path) -> Path:
    """``cache_dir/where-<key>.npz``; the key changes with the model's content, the digits or the format."""
    return Path(cache_dir) / f"where-{fingerprint(inspector, FORMAT, images, labels)[:40]}.npz"


def load_pass(path: Path, layer: str, labels: np.ndarray, classes: int) -> TestPass | None:
    """The cached pass, or None when the file is missing or is not exactly what this model would write."""
    try:
        with Path(path).open("rb") as handle, np.load(handle, allow_pickle=False) as cached:
            features, probabilities = cached["features"], cached["probabilities"]
            saved_labels, saved_layer = cached["labels"], str(cached["layer"])
    except (OSError, KeyError, ValueError, EOFError, AttributeError, TypeError, zipfile.BadZipFile):
        return None
    count = len(labels)
    if (saved_layer != layer or features.dtype != np.float32 or features.ndim != 2 or len(features) != count
            or probabilities.dtype != np.float32 or probabilities.shape != (count, classes)
            or not np.array_equal(saved_labels, labels) or not np.all(np.isfinite(features))):
        return None
    return TestPass(layer, features, probabilities, np.asarray(labels, np.int64))


def load_or_run(inspector: Inspector, images: np.ndarray, labels: np.ndarray, cache_dir: Path | None,
                progress: Callable[[int, int], None] | None = None,
                should_stop: Callable[[], bool] | None = None) -> TestPass | None:
    """From the cache when it holds this model's pass, else run (and cached); None if stopped."""
    layer = embedding_layer(inspector)  # NoEmbedding before any work for a model without a view
    path = cache_path(inspector, images, labels, cache_dir) if cache_dir is not None else None
    if path is not None and path.is_file():
        cached = load_pass(path, layer, np.asarray(labels, np.int64), inspector.num_classes)
        if cached is not None:
            return cached
    found = run_test_pass(inspector, images, labels, progress, should_stop)
    if found is not None and path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with atomic_path(path) as tmp, tmp.open("wb") as handle:
                np.savez(handle, features=found.features, probabilities=found.probabilities.astype(np.float32),
                         labels=found.labels, layer=np.array(found.layer))
        except OSError:
            pass  # an unwritable cache only costs running the pass again next time
    return found
