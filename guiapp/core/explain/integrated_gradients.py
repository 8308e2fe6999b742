"""Integrated gradients (Sundararajan et al. 2017): (x − black)·the mean gradient along the straight path
from a black image, all steps as one batch (midpoint rule), with the completeness check
Σ attributions = logit(x) − logit(black); the steps double while the gap exceeds 5% (never for a gap that is
not a number: a model computing NaN or infinity)."""

from __future__ import annotations

import time

import numpy as np

from guiapp.core.explain.explanation import (
    INTEGRATED,
    Attribution,
    Completeness,
    as_batch,
    batch_chunk,
    check_classes,
    seed,
)
from guiapp.core.explain.gradients import GradientSource

__all__ = ["IG_MAX_GAP_PERCENT", "IG_MAX_STEPS", "IG_STEPS", "integrated_gradients"]

IG_STEPS = 64
IG_MAX_STEPS = 512
IG_MAX_GAP_PERCENT = 5.0  # Sundararajan et al.: a larger completeness gap means too few steps


def integrated_gradients(source: GradientSource, image: np.ndarray, target: int, contrast: int | None = None,
                         steps: int = IG_STEPS, max_steps: int = IG_MAX_STEPS) -> Attribution:
    """(x − black)·mean gradient along the path, midpoint rule, ``steps`` images as one batch;
    the steps are doubled (up to ``max_steps``) while the completeness gap exceeds 5%."""
    started = time.perf_counter()
    check_classes(source.num_classes, target, contrast)
    x = as_batch(image, source.input_shape)
    baseline = np.zeros_like(x)
    weights = seed(source.num_classes, target, contrast)
    ends = source.logits(np.concatenate([x, baseline])) @ weights
    expected = float(ends[0] - ends[1])
    chunk = batch_chunk(x)
    while True:
        alphas = ((np.arange(steps, dtype=np.float32) + 0.5) / steps)[:, None, None, None]
        total = np.zeros(x.shape[1:], np.float64)
        for start in range(0, steps, chunk):  # 64 steps are one batch for a 28×28 model
            part = alphas[start:start + chunk]
            path = baseline + part * (x - baseline)
            total += source.gradients(path, np.repeat(weights[np.newaxis], len(part), axis=0)).input_grad.sum(
                axis=0, dtype=np.float64)
        attributions = ((x - baseline)[0] * (total / steps)).astype(np.float32)
        check = Completeness(float(attributions.sum(dtype=np.float64)), expected, steps)
        # A gap that is not a number (a model computing NaN or infinity) closes with no number of steps.
        if check.gap_percent <= IG_MAX_GAP_PERCENT or steps * 2 > max_steps or not np.isfinite(check.gap_percent):
            break
        steps *= 2
    return Attribution(INTEGRATED, target, contrast, attributions.sum(axis=-1), attributions, check=check,
                       seconds=time.perf_counter() - started)
