"""The Why tab's map over the canvas belongs to the Live page: the Training page's canvas shows none."""

from __future__ import annotations

from guiapp.core.explain.attribution import GRADCAM
TRAINING_PAGE = 3  # the pages: Live network, Conv arithmetic, Architecture explorer, Training
from tests.ui.conftest import MODEL_TIMEOUT_MS, settled

LIVE_PAGE = 0


def _overlaid(window) -> bool:
    update = window.last_update
    return (settled(window) and update.explanation is not None and GRADCAM in update.explanation.attributions
            and window.canvas.heat is not None)


def test_the_overlay_leaves_with_the_live_page_and_comes_back_with_it(window, qtbot):
    window.show_why()
    window.load_sample(0)
    qtbot.waitUntil(lambda: _overlaid(window), timeout=MODEL_TIMEOUT_MS)
    window.pages.setCurrentIndex(TRAINING_PAGE)  # the page borrows the canvas
    assert window.training_view.isAncestorOf(window.canvas)
    assert window.canvas.heat is None
    window.load_sample(1)  # a new input on the Training page's canvas: computed and shown there, without maps
    qtbot.waitUntil(lambda: settled(window), timeout=MODEL_TIMEOUT_MS)
    assert window.canvas.heat is None
    assert window.state.explain is None and window.last_update.explanation is None
    window.pages.setCurrentIndex(LIVE_PAGE)  # the Why tab is still the open one there
    qtbot.waitUntil(lambda: _overlaid(window), timeout=MODEL_TIMEOUT_MS)
    assert window.tabs.currentWidget() is window.why_page
