"""choice_bar: B chosen from the shipped models, A's randomised twin (its layers and seed), a file or a history's
snapshot; the entries that ask for a path first give the combo back to what B is."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog

from guiapp import paths
from guiapp.ui.compare.choice import FILE, SNAPSHOT, TWIN, Choice
from guiapp.ui.compare.choice_bar import ChoiceBar

SHIPPED = [paths.SEED_MODEL, paths.DEFAULT_MODEL]
TWIN_ENTRY = "A's randomised twin"
LAYERS = ("conv2d", "conv2d_1", "dense", "dense_1")


@pytest.fixture()
def bar(qtbot):
    widget = ChoiceBar(SHIPPED)
    qtbot.addWidget(widget)
    widget.show()
    chosen: list[Choice] = []
    widget.choiceChanged.connect(chosen.append)
    widget.chosen = chosen
    return widget


def activate(bar: ChoiceBar, text: str) -> None:
    """As a user picks the entry reading ``text``."""
    index = bar.combo.findText(text)
    assert index >= 0, text
    bar.combo.setCurrentIndex(index)
    bar.combo.activated.emit(index)


def test_the_entries_are_the_shipped_models_then_the_twin_and_the_two_that_ask_for_a_path(bar):
    texts = [bar.combo.itemText(i) for i in range(bar.combo.count())]
    assert texts == ["mnist_cnn", "mnist_cnn_drawn", "A's randomised twin", "a model file…", "a training snapshot…"]
    assert not bar.layers.isVisible() and not bar.snapshot.isVisible()


def test_a_shipped_model_picked_is_chosen(bar):
    activate(bar, "mnist_cnn_drawn")
    assert bar.chosen == [Choice(FILE, paths.DEFAULT_MODEL)] and bar.choice == Choice(FILE, paths.DEFAULT_MODEL)
    activate(bar, "mnist_cnn_drawn")  # the same again: nothing new
    assert len(bar.chosen) == 1


def test_the_twin_entry_and_its_slider_and_seed_choose_the_twin(bar):
    bar.set_weighted_layers(LAYERS)
    assert (bar.layers.minimum(), bar.layers.maximum()) == (0, len(LAYERS)) and bar.chosen == []
    activate(bar, TWIN_ENTRY)
    assert bar.chosen == [Choice(TWIN, layers=1)] and bar.layers.isVisible() and bar.seed.isVisible()
    assert bar.layers_text.text() == "1 of 4" and bar.layers.toolTip() == "re-initialised: dense_1"
    bar.layers.setValue(3)
    assert bar.chosen[-1] == Choice(TWIN, layers=3)
    assert bar.layers.toolTip() == "re-initialised: dense_1, dense, conv2d_1"
    bar.seed.setValue(42)
    assert bar.chosen[-1] == Choice(TWIN, layers=3, seed=42)
    bar.layers.setValue(0)
    assert bar.chosen[-1] == Choice(TWIN, layers=0, seed=42) and bar.layers_text.text() == "0 of 4"
    assert bar.layers.toolTip() == "re-initialised: none"


def test_the_slider_chooses_nothing_while_b_is_not_the_twin(bar):
    bar.set_weighted_layers(LAYERS)
    activate(bar, "mnist_cnn")
    bar.layers.setValue(2)
    assert bar.chosen == [Choice(FILE, paths.SEED_MODEL)]


def test_choose_twin_chooses_once(bar):
    bar.set_weighted_layers(LAYERS)
    bar.choose_twin(2, seed=5)
    assert bar.chosen == [Choice(TWIN, layers=2, seed=5)]
    assert bar.combo.currentText() == TWIN_ENTRY


def test_a_model_file_entry_asks_for_a_path_and_leaves_b_as_it_was_when_cancelled(qtbot, bar, monkeypatch):
    asked: list[str] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: asked.append("file") or ("", ""))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args, **kwargs: asked.append("folder") or "")
    activate(bar, "mnist_cnn")
    with qtbot.waitSignal(bar.openFileRequested):
        activate(bar, "a model file…")
    assert asked == ["file"] and bar.choice == Choice(FILE, paths.SEED_MODEL) and len(bar.chosen) == 1
    assert bar.combo.currentText() == "mnist_cnn"
    with qtbot.waitSignal(bar.openHistoryRequested):
        activate(bar, "a training snapshot…")
    assert asked == ["file", "folder"] and bar.combo.currentText() == "mnist_cnn" and len(bar.chosen) == 1
    bar.set_weighted_layers(LAYERS)
    activate(bar, TWIN_ENTRY)
    activate(bar, "a model file…")
    assert bar.combo.currentText() == TWIN_ENTRY and bar.chosen[-1] == Choice(TWIN, layers=1)


def test_a_model_file_given_by_the_dialog_is_chosen(bar, monkeypatch, tmp_path):
    path = tmp_path / "given.keras"
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(path), ""))
    activate(bar, "a model file…")
    assert bar.chosen == [Choice(FILE, path)] and bar.combo.currentText() == "given.keras"


def test_a_history_that_cannot_be_read_is_one_line(qtbot, bar, tmp_path):
    (tmp_path / "history.json").write_text("[[[ not a history")
    with qtbot.waitSignal(bar.failed) as caught:
        problem = bar.open_history(tmp_path)
    assert caught.args == [problem] and "\n" not in problem and "history.json" in problem and bar.chosen == []


def test_a_file_opened_is_listed_once_and_chosen(bar, tmp_path):
    path = tmp_path / "mine.keras"
    bar.add_file(path)
    assert bar.chosen == [Choice(FILE, path)] and bar.combo.currentText() == "mine.keras"
    count = bar.combo.count()
    bar.choose_file(path)
    bar.choose_file(paths.SEED_MODEL)  # already listed
    assert bar.combo.count() == count and bar.chosen[-1] == Choice(FILE, paths.SEED_MODEL)
    texts = [bar.combo.itemText(i) for i in range(count)]
    assert texts.index("mine.keras") < texts.index("A's randomised twin")


def test_a_history_lists_its_snapshots_and_the_slider_chooses_one(bar):
    folder = Path("/runs/history")
    bar.set_history(folder, ["step 0 (epoch 0.00)", "step 100 (epoch 0.50)", "step 200 (epoch 1.00)"])
    assert bar.chosen == [Choice(SNAPSHOT, folder, snapshot=0)] and bar.snapshot.isVisible()
    assert bar.snapshot.maximum() == 2 and bar.snapshot_text.text() == "step 0 (epoch 0.00)"
    assert bar.combo.currentText() == "history (history)"
    bar.snapshot.setValue(2)
    assert bar.chosen[-1] == Choice(SNAPSHOT, folder, snapshot=2) and bar.snapshot_text.text() == "step 200 (epoch 1.00)"
    assert not bar.layers.isVisible()
    count = bar.combo.count()
    bar.set_history(folder, ["step 0 (epoch 0.00)"])  # opened again: one entry
    assert bar.combo.count() == count and bar.chosen[-1] == Choice(SNAPSHOT, folder, snapshot=0)
    assert bar.snapshot.maximum() == 0


def test_a_shows_its_name(bar):
    bar.show_a("mnist_cnn_drawn")
    assert bar.a_label.text() == "<b>A:</b> mnist_cnn_drawn"
