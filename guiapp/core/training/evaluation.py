"""Accuracy, loss, per-class accuracy and the confusion matrix of a model on labelled digits."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from guiapp.core.training.data import NUM_CLASSES

__all__ = ["Evaluation", "evaluate_probabilities"]

EPSILON = 1e-7  # Keras clips probabilities the same way in categorical cross-entropy


@dataclass(frozen=True)
class Evaluation:
    accuracy: float
    loss: float  # mean categorical cross-entropy
    per_class_accuracy: np.ndarray  # (10,)
    confusion: np.ndarray  # (10, 10): rows are true labels, columns predictions
    samples: int

    def to_dict(self) -> dict[str, object]:
        return {
            "accuracy": self.accuracy,
            "loss": self.loss,
            "samples": self.samples,
            "per_class_accuracy": [float(v) for v in self.per_class_accuracy],
            "confusion_matrix": self.confusion.astype(int).tolist(),
        }


def evaluate_probabilities(probabilities: np.ndarray, labels: np.ndarray) -> Evaluation:
    """Score (N, 10) probabilities against integer labels (N,)."""
    labels = np.asarray(labels, dtype=np.int64)
    predicted = probabilities.argmax(axis=1)
    confusion = np.zeros((NUM_CLASSES, NUM_CLASSES), np.int64)
    np.add.at(confusion, (labels, predicted), 1)
    per_class_total = confusion.sum(axis=1)
    per_class = np.divide(
        np.diag(confusion), per_class_total, out=np.zeros(NUM_CLASSES), where=per_class_total > 0
    )
    picked = np.clip(probabilities[np.arange(len(labels)), labels], EPSILON, 1.0)
    return Evaluation(
        accuracy=float((predicted == labels).mean()),
        loss=float(-np.log(picked).mean()),
        per_class_accuracy=per_class,
        confusion=confusion,
        samples=len(labels),
    )
