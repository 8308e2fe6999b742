"""How alike two networks are inside: linear CKA between every layer of A and every layer of B.

Linear centred kernel alignment (Kornblith, Norouzi, Lee & Hinton, "Similarity of neural network
representations revisited", ICML 2019) compares two layers by how they arrange the same N inputs:

    CKA(X, Y) = <Kc, Lc> / (‖Kc‖_F ‖Lc‖_F),   K = X Xᵀ, L = Y Yᵀ (N×N Gram matrices), Kc = H K H

with H = I − 11ᵀ/N the centring matrix. It is 1 for layers that differ only by a rotation and a
uniform scale, near 0 for unrelated ones, and never negative. It is computed from the N×N Grams, never
from the p×p feature product (a 9,216-wide one crashed NumPy's BLAS on the machine guiapp was built on):
each layer's features are centred (which makes X Xᵀ equal H K H) and multiplied in column slices, so a
wide layer needs one slice of float64 at a time, and each layer's Gram is computed once for the whole
matrix.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from guiapp.core.compare.pairing import images_for

if TYPE_CHECKING:
    from guiapp.core.model.inference import Inspector

__all__ = [
    "IMAGE_BATCH", "CkaMatrix", "Stopped", "centred_gram", "cka_from_grams", "cka_layers", "cka_matrix", "layer_grams",
    "linear_cka", "self_check",
]

COLUMN_SLICE = 4096  # features turned into float64 at a time when a Gram is built
FEATURE_BUDGET = 256 * 2**20  # bytes of float32 features held at once (a few layers per pass over the images)
IMAGE_BATCH = 200  # images per call of the model (progress and the stop button are checked between)
CONSTANT = 1e-12  # a centred Gram this small against the features' size: the layer is constant on the inputs
SKIPPED_KINDS = ("Flatten", "Reshape")  # the same values as their input's, rearranged: the same CKA


class Stopped(Exception):
    """Raised by :func:`cka_matrix` (and :func:`~guiapp.core.compare.test_set.compare_on_test`) when their
    ``stopped()`` callback answers True: the work was abandoned, nothing half done is returned."""


@dataclass(frozen=True)
class CkaMatrix:
    """Linear CKA of each of A's layers (rows) with each of B's (columns), 0..1, over ``digits`` images."""

    rows: tuple[str, ...]
    cols: tuple[str, ...]
    values: np.ndarray  # (len(rows), len(cols)) float64
    digits: int

    def value(self, row: str, col: str) -> float:
        return float(self.values[self.rows.index(row), self.cols.index(col)])

    def diagonal(self) -> np.ndarray:
        """The values at equal positions (row i, column i), as far as the shorter side goes."""
        return np.diagonal(self.values).copy()


def centred_gram(features: np.ndarray) -> np.ndarray:
    """The centred N×N Gram H (X Xᵀ) H of (N, …) features, flattened per example, in float64."""
    x = np.asarray(features).reshape(len(features), -1)
    gram = np.zeros((len(x), len(x)), np.float64)
    energy = 0.0  # Σx² of the raw features: what rounding in the centring is measured against
    for start in range(0, x.shape[1], COLUMN_SLICE):
        part = x[:, start:start + COLUMN_SLICE].astype(np.float64)
        energy += float(np.square(part).sum())
        part -= part.mean(axis=0)  # centred features: their Gram is H K H, without forming H
        gram += part @ part.T
    if not np.isfinite(gram).all() or float(np.linalg.norm(gram)) <= CONSTANT * energy:
        gram[...] = 0.0  # a constant layer (or one computing NaN): nothing but rounding left after centring
    return gram


def cka_from_grams(k: np.ndarray, l: np.ndarray) -> float:  # K and L, as in the paper
    """Linear CKA from two centred Grams (:func:`centred_gram`); 0 when either layer is constant."""
    norm_k, norm_l = float(np.linalg.norm(k)), float(np.linalg.norm(l))
    if norm_k == 0.0 or norm_l == 0.0:
        return 0.0
    return float(np.clip(np.vdot(k, l) / (norm_k * norm_l), 0.0, 1.0))


def linear_cka(x: np.ndarray, y: np.ndarray) -> float:
    """Linear CKA of two (N, …) feature arrays for the same N inputs, 0..1.

    A layer whose features are the same for every input (constant, all zero, or N = 1) carries no
    arrangement to compare: its CKA with anything is defined as 0 (so is a layer computing NaN or infinity).
    """
    if len(x) != len(y):
        raise ValueError(f"CKA compares features of the same inputs: {len(x)} and {len(y)} examples")
    return cka_from_grams(centred_gram(x), centred_gram(y))


def cka_layers(inspector: Inspector) -> tuple[str, ...]:
    """The layers worth comparing: all but dropouts (a copy of their input at inference) and Flatten or
    Reshape (their input's values rearranged, so the same CKA as their input's)."""
    from guiapp.core.live.live_update import shown_as_copy

    names = tuple(info.name for info in inspector.layer_infos
                  if not shown_as_copy(info.kind) and info.kind not in SKIPPED_KINDS)
    return names or inspector.layer_names


Progress = Callable[[int, int], None]


def layer_grams(inspector: Inspector, images: np.ndarray, names: Sequence[str],
                progress: Progress | None = None, stopped: Callable[[], bool] | None = None,
                done: int = 0, total: int | None = None) -> dict[str, np.ndarray]:
    """Each named layer's centred Gram over ``images`` (0..1, as :func:`cka_matrix` takes them).

    The images are run through the model in a few passes, each keeping the float32 features of as many
    layers as fit :data:`FEATURE_BUDGET`; only the N×N Grams are kept. ``progress(done, total)`` is called
    after each batch of images (``done``/``total`` let a caller count several calls as one task);
    :class:`Stopped` is raised between batches once ``stopped()`` is True.
    """
    pixels = images_for(inspector, images)
    count = len(pixels)
    groups = _groups(inspector, names, count)
    batches = -(-count // IMAGE_BATCH) if count else 0
    total = total if total is not None else len(groups) * batches
    grams: dict[str, np.ndarray] = {}
    for group in groups:
        features = {name: np.empty((count, _width(inspector, name)), np.float32) for name in group}
        for start in range(0, count, IMAGE_BATCH):
            if stopped is not None and stopped():
                raise Stopped()
            outputs = inspector.batch_outputs(pixels[start:start + IMAGE_BATCH], tuple(group))
            for name in group:
                features[name][start:start + IMAGE_BATCH] = outputs[name].reshape(len(outputs[name]), -1)
            done += 1
            if progress is not None:
                progress(done, total)
        for name in group:
            grams[name] = centred_gram(features.pop(name))
    return grams


def _width(inspector: Inspector, name: str) -> int:
    info = inspector.layer_infos[inspector.layer_names.index(name)]
    return int(np.prod(info.output_shape))


def _groups(inspector: Inspector, names: Sequence[str], count: int) -> list[list[str]]:
    """The layers in chain order, in runs whose features fit the budget together (a wide one alone)."""
    order = sorted(dict.fromkeys(names), key=inspector.layer_names.index)
    groups: list[list[str]] = []
    size = 0
    for name in order:
        need = _width(inspector, name) * count * 4
        if groups and size + need <= FEATURE_BUDGET:
            groups[-1].append(name)
            size += need
        else:
            groups.append([name])
            size = need
    return groups


def cka_matrix(a: Inspector, b: Inspector, images: np.ndarray, rows: Sequence[str] | None = None,
               cols: Sequence[str] | None = None, progress: Progress | None = None,
               stopped: Callable[[], bool] | None = None) -> CkaMatrix:
    """Linear CKA of A's layers (``rows``, default :func:`cka_layers`) with B's (``cols``) over ``images``:
    float 0..1, (N, H, W[, C]); each model reads them at its own input size (:func:`images_for`).

    Each layer's Gram is computed once (once in all when ``a is b`` and the layers are the same); memory
    is the N×N float64 Grams (8·N² bytes each) plus one pass's features. ``progress(done, total)`` counts
    batches of images; ``stopped()`` → :class:`Stopped`.
    """
    rows = tuple(rows) if rows is not None else cka_layers(a)
    cols = tuple(cols) if cols is not None else cka_layers(b)
    count = len(images)
    batches = -(-count // IMAGE_BATCH) if count else 0
    same = a is b
    steps_a = len(_groups(a, rows + cols if same else rows, count)) * batches
    steps_b = 0 if same else len(_groups(b, cols, count)) * batches
    total = steps_a + steps_b
    grams_a = layer_grams(a, images, rows + cols if same else rows, progress, stopped, 0, total)
    grams_b = grams_a if same else layer_grams(b, images, cols, progress, stopped, steps_a, total)
    values = np.zeros((len(rows), len(cols)), np.float64)
    for i, row in enumerate(rows):
        for j, col in enumerate(cols):
            values[i, j] = cka_from_grams(grams_a[row], grams_b[col])
    return CkaMatrix(rows, cols, values, count)


def self_check(inspector: Inspector, images: np.ndarray) -> float:
    """How far the diagonal of the model's CKA with itself is from 1 (≈ 0; a constant layer gives 1)."""
    matrix = cka_matrix(inspector, inspector, images)
    return float(np.max(np.abs(matrix.diagonal() - 1.0))) if matrix.rows else 0.0
