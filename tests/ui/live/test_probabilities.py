"""probabilities: a bar per class, the top class printed large; more than ten classes: the ten likeliest."""

from __future__ import annotations

import numpy as np
import pytest

from guiapp import paths
from guiapp.core.drawing.stroke_file import load_drawing

from guiapp.core.model.inference import InferenceResult
from guiapp.ui.live.probabilities import VALUE_AXIS_PX, ProbabilityView, shown_classes
from guiapp.ui.plotting import HIGHLIGHT
from tests.conftest import TEST_DATA


def _result(probabilities, image=None):
    image = np.ones((28, 28), np.float32) if image is None else image
    return InferenceResult(image, (), np.asarray(probabilities, np.float32), 0.0)


@pytest.fixture()
def view(qtbot):
    widget = ProbabilityView()
    qtbot.addWidget(widget)
    return widget


def test_shown_classes_all_in_order_or_the_likeliest_first():
    assert shown_classes(np.array([0.2, 0.5, 0.3])).tolist() == [0, 1, 2]
    p = np.arange(12, dtype=float)
    assert shown_classes(p).tolist() == [11, 10, 9, 8, 7, 6, 5, 4, 3, 2]
    assert shown_classes(p, shown=2).tolist() == [11, 10]


def test_the_answer_is_printed_and_its_bar_heights(view):
    assert (view.top_text, view.confidence_text) == ("–", "draw something")
    probabilities = np.full(10, 0.02)
    probabilities[7] = 0.82
    view.show_result(_result(probabilities))
    assert view.top_text == "7" and view.confidence_text == "82.0% sure"
    np.testing.assert_allclose(view._bars.opts["height"], probabilities, rtol=1e-6)
    assert view.bar_names() == [str(i) for i in range(10)]


def test_a_blank_canvas_is_no_answer(view):
    view.show_result(_result(np.full(10, 0.1), image=np.zeros((28, 28), np.float32)))
    assert (view.top_text, view.confidence_text) == ("–", "draw something")


def test_nan_is_said_not_answered(view):
    view.show_result(_result(np.full(10, np.nan)))
    assert view.top_text == "NaN"
    assert not np.any(view._bars.opts["height"])


def test_many_named_classes_lie_down_with_the_rest_summed(view, qtbot):
    names = tuple(f"class_{i}" for i in range(12))
    view.set_class_names(names)
    assert view.horizontal
    probabilities = np.full(12, 0.01)
    probabilities[11], probabilities[3] = 0.8, 0.1
    view.show_result(_result(probabilities))
    assert view.top_text == "class_11" and view.bar_names()[:2] == ["class_11", "class_3"]
    assert view._rest.text() == "+ 2 other classes: 2.0% together"
    assert view.class_at(0.5, 1.0) == 3 and view.class_at(0.5, 1.5) is None


def test_clicking_a_bar_emits_its_class(view, qtbot):
    view.show_result(_result(np.full(10, 0.1)))
    assert view.class_at(4.1, 0.5) == 4
    with qtbot.waitSignal(view.classClicked) as signal:
        view.classClicked.emit(view.class_at(4.1, 0.5))
    assert signal.args == [4]


def test_a_result_with_more_classes_than_named_is_numbered(view):
    view.show_result(_result(np.full(4, 0.25)))
    assert view.class_names == ("0", "1", "2", "3")


def test_a_blank_canvas_gets_no_number_over_its_bars(view):
    view.resize(320, 130)  # the column's width at 1280×690: crowded, one number would stand alone
    view.show()
    view.show_result(_result(np.full(10, 0.1) + np.arange(10) * 0.002, image=np.zeros((28, 28), np.float32)))
    assert [label.toPlainText() for label in view._labels] == [""] * 10
    view.show_result(_result(np.eye(10)[7] * 0.9 + 0.01))
    assert view._labels[7].toPlainText() == "91"  # a drawing's answer is numbered


def test_the_values_axis_keeps_room_for_one_hundred_percent(view):
    # At least the designed width, and "100%" whole in the type shown (zoomed or the projector's: wider)
    assert view._plot.getAxis("left").fixedWidth >= max(VALUE_AXIS_PX, view.fontMetrics().horizontalAdvance("100%"))
    font = view.font()
    font.setPointSizeF(font.pointSizeF() * 1.6)
    view.setFont(font)
    assert view._plot.getAxis("left").fixedWidth >= view.fontMetrics().horizontalAdvance("100%") + 10
    view.set_class_names(tuple(f"class_{i}" for i in range(12)))
    assert view._plot.getAxis("left").fixedWidth > VALUE_AXIS_PX  # the names' side, when bars lie down


def test_a_narrow_view_gives_its_bars_the_values_axis_room(view, qtbot):
    view.resize(220, 130)  # the canvas column at QT_SCALE_FACTOR=2 on 1920×1080
    view.show()
    qtbot.waitUntil(lambda: not view._plot.getAxis("left").isVisible())
    view.resize(330, 130)
    qtbot.waitUntil(lambda: view._plot.getAxis("left").isVisible())


def test_an_unsure_answer_is_said_in_words_naming_the_runner_up(view):
    probabilities = np.full(10, 0.05 / 8)
    probabilities[4], probabilities[9] = 0.55, 0.40
    view.show_result(_result(probabilities))
    assert view.top_text == "4" and view.unsure_text == "unsure — 4 or 9?"
    view.show_result(_result(np.eye(10)[7] * 0.98 + 0.002))  # 0.982: clear
    assert view.unsure_text == "" and view._unsure.isHidden()
    view.show_result(_result(probabilities))
    view.show_result(_result(probabilities, image=np.zeros((28, 28), np.float32)))  # blank: no answer to doubt
    assert view.unsure_text == ""
    view.show_result(_result(probabilities))
    view.show_result(_result(np.full(10, np.nan)))
    assert view.unsure_text == ""


def test_the_unsure_line_follows_class_names_and_keeps_its_room(view, qtbot):
    view.set_class_names(("cat", "dog", "owl"))
    view.resize(320, 180)
    view.show()
    qtbot.waitUntil(view.isVisible)
    view.show_result(_result([0.05, 0.05, 0.9]))
    qtbot.wait(10)
    assert view.unsure_text == ""
    sure = [label.geometry() for label in (view._top, view._confidence, view._unsure)]
    view.show_result(_result([0.3, 0.2, 0.5]))
    assert view.unsure_text == "unsure — owl or cat?"
    assert view._unsure.palette().color(view._unsure.foregroundRole()).name() != HIGHLIGHT
    qtbot.wait(10)
    assert [label.geometry() for label in (view._top, view._confidence, view._unsure)] == sure  # nothing moves
    view.show_result(_result([0.05, 0.9, 0.05]))
    assert view.top_text == "dog" and view.unsure_text == ""


def test_the_window_says_unsure_on_a_four_that_could_be_a_nine_and_not_on_a_clear_four(qtbot, window):
    from tests.ui.conftest import wait_settled

    # A 4 whose top is closed by a curve (tests/data/ambiguous_four.json): the shipped model splits it about
    # 55/45 between 4 and 9, well under the threshold of 0.7 whichever side wins.
    window.canvas.load_drawing(load_drawing(TEST_DATA / "ambiguous_four.json"))
    wait_settled(qtbot, window)
    view = window.probabilities
    assert window.last_result.probabilities.max() < 0.65
    assert view.unsure_text in ("unsure — 4 or 9?", "unsure — 9 or 4?")
    assert view._unsure.isVisible()
    assert window.open_drawing(paths.RESOURCES_DIR / "drawn_four.json")
    wait_settled(qtbot, window)
    assert view.top_text == "4" and view.unsure_text == "" and not view._unsure.isVisible()
    window.canvas.clear()
    wait_settled(qtbot, window)
    assert view.top_text == "–" and view.unsure_text == ""
