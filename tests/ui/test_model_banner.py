"""model_banner: the line above the maps — loading, why the model failed (with a dialog offering another), the
card's ignored fields until hidden — gone once a sound model is in; a file's code runs only on a "yes"."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from guiapp.ui.model_banner import LOADING, RETRY_HINT, ModelBanner


@pytest.fixture()
def opened(qtbot):
    """A banner shown in its window, and how often its Open model… was asked for."""
    asked: list[bool] = []
    banner = ModelBanner(lambda: asked.append(True))
    qtbot.addWidget(banner)
    banner.show()
    return banner, asked


def test_loading_names_the_file_and_offers_nothing(opened):
    banner, _ = opened
    assert banner.label.text() == LOADING.format(name="the model")
    banner.loading(Path("/models/digits.keras"))
    assert banner.isVisible()
    assert banner.label.text() == "Loading TensorFlow and digits.keras… you can draw meanwhile."
    assert not banner.open_button.isVisible() and not banner.hide_button.isVisible()
    assert banner.label.textFormat() == Qt.TextFormat.PlainText  # a path is never markup


def test_a_sound_model_takes_the_banner_away(opened):
    banner, _ = opened
    banner.failed("no such model file")
    banner.error_box.close()
    banner.loaded()
    assert not banner.isVisible() and banner.error is None and banner.notes == ()


def test_a_cards_ignored_fields_stay_until_hidden(opened):
    banner, _ = opened
    banner.loaded(["card.json: \"classes\" is not a list — ignored", "card.json: \"input_range\" … — ignored"])
    assert banner.isVisible() and banner.hide_button.isVisible() and not banner.open_button.isVisible()
    assert banner.label.text() == ("Note: card.json: \"classes\" is not a list — ignored\n"
                                   "Note: card.json: \"input_range\" … — ignored")
    assert banner.error_box is None  # nothing wrong enough for a dialog
    banner.hide_button.click()
    assert not banner.isVisible() and len(banner.notes) == 2


def test_a_failure_is_said_here_and_in_a_dialog_that_opens_another(opened):
    banner, asked = opened
    banner.failed("/m.keras: not a readable Keras model")
    assert banner.error == "/m.keras: not a readable Keras model"
    assert banner.label.text() == "The model could not be loaded: /m.keras: not a readable Keras model"
    assert banner.open_button.isVisible() and not banner.hide_button.isVisible()
    box = banner.error_box
    assert box.isVisible() and box.text() == banner.error and box.informativeText() == RETRY_HINT
    box.button(QMessageBox.StandardButton.Open).click()
    assert asked == [True]
    banner.open_button.click()
    assert asked == [True, True]


@pytest.mark.parametrize(("answer", "loads"), [(QMessageBox.StandardButton.Yes, True),
                                               (QMessageBox.StandardButton.No, False)])
def test_code_in_a_file_runs_only_on_yes_and_the_question_names_the_risk(opened, monkeypatch, answer, loads):
    banner, _ = opened
    asked: list[tuple[str, str]] = []

    def warning(parent, title, text, buttons, default):
        asked.append((title, text))
        assert default == QMessageBox.StandardButton.No  # the safe answer is the default
        return answer

    monkeypatch.setattr(QMessageBox, "warning", staticmethod(warning))
    assert banner.confirm_trust(Path("/downloads/code.keras")) is loads
    ((title, text),) = asked
    assert title == "This model runs code as it loads"
    assert text.startswith("code.keras contains Python code (a Lambda layer) that would run on this computer")


def test_a_suppressed_banner_keeps_what_it_has_to_say_until_allowed_back(opened):
    banner, _ = opened
    banner.set_suppressed(True)
    banner.loading(Path("/models/digits.keras"))
    assert not banner.isVisible() and banner.suppressed
    assert "digits.keras" in banner.label.text()
    banner.set_suppressed(False)
    assert banner.isVisible()
    banner.loaded()
    banner.set_suppressed(True)
    banner.set_suppressed(False)
    assert not banner.isVisible()  # nothing to say: it stays away
