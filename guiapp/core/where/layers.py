"""The map for any layer: how the test digits sit in conv 2's maps, the pool's, or the classifier's input.

Seen layer by layer, the maps show where the network untangles the digits: in conv 1's output the 1s and
7s lie among the rest, by the Dense layer each digit has its island. An early layer holds tens of
thousands of values per digit (36,864 for ``mnist_cnn``'s conv 2: 1.5 GB for 10,000 digits), so each
digit's values are first projected at random to PROJECTED_DIMS (a Gaussian matrix, fixed by its seed):
distances and angles survive such a projection (Johnson–Lindenstrauss; measured on the pool's 9,216 values:
the cosine between two digits moves by 0.036 in the median), which is all t-SNE and the nearest-neighbour
placement use, and the pass holds 10 MB instead of 1.5 GB.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from guiapp.core.model.inference import Inspector
from guiapp.core.where.atlas import place
from guiapp.core.where.embedding import (
    NOT_LEARNED,
    PASS_CHUNK,
    Neighbours,
    embedding_layer,
    refuse_nan,
)

__all__ = [
    "PROJECTED_DIMS", "PROJECTION_SEED", "LayerMap", "layer_features", "layer_size", "map_layers", "project",
    "projection",
]

PROJECTED_DIMS = 256  # wider layers are projected to this many values per digit
PROJECTION_SEED = 20261128  # the projection is part of the map's cache key: fixed


def map_layers(inspector: Inspector) -> tuple[str, ...]:
    """The layers a map can be drawn of, input side first: each learned layer's output up to the one the
    classifier reads (dropouts, flattens and other pass-throughs add nothing of their own)."""
    last = embedding_layer(inspector)
    names = []
    for info in inspector.layer_infos:
        if info.kind not in NOT_LEARNED:
            names.append(info.name)
        if info.name == last:
            break
    return tuple(names)


def layer_size(inspector: Inspector, layer: str) -> int:
    """How many values ``layer`` gives per digit."""
    info = next(info for info in inspector.layer_infos if info.name == layer)
    return math.prod(info.output_shape)


def projection(size: int) -> np.ndarray | None:
    """The (size, PROJECTED_DIMS) random projection for a layer of ``size`` values; None when it is narrow
    enough to be used as it is."""
    if size <= PROJECTED_DIMS:
        return None
    rng = np.random.default_rng(PROJECTION_SEED)
    return (rng.standard_normal((size, PROJECTED_DIMS), dtype=np.float32) / np.float32(math.sqrt(PROJECTED_DIMS)))


def project(rows: np.ndarray, matrix: np.ndarray | None) -> np.ndarray:
    """(N, size) activations → (N, D) float32 features, projected when ``matrix`` is given."""
    rows = np.asarray(rows, np.float32).reshape(len(rows), -1)
    return rows @ matrix if matrix is not None else rows


def layer_features(inspector: Inspector, images: np.ndarray, layer: str,
                   progress: Callable[[int, int], None] | None = None,
                   should_stop: Callable[[], bool] | None = None) -> np.ndarray | None:
    """``layer``'s values for ``images`` (N, H, W) in 0..1, projected if wide: (N, ≤ PROJECTED_DIMS); None
    if stopped. Computed in chunks, so only one chunk's full activations are ever held.
    :class:`~guiapp.core.where.embedding.ComputesNaN` at the first chunk whose values are not all finite."""
    matrix = projection(layer_size(inspector, layer))
    chunks = []
    for start in range(0, len(images), PASS_CHUNK):
        if should_stop is not None and should_stop():
            return None
        with np.errstate(invalid="ignore", over="ignore"):  # said once, in one line (refuse_nan), not per layer
            out = inspector.batch_outputs(images[start:start + PASS_CHUNK], (layer,))[layer]
        refuse_nan(inspector, out)
        chunks.append(project(out.reshape(len(out), -1), matrix))
        if progress is not None:
            progress(min(start + PASS_CHUNK, len(images)), len(images))
    return np.concatenate(chunks).astype(np.float32)


@dataclass(frozen=True)
class LayerMap:
    """One layer's map of the test digits, and how a new drawing is placed on it."""

    layer: str
    neighbours: Neighbours  # the test digits' (projected) features in this layer
    points: np.ndarray  # (N, 2) their places on the map
    matrix: np.ndarray | None  # the projection of this layer's values (None: used as they are)

    def place(self, activation: np.ndarray, k: int = 8) -> tuple[float, float]:
        """Where a drawing with this layer's ``activation`` lands: at its ``k`` nearest digits' points."""
        feature = project(np.asarray(activation).reshape(1, -1), self.matrix)[0]
        indices, distances = self.neighbours.nearest(feature, k)
        return place(self.points, indices, distances)
