"""The Why tab in the window: live maps while drawing, the at-rest methods, retargeting, the counterfactual."""

from __future__ import annotations

import numpy as np
import pytest

from guiapp.core.explain.attribution import (
    GRADCAM,
    GRADIENT,
    GRADIENT_INPUT,
    INTEGRATED,
    NOTHING_TO_EXPLAIN,
    OCCLUSION,
)
from guiapp.core.live.live_update import PictureInput
from tests.ui.conftest import MODEL_TIMEOUT_MS, VERTICAL_BAR_POINTS, draw, settled


def _explained(window, *methods: str, target: int | None = None, contrast: int | None = None) -> bool:
    update = window.last_update
    if not settled(window) or update.explanation is None:
        return False
    found = update.explanation
    return (all(m in found.attributions for m in methods) and (target is None or found.target == target)
            and found.contrast == contrast)


@pytest.fixture()
def why_window(window, qtbot):
    window.show_why()
    window.load_sample(0)  # MNIST test digit 0, a 7
    qtbot.waitUntil(lambda: _explained(window, GRADIENT, INTEGRATED, OCCLUSION), timeout=MODEL_TIMEOUT_MS)
    return window


def test_off_screen_the_why_tab_costs_nothing(window, qtbot):
    window.load_sample(0)
    qtbot.waitUntil(lambda: settled(window), timeout=MODEL_TIMEOUT_MS)
    assert window.last_update.explanation is None
    assert window.canvas.heat is None


def test_a_sample_seven_is_explained_by_every_method(why_window):
    explanation = why_window.last_update.explanation
    assert explanation.target == 7 == why_window.last_update.result.predicted
    for method in (GRADIENT, GRADIENT_INPUT, GRADCAM, INTEGRATED, OCCLUSION):
        values = explanation.attributions[method].values
        assert values.shape == (28, 28) and np.isfinite(values).all()
        assert why_window.why_view.panels[method].values is values
    check = explanation.attributions[INTEGRATED].check
    assert check.steps == 64 and check.gap_percent <= 5.0
    assert "gap" in why_window.why_view.panels[INTEGRATED].note.text()
    assert why_window.why_view.summary.text().startswith("<b>why 7</b>")
    # Grad-CAM is laid over the canvas where the input's pixels come from: the 28×28 input, re-centred
    # from the digit's box, covers about the whole 280-pixel canvas (a little beyond: the digit is small).
    image, rect = why_window.canvas.heat
    ratio = why_window.canvas.devicePixelRatioF()
    assert (image.width(), image.height()) == (round(rect.width() * ratio), round(rect.height() * ratio))
    assert abs(rect.center().x() - 140) < 20 and 250 < rect.width() < 330


def test_clicking_a_bar_and_a_contrast_retarget_every_method(why_window, qtbot):
    why_window.probabilities.classClicked.emit(1)
    qtbot.waitUntil(lambda: _explained(why_window, GRADIENT, INTEGRATED, target=1), timeout=MODEL_TIMEOUT_MS)
    one = why_window.last_update.explanation
    assert why_window.why_view.counterfactual.target_box.currentData() == 1
    why_window.why_view.set_target(7)
    why_window.why_view.set_contrast(1)
    qtbot.waitUntil(lambda: _explained(why_window, GRADIENT, OCCLUSION, target=7, contrast=1),
                    timeout=MODEL_TIMEOUT_MS)
    both = why_window.last_update.explanation
    seven = why_window.last_update.result
    assert "rather than 1" in why_window.why_view.summary.text()
    assert both.score() == pytest.approx(float(both.logits[7] - both.logits[1]), abs=1e-5)
    # The contrast's gradient is the difference of the two classes' gradients.
    assert seven.predicted == 7 and np.abs(one.attributions[GRADIENT].values).max() > 0


def test_live_methods_come_with_every_update_while_drawing(window, qtbot):
    window.show_why()
    draw(qtbot, window.canvas, VERTICAL_BAR_POINTS)
    qtbot.waitUntil(lambda: _explained(window, GRADIENT, GRADIENT_INPUT, GRADCAM), timeout=MODEL_TIMEOUT_MS)
    assert window.last_update.explanation.attributions[GRADCAM].layer == "conv2d_1"


def test_a_blank_canvas_has_nothing_to_explain(why_window, qtbot):
    why_window.canvas.clear()
    qtbot.waitUntil(lambda: settled(why_window) and why_window.last_update.explanation is not None,
                    timeout=MODEL_TIMEOUT_MS)
    explanation = why_window.last_update.explanation
    assert explanation.blank and not explanation.attributions
    # Under load the tabs may skip the moving frame (guiapp/ui/frames.py): they get the newest at rest.
    qtbot.waitUntil(lambda: "nothing to explain" in why_window.why_view.summary.text(), timeout=MODEL_TIMEOUT_MS)
    assert all(panel.values is None for panel in why_window.why_view.panels.values())
    assert why_window.canvas.heat is None
    qtbot.waitUntil(lambda: not why_window.why_view.counterfactual.find_button.isEnabled(), timeout=5000)


def test_what_would_make_it_a_one_and_show_it_everywhere(why_window, qtbot):
    view = why_window.why_view.counterfactual
    view.set_target(1)
    view.find_button.click()
    qtbot.waitUntil(lambda: view.found is not None, timeout=MODEL_TIMEOUT_MS)
    found = view.found
    assert found.success and found.target == 1 and found.pixels_changed > 0
    assert "pixels changed" in view.result_text.text()
    assert view.show_button.isEnabled()
    view.show_button.click()
    qtbot.waitUntil(lambda: isinstance(why_window.canvas.drawing, PictureInput) and settled(why_window),
                    timeout=MODEL_TIMEOUT_MS)
    # Every panel now computes the changed input as it is (no re-centring): the network answers 1.
    result = why_window.last_update.result
    assert result.predicted == 1
    np.testing.assert_allclose(result.image, found.changed, atol=1e-6)
    why_window.canvas.undo_stack.undo()
    qtbot.waitUntil(lambda: settled(why_window) and why_window.last_update.result.predicted == 7,
                    timeout=MODEL_TIMEOUT_MS)


def test_grad_cam_follows_the_layer_clicked_in_the_maps(why_window, qtbot):
    why_window.feature_maps.mapClicked.emit("conv2d", 3)
    qtbot.waitUntil(lambda: _explained(why_window, GRADCAM) and
                    why_window.last_update.explanation.attributions[GRADCAM].layer == "conv2d",
                    timeout=MODEL_TIMEOUT_MS)
    assert why_window.why_view.layer_box.currentData() == "conv2d"
    assert why_window.last_update.explanation.attributions[GRADCAM].grid.shape == (26, 26)


def test_the_why_tab_is_built_only_when_first_shown(window, qtbot):
    assert not window.why_page.built  # start-up does not pay for it
    window.probabilities.classClicked.emit(3)  # a bar click brings it up, explaining that class
    assert window.why_page.built and window.tabs.currentWidget() is window.why_page
    assert window.why_view.target_box.currentData() == 3
    qtbot.waitUntil(lambda: window.last_update is not None and window.last_update.explanation is not None
                    and window.last_update.explanation.target == 3, timeout=MODEL_TIMEOUT_MS)
    assert window.show_why(11) == "class 11 is out of range: this model has classes 0 to 9"


def test_explaining_class_one_on_an_empty_canvas_draws_no_overlay_and_says_so(window, qtbot):
    assert window.canvas.drawing.is_blank  # the window opens on an empty canvas
    window.probabilities.classClicked.emit(1)  # a lecturer clicks the "1" bar before drawing anything
    qtbot.waitUntil(lambda: settled(window) and window.last_update.explanation is not None
                    and window.last_update.explanation.target == 1, timeout=MODEL_TIMEOUT_MS)
    explanation = window.last_update.explanation
    assert explanation.blank and not explanation.attributions
    qtbot.waitUntil(lambda: window.why_view.summary.text() == NOTHING_TO_EXPLAIN, timeout=MODEL_TIMEOUT_MS)
    assert window.canvas.heat is None
    picture = window.canvas.grab().toImage()
    reddish = [(x, y) for x in range(0, picture.width(), 7) for y in range(0, picture.height(), 7)
               if (c := picture.pixelColor(x, y)).red() > c.green() + 30]
    assert reddish == []  # nothing pink over the empty canvas


def test_the_tab_is_built_while_the_window_is_idle_and_asks_nothing_off_screen(window, qtbot):
    assert not window.why_page.built
    qtbot.waitUntil(lambda: window.why_page.built, timeout=10_000)
    assert window.tabs.currentWidget() is not window.why_page
    assert window.state.explain is None  # built, not on screen: every update costs what it did


def test_opening_the_tab_brings_the_live_maps_before_the_at_rest_ones(window, qtbot):
    window.load_sample(0)
    qtbot.waitUntil(lambda: settled(window), timeout=MODEL_TIMEOUT_MS)
    shown: list[set[str]] = []
    window.live.frameDue.connect(
        lambda update, _moving: shown.append(set(update.explanation.attributions)) if update.explanation else None)
    window.show_why()
    qtbot.waitUntil(lambda: _explained(window, GRADIENT, INTEGRATED, OCCLUSION), timeout=MODEL_TIMEOUT_MS)
    assert shown[0] == {GRADIENT, GRADIENT_INPUT, GRADCAM}  # the first maps did not wait for the batches
    assert shown[-1] == {GRADIENT, GRADIENT_INPUT, GRADCAM, INTEGRATED, OCCLUSION}
