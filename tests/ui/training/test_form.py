"""The Training page's settings form: a replayed run's own settings, said to be that run's; a history that does
not record them leaves the form as it is, said to be the settings for a new run."""

from __future__ import annotations

import pytest

from guiapp.core.training.history import RunSettings
from guiapp.core.training.training import TrainingConfig
from guiapp.core.model.architectures import ARCHITECTURES
from guiapp.ui.training.form import TrainingForm

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
    assert form.config() == TrainingConfig()  # the seed's recipe: 12 epochs of all 60,000 digits
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
