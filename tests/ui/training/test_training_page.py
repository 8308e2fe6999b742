"""The Training page drives a real (tiny) run in its own process: live kernels and curves, the drawing
through the newest weights, the model written and opened at the end, a history to scrub — and closing
while it trains asks first."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PySide6.QtWidgets import QMessageBox

from guiapp.core.learning.history import TrainingHistory
from guiapp.core.live.mosaic import grid_for, tile
from guiapp.core.model.inference import Inspector
from guiapp.core.model.modelcard import card_path_for
from guiapp.ui.main_window import TRAINING_PAGE
from tests.ui.conftest import wait_settled

RUN_TIMEOUT_MS = 300_000  # TensorFlow's import in a fresh process on a slow, busy host, then 24 small batches


def _tiny(page, small_npz, epochs=2):
    page.data = small_npz
    page.form.epochs.setValue(epochs)
    page.form.batch.setValue(64)


def test_the_page_trains_to_the_end_and_every_view_follows(qtbot, window, small_npz, tmp_path):
    window.load_sample(0)
    window.pages.setCurrentIndex(TRAINING_PAGE)
    page = window.training_view
    assert window.canvas.isVisibleTo(page)  # the drawing column is docked on the page
    _tiny(page, small_npz)
    page.start()
    assert page.running and not page.form.arch_box.isEnabled()
    qtbot.waitUntil(lambda: page.run is not None and page.run.step >= 1, timeout=RUN_TIMEOUT_MS)
    qtbot.waitUntil(lambda: not page.running, timeout=RUN_TIMEOUT_MS)
    model = next((tmp_path / "trained").glob("*.keras"))
    assert card_path_for(model).is_file()
    card = json.loads(card_path_for(model).read_text())
    assert card["hyperparameters"]["optimizer"] == "Adadelta" and card["data"]["train_samples"] == 768
    assert "test accuracy" in page.status.text() and page.progress.value() == 24
    # The curves got every batch and both epochs' validation; the bar every snapshot.
    x, loss = page.curves.loss_points()
    assert len(loss) == 24 and np.allclose(x, np.arange(1, 25) / 12)
    assert np.allclose(page.curves.validation_points()[0], [1.0, 2.0])
    history = TrainingHistory.open(model.with_suffix(".history"))
    assert page.history_bar.slider.maximum() == len(history.snapshots) - 1 == 6
    # The live view switched to the trained model, which joined the Model menu.
    qtbot.waitUntil(lambda: window.inspector is not None and window.inspector.path == model, timeout=RUN_TIMEOUT_MS)
    assert model.resolve() in window.menus.model_actions
    # Scrubbing to batch 2 shows that snapshot's kernels, and the drawing through its weights.
    page.history_bar.choose(2)
    weights = history.weights(2)
    assert history.snapshots[2].step == 2
    expected = tile(weights[0][:, :, 0, :], grid_for(32, 3, 3, cols=8))
    np.testing.assert_array_equal(page.kernels.first_picture(), expected)
    assert page.curves.cursor_x() == pytest.approx(2 / 12)
    reference = Inspector.load(model).with_weights(weights)

    def through_snapshot() -> bool:
        update = window.last_update
        if update is None or update.drawing is not window.canvas.drawing:
            return False
        return np.allclose(update.result.probabilities, reference.run(update.result.image).probabilities, atol=1e-5)

    qtbot.waitUntil(through_snapshot, timeout=60_000)
    # Leaving the page: the live page shows the trained model's own weights again.
    window.pages.setCurrentIndex(0)
    assert window.canvas.isVisibleTo(window.splitter)
    final = Inspector.load(model)

    def own_weights() -> bool:
        update = window.last_update
        return update is not None and np.allclose(update.result.probabilities,
                                                  final.run(update.result.image).probabilities, atol=1e-5)

    qtbot.waitUntil(own_weights, timeout=60_000)
    wait_settled(qtbot, window)


def test_closing_while_training_asks_and_no_keeps_it_going(qtbot, window, small_npz, tmp_path, monkeypatch):
    window.pages.setCurrentIndex(TRAINING_PAGE)
    page = window.training_view
    _tiny(page, small_npz, epochs=50)
    page.start()
    qtbot.waitUntil(lambda: page.run.step >= 2, timeout=RUN_TIMEOUT_MS)
    answers = []

    def answer(choice):
        def question(*args, **kwargs):
            answers.append(args[1])
            return choice
        return question

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.No))
    assert not window.close()
    assert answers == ["Training is running"] and page.running and window.isVisible()
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    assert window.close()
    assert not page.run.process.alive
    assert list((tmp_path / "trained").glob("*.keras")) == []  # stopped: no model written
    assert TrainingHistory.open(next((tmp_path / "trained").glob("*.history"))).snapshots[0].step == 0


def test_a_folder_that_is_not_a_history_is_one_line_and_the_page_stays_usable(qtbot, window, tmp_path):
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "history.json").write_text("{not json", encoding="utf-8")
    assert not window.training.open_history(tmp_path / "junk")
    assert window.pages.currentIndex() == TRAINING_PAGE
    text = window.training_view.status.text()
    assert "history.json" in text and "JSON" in text and "\n" not in text
    assert window.training_view.start_button.isEnabled()


def test_a_folder_the_page_cannot_write_to_is_one_line_and_nothing_starts(qtbot, window, tmp_path):
    window.pages.setCurrentIndex(TRAINING_PAGE)
    page = window.training_view
    page.folder = tmp_path / "a file"
    page.folder.write_text("not a folder")
    page.start()
    text = page.status.text()
    assert not page.running and page.run is None and "\n" not in text
    assert "a file: is not a folder" in text and "--out" not in text and "Training page keeps models in" in text
    assert page.start_button.isEnabled() and page.folder.read_text() == "not a folder"


def test_the_explorer_sends_its_network_to_the_page(qtbot, window):
    window.pages.setCurrentIndex(2)
    explorer = window.explorer
    explorer.set_layer_setting(len(explorer.architecture.layers) - 1, "units", 5)  # 5 outputs: not digits
    assert not explorer.train_button.isEnabled()
    explorer.undo_stack.undo()
    assert explorer.train_button.isEnabled()
    explorer.train_button.click()
    assert window.pages.currentIndex() == TRAINING_PAGE
    page = window.training_view
    assert page.form.architecture() == explorer.architecture
    assert page.form.arch_box.currentText() == "the explorer's network"
