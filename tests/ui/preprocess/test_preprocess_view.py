"""preprocess_view: a drawing's four steps with this drawing's numbers, a switch per step (one optionsChanged per
change), a picture's own steps, the value range chosen (recipeChanged), and each model's frame in the titles; what is
hidden is drawn when shown. (In the window, switching a step off: tests/ui/live/test_drawings.py.)"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from guiapp.core.drawing.picture import PictureRecipe
from guiapp.core.drawing.preprocess import PreprocessOptions
from guiapp.core.drawing.strokes import Drawing, Stroke
from guiapp.core.live.live_update import PictureInput, compute_update
from guiapp.ui.preprocess.preprocess_view import RANGES, PreprocessView

SEVEN = Drawing(strokes=(Stroke(((60.0, 60.0), (200.0, 60.0), (120.0, 230.0)), 20.0),))
NAMES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


@pytest.fixture()
def view(qtbot, shipped_inspector):
    widget = PreprocessView()
    qtbot.addWidget(widget)
    widget.set_class_names(NAMES)
    widget.show_model(shipped_inspector)
    widget.resize(800, 500)
    widget.show()
    return widget


def _recorded(signal) -> list:
    seen: list = []
    signal.connect(lambda *args: seen.append(args if len(args) > 1 else args[0]))
    return seen


def test_each_switch_is_one_options_change(view):
    seen = _recorded(view.optionsChanged)
    assert view.options == PreprocessOptions()
    view.crop_box.setChecked(False)
    view.centre_box.setChecked(False)
    assert seen == [PreprocessOptions(crop=False), PreprocessOptions(crop=False, centre=False)]
    view.set_options(PreprocessOptions(True, False, True))  # three boxes set, one change announced
    assert seen[-1] == PreprocessOptions(fit=False) and len(seen) == 3
    assert (view.crop_box.isChecked(), view.fit_box.isChecked(), view.centre_box.isChecked()) == (True, False, True)


def test_a_model_brings_its_frame_and_its_own_value_range(view):
    assert [label.text() for label in view.titles] == ["1 · the canvas (ink box outlined)", "2 · the crop",
                                                       "3 · fitted into 20×20", "4 · centre of mass → 28×28"]
    assert view.range_box.itemText(0) == "the model's own (0 … 1)" and view.input_range is None
    view.show_model(SimpleNamespace(input_shape=(40, 32, 1), input_range=(0.0, 255.0)))  # a 40×32 grey model
    assert view.titles[2].text() == "3 · fitted into 23×29"
    assert view.titles[3].text() == "4 · centre of mass → 32×40"
    assert view.fit_box.text() == "fit into 23×29" and view.frame == (40, 32)
    assert [view.range_box.itemText(i) for i in range(view.range_box.count())] == [
        "the model's own (0 … 255)", *RANGES]


def test_choosing_a_value_range_announces_it_with_the_picture_recipe(view):
    seen = _recorded(view.recipeChanged)
    view.range_box.setCurrentIndex(2)  # 0 … 255
    assert view.input_range == (0.0, 255.0)
    ((recipe, chosen),) = seen
    assert isinstance(recipe, PictureRecipe) and recipe == view.picture_recipe and chosen == (0.0, 255.0)
    view.range_box.setCurrentIndex(0)
    assert seen[-1][1] is None  # the model's own


def test_a_drawings_steps_are_shown_with_its_own_numbers(view, shipped_inspector):
    update = compute_update(shipped_inspector, SEVEN)
    stages = update.stages
    view.show_stages(stages, update.result, None)
    assert view.pages.currentIndex() == 0
    np.testing.assert_array_equal(view.images[0].image, stages.raw)
    np.testing.assert_array_equal(view.images[3].image, stages.final)
    top, bottom, left, right = stages.box
    assert view.images[1].image.shape == (bottom - top, right - left)
    rect = view.box_outline.rect()
    assert (rect.top(), rect.left(), rect.height(), rect.width()) == (top, left, bottom - top, right - left)
    assert view.box_outline.isVisible() and view.fit_outline.isVisible()
    text = view.explanation.text()
    assert f"The ink fills a {bottom - top}×{right - left} box at rows {top}–{bottom - 1}" in text
    assert "still recognised" in text  # every step on
    assert view.comparison.text() == (f"With every step on, the network says <b>seven</b> "
                                      f"({update.result.confidence:.1%}).")


def test_a_step_off_is_explained_and_compared_with_the_full_recipe(view, shipped_inspector):
    view.crop_box.setChecked(False)
    options = PreprocessOptions(crop=False)
    update = compute_update(shipped_inspector, SEVEN, options=options)
    view.show_stages(update.stages, update.result, update.reference)
    text = view.explanation.text()
    assert text.startswith("Not cropping: the whole 280×280 canvas goes on, empty space included.")
    assert "still recognised" not in text
    same = "the same" if update.reference.predicted == update.result.predicted else "a different answer"
    assert view.comparison.text().endswith(f"with every step on it says <b>seven</b> "
                                           f"({update.reference.confidence:.1%}) — {same}.")


def test_a_picture_shows_its_own_steps_and_a_blank_canvas_asks_for_a_digit(view, shipped_inspector):
    picture = PictureInput(np.random.default_rng(1).random((40, 60), dtype=np.float32), "noise.png")
    update = compute_update(shipped_inspector, picture)
    view.show_stages(update.stages, update.result, None, "noise.png")
    assert view.pages.currentIndex() == 1
    assert view.comparison.text().startswith("With these steps the network says <b>")
    blank = compute_update(shipped_inspector, Drawing())
    view.show_stages(blank.stages, blank.result, None)
    assert view.pages.currentIndex() == 0 and not view.box_outline.isVisible()
    assert view.explanation.text() == "Draw a digit: its steps from the canvas to the network appear here."
    assert view.comparison.text() == ""


def test_steps_given_while_hidden_are_drawn_when_shown(qtbot, shipped_inspector):
    view = PreprocessView()
    qtbot.addWidget(view)
    view.show_model(shipped_inspector)
    update = compute_update(shipped_inspector, SEVEN)
    view.show_stages(update.stages, update.result, None)
    assert view.stages is update.stages and view.images[3].image is None  # hidden: nothing drawn
    view.show()
    np.testing.assert_array_equal(view.images[3].image, update.stages.final)
    assert "<b>7</b>" in view.comparison.text()  # no names given: the class' number


def test_a_pictures_text_reads_whole_in_a_narrow_tab(qtbot, shipped_inspector):
    from PySide6.QtWidgets import QScrollArea

    view = PreprocessView()
    view.show_model(shipped_inspector)
    tab = QScrollArea()  # as the window's tabs hold it: resized with the tab, scrolled when too short
    tab.setWidgetResizable(True)
    tab.setWidget(view)
    qtbot.addWidget(tab)
    tab.resize(300, 400)
    tab.show()
    photo = np.zeros((120, 200, 3), np.float32)
    photo[..., 0], photo[30:90, 80:120] = 0.9, 0.1
    update = compute_update(shipped_inspector, PictureInput(photo, "a_photo_of_a_digit.png"))
    view.show_stages(update.stages, update.result, None, "a_photo_of_a_digit.png")
    text = view.picture_steps.explanation
    qtbot.waitUntil(lambda: text.isVisible() and text.height() >= text.heightForWidth(text.width()))
    assert text.text().endswith("as the model has one channel.")  # its last sentence, whole
    assert text.mapTo(view, text.rect().topRight()).x() < tab.viewport().width()  # no line runs off the right
    assert view.minimumSizeHint().width() < 300  # the tab never widens the window
