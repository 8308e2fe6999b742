"""The Training page's settings form: the quick-demo preset at first, a preset's settings when one is chosen,
"Custom" once edited; a replayed run's own settings, said to be that run's; a history that does not record them
leaves the form as it is, said to be the settings for a new run; the random seed says what it is."""

from __future__ import annotations

import pytest

from PySide6.QtWidgets import QLabel

from guiapp.core.training.history import RunSettings
from guiapp.core.training.presets import PRESETS
from guiapp.core.training.training import TrainingConfig
from guiapp.core.model.architectures import ARCHITECTURES
from guiapp.ui.training.form import CUSTOM, RANDOM_SEED_TIP, TrainingForm

MNIST_CNN = ARCHITECTURES["mnist_cnn"].to_dict()
RUN = RunSettings(epochs=2, batch_size=32, optimizer="sgd", learning_rate=0.05, seed=7, train_samples=3000)


@pytest.fixture()
def form(qtbot):
    widget = TrainingForm()
    qtbot.addWidget(widget)
    return widget


def test_a_runs_settings_fill_the_form_until_the_user_changes_one(form):
    form.show_run(RUN, MNIST_CNN, "mnist_cnn")
    assert form.config() == TrainingConfig(architecture="mnist_cnn", epochs=2, batch_size=32, optimizer="sgd",
                                           learning_rate=0.05, train_size=3000, seed=7)
    assert form.origin.text() == "The settings mnist_cnn was trained with: Start trains a new network with them."
    assert form.origin.isVisibleTo(form)
    form.epochs.setValue(3)  # no longer the run's
    assert form.origin.text() == "" and not form.origin.isVisibleTo(form)
    assert form.config().epochs == 3 and form.config().learning_rate == 0.05


def test_a_history_without_settings_says_the_form_is_for_a_new_run(form):
    form.show_run(None, MNIST_CNN, "mnist_cnn")
    assert form.config() == PRESETS["quick"].config  # what the form held: the quick demo, its first choice
    assert form.origin.text() == ("The history of mnist_cnn does not record its settings: these are the settings "
                                  "for a new run.")


def test_what_the_form_cannot_hold_is_said(form):
    unusual = RunSettings(epochs=300, batch_size=64, optimizer="rmsprop", learning_rate=1e-7, seed=0,
                          train_samples=50)
    form.show_run(unusual, {"name": "tiny", "layers": []}, "tiny")
    assert form.origin.text() == (
        "The settings tiny was trained with (the network is not one this form offers; optimizer 'rmsprop' is not "
        "one this form offers; epochs 300 is outside this form's 1–200; training digits 50 is outside this "
        "form's 100–60,000; learning rate 1e-07 does not fit this form's box): Start trains a new network with "
        "them.")
    assert form.epochs.value() == 200 and form.size.value() == 100


def test_the_form_opens_on_the_quick_demo_and_a_chosen_preset_fills_every_setting(form):
    assert form.preset.currentText() == "Quick demo (~45 s)" and form.config() == PRESETS["quick"].config
    assert form.preset.toolTip() == PRESETS["quick"].tooltip
    assert form.note.text().startswith("188 batches an epoch × 2 = 376 steps")  # 12,000 digits in batches of 64
    form.seed.setValue(5)
    form.preset.activated.emit(form.preset.findData("full"))  # the user picks "Full recipe (12 epochs)"
    assert form.config() == TrainingConfig(seed=5)  # the random seed stays the user's
    assert form.preset.currentText() == "Full recipe (12 epochs)"
    form.preset.activated.emit(form.preset.findData("lecture"))
    assert form.config() == TrainingConfig(**{**PRESETS["lecture"].config.__dict__, "seed": 5})


def test_editing_a_setting_makes_the_preset_custom_and_putting_it_back_finds_the_preset(form):
    form.epochs.setValue(3)
    assert form.preset.currentText() == CUSTOM and "no preset's" in form.preset.toolTip()
    form.preset.activated.emit(form.preset.findText(CUSTOM))  # "Custom" changes nothing
    assert form.config().epochs == 3 and form.preset.currentText() == CUSTOM
    form.epochs.setValue(2)
    assert form.preset.currentText() == "Quick demo (~45 s)"
    form.set_enabled(False)  # a run is going
    assert not form.preset.isEnabled()


def test_the_random_seed_is_called_random_seed_and_no_label_says_seed_alone(form):
    labels = [label.text() for label in form.findChildren(QLabel)]
    assert "Random seed" in labels and "Seed" not in labels
    assert form.seed.toolTip() == RANDOM_SEED_TIP and RANDOM_SEED_TIP.startswith("Same random seed, same settings")
    texts = [form.optimizer.toolTip(), form.preset.toolTip(), *labels]
    assert not [text for text in texts if "seed's" in text]  # "seed" never means the original articles here
