""""What would make it a k" for a model that computes NaN: one line at once, never a search on NaN scores, never
"the network already answers 0" (NaN's argmax is 0) nor NaN probabilities shown as an answer."""

from __future__ import annotations

import numpy as np
import pytest

from guiapp.core.explain.counterfactual import ComputesNaN, make_it
from guiapp.core.explain.gradients import Gradients
from guiapp.core.live.live_update import NAN_ANSWER, PictureInput, counterfactual
from guiapp.core.model.inference import Inspector
from tests.models import poisoned_model

CLASSES = 10


def _digit() -> np.ndarray:
    image = np.zeros((28, 28), np.float32)
    image[6:22, 12:16] = 1.0  # a bar: a 1, not blank
    return image


class _Source:
    """A linear stand-in network whose logits are NaN for every input (``nan_from`` 0) or from the ``nan_from``-th
    logits call on (a change that makes the products overflow); calls counted."""

    name = "test"
    input_shape = (28, 28, 1)
    num_classes = CLASSES

    def __init__(self, nan_from: int) -> None:
        self.nan_from, self.calls = nan_from, 0
        self._weights = np.random.default_rng(0).normal(size=(28 * 28, CLASSES)).astype(np.float32)

    def logits(self, images: np.ndarray) -> np.ndarray:
        self.calls += 1
        found = images.reshape(len(images), -1) @ self._weights
        return np.full_like(found, np.nan) if self.calls > self.nan_from else found

    def gradients(self, images, seeds, conv_layer=None, forward=None) -> Gradients:
        grad = (seeds @ self._weights.T).reshape(images.shape)
        return Gradients(images.reshape(len(images), -1) @ self._weights, grad.astype(np.float32))


@pytest.mark.parametrize("target", [0, 3])  # 0: where NaN's argmax would say "already a 0"
def test_a_model_computing_nan_for_the_input_is_said_before_any_step(target):
    source = _Source(nan_from=0)
    with pytest.raises(ComputesNaN) as refused:
        make_it(source, _digit(), target)
    assert str(refused.value) == NAN_ANSWER and source.calls == 1
    assert isinstance(refused.value, ValueError)  # the window's and the compute process's "user's to read" door


def test_a_change_that_the_model_computes_nan_for_stops_the_search_in_one_line():
    source = _Source(nan_from=1)  # the input is scored; its first change is not
    original = source.logits(_digit()[None, ..., None])[0]
    source.calls = 0
    target = int(np.argmin(original))  # not the answer: at least one step is needed
    with pytest.raises(ComputesNaN) as refused:
        make_it(source, _digit(), target)
    assert str(refused.value) == f"the model computes NaN for the input changed towards {target} after 1 step"
    assert source.calls == 2


@pytest.mark.parametrize("kind", ["nan", "overflow"])
def test_the_window_and_the_command_lines_search_refuses_a_nan_model(tmp_path, kind):
    inspector = Inspector.load(poisoned_model(tmp_path, kind))
    with pytest.raises(ValueError) as refused:
        counterfactual(inspector, PictureInput(_digit(), "a bar"), 3)
    assert str(refused.value) == NAN_ANSWER
