"""A 2-D map of the network's view of the test digits (t-SNE), and where a new drawing lands on it.

t-SNE keeps each digit's nearest neighbours in the features near it on the map, which is what the map
is for: the 4s the network sees alike sit together, and a 4 it reads as 9 sits among the 9s. Measured on
``mnist_cnn``'s Dense 128 (``benchmarks/where.py``): 98% of the 10,000 digits have at least 9 of their 10
nearest map points sharing their label; PCA's first two components give 58.7%.

openTSNE places new points by optimising them against the fitted map (``TSNEEmbedding.transform``),
2.8 s for one point on this host: far too slow for a point that moves while the pen does. The drawing is
placed instead at the map positions of its nearest test digits in the features, weighted by inverse
cosine distance — 0.02–0.05 ms once the neighbours are known, and a digit that was part of the fit lands on its
own point.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = [
    "EXAGGERATION_ITERATIONS", "ITERATIONS", "METHOD", "PERPLEXITY", "PLACEMENT", "Stopped", "fit_map",
    "label_agreement", "place",
]

PERPLEXITY = 30.0  # openTSNE's default: each digit's ~90 nearest neighbours shape its place
EXAGGERATION_ITERATIONS, ITERATIONS = 250, 500  # openTSNE's defaults: the two phases of the fit
REPORT_EVERY = 25  # iterations between progress reports (and chances to stop)
METHOD = "t-SNE (openTSNE)"
PLACEMENT = "placed at its 8 nearest test digits' points in {layer}, weighted by closeness"  # .format(layer=…)
_CLOSE = 1e-6  # cosine distance treated as "the same digit": its weight dwarfs every other


class Stopped(Exception):
    """The fit was asked to stop."""


def fit_map(features: np.ndarray, seed: int = 0, n_jobs: int = 1,
            progress: Callable[[int, int], None] | None = None,
            should_stop: Callable[[], bool] | None = None) -> np.ndarray:
    """The t-SNE map (N, 2) float32 of ``features`` (N, D); progress in iterations; :class:`Stopped` if stopped.

    :class:`ValueError` for features that are not all finite: the fit would only turn them into NaN places."""
    from openTSNE import TSNE

    if not np.isfinite(features).all():
        raise ValueError("the features to map are not all finite numbers")

    total = EXAGGERATION_ITERATIONS + ITERATIONS
    done = [0]

    def report(_iteration: int, _error: float, _embedding: np.ndarray) -> bool:
        done[0] += REPORT_EVERY
        if progress is not None:
            progress(min(done[0], total), total)
        return should_stop is not None and should_stop()

    tsne = TSNE(n_components=2, perplexity=PERPLEXITY, early_exaggeration_iter=EXAGGERATION_ITERATIONS,
                n_iter=ITERATIONS, n_jobs=n_jobs, random_state=seed, callbacks=report,
                callbacks_every_iters=REPORT_EVERY, verbose=False)
    embedding = tsne.fit(np.asarray(features, np.float32))
    if should_stop is not None and should_stop():
        raise Stopped
    return np.asarray(embedding, np.float32)


def label_agreement(points: np.ndarray, labels: np.ndarray, k: int = 10) -> np.ndarray:
    """For each point, the share of its ``k`` nearest other points on the map that have its label."""
    from scipy.spatial import cKDTree

    _, nearest = cKDTree(points).query(points, k + 1)
    labels = np.asarray(labels)
    return (labels[nearest[:, 1:]] == labels[:, None]).mean(axis=1)


def place(points: np.ndarray, indices: np.ndarray, distances: np.ndarray) -> tuple[float, float]:
    """A new point's place: its nearest digits' map points (``indices``), weighted by 1 / cosine distance."""
    weights = 1.0 / (np.maximum(np.asarray(distances, np.float64), 0.0) + _CLOSE)
    x, y = (points[indices].astype(np.float64) * weights[:, None]).sum(axis=0) / weights.sum()
    return float(x), float(y)
