"""The Training page drives a real (tiny) run in its own process: live kernels and curves, the drawing
through the newest weights, the model written and offered at the end (the live model changes only when the
user takes it), a history to scrub, opened on its last snapshot with its run's settings — and closing while
it trains asks first."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QMessageBox

from guiapp import paths
from guiapp.core.training.history import RunSettings, TrainingHistory
from guiapp.core.training.history_writer import HistoryWriter
from guiapp.core.training.presets import PRESETS
from guiapp.core.training.training import TrainingConfig
from guiapp.core.live.mosaic import grid_for, tile
from guiapp.core.model.architectures import ARCHITECTURES
from guiapp.core.model.inference import Inspector
from guiapp.core.model.modelcard import card_path_for
TRAINING_PAGE = 3  # the pages: Live network, Conv arithmetic, Architecture explorer, Training
from guiapp.ui.settings import load_settings
from guiapp.ui.training.training_page import TrainingPage
from tests.core.training.test_history_hostile import _weights, make_history
from tests.ui.conftest import MODEL_TIMEOUT_MS, _opened, settled, wait_settled

RUN_TIMEOUT_MS = 300_000  # TensorFlow's import in a fresh process on a slow, busy host, then 24 small batches
OTHER_MODEL = paths.MODELS_DIR / "mnist_cnn.keras"  # a live model that is not the default one
RUN = RunSettings(epochs=2, batch_size=32, optimizer="sgd", learning_rate=0.05, seed=7, train_samples=3000)


def _tiny(page, small_npz, epochs=2):
    page.data = small_npz
    page.form.use_preset("full")  # the original recipe's optimizer (the form opens on the quick demo's)
    page.form.epochs.setValue(epochs)
    page.form.batch.setValue(64)


@pytest.fixture()
def page(qtbot, tmp_path):
    widget = TrainingPage(tmp_path / "trained")
    qtbot.addWidget(widget)
    return widget


@pytest.fixture()
def other_window(qtbot, store, window_paths):
    yield from _opened(qtbot, store, window_paths, OTHER_MODEL)


def _saved_model(window, store) -> str:
    """The model the next launch opens, as the window saves it."""
    window.save_settings()
    return load_settings(store).model_path


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
    assert "on the test digits" in page.status.text() and page.progress.value() == 24
    # The curves got every batch and both epochs' validation; the bar every snapshot.
    x, loss = page.curves.loss_points()
    assert len(loss) == 24 and np.allclose(x, np.arange(1, 25) / 12)
    assert np.allclose(page.curves.validation_points()[0], [1.0, 2.0])
    history = TrainingHistory.open(model.with_suffix(".history"))
    assert page.history_bar.slider.maximum() == len(history.snapshots) - 1 == 6
    # The trained model joined the Model menu; the history records how the run was asked to train.
    assert model.resolve() in window.menus.model_actions
    assert history.settings == RunSettings(epochs=2, batch_size=64, optimizer="adadelta", learning_rate=1.0, seed=0,
                                           train_samples=768)
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
    # Leaving the page: the live page shows its own model (the shipped one, not taken over) with its own weights.
    window.pages.setCurrentIndex(0)
    assert window.canvas.isVisibleTo(window.splitter)
    final = Inspector.load(paths.DEFAULT_MODEL)

    def own_weights() -> bool:
        update = window.last_update
        return (update is not None and window.inspector.path == paths.DEFAULT_MODEL
                and np.allclose(update.result.probabilities, final.run(update.result.image).probabilities, atol=1e-5))

    qtbot.waitUntil(own_weights, timeout=60_000)
    wait_settled(qtbot, window)


def test_a_finished_run_changes_the_live_model_only_when_the_user_takes_it(qtbot, other_window, store, small_npz,
                                                                         tmp_path):
    window = other_window
    assert window.inspector.path == OTHER_MODEL and _saved_model(window, store) == str(OTHER_MODEL)
    window.pages.setCurrentIndex(TRAINING_PAGE)
    page = window.training_view
    assert not page.use_button.isVisibleTo(page)  # nothing trained yet
    _tiny(page, small_npz, epochs=1)
    page.start()
    qtbot.waitUntil(lambda: not page.running, timeout=RUN_TIMEOUT_MS)
    model = next((tmp_path / "trained").glob("*.keras"))
    accuracy = json.loads(card_path_for(model).read_text())["test"]["accuracy"]
    # Listed and offered, not taken: the next launch still opens the user's model.
    assert model.resolve() in window.menus.model_actions
    assert page.use_button.isVisibleTo(page) and page.use_button.isEnabled()
    assert page.status.text() == (f"Trained: <b>{model.stem}</b>, {accuracy:.2%} on the test digits — Use this model "
                                  "to draw with it (it is in the Model menu too).")
    assert _saved_model(window, store) == str(OTHER_MODEL)
    # The page's drawing column previewed the run; the live page draws with the user's model.
    window.pages.setCurrentIndex(0)
    qtbot.waitUntil(lambda: window.inspector.path == OTHER_MODEL and settled(window), timeout=MODEL_TIMEOUT_MS)
    assert window.menus.model_actions[OTHER_MODEL.resolve()].isChecked()
    assert _saved_model(window, store) == str(OTHER_MODEL)
    # "Use this model": the live view and the next launch take it.
    window.pages.setCurrentIndex(TRAINING_PAGE)
    page.use_button.click()
    qtbot.waitUntil(lambda: window.inspector.path.resolve() == model.resolve(), timeout=MODEL_TIMEOUT_MS)
    assert Path(_saved_model(window, store)).resolve() == model.resolve()
    assert not page.use_button.isEnabled() and page.use_button.text() == "Use this model (in use)"
    assert page.status.text().endswith("on the test digits — the live view draws with it.")
    window.pages.setCurrentIndex(0)
    wait_settled(qtbot, window)
    assert window.inspector.path.resolve() == model.resolve()
    assert window.menus.model_actions[model.resolve()].isChecked()
    # Another model from the Model menu: the page offers the trained one again.
    window.menus.model_actions[OTHER_MODEL.resolve()].trigger()
    qtbot.waitUntil(lambda: window.inspector.path == OTHER_MODEL, timeout=MODEL_TIMEOUT_MS)
    assert page.use_button.isEnabled() and page.use_button.text() == "Use this model"
    wait_settled(qtbot, window)


def test_a_history_opens_on_its_last_snapshot_with_its_runs_settings(page, tmp_path):
    folder = tmp_path / "h"
    with HistoryWriter(folder, ARCHITECTURES["mnist_cnn"].to_dict(), 5, epochs=1, settings=RUN) as writer:
        writer.save_model(lambda path: path.write_bytes(b"the network as built"))
        for k, step in enumerate((0, 1, 2, 5)):
            writer.record(step, 2.3 / (k + 1), 0.1 * k)
            writer.add(step, _weights(k), {"loss": 2.3 / (k + 1)})
    assert page.open_history(folder)
    # Every view on the last snapshot: the bar, the curves' cursor, the kernels.
    bar = page.history_bar
    assert bar.index == 3 and bar.label.text() == "snapshot 4/4: batch 5 (epoch 1.00) · loss 0.575"
    assert page.curves.cursor_x() == pytest.approx(1.0)
    opened = page.kernels.first_picture().copy()
    bar.choose(0)
    assert not np.array_equal(page.kernels.first_picture(), opened)
    bar.choose(3)
    np.testing.assert_array_equal(page.kernels.first_picture(), opened)
    # The form holds the run's settings (2 epochs of 3,000 digits), and says whose they are.
    assert page.form.config() == TrainingConfig(architecture="mnist_cnn", epochs=2, batch_size=32, optimizer="sgd",
                                                learning_rate=0.05, train_size=3000, seed=7)
    assert page.form.origin.text() == "The settings mnist_cnn was trained with: Start trains a new network with them."


def test_a_history_without_settings_says_the_form_is_for_a_new_run(page, tmp_path):
    assert page.open_history(make_history(tmp_path / "h"))
    assert page.form.config() == PRESETS["quick"].config  # the form as it was: its first choice
    assert page.form.origin.text() == ("The history of tiny does not record its settings: these are the settings "
                                       "for a new run.")


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


def test_the_page_warms_a_trainer_when_shown_and_start_trains_in_it(qtbot, window, small_npz, tmp_path):
    """TensorFlow loads before Start; the run goes in that process (same pid: no second import); the page's
    quick preset trains the slice; a second run's trainer is warmed as the first ends."""
    window.pages.setCurrentIndex(TRAINING_PAGE)
    page = window.training_view
    qtbot.waitUntil(lambda: page.trainers.started == 1)  # the page asks for a warm trainer once it is on screen
    spare = page.trainers.spare
    qtbot.waitUntil(spare.check_ready, timeout=RUN_TIMEOUT_MS)
    page.data = small_npz
    assert page.form.config() == PRESETS["quick"].config  # the form's first choice
    page.start()
    assert page.run.process is spare and page.run.process.pid == spare.pid and page.run.warm
    assert "TensorFlow loads" not in page.status.text() and page.status.text().startswith(
        "Starting: mnist_cnn, 2 epochs of batches of 64, Adam at 0.001…")
    assert page.trainers.started == 1  # no second child for this run
    qtbot.waitUntil(lambda: not page.running, timeout=RUN_TIMEOUT_MS)
    assert "on the test digits" in page.status.text() and page.progress.value() == 24
    card = json.loads(card_path_for(page.trained).read_text())
    assert card["hyperparameters"]["optimizer"] == "Adam" and card["hyperparameters"]["epochs"] == 2
    # The next run's trainer is already loading TensorFlow; the window closing (its shutdown) ends it.
    second = page.trainers.spare
    assert page.trainers.started == 2 and second is not None and second.pid != spare.pid
    page.close_run()
    assert page.trainers.spare is None and not second.alive
