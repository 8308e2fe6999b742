"""Where two models differ on labelled digits: how often they agree, each one's accuracy per class, and
the digits on which they answer differently (for the window to put on the canvas)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from guiapp.core.compare.cka import IMAGE_BATCH, Stopped
from guiapp.core.compare.pairing import class_problem, images_for

if TYPE_CHECKING:
    from guiapp.core.model.inference import Inspector

__all__ = ["TestComparison", "compare_on_test", "per_class_accuracy"]


@dataclass(frozen=True)
class TestComparison:
    """Two models' answers on the same labelled images.

    ``accuracy_a``/``accuracy_b``: one value per class of the models (NaN for a class no image is
    labelled with); ``overall_a``/``overall_b``: over all images.
    """

    __test__ = False  # not a pytest test class, despite its name

    labels: np.ndarray
    predicted_a: np.ndarray
    predicted_b: np.ndarray
    agreement: float
    accuracy_a: np.ndarray
    accuracy_b: np.ndarray
    overall_a: float
    overall_b: float

    @property
    def disagreements(self) -> np.ndarray:
        """Indices (into the images) where the two models answer differently, in order."""
        return np.flatnonzero(self.predicted_a != self.predicted_b)


def per_class_accuracy(labels: np.ndarray, predicted: np.ndarray, classes: int) -> np.ndarray:
    """For each class 0…classes−1, the share of the images labelled with it that were answered so; NaN
    where none is labelled with it."""
    accuracy = np.full(classes, np.nan)
    for index in range(classes):
        chosen = labels == index
        if chosen.any():
            accuracy[index] = float(np.mean(predicted[chosen] == index))
    return accuracy


def compare_on_test(a: Inspector, b: Inspector, images: np.ndarray, labels: np.ndarray,
                    progress: Callable[[int, int], None] | None = None,
                    stopped: Callable[[], bool] | None = None) -> TestComparison:
    """Both models' answers on ``images`` (0..1 or uint8, (N, H, W[, C]); each read at its own input size)
    against ``labels`` (N class indices).

    :class:`ValueError` (the one line of :func:`~guiapp.core.compare.pairing.class_problem`) when the two
    have different class counts. ``progress(done, total)`` after each batch; ``stopped()`` →
    :class:`~guiapp.core.compare.cka.Stopped`.
    """
    problem = class_problem(a, b)
    if problem is not None:
        raise ValueError(problem)
    labels = np.asarray(labels).astype(np.int64).reshape(-1)
    if len(labels) != len(images):
        raise ValueError(f"{len(images)} images but {len(labels)} labels")
    batches = -(-len(labels) // IMAGE_BATCH)
    done = 0
    answers = []
    for index, model in enumerate((a, b)):
        if index == 1 and b is a:  # one model compared with itself: its answers once
            answers.append(answers[0])
            break
        pixels = images_for(model, images)
        chunks = []
        for start in range(0, len(pixels), IMAGE_BATCH):
            if stopped is not None and stopped():
                raise Stopped()
            with np.errstate(invalid="ignore", over="ignore"):  # a model computing NaN answers class 0
                probabilities = model.predict_probabilities(pixels[start:start + IMAGE_BATCH])
            chunks.append(np.nan_to_num(probabilities, nan=-1.0).argmax(axis=1))
            done += 1
            if progress is not None:
                progress(done, batches if a is b else 2 * batches)
        answers.append(np.concatenate(chunks) if chunks else np.zeros(0, np.int64))
    predicted_a, predicted_b = answers
    classes = a.num_classes
    count = max(len(labels), 1)
    return TestComparison(
        labels, predicted_a, predicted_b,
        agreement=float(np.sum(predicted_a == predicted_b) / count) if len(labels) else float("nan"),
        accuracy_a=per_class_accuracy(labels, predicted_a, classes),
        accuracy_b=per_class_accuracy(labels, predicted_b, classes),
        overall_a=float(np.sum(predicted_a == labels) / count) if len(labels) else float("nan"),
        overall_b=float(np.sum(predicted_b == labels) / count) if len(labels) else float("nan"),
    )
