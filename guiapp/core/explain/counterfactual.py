"""What would make it a k: the small change of the input that makes the network answer k.

Targeted, L∞-bounded gradient steps on log p_k (the log-probability of k), stopping
the moment k wins. Each step moves the pixels in proportion to the gradient (the most
telling pixel by ``STEP``), not by its sign as FGSM does: the change gathers on the few
pixels that matter, so a learner sees ink to add and ink to remove, not noise. The bound
starts small and grows only while k has not won, so the change found is the smallest of
the schedule. Pixels always stay in 0..1. The answer is checked by a fresh forward pass.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from guiapp.core.explain.attribution import as_batch, check_classes, is_blank
from guiapp.core.explain.gradients import GradientSource
from guiapp.core.model.numpy_engine import softmax

__all__ = ["CHANGED", "NOTHING_TO_CHANGE", "ComputesNaN", "Counterfactual", "make_it"]

STEP = 0.05  # the largest pixel change of one step (0..1 pixels)
START_BOUND = 0.1  # the first L∞ bound on the change
BOUND_GROWTH = 0.1  # added to the bound after each round k has not won
STEPS_PER_BOUND = 12
MAX_STEPS = 240  # 20 rounds: the bound reaches 1 (anything) well before
CHANGED = 0.1  # a pixel counts as changed when it moved by more than this

NOTHING_TO_CHANGE = "nothing to change: the input is blank (every pixel the same)"


class ComputesNaN(ValueError):
    """The network's scores for the input, or for a change of it on the way, are not numbers: no gradient
    step means anything then, and NaN probabilities would pass for an answer (said in one line)."""


def _scores(source: GradientSource, x: np.ndarray, target: int, steps: int) -> np.ndarray:
    """The logits of the one input ``x``; :class:`ComputesNaN` when they are not all finite."""
    logits = source.logits(x)[0]
    if not np.isfinite(logits).all():
        from guiapp.core.live.live_update import NAN_ANSWER, NAN_ANSWER_FOR  # lazily: live imports this module

        raise ComputesNaN(NAN_ANSWER if steps == 0 else NAN_ANSWER_FOR.format(
            subject=f"the input changed towards {target} after {steps} step{'' if steps == 1 else 's'}"))
    return logits


@dataclass(frozen=True)
class Counterfactual:
    """The input, the change and the changed input, and what the network says of the latter."""

    target: int
    original: np.ndarray  # (H, W[, C]) 0..1
    changed: np.ndarray  # same shape, 0..1
    probabilities: np.ndarray  # the changed input's, from a fresh forward pass
    steps: int
    bound: float  # the L∞ bound the change was found within
    seconds: float

    @property
    def change(self) -> np.ndarray:
        """changed − original: positive is ink added, negative ink removed."""
        return self.changed - self.original

    @property
    def answer(self) -> int:
        return int(np.argmax(self.probabilities))

    @property
    def success(self) -> bool:
        return self.answer == self.target

    @property
    def pixels_changed(self) -> int:
        """Pixels moved by more than 0.1 (in any colour channel)."""
        moved = np.abs(self.change) > CHANGED
        return int(moved.any(axis=-1).sum() if moved.ndim == 3 else moved.sum())

    @property
    def largest_change(self) -> float:
        return float(np.max(np.abs(self.change))) if self.change.size else 0.0

    def text(self, names: tuple[str, ...] | None = None) -> str:
        name = names[self.target] if names else str(self.target)
        if not self.success:
            return (f"no change within the bound made it a {name}: the network still answers "
                    f"{names[self.answer] if names else self.answer} after {self.steps} steps")
        if self.steps == 0:
            return f"the network already answers {name}: nothing to change"
        count = self.pixels_changed
        return (f"{count} pixel{'' if count == 1 else 's'} changed by more than {CHANGED:g} (largest change "
                f"{self.largest_change:.2f}) in {self.steps} steps: the network answers {name} "
                f"with {self.probabilities[self.target]:.0%}")


def make_it(source: GradientSource, image: np.ndarray, target: int, max_steps: int = MAX_STEPS) -> Counterfactual:
    """The smallest change (of the bound schedule) of ``image`` that makes the network answer ``target``.

    :class:`ValueError` for a class out of range or a blank input (nothing to change from);
    :class:`ComputesNaN` (a ValueError) when the network's scores for the input, or a changed one, are not numbers.
    """
    started = time.perf_counter()
    check_classes(source.num_classes, target, None)
    if is_blank(image):
        raise ValueError(NOTHING_TO_CHANGE)
    original = as_batch(image, source.input_shape)
    x = original.copy()
    bound, steps = START_BOUND, 0
    eye = np.eye(source.num_classes, dtype=np.float32)
    # Products that overflow (a model computing NaN) are said once, as ComputesNaN, not warned about per layer.
    with np.errstate(invalid="ignore", over="ignore"):
        logits = _scores(source, x, target, steps)  # NaN's argmax is 0: "already a 0" is no answer
        while int(np.argmax(logits)) != target and steps < max_steps:
            # ∂ log p_k/∂logits = e_k − p: raises k's score against all others at once (a margin against
            # the current rival alone can push every feature to zero, where no gradient is left).
            grads = source.gradients(x, (eye[target] - softmax(logits))[np.newaxis])
            gradient = grads.input_grad[0]
            peak = float(np.max(np.abs(gradient)))
            if peak == 0.0 or not np.isfinite(peak):
                break  # a flat score, or one whose gradient overflows: no direction to move in
            x = x + (STEP / peak) * gradient
            x = np.clip(np.clip(x, original - bound, original + bound), 0.0, 1.0).astype(np.float32)
            steps += 1
            if steps % STEPS_PER_BOUND == 0:
                bound = min(1.0, bound + BOUND_GROWTH)
            logits = _scores(source, x, target, steps)
        probabilities = softmax(_scores(source, x, target, steps))  # the answer as a new forward pass sees it
    height, width, channels = source.input_shape
    shape = (height, width) if channels == 1 else (height, width, channels)  # as the views show inputs
    return Counterfactual(target, original[0].reshape(shape), x[0].reshape(shape),
                          probabilities, steps, bound,
                          time.perf_counter() - started)
