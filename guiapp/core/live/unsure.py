"""When to say "unsure": the top class' probability under a threshold measured on pen-drawn digits.

A person watching the big digit cannot read 55 % off a bar from the back row; the window says it in
words instead ("unsure — 4 or 9?") when :func:`unsure` holds, naming the runner-up (:func:`unsure_pair`).
"""

from __future__ import annotations

import numpy as np

__all__ = ["UNSURE_BELOW", "unsure", "unsure_pair"]

# Measured with the shipped model (models/mnist_cnn_drawn.keras) on the 7,494 digits of pendigits.tra drawn through
# the canvas pipeline (benchmarks/drawn_digits.py's renders, pen 20; the model saw these digits in training, so it
# is if anything too sure of them). Top probability under the threshold → flagged:
#   threshold  flagged  right when flagged  right when clear  mistakes flagged  right answers flagged
#     0.5       0.09%        28.6%              98.84%             5/92               0.03%
#     0.6       0.61%        43.5%              99.11%            26/92               0.27%
#     0.7       1.04%        55.1%              99.23%            35/92               0.58%
#     0.8       1.71%        65.6%              99.35%            44/92               1.13%
#     0.9       2.92%        74.9%              99.49%            55/92               2.22%
# At 0.7 a flagged answer is a coin toss (wrong 45 % of the time, 58 × the 0.77 % of clear answers) and only one
# right answer in 170 is flagged; 0.8 and 0.9 flag answers that are right two or three times in four, which the
# word would misdescribe; 0.6 and below miss most of the doubtful ones. A thin pen (8 px, wider margin) gives the
# same ranking (0.7: 1.4 % flagged, 71 % of them right, 99.1 % of the clear ones).
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
