"""live_request: one frozen request carries every choice to the pipeline, and computing it gives what
compute_update gives with those choices — the reference pass and the Why tab's slower methods only at rest."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from guiapp.core.drawing.picture import PictureRecipe
from guiapp.core.drawing.preprocess import PreprocessOptions
from guiapp.core.drawing.strokes import Drawing, Stroke
from guiapp.core.explain.attribution import AT_REST_METHODS, LIVE_METHODS
from guiapp.core.live.layer_picture import PER_MAP, SHARED
from guiapp.core.live.live_request import (
    LiveRequest,
    compute_request,
    counterfactual_for,
)
from guiapp.core.live.live_update import ExplainRequest, PictureInput, compute_update

LUT = np.stack([np.arange(256)] * 3 + [np.full(256, 255)], axis=1).astype(np.uint8)
SEVEN = Drawing(strokes=(Stroke(((60.0, 60.0), (200.0, 60.0), (120.0, 230.0)), 20.0),))
NO_CROP = PreprocessOptions(crop=False)


def test_a_request_defaults_to_the_mnist_recipe_moving_and_is_frozen():
    request = LiveRequest(SEVEN)
    assert (request.options, request.picture_recipe, request.input_range, request.colour_mode, request.explain,
            request.at_rest) == (PreprocessOptions(), None, None, SHARED, None, False)
    with pytest.raises(dataclasses.FrozenInstanceError):
        request.at_rest = True  # type: ignore[misc]


def test_requests_are_the_same_only_when_they_are_the_same_object():
    first, twin = LiveRequest(SEVEN), LiveRequest(SEVEN)
    assert first != twin and first in (first,) and twin not in (first,)  # equal fields: two requests, by identity
    assert first.same_choices(twin) and twin.same_choices(first)


@pytest.mark.parametrize("change", [
    {"options": NO_CROP}, {"picture_recipe": PictureRecipe("crop")}, {"input_range": (0.0, 255.0)},
    {"colour_mode": PER_MAP}, {"explain": ExplainRequest(target=2)}, {"source": Drawing()},
])
def test_any_choice_changed_makes_another_request_but_rest_does_not(change):
    request = LiveRequest(SEVEN)
    assert not request.same_choices(dataclasses.replace(request, **change))
    assert request.same_choices(dataclasses.replace(request, at_rest=True))
    assert not request.same_choices(None)


def test_resting_keeps_every_choice_and_a_resting_request_is_its_own():
    moving = LiveRequest(SEVEN, NO_CROP, PictureRecipe("crop"), (0.0, 255.0), PER_MAP, ExplainRequest(target=1))
    resting = moving.resting()
    assert resting.at_rest and not moving.at_rest
    assert resting.source is SEVEN and resting.same_choices(moving)
    assert resting.resting() is resting


def test_rest_adds_a_reference_pass_only_for_a_drawing_with_a_step_off():
    picture = PictureInput(np.zeros((20, 20), np.float32), "blank")
    assert not LiveRequest(SEVEN).rest_adds_work
    assert LiveRequest(SEVEN, NO_CROP).rest_adds_work
    assert not LiveRequest(picture, NO_CROP).rest_adds_work  # a picture's steps are its recipe's
    assert LiveRequest(picture, explain=ExplainRequest()).rest_adds_work  # the Why tab's slower methods


def test_the_reference_pass_comes_only_at_rest(shipped_inspector):
    moving = compute_request(shipped_inspector, LiveRequest(SEVEN, NO_CROP), None, None)
    resting = compute_request(shipped_inspector, LiveRequest(SEVEN, NO_CROP, at_rest=True), None, None)
    full = compute_update(shipped_inspector, SEVEN)
    assert moving.reference is None
    np.testing.assert_array_equal(resting.reference.image, full.result.image)
    np.testing.assert_array_equal(resting.result.image, moving.result.image)
    assert not np.array_equal(resting.result.image, full.result.image)  # the step switched off shows


def test_every_choice_reaches_the_computation(shipped_inspector):
    request = LiveRequest(SEVEN, input_range=(0.0, 255.0), colour_mode=PER_MAP)
    update = compute_request(shipped_inspector, request, None, LUT)
    expected = compute_update(shipped_inspector, SEVEN, input_range=(0.0, 255.0), colour_mode=PER_MAP, lut=LUT)
    np.testing.assert_allclose(update.result.probabilities, expected.result.probabilities, atol=1e-6)
    assert update.colour_mode == PER_MAP and set(update.pictures) == set(expected.pictures) != set()
    layer = next(iter(update.pictures))
    np.testing.assert_array_equal(update.pictures[layer].rgba, expected.pictures[layer].rgba)
    assert update.drawing is SEVEN
    assert compute_request(shipped_inspector, LiveRequest(SEVEN), None, None).pictures == {}  # no colours: none


def test_the_why_tabs_slower_methods_come_with_rest(shipped_inspector):
    why = ExplainRequest(target=7)  # at_rest False: the request's own at_rest decides
    moving = compute_request(shipped_inspector, LiveRequest(SEVEN, explain=why), None, None).explanation
    resting = compute_request(shipped_inspector, LiveRequest(SEVEN, explain=why, at_rest=True), None, None).explanation
    assert sorted(moving.attributions) == sorted(LIVE_METHODS) and moving.target == 7
    assert sorted(resting.attributions) == sorted(LIVE_METHODS + AT_REST_METHODS)
    assert compute_request(shipped_inspector, LiveRequest(SEVEN), None, None).explanation is None


def test_a_counterfactual_is_of_the_input_the_request_describes(shipped_inspector):
    request = LiveRequest(SEVEN, NO_CROP)
    shown = compute_request(shipped_inspector, request, None, None)
    answer = shown.result.predicted  # already its answer: found without a step (the search is core/explain's)
    found = counterfactual_for(shipped_inspector, request, answer, None)
    np.testing.assert_array_equal(found.original, shown.result.image)  # the uncropped input, as shown
    assert (found.target, found.steps, found.changed.shape) == (answer, 0, (28, 28))
    with pytest.raises(ValueError, match="class 10"):
        counterfactual_for(shipped_inspector, request, 10, None)
