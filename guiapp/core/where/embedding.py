"""The network's view of the test digits: its penultimate layer's activations, its answers, its mistakes.

The features are the last layer before the classifier (Dense 128 for ``mnist_cnn``): what the final
Dense layer reads to decide. One pass over the 10,000 test digits gives them and the probabilities
together; the confusion matrix and the neighbours of any drawing follow from those two arrays.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from guiapp.core.live.live_update import computes_nan, nan_problem
from guiapp.core.model.inference import Inspector

__all__ = [
    "NOT_LEARNED", "PASS_CHUNK", "ComputesNaN", "Neighbours", "NoEmbedding", "TestPass", "embedding_layer",
    "refuse_nan", "run_test_pass",
]

MAX_FEATURES = 4096  # wider than this, 10,000 digits' features take > 160 MB: refused with a message
PASS_CHUNK = 500  # digits a batch of the pass (and between two progress reports)
# Layers that pass the classifier's input through unchanged at inference: looked through on the way back.
TRANSPARENT = {"Dropout", "SpatialDropout2D", "GaussianNoise", "GaussianDropout", "AlphaDropout", "Activation",
                "Softmax", "ActivityRegularization"}

NOT_LEARNED = {"InputLayer", "Flatten", "Reshape", "Rescaling", "Normalization", *TRANSPARENT}  # pixels stay pixels
TEST_DIGITS = "the test digits"  # what the model computes NaN for, in the Where tab's line


class NoEmbedding(ValueError):
    """The model has no layer that can serve as its view of the digits (said in one line)."""


class ComputesNaN(NoEmbedding):
    """The model's view of the test digits is not numbers (NaN or infinite weights, or products that overflow):
    NaN distances, a t-SNE fit on NaN and a cache of NaN would only hide that, so the tab says it instead."""


def refuse_nan(inspector: Inspector, *arrays: np.ndarray) -> None:
    """:class:`ComputesNaN`, in one line naming the likely cause, when any of ``arrays`` is not all finite."""
    if any(computes_nan(array) for array in arrays):
        raise ComputesNaN(nan_problem(inspector, TEST_DIGITS))


def embedding_layer(inspector: Inspector) -> str:
    """The layer the final Dense classifier reads (through dropouts), e.g. ``dense`` for ``mnist_cnn``.

    :class:`NoEmbedding` if the classifier is not a Dense layer, reads the image almost directly (a model
    with one Dense layer), or reads more than MAX_FEATURES numbers.
    """
    infos = list(inspector.layer_infos)
    index = len(infos) - 1
    while index >= 0 and infos[index].kind in TRANSPARENT:
        index -= 1
    if index < 0 or infos[index].kind != "Dense":
        raise NoEmbedding("its last layer is not a Dense classifier, so there is no layer before it to compare "
                          "digits in")
    index -= 1
    while index >= 0 and infos[index].kind in TRANSPARENT:
        index -= 1
    if index < 0 or all(info.kind in NOT_LEARNED for info in infos[:index + 1]):
        raise NoEmbedding("it has a single Dense layer reading the image itself: no learned features to compare "
                          "digits in")
    size = math.prod(infos[index].output_shape)
    if size > MAX_FEATURES:
        raise NoEmbedding(f"the layer before its classifier, {infos[index].name}, has {size:,} values per digit, "
                          f"more than the {MAX_FEATURES:,} compared here")
    return infos[index].name


@dataclass(frozen=True)
class TestPass:
    """The model on the labelled test digits: features (N, D), probabilities (N, classes), labels (N,)."""

    layer: str
    features: np.ndarray
    probabilities: np.ndarray
    labels: np.ndarray

    @property
    def predicted(self) -> np.ndarray:
        return self.probabilities.argmax(axis=1)

    @property
    def confusion(self) -> np.ndarray:
        """(classes, classes) counts: rows are true labels, columns the answers (as ``guiapp evaluate``)."""
        classes = self.probabilities.shape[1]
        matrix = np.zeros((classes, classes), np.int64)
        np.add.at(matrix, (self.labels, self.predicted), 1)
        return matrix

    def cell(self, true: int, answered: int) -> np.ndarray:
        """The digits of one confusion cell (true ``true`` read as ``answered``), the most confident first."""
        chosen = np.flatnonzero((self.labels == true) & (self.predicted == answered))
        return chosen[np.argsort(-self.probabilities[chosen, answered], kind="stable")]


def run_test_pass(inspector: Inspector, images: np.ndarray, labels: np.ndarray,
                  progress: Callable[[int, int], None] | None = None,
                  should_stop: Callable[[], bool] | None = None) -> TestPass | None:
    """Features and probabilities of ``images`` (N, H, W) in 0..1, one batch pass; None if stopped.

    :class:`ComputesNaN` as soon as a chunk's features or probabilities are not all finite numbers (a model with
    NaN weights is told after its first PASS_CHUNK digits, not after all of them)."""
    layer, last = embedding_layer(inspector), inspector.layer_names[-1]
    features, probabilities = [], []
    for start in range(0, len(images), PASS_CHUNK):
        if should_stop is not None and should_stop():
            return None
        with np.errstate(invalid="ignore", over="ignore"):  # said once, in one line (refuse_nan), not per layer
            outputs = inspector.batch_outputs(images[start:start + PASS_CHUNK], (layer, last))  # one forward pass
            features.append(outputs[layer].reshape(len(outputs[layer]), -1).astype(np.float32))
            probabilities.append(inspector.probabilities_of(outputs[last]).astype(np.float32))
        refuse_nan(inspector, features[-1], probabilities[-1])
        if progress is not None:
            progress(min(start + PASS_CHUNK, len(images)), len(images))
    return TestPass(layer, np.concatenate(features), np.concatenate(probabilities),
                    np.asarray(labels, np.int64))


class Neighbours:
    """The test digits nearest a drawing in the network's feature space (cosine distance)."""

    def __init__(self, features: np.ndarray, labels: np.ndarray) -> None:
        norms = np.linalg.norm(features, axis=1, keepdims=True)
        self._unit = features / np.maximum(norms, 1e-12)  # an all-zero feature row is at distance 1 from all
        self.labels = np.asarray(labels)

    def nearest(self, feature: np.ndarray, k: int = 8) -> tuple[np.ndarray, np.ndarray]:
        """Indices of the ``k`` nearest digits and their cosine distances (1 − cos), nearest first."""
        vector = np.asarray(feature, np.float32).ravel()
        norm = float(np.linalg.norm(vector))
        similarity = self._unit @ (vector / norm if norm > 0 else vector)
        k = min(k, len(similarity))
        chosen = np.argpartition(-similarity, k - 1)[:k]
        chosen = chosen[np.lexsort((chosen, -similarity[chosen]))]  # nearest first; ties by index
        return chosen, 1.0 - similarity[chosen]

    def vote(self, indices: np.ndarray) -> tuple[int, int]:
        """The neighbours' most common label and how many of them have it (ties: the nearer one's)."""
        labels = self.labels[indices]
        counts = np.bincount(labels)
        best = counts.max()
        winner = next(int(label) for label in labels if counts[label] == best)
        return winner, int(best)
