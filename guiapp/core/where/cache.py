"""The test pass, computed once per model and kept on disk: keyed by the model's content, read back checked.

A cache file may be truncated, stale, written by something else or made to hurt (a FIFO, a link to
``/dev/zero``, a 2 MB file whose arrays unpack to gigabytes): anything that does not read back as exactly
the arrays expected (names, types, shapes — checked from each header before its data is read —, these
labels) is removed, and the pass is run again.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from guiapp.core.atomic import atomic_path
from guiapp.core.cache_file import CheckedNpz, Found, NotOurs, read_cache
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

__all__ = [
    "cache_path", "layer_map_path", "load_layer_map", "load_map", "load_or_compute_layer_map", "load_or_fit_map",
    "load_or_run", "load_pass", "map_path",
]

FORMAT = "where v1"
MAX_CACHE_BYTES = 256 * 1024 * 1024  # 10,000 digits' pass is 5.6 MB: a file, or its arrays, this large is not ours
MAP_FORMAT = f"where map v1: {METHOD}, perplexity {PERPLEXITY:g}, {EXAGGERATION_ITERATIONS}+{ITERATIONS} iterations"


def cache_path(inspector: Inspector, images: np.ndarray, labels: np.ndarray, cache_dir: Path) -> Path:
    """``cache_dir/where-<key>.npz``; the key changes with the model's content, the digits or the format."""
    return Path(cache_dir) / f"where-{fingerprint(inspector, FORMAT, images, labels)[:40]}.npz"


def load_pass(path: Path, layer: str, labels: np.ndarray, classes: int) -> TestPass | None:
    """The cached pass, or None when the file is missing or is not exactly what this model would write
    (then it is removed)."""
    count = len(labels)

    def read(cached: CheckedNpz) -> TestPass:
        saved_layer = str(cached.array("layer", "U", ()))
        saved_labels = cached.array("labels", np.int64, (count,))
        probabilities = cached.array("probabilities", np.float32, (count, classes))
        features = cached.array("features", np.float32, (count, None))
        if (saved_layer != layer or not np.array_equal(saved_labels, labels) or not np.all(np.isfinite(features))
                or not np.all(np.isfinite(probabilities))):  # an older guiapp cached a model computing NaN
            raise NotOurs("another layer's or digits' pass, or not finite")
        return TestPass(layer, features, probabilities, np.asarray(labels, np.int64))

    return _read(path, read)


def load_or_run(inspector: Inspector, images: np.ndarray, labels: np.ndarray, cache_dir: Path | None,
                progress: Callable[[int, int], None] | None = None,
                should_stop: Callable[[], bool] | None = None) -> TestPass | None:
    """From the cache when it holds this model's pass, else run (and cached); None if stopped."""
    layer = embedding_layer(inspector)  # NoEmbedding before any work for a model without a view
    path = cache_path(inspector, images, labels, cache_dir) if cache_dir is not None else None
    if path is not None:
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
    """The cached map (count, 2) float32, or None when the file is missing or not exactly that (then removed)."""
    return _read(path, lambda cached: _map(cached, count))


def _map(cached: CheckedNpz, count: int) -> np.ndarray:
    points = cached.array("points", np.float32, (count, 2))
    if not np.all(np.isfinite(points)):
        raise NotOurs("points that are not finite")
    return points


def load_or_fit_map(inspector: Inspector, images: np.ndarray, labels: np.ndarray, features: np.ndarray,
                    cache_dir: Path | None, fit: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """The map from the cache when it holds this model's, else ``fit(features)`` (and cached)."""
    path = map_path(inspector, images, labels, cache_dir) if cache_dir is not None else None
    if path is not None:
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
    """A layer's cached (features (count, D ≤ PROJECTED_DIMS), points (count, 2)), or None (a bad file removed)."""

    def read(cached: CheckedNpz) -> tuple[np.ndarray, np.ndarray]:
        points = _map(cached, count)
        features = cached.array("features", np.float32, (count, None))
        if not 0 < features.shape[1] <= PROJECTED_DIMS or not np.all(np.isfinite(features)):
            raise NotOurs(f"features {features.shape}, not finite (count, 1…{PROJECTED_DIMS})")
        return features, points

    return _read(path, read)


def load_or_compute_layer_map(inspector: Inspector, layer: str, images: np.ndarray, labels: np.ndarray,
                              cache_dir: Path | None, features: Callable[[], np.ndarray | None],
                              fit: Callable[[np.ndarray], np.ndarray]) -> tuple[np.ndarray, np.ndarray] | None:
    """``layer``'s features and map from the cache, else ``features()`` then ``fit`` (and cached); None if
    ``features()`` was stopped."""
    path = layer_map_path(inspector, layer, images, labels, cache_dir) if cache_dir is not None else None
    if path is not None:
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


def _read(path: Path, read: Callable[[CheckedNpz], Found]) -> Found | None:
    return read_cache(path, read, MAX_CACHE_BYTES)  # the limit as it is now (a test lowers it)


def _save(path: Path, **arrays: np.ndarray) -> None:
    """Written whole or not at all; an unwritable cache only costs computing again next time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(path) as tmp, tmp.open("wb") as handle:
            np.savez(handle, **arrays)
    except OSError:
        pass
