"""picture_steps: a picture's way to the network input, step by step, with the fit the user chooses."""

from __future__ import annotations

import numpy as np
import pytest

from guiapp.core.drawing.picture import PictureRecipe, picture_stages
from guiapp.ui.preprocess.picture_steps import PictureStepsView, explain


def _photo(h=60, w=100):
    """A colour picture: a white bar on dark red."""
    picture = np.zeros((h, w, 3), np.uint8)
    picture[..., 0] = 80
    picture[10:50, 45:55] = 255
    return picture


@pytest.fixture()
def view(qtbot):
    widget = PictureStepsView()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_each_step_is_shown_with_its_title(view):
    stages = picture_stages(_photo(), (32, 32, 3), PictureRecipe("crop"))
    view.show_stages(stages, "photo.png")
    shown = [title.text() for title in view.titles if title.isVisible()]
    assert len(shown) == len(stages.steps) and shown[0].startswith("1 · ")
    assert view.images[len(stages.steps) - 1].image.shape[:2] == (32, 32)
    assert view.window_outline.isVisible()  # the crop's window, outlined on the original
    assert view.window_outline.rect().height() == 60


def test_explain_says_what_happened_with_numbers():
    crop = explain(picture_stages(_photo(), (32, 32, 3), PictureRecipe("crop")), "photo.png")
    assert crop.startswith("<b>photo.png</b>: a 100×60 colour picture; the model takes 32×32 RGB.")
    assert "The middle 60×60 pixels (outlined)" in crop
    grey = explain(picture_stages(_photo(), (28, 28, 1), PictureRecipe("digit")), "photo.png")
    assert "MNIST's recipe" in grey and "Colours become grey by luma" in grey
    blank = explain(picture_stages(np.zeros((10, 10), np.uint8), (28, 28, 1), PictureRecipe("pad")), "b.png")
    assert "<b>It is blank</b>" in blank and "border colour" in blank


def test_choosing_a_fit_emits_the_recipe(view, qtbot):
    view.set_model_channels(3, PictureRecipe("pad"))
    assert view.recipe == PictureRecipe("pad") and not view.fit_buttons["digit"].isEnabled()
    with qtbot.waitSignal(view.recipeChanged) as signal:
        view.fit_buttons["crop"].setChecked(True)
    assert signal.args == [PictureRecipe("crop")]
    with qtbot.assertNotEmitted(view.recipeChanged):
        view.set_model_channels(1, PictureRecipe("digit"))
    assert view.recipe == PictureRecipe("digit") and view.fit_buttons["digit"].isEnabled()
