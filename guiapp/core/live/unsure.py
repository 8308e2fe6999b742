"""When to say "unsure": the top class' probability under a threshold measured on pen-drawn digits.

A person watching the big digit cannot read 55 % off a bar from the back row; the window says it in
words instead ("unsure — 4 or 9?") when :func:`unsure` holds, naming the runner-up (:func:`unsure_pair`).
"""

from __future__ import annotations

import numpy as np

__all__ = ["UNSURE_BELOW", "unsure", "unsure_pair"]

# Measured on pen-drawn digits the model never saw (issue 24): the default recipe trained on half of pendigits.tra
# (alternate 250-line blocks), the other half drawn through the canvas pipeline, with the calibration temperature
# folded as the shipped model's is (benchmarks/drawn_fold.py --split halves --steps mnist2 --unsure; 3,747 digits,
# 54 mistakes). Top probability under the threshold → flagged:
#   threshold  flagged  right when flagged  right when clear  mistakes flagged
#     0.5       0.37%        50.0%              98.74%             7/54
#     0.6       1.07%        62.5%              98.95%            15/54
#     0.7       2.03%        68.4%              99.18%            24/54
#     0.8       3.31%        75.8%              99.34%            30/54
#     0.9       6.22%        82.0%              99.66%            42/54
# At 0.7 a flagged answer is wrong one time in three — 39 × the 0.82% of clear answers — and the words catch
# 44% of the mistakes while flagging one answer in 50; with calibrated bars "under 70% sure" also reads true
# (68% right). 0.8 and 0.9 flag answers right three or four times in four, which "unsure" would misdescribe;
# 0.6 and below miss most of the doubtful ones. (Before calibration, on the older model and digits it had
# seen, 0.7 gave the same ranking: flagged right 55%, clear 99.2%.)
UNSURE_BELOW = 0.7


def _usable(probabilities: np.ndarray) -> np.ndarray | None:
    p = np.asarray(probabilities, np.float64).ravel()
    return p if p.size >= 2 and np.isfinite(p).all() else None


def unsure(probabilities: np.ndarray, below: float = UNSURE_BELOW) -> bool:
    """Whether the likeliest class has probability under ``below`` (never for NaN, or fewer than two classes)."""
    p = _usable(probabilities)
    return p is not None and float(p.max()) < below


def unsure_pair(probabilities: np.ndarray, below: float = UNSURE_BELOW) -> tuple[int, int] | None:
    """(top class, runner-up) when the answer is unsure, else None; ties go to the lower class, as argmax does."""
    if not unsure(probabilities, below):
        return None
    p = _usable(probabilities)
    order = np.argsort(-p, kind="stable")
    return int(order[0]), int(order[1])
