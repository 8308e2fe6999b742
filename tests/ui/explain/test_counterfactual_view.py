"""counterfactual_view: choose a class and press Find — the view asks for that class; a counterfactual found shows
the input, the change (ink added red, removed blue) and the changed input, says what changed in the classes' names,
and can be put in every panel; a new input, a new model or a failure forgets it."""

from __future__ import annotations

import numpy as np
import pytest

from guiapp.core.drawing.strokes import Drawing, Stroke
from guiapp.core.explain.counterfactual import Counterfactual
from guiapp.core.live.live_update import ExplainRequest, compute_update
from guiapp.ui.explain.counterfactual_view import CounterfactualView

NAMES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
SEVEN = Drawing(strokes=(Stroke(((60.0, 60.0), (200.0, 60.0), (120.0, 230.0)), 20.0),))


@pytest.fixture(scope="module")
def seven(shipped_inspector):
    """(the network input of a drawn 7, its live explanation)."""
    update = compute_update(shipped_inspector, SEVEN, why=ExplainRequest())
    return update.result.image, update.explanation


@pytest.fixture()
def view(qtbot, shipped_inspector):
    widget = CounterfactualView()
    qtbot.addWidget(widget)
    widget.set_class_names(NAMES)
    widget.show_model(shipped_inspector)
    return widget


def _found(original: np.ndarray, target: int = 3, answer: int = 3, steps: int = 12) -> Counterfactual:
    """A change found by hand: ink added in one block, some removed in another; the network now answers ``answer``."""
    changed = original.copy()
    changed[5:8, 5:8] = 1.0
    changed[original > 0.5] = 0.0  # the stroke's core rubbed out
    probabilities = np.full(10, 0.02, np.float32)
    probabilities[answer] = 0.82
    return Counterfactual(target, original, changed, probabilities, steps, 0.5, 0.1)


def test_find_asks_for_the_class_chosen(qtbot, view, seven):
    image, explanation = seven
    view.show_input(image, explanation)
    assert [view.target_box.itemText(i) for i in range(view.target_box.count())] == list(NAMES)
    view.target_box.setCurrentIndex(4)
    with qtbot.waitSignal(view.findRequested) as asked:
        view.find_button.click()
    assert asked.args == [4] and not view.find_button.isEnabled()
    assert view.result_text.text() == "searching for a change that makes it a four…"
    with qtbot.waitSignal(view.findRequested) as asked:
        view.find(8)  # as choosing 8 and pressing Find
    assert asked.args == [8] and view.target_box.currentData() == 8
    np.testing.assert_array_equal(view._images["input"].image, image)


def test_a_counterfactual_shows_its_three_pictures_and_says_what_changed(qtbot, view, seven):
    image, explanation = seven
    view.show_input(image, explanation)
    found = _found(image)
    view.show_counterfactual(found)
    assert view.found is found and view.find_button.isEnabled() and view.show_button.isEnabled()
    np.testing.assert_array_equal(view._images["changed"].image, found.changed)
    change = view._images["change"].image
    assert change.shape == (28, 28, 4)  # coloured RGBA
    inked = np.argwhere(image > 0.5)[0]
    added, removed = change[6, 6], change[tuple(inked)]
    assert added[0] > added[2] and removed[2] > removed[0]  # ink added red, removed blue
    text = view.result_text.text()
    assert text.startswith(found.text(NAMES)) and "the network answers three with 82%" in text
    assert "Now: three 82%" in text
    with qtbot.waitSignal(view.showRequested) as shown:
        view.show_button.click()
    assert shown.args == [found]


def test_renamed_classes_rename_the_counterfactuals_text_and_keep_the_choice(view, seven):
    image, explanation = seven
    view.show_input(image, explanation)
    view.set_target(3)
    view.show_counterfactual(_found(image))
    german = ("null", "eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun")
    view.set_class_names(german)
    assert view.target_box.currentText() == "drei" and "answers drei" in view.result_text.text()


def test_a_failed_or_empty_search_cannot_be_shown_in_every_panel(view, seven):
    image, explanation = seven
    view.show_input(image, explanation)
    view.show_counterfactual(_found(image, target=3, answer=5))  # the network still answers 5
    assert not view.show_button.isEnabled()
    assert view.result_text.text().startswith("no change within the bound made it a three")
    view.show_counterfactual(_found(image, target=7, answer=7, steps=0))  # already a 7: nothing to show
    assert not view.show_button.isEnabled() and "already answers seven" in view.result_text.text()
    view.show_failure("nothing to change: the input is blank")
    assert view.found is None and view.result_text.text() == "nothing to change: the input is blank"
    assert view._images["changed"].image is None and view.find_button.isEnabled()


def test_a_new_input_or_model_forgets_the_counterfactual(view, seven, shipped_inspector):
    image, explanation = seven
    view.show_input(image, explanation)
    view.show_counterfactual(_found(image))
    view.show_input(image, explanation)  # the same input again: still valid
    assert view.found is not None
    moved = np.roll(image, 2, axis=1)
    view.show_input(moved, explanation)
    assert view.found is None and view.result_text.text() == "the drawing changed: press Find again"
    np.testing.assert_array_equal(view._images["input"].image, moved)
    view.show_counterfactual(_found(moved))
    view.target_box.setCurrentIndex(6)
    view.show_model(shipped_inspector)
    assert view.found is None and view.target_box.currentIndex() == 0
    assert view.result_text.text() == "choose a class and press Find"


def test_a_blank_input_cannot_be_searched(view, shipped_inspector):
    blank = compute_update(shipped_inspector, Drawing(), why=ExplainRequest())
    view.show_input(blank.result.image, blank.explanation)
    assert blank.explanation.blank and not view.find_button.isEnabled()
