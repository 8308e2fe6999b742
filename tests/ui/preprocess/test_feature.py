"""The Preprocessing tab's door, in the window: a step switched off or a value range chosen goes into the state
(never to the worker), the next update is computed with it, and the tab shows that update's steps."""

from __future__ import annotations

import numpy as np

from guiapp.core.drawing.preprocess import PreprocessOptions, drawing_to_network_input
from guiapp.ui.preprocess.feature import PreprocessFeature
from guiapp.ui.state import PictureChoice
from tests.ui.conftest import MODEL_TIMEOUT_MS, draw, wait_settled

SMALL_IN_A_CORNER = [(20 + 2 * i, 20 + 3 * i) for i in range(20)]


def test_a_step_switched_off_is_the_states_and_the_next_input_differs(qtbot, window):
    feature = window.feature(PreprocessFeature)
    assert feature.title == "Preprocessing" and feature.widget is feature.view is window.preprocess_view
    window.tabs.setCurrentWidget(feature.widget)
    draw(qtbot, window.canvas, SMALL_IN_A_CORNER)
    wait_settled(qtbot, window)
    before = window.last_result.image
    feature.view.crop_box.setChecked(False)
    assert window.state.options == PreprocessOptions(crop=False)
    qtbot.waitUntil(lambda: not np.array_equal(window.last_result.image, before), timeout=MODEL_TIMEOUT_MS)
    expected = drawing_to_network_input(window.canvas.drawing, options=PreprocessOptions(crop=False))
    np.testing.assert_array_equal(window.last_result.image, expected)
    assert feature.view.stages is window.last_update.stages and feature.view.stages.box == (0, 280, 0, 280)
    feature.view.crop_box.setChecked(True)
    assert window.state.options == PreprocessOptions()


def test_a_value_range_chosen_is_the_states_picture_choice(qtbot, window):
    feature = window.feature(PreprocessFeature)
    window.tabs.setCurrentWidget(feature.widget)
    window.load_sample(0)
    wait_settled(qtbot, window)
    unit_range = window.last_result.probabilities
    feature.view.range_box.setCurrentIndex(2)  # 0 … 255
    assert window.state.picture == PictureChoice(feature.view.picture_recipe, (0.0, 255.0))
    assert window.state.input_range == (0.0, 255.0)
    qtbot.waitUntil(lambda: not np.allclose(window.last_result.probabilities, unit_range), timeout=MODEL_TIMEOUT_MS)
    assert window.input_view.input_range == (0.0, 255.0)
    window.state.class_names = tuple("abcdefghij")
    assert feature.view.class_names == tuple("abcdefghij")
