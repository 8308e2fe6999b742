"""Tiny gradient sources with answers known by hand, for the attribution methods' own tests."""

from __future__ import annotations

import numpy as np

from guiapp.core.explain.gradients import Gradients


class LinearSource:
    """logit_k = Σ x·W_k: a linear model, whose integrated gradients are exactly x·W."""

    name = "linear"

    def __init__(self, weights: np.ndarray) -> None:
        self.weights = np.asarray(weights, np.float32)  # (classes, H, W, C)
        self.num_classes = self.weights.shape[0]
        self.input_shape = self.weights.shape[1:]

    def logits(self, images: np.ndarray) -> np.ndarray:
        return np.einsum("nhwc,khwc->nk", images, self.weights)

    def gradients(self, images, seeds, conv_layer=None, forward=None) -> Gradients:
        grad = np.einsum("nk,khwc->nhwc", seeds, self.weights)
        return Gradients(self.logits(images), grad)


class CubeSource:
    """One class, logit = (Σ x)³: the midpoint rule's gap falls as 25/steps² percent."""

    name = "cube"
    num_classes = 2

    def __init__(self, shape=(28, 28, 1)) -> None:
        self.input_shape = shape

    def logits(self, images: np.ndarray) -> np.ndarray:
        total = images.reshape(len(images), -1).sum(axis=1, dtype=np.float64)
        return np.stack([total ** 3, np.zeros_like(total)], axis=1)

    def gradients(self, images, seeds, conv_layer=None, forward=None) -> Gradients:
        total = images.reshape(len(images), -1).sum(axis=1, dtype=np.float64)
        grad = (3 * total ** 2 * seeds[:, 0])[:, None, None, None] * np.ones_like(images)
        return Gradients(self.logits(images), grad.astype(np.float32))
