"""Do the bars mean what they say? Calibration of a classifier's probabilities, and a fix that keeps the network.

A model is *calibrated* when, of all the answers it gives with 80% confidence, 80% are right.
:func:`expected_calibration_error` measures the gap (Guo et al., "On Calibration of Modern
Neural Networks", ICML 2017): the answers are sorted into 15 equal-width bins of confidence
(the top class' probability), and the bins' ``|accuracy − mean confidence|`` are averaged,
each weighted by its share of the answers. :func:`confident_mistakes` counts what a person
watching the bars feels most: wrong answers given with more than 90% confidence.

The fix, temperature scaling (the same paper): divide the logits by one number ``T`` fitted on
held-out answers to minimise their negative log-likelihood (:func:`fit_temperature`). The
ranking of the classes — hence the accuracy — does not change. Because the last layer is
``softmax(h·W + b)``, dividing its logits by ``T`` is the same as a Dense layer with weights
``W/T`` and bias ``b/T`` (:func:`fold_temperature`): the architecture stays as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize_scalar

__all__ = [
    "BINS", "CONFIDENT", "CalibrationReport", "ConfidentMistakes", "calibration_report", "confident_mistakes", "confusion_pairs",
    "expected_calibration_error", "fit_temperature", "fold_temperature", "lecture_temperature", "log_softmax", "negative_log_likelihood",
    "per_class_accuracy", "softmax",
]

BINS = 15  # equal-width confidence bins, as in Guo et al. 2017
CONFIDENT = 0.9  # "sure": a mistake above this confidence is one the bars hide
TEMPERATURE_RANGE = (0.05, 20.0)  # searched on a log scale; outside it the model is broken, not miscalibrated


def log_softmax(logits: np.ndarray) -> np.ndarray:
    """log softmax along the last axis, in float64, without overflow."""
    z = np.asarray(logits, np.float64)
    z = z - z.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


def softmax(logits: np.ndarray) -> np.ndarray:
    """softmax along the last axis, in float64."""
    return np.exp(log_softmax(logits))


def _checked(probabilities: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    p = np.asarray(probabilities, np.float64)
    y = np.asarray(labels).astype(np.int64)
    if p.ndim != 2 or y.shape != (len(p),):
        raise ValueError(f"expected probabilities (N, classes) and labels (N,), got {p.shape} and {y.shape}")
    if len(y) and (y.min() < 0 or y.max() >= p.shape[1]):
        raise ValueError(f"labels must be class indices 0..{p.shape[1] - 1}")
    return p, y


def expected_calibration_error(probabilities: np.ndarray, labels: np.ndarray, bins: int = BINS) -> float:
    """Σ over equal-width confidence bins of (share of answers) × |accuracy − mean confidence|; 0 for no answers.

    Bin ``k`` holds confidences in ``(k/bins, (k+1)/bins]`` (a confidence of exactly 0 joins the first).
    """
    p, y = _checked(probabilities, labels)
    if len(y) == 0:
        return 0.0
    confidence = p.max(axis=1)
    correct = (p.argmax(axis=1) == y).astype(np.float64)
    which = np.clip(np.ceil(confidence * bins).astype(np.int64) - 1, 0, bins - 1)
    # |Σ correct − Σ confidence| per bin, over N: each bin's |accuracy − confidence| weighted by its share
    gap = np.abs(np.bincount(which, correct, bins) - np.bincount(which, confidence, bins))
    return float(gap.sum() / len(y))


@dataclass(frozen=True)
class ConfidentMistakes:
    """Wrong answers given with more than ``threshold`` confidence."""

    count: int
    mistakes: int  # all wrong answers
    threshold: float

    @property
    def share(self) -> float:
        """The share of all mistakes that came with that confidence (0 when there are none)."""
        return self.count / self.mistakes if self.mistakes else 0.0


def confident_mistakes(probabilities: np.ndarray, labels: np.ndarray,
                       threshold: float = CONFIDENT) -> ConfidentMistakes:
    """How many answers are wrong with top-class probability above ``threshold``, out of all wrong ones."""
    p, y = _checked(probabilities, labels)
    wrong = p.argmax(axis=1) != y
    return ConfidentMistakes(int((wrong & (p.max(axis=1) > threshold)).sum()), int(wrong.sum()), threshold)


def per_class_accuracy(predicted: np.ndarray, labels: np.ndarray, classes: int) -> np.ndarray:
    """(classes,) share of each true class answered right; NaN for a class with no examples."""
    predicted, labels = np.asarray(predicted), np.asarray(labels)
    total = np.bincount(labels, minlength=classes)[:classes].astype(np.float64)
    right = np.bincount(labels[predicted == labels], minlength=classes)[:classes]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, right / np.maximum(total, 1), np.nan)


def confusion_pairs(predicted: np.ndarray, labels: np.ndarray, top: int = 5) -> list[tuple[int, int, int]]:
    """The ``top`` most frequent mistakes as (true class, answered class, count), most first; ties by class."""
    predicted, labels = np.asarray(predicted), np.asarray(labels)
    wrong = predicted != labels
    pairs, counts = np.unique(np.stack([labels[wrong], predicted[wrong]], axis=1), axis=0, return_counts=True)
    order = sorted(range(len(counts)), key=lambda i: (-counts[i], pairs[i][0], pairs[i][1]))[:top]
    return [(int(pairs[i][0]), int(pairs[i][1]), int(counts[i])) for i in order]


def negative_log_likelihood(logits: np.ndarray, labels: np.ndarray, temperature: float = 1.0) -> float:
    """Mean −log softmax(logits / T)[label]."""
    logp = log_softmax(np.asarray(logits, np.float64) / temperature)
    return float(-logp[np.arange(len(labels)), np.asarray(labels, np.int64)].mean())


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """The T > 0 that minimises the NLL of softmax(logits / T) on these (held-out) answers.

    A bounded 1-D search over log T; T > 1 softens an over-confident model, T < 1 sharpens.
    """
    logits, labels = _checked(logits, labels)  # the same shape rules: (N, classes), labels in range
    if len(labels) == 0:
        raise ValueError("no answers to fit a temperature on")
    low, high = np.log(TEMPERATURE_RANGE)
    found = minimize_scalar(lambda log_t: negative_log_likelihood(logits, labels, float(np.exp(log_t))),
                            bounds=(low, high), method="bounded", options={"xatol": 1e-6})
    return float(np.exp(found.x))


def lecture_temperature(logits: np.ndarray, labels: np.ndarray, max_sure_share: float = 0.2,
                        max_ece: float = 0.015, step: float = 0.05) -> tuple[float, str]:
    """The temperature a lecture wants: the NLL fit, raised only as far as needed so that at most
    ``max_sure_share`` of the mistakes are shown above :data:`CONFIDENT` — while the calibration error stays
    within ``max_ece``. Returns (T, why).

    The NLL fit weighs every answer alike; a room watching the bars minds one thing most: a wrong digit
    shown at 99%. A slightly larger T trades a little ECE (bars a touch modest) for fewer of those. If no T
    within ``max_ece`` gets there, the NLL fit is kept and ``why`` says so.
    """
    logits, labels = _checked(logits, labels)
    fitted = fit_temperature(logits, labels)

    def scores(t: float) -> tuple[float, float]:
        p = softmax(logits / t)
        return confident_mistakes(p, labels).share, expected_calibration_error(p, labels)

    share, ece = scores(fitted)
    if share <= max_sure_share:
        return fitted, f"the NLL fit: {share:.0%} of mistakes sure, ECE {ece:.2%}"
    t = fitted
    while t < TEMPERATURE_RANGE[1]:
        t = round(t + step, 6)
        share, ece = scores(t)
        if ece > max_ece:
            break
        if share <= max_sure_share:
            return t, (f"raised from the NLL fit {fitted:.2f} until ≤ {max_sure_share:.0%} of mistakes are sure: "
                       f"{share:.0%}, ECE {ece:.2%}")
    return fitted, f"the NLL fit: no T keeps ECE ≤ {max_ece:.1%} with ≤ {max_sure_share:.0%} of mistakes sure"


def fold_temperature(kernel: np.ndarray, bias: np.ndarray, temperature: float) -> tuple[np.ndarray, np.ndarray]:
    """A Dense layer's (kernel, bias) → (kernel/T, bias/T), in their own dtypes: softmax(z/T) with the same network."""
    if not np.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"a temperature must be a positive number, not {temperature}")
    kernel, bias = np.asarray(kernel), np.asarray(bias)
    return (kernel / temperature).astype(kernel.dtype), (bias / temperature).astype(bias.dtype)


@dataclass(frozen=True)
class CalibrationReport:
    """What the calibration benchmark prints for one model on one set of answers."""

    count: int
    accuracy: float
    per_class: tuple[float, ...]
    ece: float
    confident: ConfidentMistakes
    pairs: tuple[tuple[int, int, int], ...]


def calibration_report(probabilities: np.ndarray, labels: np.ndarray, bins: int = BINS,
                       threshold: float = CONFIDENT, top: int = 5) -> CalibrationReport:
    """Accuracy, per-class accuracy, ECE, confident mistakes and the top confusion pairs, in one pass."""
    p, y = _checked(probabilities, labels)
    predicted = p.argmax(axis=1)
    return CalibrationReport(
        count=len(y),
        accuracy=float((predicted == y).mean()) if len(y) else float("nan"),
        per_class=tuple(float(a) for a in per_class_accuracy(predicted, y, p.shape[1])),
        ece=expected_calibration_error(p, y, bins),
        confident=confident_mistakes(p, y, threshold),
        pairs=tuple(confusion_pairs(predicted, y, top)),
    )
