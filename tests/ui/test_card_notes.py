"""A model card's nonsense field in the window: the model loads and answers, and the note the command line prints
as `guiapp: note: …` is shown above the maps until the user hides it or opens another model — never a dialog."""

from __future__ import annotations

import shutil

from guiapp import paths
from tests.ui.conftest import MODEL_TIMEOUT_MS, settled

HUGE = "1" + "0" * 400  # a 400-digit integer: float() of it raises OverflowError
NOTE = '"input_range" is not two numbers low < high within ±1,000,000 — ignored: the model is used without it'


def test_a_card_field_that_is_nonsense_is_noted_and_the_model_answers(qtbot, store, window_paths, tmp_path):
    from guiapp.ui import MainWindow

    model = tmp_path / "digits.keras"
    shutil.copy(paths.DEFAULT_MODEL, model)
    card = model.with_suffix(".json")
    card.write_text(f'{{"input_range": [0, {HUGE}]}}', encoding="utf-8")  # by hand: json.dumps has no such number
    window = MainWindow(model, settings=store, paths=window_paths)
    qtbot.addWidget(window)
    window.show()
    try:
        qtbot.waitUntil(lambda: window.inspector is not None, timeout=MODEL_TIMEOUT_MS)
        window.load_sample(0)  # MNIST test digit 0, a 7
        qtbot.waitUntil(lambda: settled(window), timeout=MODEL_TIMEOUT_MS)
        assert window.model_error is None and window.last_result.predicted == 7
        banner = window.model_banner
        assert banner.isVisible() and banner.label.text() == f"Note: {card}: {NOTE}"
        assert banner.hide_button.isVisible() and not banner.open_button.isVisible() and banner.error_box is None
        banner.hide_button.click()
        assert not banner.isVisible()
        window.load_model(paths.DEFAULT_MODEL)  # a model whose card is sound: no note
        qtbot.waitUntil(lambda: window.inspector.path == paths.DEFAULT_MODEL, timeout=MODEL_TIMEOUT_MS)
        assert not banner.isVisible() and banner.notes == ()
        window.load_model(model)  # the note comes back with its model
        qtbot.waitUntil(lambda: window.inspector.path == model, timeout=MODEL_TIMEOUT_MS)
        assert banner.isVisible() and banner.label.text() == f"Note: {card}: {NOTE}"
    finally:
        window.shutdown()
