"""A model card comes with a stranger's model: read through the checked door, each field used only when it makes
sense, and a nonsense field ignored — said in one line — with the model still usable."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from guiapp import paths
from guiapp.core.model.inference import Inspector
from guiapp.core.model.limits import BYTE_RANGE, UNIT_RANGE
from guiapp.core.model.modelcard import card_accuracy, describe
from tests.hostile_files import DEVICE_REASON, FIFO_REASON, dev_zero_link, fifo

IGNORED = "ignored: the model is used without it"
RANGE_NOTE = '"input_range" is not two numbers low < high within ±1,000,000 — ' + IGNORED
HUGE = "1" + "0" * 400  # a 400-digit integer: float() of it raises OverflowError


@pytest.fixture()
def model(tmp_path):
    path = tmp_path / "digits.keras"
    shutil.copy(paths.DEFAULT_MODEL, path)
    return path


def _works(inspector: Inspector) -> None:
    probabilities = inspector.run(np.zeros(inspector.image_shape, np.float32)).probabilities
    assert probabilities.shape == (10,) and abs(float(probabilities.sum()) - 1) < 1e-4


@pytest.mark.parametrize("value", [f"[0, {HUGE}]", f"[-{HUGE}, 1]", "[0, 1e400]", '"0..255"', "[[0], [1]]",
                                   "[255, 0]", "[0, 1e7]", "[0, NaN]", "[false, true]", "[0, 1, 2]"])
def test_a_nonsense_input_range_is_ignored_and_said_and_the_model_works(model, value):
    card = model.with_suffix(".json")
    card.write_text(f'{{"input_range": {value}}}', encoding="utf-8")
    inspector = Inspector.load(model)
    assert inspector.input_range == UNIT_RANGE  # the model's own: no Rescaling layer inside
    assert inspector.card_notes == (f"{card}: {RANGE_NOTE}",)
    _works(inspector)


def test_a_sane_input_range_is_used_without_a_note(model):
    model.with_suffix(".json").write_text('{"input_range": [0, 255]}', encoding="utf-8")
    inspector = Inspector.load(model)
    assert inspector.input_range == BYTE_RANGE and inspector.card_notes == ()


def test_class_names_that_are_not_one_name_per_output_are_ignored_and_said(model):
    card = model.with_suffix(".json")
    card.write_text(f'{{"classes": [true, 1, 2, 3, 4, 5, 6, 7, 8, {HUGE}]}}', encoding="utf-8")
    inspector = Inspector.load(model)
    assert inspector.class_names == tuple("0123456789")
    assert inspector.card_notes == (f'{card}: "classes" is not a list of 10 names, one per model output — {IGNORED}',)


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "not json"])
def test_a_card_that_is_not_a_card_file_is_ignored_and_said(model, kind):
    card = model.with_suffix(".json")
    if kind == "fifo":
        with fifo(card):
            inspector = Inspector.load(model)
        problem = f"the model card {FIFO_REASON}"
    elif kind == "dev-zero":
        dev_zero_link(card)
        inspector = Inspector.load(model)
        problem = f"the model card {DEVICE_REASON}"
    else:
        card.write_text("[" * 100_000, encoding="utf-8")
        inspector = Inspector.load(model)
        problem = "is not a JSON model card (RecursionError)"
    assert inspector.card_notes == (f"{card}: {problem} — {IGNORED}",)
    assert inspector.class_names == tuple("0123456789")
    _works(inspector)


def test_the_shipped_cards_give_no_note():
    for model in sorted(paths.MODELS_DIR.glob("*.keras")):
        assert Inspector.load(model).card_notes == ()


def test_numbers_too_large_to_mean_anything_are_not_shown():
    huge = 10**400
    assert card_accuracy({"test": {"accuracy": huge}}) is None
    assert card_accuracy({"test": {"accuracy": float("nan")}}) is None
    assert card_accuracy({"test": {"accuracy": 0.99}}) == 0.99
    line = describe({"training_data": {"mnist_augmented": huge, "pendigits_rendered": 5, "pendigits_digits": -1}})
    assert line == "trained for drawn digits: MNIST + ? varied MNIST digits + 5 renders of ? pen-drawn digits; " \
                   "MNIST accuracy unknown"


def test_describe_gives_the_pen_figures_and_temperature_a_card_holds():
    card = {"test": {"accuracy": 0.9925}, "hyperparameters": {"temperature": 1.3},
            "training_data": {"mnist_augmented": 20000, "pendigits_rendered": 59952, "pendigits_digits": 7494},
            "measured": {"pen_digits": {"halves": 0.9931, "styles": 0.9712}}}
    assert describe(card) == ("trained for drawn digits: MNIST + 20,000 varied MNIST digits + 59,952 renders of "
                              "7,494 pen-drawn digits; 99.25% on MNIST test; pen digits it never saw: 99.3% (same "
                              "writers), 97.1% (unseen styles); bars calibrated (temperature 1.30)")
    hostile = {**card, "hyperparameters": {"temperature": float("nan")},
               "measured": {"pen_digits": {"halves": 7, "styles": "x"}}}
    assert describe(hostile).endswith("99.25% on MNIST test")
