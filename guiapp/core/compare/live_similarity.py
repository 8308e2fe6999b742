"""How alike two networks see *one* drawing, layer by layer, fast enough for every frame.

CKA compares two layers over many inputs through their Gram matrices: each input's dot products with every
other input. One drawing has one row of such a matrix — its (centred) dot products with a fixed set of
reference test digits. Two layers that see the drawing alike find it like the same reference digits, so
their rows correlate: the Pearson correlation of the two rows is this module's similarity (−1..1; 1: the
drawing stands among the references the same way in both layers). It is the drawing's own share of what
linear CKA measures over the test set (Kornblith et al. 2019), and costs one (references × features)
product per layer: microseconds for 64 references.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

__all__ = ["REFERENCES", "References", "drawing_row", "row_similarity"]

REFERENCES = 64  # test digits each drawing is measured against: enough for a stable row, cheap per frame


@dataclass(frozen=True)
class References:
    """One model's reference digits, per layer: features centred on their mean (n, p), and that mean (p,)."""

    centred: Mapping[str, np.ndarray]
    means: Mapping[str, np.ndarray]

    @classmethod
    def of(cls, outputs: Mapping[str, np.ndarray]) -> References:
        """From each layer's outputs (n, …) for the reference digits."""
        centred, means = {}, {}
        for name, values in outputs.items():
            flat = np.asarray(values, np.float64).reshape(len(values), -1)
            means[name] = flat.mean(axis=0)
            centred[name] = flat - means[name]
        return cls(centred, means)


def drawing_row(references: References, layer: str, activation: np.ndarray) -> np.ndarray:
    """The drawing's centred dot products with each reference digit in ``layer`` (n,)."""
    feature = np.asarray(activation, np.float64).reshape(-1) - references.means[layer]
    return references.centred[layer] @ feature


def row_similarity(row_a: np.ndarray, row_b: np.ndarray) -> float:
    """Pearson correlation of two rows (NaN when either is constant: the drawing looks like nothing there)."""
    a, b = row_a - row_a.mean(), row_b - row_b.mean()
    norm = float(np.linalg.norm(a) * np.linalg.norm(b))
    if not np.isfinite(norm) or norm == 0.0:
        return float("nan")
    return float(np.clip(a @ b / norm, -1.0, 1.0))
