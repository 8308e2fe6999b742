"""integrated_gradients: exact on a linear model; steps doubled while the completeness gap is over 5%."""

from __future__ import annotations

import numpy as np
import pytest

from guiapp.core.explain.explanation import INTEGRATED
from guiapp.core.explain.integrated_gradients import IG_STEPS, integrated_gradients
from tests.core.explain.fakes import CubeSource, LinearSource


def test_linear_model_gets_input_times_weight_and_no_gap():
    rng = np.random.default_rng(1)
    weights = rng.normal(size=(3, 28, 28, 1)).astype(np.float32)
    image = rng.random((28, 28), dtype=np.float32)
    result = integrated_gradients(LinearSource(weights), image, target=2, contrast=0)
    assert result.method == INTEGRATED and (result.target, result.contrast) == (2, 0)
    assert result.values.shape == (28, 28) and result.per_channel.shape == (28, 28, 1)
    np.testing.assert_allclose(result.values, image * (weights[2, ..., 0] - weights[0, ..., 0]), rtol=1e-4, atol=1e-5)
    assert result.check.steps == IG_STEPS
    assert result.check.gap_percent < 0.01
    assert result.check.expected == pytest.approx(float((image * (weights[2, ..., 0] - weights[0, ..., 0])).sum()),
                                                  rel=1e-4)


def test_steps_double_until_the_gap_is_under_five_percent():
    image = np.full((28, 28), 0.01, np.float32)
    result = integrated_gradients(CubeSource(), image, target=0, steps=1)
    assert result.check.steps == 4  # gaps 25%, 6.25%, 1.56%
    assert result.check.gap_percent == pytest.approx(25 / 16, rel=1e-3)
    capped = integrated_gradients(CubeSource(), image, target=0, steps=1, max_steps=2)
    assert capped.check.steps == 2


def test_refuses_a_class_the_model_does_not_have():
    with pytest.raises(ValueError, match="class 5 is out of range"):
        integrated_gradients(CubeSource(), np.zeros((28, 28)), target=5)
