"""where_view: the Where tab shows what it is given — a message everywhere until a pass, the pass' summary and its
mistakes, the map, the layers a map can be drawn of — and every digit clicked on it comes out as one digitChosen.
(What it is given and when: tests/ui/where/test_where_tab.py.)"""

from __future__ import annotations

import numpy as np
import pytest

from guiapp.core.training.data import LabelledDigits
from guiapp.core.where.embedding import (
    TestPass as DigitsPass,  # (not "Test…": pytest would collect it)
)
from guiapp.ui.where.where_view import MAP_TAB, MISTAKES_TAB, WhereView
from guiapp.ui.where.where_worker import FEATURES, MAP

DIGITS = 200
NAMES = tuple(str(k) for k in range(10))


@pytest.fixture(scope="module")
def found(mnist):
    """A pass over 200 test digits whose answers are the labels but for every tenth digit, read as label + 1."""
    labels = mnist.y_test[:DIGITS].astype(np.int64)
    answers = labels.copy()
    answers[::10] = (labels[::10] + 1) % 10
    probabilities = np.full((DIGITS, 10), 0.01, np.float32)
    probabilities[np.arange(DIGITS), answers] = 0.91
    features = np.random.default_rng(0).random((DIGITS, 16), dtype=np.float32)
    test_pass = DigitsPass("dense", features, probabilities, labels)
    return test_pass, LabelledDigits(mnist.x_test[:DIGITS], labels, "mnist")


@pytest.fixture()
def view(qtbot):
    widget = WhereView()
    qtbot.addWidget(widget)
    widget.set_class_names(NAMES)
    widget.resize(700, 800)
    widget.show()
    return widget


def _with_pass(view: WhereView, found) -> DigitsPass:
    test_pass, digits = found
    view.show_pass(test_pass, digits)
    return test_pass


def test_until_a_model_everything_says_why_there_is_nothing(view):
    text = "Load a model to compare drawings with the test digits."
    assert view.status.text() == text and view.neighbours.message == text and view.map.message.text() == text
    assert view.count == 0 and view.test_pass is None and not view.layer_choice.isEnabled()
    view.show_message("This network is the Training page's")
    assert view.status.text() == view.neighbours.message == "This network is the Training page's"
    assert not view.progress.isVisible()


def test_progress_says_which_stage_and_how_far(view, found):
    view.show_progress(FEATURES, 2500, 10_000)
    assert view.status.text() == "Reading the 10,000 test digits through the network: 2,500 of 10,000"
    assert view.neighbours.message == "Computing the test digits' features… 25%"
    assert view.progress.isVisible() and (view.progress.value(), view.progress.maximum()) == (2500, 10_000)
    _with_pass(view, found)
    summary = f"{DIGITS} MNIST test digits through dense (16 values each): 180 read right, 20 mistakes"
    assert view.summary == summary and view.count == DIGITS
    view.show_progress(MAP, 1, 4)
    assert view.status.text() == f"{summary} · drawing the map of the network's view (t-SNE, once per model): 25%"
    assert view.map.message.text().startswith("Drawing the map… 25%")


def test_a_pass_brings_its_mistakes_and_its_map(view, found):
    test_pass = _with_pass(view, found)
    np.testing.assert_array_equal(view.confusion._matrix, test_pass.confusion)
    assert view.neighbours.message.startswith("Draw a digit")
    points = np.random.default_rng(1).random((DIGITS, 2), dtype=np.float32)
    view.show_map(points, "t-SNE of the test digits")
    assert view.status.text() == view.summary and not view.progress.isVisible()
    np.testing.assert_array_equal(view.map.points, points)
    np.testing.assert_array_equal(view.map.predicted, test_pass.predicted)


def test_a_confusion_cell_opens_the_mistakes_with_its_digits(view, found):
    view.open_cell(3, 4)  # no pass yet: nothing to open
    assert view.views.currentIndex() == MAP_TAB
    test_pass = _with_pass(view, found)
    true = int(test_pass.labels[0])
    answered = (true + 1) % 10
    view.open_cell(true, answered)
    assert view.views.currentIndex() == MISTAKES_TAB and view.confusion.selected == (true, answered)
    assert view.cells.shown == tuple(int(i) for i in test_pass.cell(true, answered)) and 0 in view.cells.shown
    view.confusion.cellClicked.emit(true, true)  # a click on the matrix: the same
    assert view.confusion.selected == (true, true) and len(view.cells.shown) == test_pass.confusion[true, true]


def test_renamed_classes_are_said_again_in_the_open_cell(view, found):
    test_pass = _with_pass(view, found)
    true = int(test_pass.labels[0])
    view.open_cell(true, (true + 1) % 10)
    words = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
    view.set_class_names(words)
    assert view.cells.header.text().startswith(f"True {words[true]} read as {words[(true + 1) % 10]}")
    assert view.map.class_names == words


def test_the_layers_offered_name_the_classifiers_and_a_choice_asks_for_its_map(qtbot, view):
    view.set_layers([("conv2d", 21_632), ("dense", 128)], "dense")
    texts = [view.layer_choice.itemText(i) for i in range(view.layer_choice.count())]
    assert texts == ["conv2d (21,632 values)", "dense — what the classifier reads (128 values)"]
    assert view.map_layer == "dense" and view.layer_choice.isEnabled()
    with qtbot.assertNotEmitted(view.layerChosen):
        view.select_layer("conv2d")  # shown as chosen; the caller asks for its map
    assert view.map_layer == "conv2d"
    with qtbot.waitSignal(view.layerChosen) as chosen:
        view.layer_choice.activated.emit(1)  # the user picks it
    assert chosen.args == ["dense"]
    view.show_map_message("conv2d", ": placing them (t-SNE), 35%")
    assert view.map.message.text() == "Drawing the map of conv2d: placing them (t-SNE), 35%\n(once per model and layer)"
    view.set_layers([("dense", 128)], "dense")
    assert not view.layer_choice.isEnabled()  # one layer: nothing to choose


def test_the_drawing_is_placed_or_said_to_have_no_place(view, found):
    _with_pass(view, found)
    view.set_drawing((0.25, 0.75), 7)
    assert view.map.drawing_xy == (0.25, 0.75) and view.map.drawing_marker.isVisible()
    view.show_no_place("the model computes NaN for this input")
    assert view.map.drawing_xy is None and view.neighbours.message == "the model computes NaN for this input"
    view.set_drawing((0.5, 0.5), 1)
    view.show_blank()
    assert view.map.drawing_xy is None and view.neighbours.message.startswith("Draw a digit")


def test_a_failure_is_said_where_the_map_would_be(view, found):
    view.show_failure("could not read the test digits")
    assert view.status.text() == view.neighbours.message == view.map.message.text() == "could not read the test digits"
    _with_pass(view, found)
    view.show_failure("the map failed")
    assert view.map.message.text() == "the map failed" and view.neighbours.message.startswith("Draw a digit")


def test_every_digit_clicked_on_the_tab_is_one_signal(qtbot, view, found):
    chosen: list[int] = []
    view.digitChosen.connect(chosen.append)
    view.neighbours.neighbourClicked.emit(5)
    view.map.digitClicked.emit(17)
    view.cells.digitClicked.emit(42)
    assert chosen == [5, 17, 42]
