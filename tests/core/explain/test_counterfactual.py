""""What would make it a k": the change really makes the network answer k, and it is small.

Small means: fewer pixels moved (by more than 0.1) than a random ±δ pattern needs to get the
same answer. Every answer is checked by a fresh forward pass of the inspector, not by the
counterfactual's own word. With the NumPy source all 20 digits × 10 classes run; the compiled
TensorFlow source costs about twice as much per step, so it runs the first 4 digits.
"""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from guiapp.core.explain.counterfactual import CHANGED, make_it
from guiapp.core.explain.gradients import gradient_source

DIGITS = 20
CHUNK = 5  # digits per test, so that each test stays short
TENSORFLOW_DIGITS = 4
CLASSES = 10
DELTAS = np.round(np.arange(1, 21) * 0.05, 2).astype(np.float32)  # 0.05, 0.1 … 1.0
BASELINE_SEED = 2024
HAS_NUMPY_SOURCE = importlib.util.find_spec("guiapp.core.explain.numpy_gradients") is not None


pytestmark = pytest.mark.usefixtures("one_blas_thread")


@pytest.fixture(scope="module")
def digits(mnist):
    return mnist.x_test[:DIGITS].astype(np.float32) / 255.0


@pytest.fixture(scope="module")
def sources(shipped_inspector):
    from guiapp.core.explain.keras_gradients import KerasGradients

    found = {"tensorflow": KerasGradients(shipped_inspector)}
    if HAS_NUMPY_SOURCE:
        found["auto"] = gradient_source(shipped_inspector)
    return found


def answers(inspector, images: np.ndarray) -> np.ndarray:
    """What the network says of each image: a fresh forward pass through the inspector."""
    return np.argmax(inspector.predict_probabilities(images), axis=1)


def random_direction_pixels(inspector, image: np.ndarray, target: int, rng: np.random.Generator) -> int:
    """Pixels moved (> 0.1) by the smallest δ of a random ±δ sign pattern that makes it a ``target``; 784 if none."""
    signs = rng.choice(np.array([-1.0, 1.0], np.float32), size=image.shape)
    candidates = np.clip(image[None] + DELTAS[:, None, None] * signs[None], 0.0, 1.0)
    hits = np.flatnonzero(answers(inspector, candidates) == target)
    if not len(hits):
        return image.size
    return int((np.abs(candidates[hits[0]] - image) > CHANGED).sum())


CASES = [("auto", start) for start in range(0, DIGITS, CHUNK)] + [("tensorflow", 0)]


@pytest.mark.parametrize(("which", "start"), CASES, ids=[f"{w}-{s}" for w, s in CASES])
def test_every_class_is_reached_with_fewer_pixels_than_a_random_direction(sources, shipped_inspector, digits,
                                                                            which, start):
    if which not in sources:
        pytest.skip("guiapp.core.explain.numpy_gradients is not written yet")
    source = sources[which]
    for index in range(start, start + (TENSORFLOW_DIGITS if which == "tensorflow" else CHUNK)):
        image = digits[index]
        before = int(answers(shipped_inspector, image[None])[0])
        for target in range(CLASSES):
            found = make_it(source, image, target)
            assert found.changed.shape == image.shape
            assert found.changed.min() >= 0.0 and found.changed.max() <= 1.0
            assert int(answers(shipped_inspector, found.changed[None])[0]) == target, (index, target)
            assert found.success and found.answer == target
            if target == before:  # already a `target`: nothing to change
                assert found.steps == 0 and found.pixels_changed == 0
                np.testing.assert_array_equal(found.changed, image)
                continue
            rng = np.random.default_rng([BASELINE_SEED, index, target])
            baseline = random_direction_pixels(shipped_inspector, image, target, rng)
            assert 0 < found.pixels_changed < baseline, (index, target, found.pixels_changed, baseline)
            assert found.largest_change <= found.bound + 1e-6


def test_the_counterfactual_reports_what_it_did(sources, digits):
    found = make_it(sources["tensorflow"], digits[0], 3)  # the first test digit is a 7
    assert found.target == 3 and found.success and found.steps > 0
    np.testing.assert_array_equal(found.original, digits[0])
    np.testing.assert_allclose(found.change, found.changed - digits[0])
    assert found.probabilities.sum() == pytest.approx(1.0, abs=1e-5)
    assert f"{found.pixels_changed} pixels changed" in found.text() and "answers 3" in found.text()
    assert found.pixels_changed == int((np.abs(found.change) > CHANGED).sum())


def test_a_class_out_of_range_or_a_blank_input_is_refused(sources, digits):
    source = sources["tensorflow"]
    for target in (10, -1):
        with pytest.raises(ValueError, match=f"class {target} is out of range"):
            make_it(source, digits[0], target)
    for level in (0.0, 1.0):
        with pytest.raises(ValueError, match="blank"):
            make_it(source, np.full((28, 28), level, np.float32), 3)
