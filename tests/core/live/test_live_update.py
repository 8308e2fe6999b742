"""live_update: one input through the whole live pipeline. What the window shows is the network's input and
answer for it, layer pictures for every layer that is not a copy, the placement of the input on the canvas,
and — for a model computing NaN — a line saying so and why. (Pictures of any model: test_pictures.py; the Why
tab's request: test_why_update.py.)"""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import numpy as np
import pytest

from guiapp.core.drawing.picture import PictureRecipe
from guiapp.core.drawing.preprocess import PreprocessOptions, drawing_to_network_input
from guiapp.core.drawing.strokes import CANVAS_SIZE, Drawing, Stroke
from guiapp.core.live.layer_picture import PER_MAP
from guiapp.core.live.live_update import (
    NAN_ANSWER,
    NAN_ANSWER_FOR,
    ExplainRequest,
    PictureInput,
    compute_update,
    computes_nan,
    counterfactual,
    explain,
    nan_problem,
    network_input,
    shown_as_copy,
)

LUT = np.stack([np.arange(256)] * 3 + [np.full(256, 255)], axis=1).astype(np.uint8)
SEVEN = Drawing(strokes=(Stroke(((60.0, 60.0), (200.0, 60.0), (120.0, 230.0)), 20.0),))
COPIES = {"dropout", "dropout_1"}  # the shipped model's layers that pass their input on at inference


def test_nan_or_infinity_anywhere_means_no_answer():
    assert not computes_nan(np.array([0.1, 0.9], np.float32))
    assert computes_nan(np.array([0.1, np.nan], np.float32))
    assert computes_nan(np.array([np.inf, 0.0], np.float32))
    assert NAN_ANSWER == NAN_ANSWER_FOR.format(subject="this input") == "the model computes NaN for this input"


def _weights(name: str, kernel: np.ndarray, bias: np.ndarray | None) -> SimpleNamespace:
    return SimpleNamespace(name=name, kernel=kernel, bias=bias)


def test_the_nan_problem_names_the_first_layer_with_weights_that_are_not_numbers():
    finite = np.ones((3, 3), np.float32)
    broken = SimpleNamespace(weights={
        "conv": _weights("conv", finite, np.zeros(3, np.float32)),
        "pool": _weights("pool", None, None),  # no weights at all
        "dense": _weights("dense", finite, np.array([0.0, np.inf, 0.0], np.float32)),
        "out": _weights("out", np.full((3, 3), np.nan, np.float32), None),
    })
    assert nan_problem(broken) == f"{NAN_ANSWER} (its layer dense holds NaN or infinite weights)"
    assert nan_problem(broken, "the test digits") == (
        "the model computes NaN for the test digits (its layer dense holds NaN or infinite weights)")
    healthy = SimpleNamespace(weights={"conv": _weights("conv", finite, None)})
    assert nan_problem(healthy) == f"{NAN_ANSWER} (its weights are finite, but their products overflow)"


def test_only_dropout_is_shown_as_a_copy():
    assert shown_as_copy("Dropout") and shown_as_copy("SpatialDropout2D")
    assert not shown_as_copy("Conv2D") and not shown_as_copy("Flatten") and not shown_as_copy("Dense")


def test_a_picture_sits_centred_in_the_square_canvas_with_its_aspect_kept():
    wide = PictureInput(np.zeros((100, 200), np.float32), "wide.png")
    assert wide.on_canvas() == (CANVAS_SIZE / 200, (CANVAS_SIZE - 140) / 2, 0.0)
    assert PictureInput(np.zeros((50, 25, 3), np.float32)).on_canvas(100) == (2.0, 0.0, 25.0)
    assert not wide.is_blank  # even a blank picture is computed and shown


def test_a_drawing_becomes_the_mnist_input_and_every_layer_is_computed(shipped_inspector):
    update = compute_update(shipped_inspector, SEVEN, lut=LUT)
    np.testing.assert_array_equal(update.result.image, drawing_to_network_input(SEVEN))
    assert update.result.predicted == 7 and update.result.probabilities.shape == (10,)
    assert update.drawing is SEVEN and update.total_seconds > 0 and update.reference is None
    layers = [state.name for state in update.result.layers]
    assert set(update.pictures) == set(layers) - COPIES  # a dropout's values are its input's: no picture
    conv = update.pictures["conv2d"]
    assert conv.rgba.dtype == np.uint8 and conv.rgba.shape[-1] == 4


def test_a_step_switched_off_brings_the_full_recipe_as_a_reference(shipped_inspector):
    options = PreprocessOptions(fit=False)
    update = compute_update(shipped_inspector, SEVEN, options=options)
    np.testing.assert_array_equal(update.result.image, drawing_to_network_input(SEVEN, options=options))
    np.testing.assert_array_equal(update.reference.image, drawing_to_network_input(SEVEN))
    assert compute_update(shipped_inspector, SEVEN, options=options, reference=False).reference is None
    assert compute_update(shipped_inspector, SEVEN).reference is None  # every step on: nothing to compare


def test_the_colour_mode_is_the_pictures_and_without_colours_there_are_none(shipped_inspector):
    shared = compute_update(shipped_inspector, SEVEN, lut=LUT)
    per_map = compute_update(shipped_inspector, SEVEN, lut=LUT, colour_mode=PER_MAP)
    assert per_map.colour_mode == PER_MAP
    assert not np.array_equal(shared.pictures["conv2d"].rgba, per_map.pictures["conv2d"].rgba)
    assert compute_update(shipped_inspector, SEVEN).pictures == {}


def test_the_drawings_placement_maps_the_fitted_digit_back_onto_its_ink(shipped_inspector):
    update = compute_update(shipped_inspector, SEVEN)
    placement, stages = update.placement, update.stages
    height, width = stages.fitted.shape
    top, left, bottom, right = placement.to_source(placement.offset_y, placement.offset_x,
                                                   placement.offset_y + height, placement.offset_x + width)
    np.testing.assert_allclose((top, bottom, left, right), stages.box, atol=1.0)  # the ink's box on the canvas
    assert compute_update(shipped_inspector, Drawing()).placement is None  # a blank canvas: nowhere


def test_a_cropped_pictures_placement_maps_the_input_onto_its_centre_on_the_canvas(shipped_inspector):
    picture = PictureInput(np.random.default_rng(3).random((100, 200), dtype=np.float32), "wide.png")
    stages, placement = network_input(shipped_inspector, picture, picture_recipe=PictureRecipe("crop"))
    assert stages.final.shape == (28, 28)
    # The centre 100×100 square, shown 1.4 times larger from canvas row 70: rows 70–210, columns 70–210.
    np.testing.assert_allclose(placement.to_source(0, 0, 28, 28), (70.0, 70.0, 210.0, 210.0), atol=1e-6)


def test_the_explanation_of_a_nan_answer_says_so_and_holds_no_maps(shipped_inspector):
    result = compute_update(shipped_inspector, SEVEN).result
    nan = dataclasses.replace(result, probabilities=np.full(10, np.nan, np.float32))
    found = explain(shipped_inspector, result.image, nan, ExplainRequest(target=3))
    assert found.problem == NAN_ANSWER and found.target == 3 and not found.attributions


def test_a_counterfactual_of_a_blank_input_or_a_missing_class_is_a_value_error(shipped_inspector):
    with pytest.raises(ValueError, match="blank"):
        counterfactual(shipped_inspector, Drawing(), 3)
    with pytest.raises(ValueError, match="out of range"):
        counterfactual(shipped_inspector, SEVEN, 11)
