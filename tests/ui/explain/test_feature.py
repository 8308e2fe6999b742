"""The Why tab's door, in the window: off screen the state asks no explanation and nothing lies over the canvas; on
screen the tab's request is the state's and its chosen map lies over the canvas; a probability bar or a layer's maps
choose what it explains; a counterfactual shown goes on the canvas, named."""

from __future__ import annotations

import numpy as np

from guiapp.core.explain.counterfactual import Counterfactual
from guiapp.core.live.live_update import ExplainRequest, PictureInput
from guiapp.ui.explain.feature import ExplainFeature
from guiapp.ui.ledger.feature import LedgerFeature
from tests.ui.conftest import MODEL_TIMEOUT_MS, settled, wait_settled


def _explained(window, target: int) -> bool:
    update = window.last_update
    return settled(window) and update.explanation is not None and update.explanation.target == target


def test_the_request_is_the_states_only_while_the_tab_is_on_screen(qtbot, window):
    why = window.feature(ExplainFeature)
    assert why.title == "Why" and why.widget is why.page and why.view is None  # built when first shown
    window.load_sample(0)
    wait_settled(qtbot, window)
    assert window.state.explain is None and window.last_update.explanation is None
    window.tabs.setCurrentWidget(why.page)
    assert why.view is not None and window.state.explain == why.view.request == ExplainRequest(None, None, "conv2d_1")
    qtbot.waitUntil(lambda: _explained(window, 7) and window.canvas.heat is not None, timeout=MODEL_TIMEOUT_MS)
    why.view.canvas_box.setCurrentIndex(0)  # no map over the canvas
    assert window.canvas.heat is None
    window.tabs.setCurrentWidget(window.feature(LedgerFeature).widget)
    assert window.state.explain is None and window.canvas.heat is None


def test_a_bar_or_a_layer_chooses_what_is_explained(qtbot, window):
    why = window.feature(ExplainFeature)
    window.load_sample(0)
    wait_settled(qtbot, window)
    window.state.explain_class(3)  # a probability bar clicked
    assert window.tabs.currentWidget() is why.page and why.view.request.target == 3
    assert why.view.counterfactual.target_box.currentData() == 3
    qtbot.waitUntil(lambda: _explained(window, 3), timeout=MODEL_TIMEOUT_MS)
    window.state.select_map("conv2d", 2)  # a map of the first convolution clicked: Grad-CAM on it
    assert window.state.explain == ExplainRequest(3, None, "conv2d")
    window.state.class_names = tuple(f"class {k}" for k in range(10))
    assert why.view.target_box.itemText(4) == "class 3"


def test_a_counterfactual_shown_is_put_on_the_canvas_named(qtbot, window):
    why = window.feature(ExplainFeature)
    window.show_why()
    image = np.zeros((28, 28), np.float32)
    changed = image.copy()
    changed[8:20, 13:15] = 1.0
    probabilities = np.full(10, 0.01, np.float32)
    probabilities[1] = 0.91
    found = Counterfactual(1, image, changed, probabilities, 30, 0.4, 0.2)
    window.live.counterfactualFound.emit(found)  # as the worker answers
    assert why.found is found
    why.view.counterfactual.show_button.click()
    picture = window.canvas.drawing
    assert isinstance(picture, PictureInput) and picture.name == "what would make it a 1"
    np.testing.assert_array_equal(picture.picture, changed)
    assert window.statusBar().currentMessage().startswith("what would make it a 1: every panel shows")
    qtbot.waitUntil(lambda: settled(window), timeout=MODEL_TIMEOUT_MS)
    np.testing.assert_allclose(window.last_result.image, changed, atol=1e-6)  # taken as it is, not re-centred
    window.live.counterfactualFailed.emit("nothing to change: the input is blank")
    assert why.found is None and why.view.counterfactual.result_text.text() == "nothing to change: the input is blank"
