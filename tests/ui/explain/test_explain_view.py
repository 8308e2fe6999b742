"""explain_view: the Why tab's controls say what to explain as one ExplainRequest (announced once per change), and
each explanation fills the panels — the live methods while the pen moves, the at-rest ones saying they wait for it —
with a summary naming the classes."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from guiapp.core.drawing.strokes import Drawing, Stroke
from guiapp.core.explain.attribution import (
    AT_REST_METHODS,
    GRADCAM,
    INTEGRATED,
    LIVE_METHODS,
    METHODS,
)
from guiapp.core.live.live_update import ExplainRequest, compute_update
from guiapp.ui.explain.explain_view import (
    ANSWER,
    AT_REST_NOTE,
    NO_CONTRAST,
    ExplainView,
)

NAMES = tuple(str(k) for k in range(10))
WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
SEVEN = Drawing(strokes=(Stroke(((60.0, 60.0), (200.0, 60.0), (120.0, 230.0)), 20.0),))


@pytest.fixture(scope="module")
def live(shipped_inspector):
    """The drawn 7 as the Why tab gets it while the pen moves: (input, explanation of the answer)."""
    update = compute_update(shipped_inspector, SEVEN, why=ExplainRequest())
    return update.result.image, update.explanation


@pytest.fixture(scope="module")
def resting(shipped_inspector):
    """Why 1 rather than 7, at rest: every method."""
    update = compute_update(shipped_inspector, SEVEN, why=ExplainRequest(target=1, contrast=7, at_rest=True))
    return update.result.image, update.explanation


@pytest.fixture()
def view(qtbot, shipped_inspector):
    widget = ExplainView()
    qtbot.addWidget(widget)
    widget.set_class_names(WORDS)
    widget.show_model(shipped_inspector)
    return widget


def _requests(view: ExplainView) -> list[ExplainRequest]:
    seen: list[ExplainRequest] = []
    view.requestChanged.connect(seen.append)
    return seen


def test_a_model_brings_its_convolution_layers_the_last_first_and_the_answer_to_explain(qtbot, shipped_inspector):
    view = ExplainView()
    qtbot.addWidget(view)
    view.set_class_names(NAMES)
    seen = _requests(view)
    view.show_model(shipped_inspector)
    assert [view.layer_box.itemText(i) for i in range(view.layer_box.count())] == ["conv2d_1", "conv2d"]
    assert seen == [ExplainRequest(None, None, "conv2d_1")] == [view.request]
    assert view.target_box.itemText(0) == ANSWER and view.contrast_box.itemText(0) == NO_CONTRAST
    assert [view.target_box.itemText(i) for i in range(1, 11)] == list(NAMES)
    view.show_model(SimpleNamespace(layer_infos=()))  # a model without a convolution: no Grad-CAM layer
    assert view.layer_box.itemText(0) == "no convolution layer" and not view.layer_box.isEnabled()
    assert view.request == ExplainRequest(None, None, None)


def test_every_choice_is_one_request_and_what_the_model_lacks_is_ignored(view):
    seen = _requests(view)
    view.set_target(3)
    view.set_contrast(8)
    view.set_layer("conv2d")
    view.set_layer("dense")  # not a convolution: Grad-CAM stays where it was
    view.set_target(12)  # no such class
    assert seen == [ExplainRequest(3, None, "conv2d_1"), ExplainRequest(3, 8, "conv2d_1"),
                    ExplainRequest(3, 8, "conv2d")]
    view.set_target(None)
    assert seen[-1] == ExplainRequest(None, 8, "conv2d")


def test_renaming_the_classes_keeps_the_choice_and_asks_nothing_new(view):
    view.set_target(3)
    seen = _requests(view)
    view.set_class_names(NAMES)
    assert seen == [] and view.target_box.currentText() == "3" and view.request.target == 3
    view.set_class_names(NAMES[:3])  # fewer classes: the choice is gone, the answer is explained
    assert seen == [ExplainRequest(None, None, "conv2d_1")]
    assert view.counterfactual.class_names == NAMES[:3]


def test_the_method_over_the_canvas_is_chosen_here(qtbot, view):
    assert view.canvas_method == GRADCAM
    with qtbot.waitSignal(view.canvasMethodChanged) as chosen:
        view.canvas_box.setCurrentIndex(0)
    assert chosen.args == [""] and view.canvas_method == ""
    assert [view.canvas_box.itemData(i) for i in range(1, view.canvas_box.count())] == list(METHODS)


def test_while_the_pen_moves_the_live_maps_show_and_the_rest_wait(view, live):
    image, explanation = live
    view.show_explanation(explanation, image, moving=True)
    for method in LIVE_METHODS:
        np.testing.assert_array_equal(view.panels[method].values, explanation.attributions[method].values)
    assert view.panels[GRADCAM].note.text() == "on conv2d_1"
    assert view.summary.text() == "draw a digit: red is evidence for the class, blue against"  # a label waits
    view.show_explanation(explanation, image)
    for method in AT_REST_METHODS:
        assert view.panels[method].values is None and view.panels[method].note.text() == AT_REST_NOTE
    score = explanation.score()
    assert view.summary.text() == (f"<b>why seven</b>: score {score:+.2f} (logit, before the softmax; "
                                   f"p = {explanation.probabilities[7]:.1%}). Red: evidence for, blue: against.")
    np.testing.assert_array_equal(view.counterfactual._images["input"].image, image)


def test_at_rest_every_method_shows_and_the_summary_names_the_contrast(view, resting):
    image, explanation = resting
    view.show_explanation(explanation, image, moving=True)
    view.settle()  # what waited for the pointer's rest
    assert all(view.panels[method].values is not None for method in METHODS)
    assert view.panels[INTEGRATED].note.text() == explanation.attributions[INTEGRATED].check.text()
    assert view.summary.text().startswith(f"<b>why one rather than seven</b>: score {explanation.score():+.2f} "
                                          "(logits, before the softmax")


def test_a_problem_is_said_at_once_and_no_map_is_shown(view, shipped_inspector):
    update = compute_update(shipped_inspector, SEVEN, why=ExplainRequest(target=12))
    view.show_explanation(update.explanation, update.result.image, moving=True)
    assert view.summary.text() == "class 12 is out of range: this model has classes 0 to 9"
    assert all(panel.values is None for panel in view.panels.values())
