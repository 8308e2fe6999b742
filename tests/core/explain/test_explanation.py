"""explanation: the data every Why method returns, and the checks they share."""

from __future__ import annotations

import numpy as np
import pytest

from guiapp.core.explain.explanation import (
    GRADIENT,
    METHODS,
    OCCLUSION,
    Attribution,
    Completeness,
    Explanation,
    as_batch,
    batch_chunk,
    check_classes,
    failed,
    is_blank,
    seed,
)


def test_completeness_gap_percent_and_text():
    check = Completeness(total=1.9, expected=2.0, steps=64)
    assert check.gap_percent == pytest.approx(5.0)
    assert check.text() == "Σ attributions +1.900 vs logit(x) − logit(black) +2.000: gap 5.00% with 64 steps"
    assert Completeness(0.0, 0.0, 64).gap_percent == 0.0


def test_attribution_limit_is_the_largest_magnitude():
    assert Attribution(GRADIENT, 3, None, np.array([[0.5, -2.0]])).limit == 2.0
    assert Attribution(GRADIENT, 3, None, np.zeros((0, 0))).limit == 0.0


def test_explanation_score_probabilities_and_more_methods():
    logits = np.array([0.0, 2.0, 1.0], np.float32)
    explanation = Explanation(1, None, logits)
    assert explanation.score() == 2.0
    assert Explanation(1, 2, logits).score() == 1.0
    np.testing.assert_allclose(explanation.probabilities.sum(), 1.0, rtol=1e-6)
    assert int(np.argmax(explanation.probabilities)) == 1
    assert explanation.problem is None  # nothing computed, nothing refused
    gradient = Attribution(GRADIENT, 1, None, np.zeros((2, 2)))
    more = explanation.with_methods({GRADIENT: gradient}, {OCCLUSION: "too slow"}, seconds=0.5)
    assert set(more.attributions) == {GRADIENT} and more.unavailable == {OCCLUSION: "too slow"}
    assert more.seconds == 0.5 and not explanation.attributions  # the original is unchanged


def test_failed_says_why_for_every_method():
    result = failed("class 12 is out of range", None, None)
    assert result.target == -1 and result.logits.shape == (0,)
    assert set(result.unavailable) == set(METHODS)
    assert result.problem == "class 12 is out of range"


def test_check_classes_refusals():
    check_classes(10, 3, 5)
    with pytest.raises(ValueError, match="class 10 is out of range: this model has classes 0 to 9"):
        check_classes(10, 10, None)
    with pytest.raises(ValueError, match="contrast class -1 is out of range"):
        check_classes(10, 3, -1)
    with pytest.raises(ValueError, match=r"the contrast class is the target itself \(3\)"):
        check_classes(10, 3, 3)


def test_seed_weights_target_minus_contrast():
    assert seed(4, 1, None).tolist() == [0, 1, 0, 0]
    assert seed(4, 1, 3).tolist() == [0, 1, 0, -1]


def test_is_blank_and_as_batch():
    assert is_blank(np.full((28, 28), 0.7)) and is_blank(np.zeros(0))
    assert not is_blank(np.eye(28))
    batch = as_batch(np.full((28, 28), 255, np.uint8), (28, 28, 1))
    assert batch.shape == (1, 28, 28, 1) and batch.dtype == np.float32 and batch.max() == 1.0
    assert as_batch(np.zeros((28, 28)), (28, 28, 3)).shape == (1, 28, 28, 3)
    with pytest.raises(ValueError, match="expected a 28×28×1 image"):
        as_batch(np.zeros((20, 20)), (28, 28, 1))


def test_batch_chunk_takes_all_of_a_small_model_at_once():
    assert batch_chunk(np.zeros((1, 28, 28, 1), np.float32)) >= 169
    big = batch_chunk(np.zeros((1, 512, 512, 3), np.float32))
    assert 1 <= big <= 16  # a large picture goes in small batches, never none
