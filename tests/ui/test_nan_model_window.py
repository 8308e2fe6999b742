"""A model that computes NaN, in the window: the prediction says so where the answer would be, the status bar
says why, the Why tab explains nothing, and no "nan%" is shown anywhere."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from guiapp.core.live.live_update import NAN_ANSWER
from tests.cli.test_nan_models import NAN_LINE
from tests.ui.conftest import MODEL_TIMEOUT_MS


def _texts(window) -> list[str]:
    return [label.text() for label in window.findChildren(QLabel)]


def test_the_window_says_the_model_computes_nan_and_never_nan_percent(qtbot, nan_window):
    window = nan_window
    window.load_sample(0)
    qtbot.waitUntil(lambda: window.last_update is not None
                    and window.last_update.drawing is window.canvas.drawing, timeout=MODEL_TIMEOUT_MS)
    assert window.probabilities.top_text == "NaN"
    assert window.probabilities.confidence_text == NAN_ANSWER
    assert window.statusBar().currentMessage() == NAN_LINE
    assert window.show_why() is None
    qtbot.waitUntil(lambda: window.why_view.summary.text() == NAN_ANSWER, timeout=MODEL_TIMEOUT_MS)
    window.tabs.setCurrentWidget(window.preprocess_view)  # its comparison line names no answer
    qtbot.wait(50)
    shown = _texts(window)
    assert NAN_ANSWER in shown
    assert not [text for text in shown if "nan%" in text.lower() or "nan %" in text.lower()]
    assert window.model_error is None  # the model loaded: the window stays usable, the message is the answer's