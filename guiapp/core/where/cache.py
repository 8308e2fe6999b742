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
from guiapp.core.where.atlas import (
    EXAGGERATION_ITERATIONS,
    ITERATIONS,
    METHOD,
    PERPLEXITY,
)
from guiapp.core.where.embedding import TestPass, embedding_layer, run_test_pass
from guiapp.core.where.layers import PROJECTED_DIMS, PROJECTION_SEED

FORMAT = "where v1"
MAX_CACHE_BYTES = 256 * 1024 * 1024  # 10,000 digits' pass is 5.6 MB: anything this large is not ours, unread
MAP_FORMAT = f"where map v1: {METHOD}, perplexity {PERPLEXITY:g}, {EXAGGERATION_ITERATIONS}+{ITERATIONS} iterations"


def cache_path(inspector: Inspector, images: np.ndarray, labels: np.ndarray, cache_dir: Path) -> Path:
    """``cache_dir/where-<key>.npz``; the key changes with the model's content, the digits or the format."""
    return Path(cache_dir) / f"where-{fingerprint(inspector, FORMAT, images, labels)[:40]}.npz"


def load_pass(path: Path, layer: str, labels: np.ndarray, classes: int) -> TestPass | None:
    """The cached pass, or None when the file is missing or is not exactly what this model would write."""
    cached = _read(path, "features", "probabilities", "labels", "layer")
    if cached is None:
        return None
    features, probabilities, saved_labels, saved_layer = cached
    saved_layer, count = str(saved_layer), len(labels)
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
        _save(path, features=found.features, probabilities=found.probabilities.astype(np.float32),
              labels=found.labels, layer=np.array(found.layer))
    return found


def map_path(inspector: Inspector, images: np.ndarray, labels: np.ndarray, cache_dir: Path) -> Path:
    """``cache_dir/where-map-<key>.npz``: the map of this model's view of these digits."""
    return Path(cache_dir) / f"where-map-{fingerprint(inspector, MAP_FORMAT, images, labels)[:40]}.npz"


def load_map(path: Path, count: int) -> np.ndarray | None:
    """The cached map (count, 2) float32, or None when the file is missing or not exactly that."""
    cached = _read(path, "points")
    return cached[0] if cached is not None and _is_map(cached[0], count) else None


def _is_map(points: np.ndarray, count: int) -> bool:
    return points.dtype == np.float32 and points.shape == (count, 2) and bool(np.all(np.isfinite(points)))


def load_or_fit_map(inspector: Inspector, images: np.ndarray, labels: np.ndarray, features: np.ndarray,
                    cache_dir: Path | None, fit: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """The map from the cache when it holds this model's, else ``fit(features)`` (and cached)."""
    path = map_path(inspector, images, labels, cache_dir) if cache_dir is not None else None
    if path is not None and path.is_file():
        cached = load_map(path, len(features))
        if cached is not None:
            return cached
    points = np.asarray(fit(features), np.float32)
    if path is not None:
        _save(path, points=points)
    return points


def layer_map_path(inspector: Inspector, layer: str, images: np.ndarray, labels: np.ndarray, cache_dir: Path) -> Path:
    """``cache_dir/where-layer-<key>.npz``: one layer's (projected) features and their map."""
    label = f"{MAP_FORMAT}; layer {layer}, projected to {PROJECTED_DIMS} with seed {PROJECTION_SEED}"
    return Path(cache_dir) / f"where-layer-{fingerprint(inspector, label, images, labels)[:40]}.npz"


def load_layer_map(path: Path, count: int) -> tuple[np.ndarray, np.ndarray] | None:
    """A layer's cached (features (count, D ≤ PROJECTED_DIMS), points (count, 2)), or None."""
    cached = _read(path, "features", "points")
    if cached is None:
        return None
    features, points = cached
    if (not _is_map(points, count) or features.dtype != np.float32 or features.ndim != 2 or len(features) != count
            or not 0 < features.shape[1] <= PROJECTED_DIMS or not np.all(np.isfinite(features))):
        return None
    return features, points


def load_or_compute_layer_map(inspector: Inspector, layer: str, images: np.ndarray, labels: np.ndarray,
                              cache_dir: Path | None, features: Callable[[], np.ndarray | None],
                              fit: Callable[[np.ndarray], np.ndarray]) -> tuple[np.ndarray, np.ndarray] | None:
    """``layer``'s features and map from the cache, else ``features()`` then ``fit`` (and cached); None if
    ``features()`` was stopped."""
    path = layer_map_path(inspector, layer, images, labels, cache_dir) if cache_dir is not None else None
    if path is not None and path.is_file():
        cached = load_layer_map(path, len(labels))
        if cached is not None:
            return cached
    values = features()
    if values is None:
        return None
    points = np.asarray(fit(values), np.float32)
    if path is not None:
        _save(path, features=values, points=points)
    return values, points


def _read(path: Path, *keys: str) -> tuple[np.ndarray, ...] | None:
    """The arrays ``keys`` of the ``.npz`` at ``path``, or None: missing, too large to be ours, not an npz
    without pickles, or without one of them. The caller checks their types and shapes."""
    try:
        if Path(path).stat().st_size > MAX_CACHE_BYTES:
            return None
        with Path(path).open("rb") as handle, np.load(handle, allow_pickle=False) as cached:
            return tuple(cached[key] for key in keys)
    except (OSError, KeyError, ValueError, EOFError, AttributeError, TypeError, zipfile.BadZipFile):
        return None


def _save(path: Path, **arrays: np.ndarray) -> None:
    """Written whole or not at all; an unwritable cache only costs computing again next time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(path) as tmp, tmp.open("wb") as handle:
            np.savez(handle, **arrays)
    except OSError:
        pass
