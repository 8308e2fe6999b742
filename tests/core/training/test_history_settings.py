"""A history records how its run was asked to train (the index's ``settings``), reads them back range-checked,
and still opens when written before the field existed."""

from __future__ import annotations

import json

import pytest

from guiapp.core.errors import DataFileError
from guiapp.core.training.history import INDEX, RunSettings, TrainingHistory
from guiapp.core.training.history_writer import HistoryWriter
from guiapp.core.training.training import TrainingConfig, run_settings
from tests.core.training.test_history_hostile import (
    ARCHITECTURE,
    HINT,
    _weights,
    make_history,
)

SETTINGS = RunSettings(epochs=2, batch_size=32, optimizer="sgd", learning_rate=0.05, seed=7, train_samples=3000)


def _recorded(folder, settings=SETTINGS):
    with HistoryWriter(folder, ARCHITECTURE, 5, epochs=1, settings=settings) as writer:
        writer.save_model(lambda path: path.write_bytes(b"the network as built"))
        writer.add(0, _weights(0))
    return folder


def test_the_settings_a_run_was_given_are_read_back():
    config = TrainingConfig(epochs=2, batch_size=32, optimizer="sgd", learning_rate=0.05, seed=7, train_size=3000)
    assert run_settings(config, 3000) == SETTINGS


def test_a_history_records_its_settings_and_one_written_before_them_has_none(tmp_path):
    assert TrainingHistory.open(_recorded(tmp_path / "new")).settings == SETTINGS
    old = make_history(tmp_path / "old")
    assert "settings" not in json.loads((old / INDEX).read_text())
    assert TrainingHistory.open(old).settings is None


@pytest.mark.parametrize(("field", "value", "problem"), [
    ("epochs", 0, "epochs is 0, not from 1 to 1,000,000,000"),
    ("epochs", 2.5, "epochs is 2.5, not a whole number"),
    ("batch_size", "64", "batch size is '64', not a number"),
    ("train_samples", 10**400, f"training digits is 1{'0' * 19}…, not from 1 to 1,000,000,000"),
    ("seed", -1, "seed is -1, not from 0 to 9,223,372,036,854,775,807"),
    ("learning_rate", float("nan"), "learning rate nan is not a number from 0 to 1e+06"),
    ("learning_rate", 0, "learning rate 0 is not a number from 0 to 1e+06"),
    ("learning_rate", True, "learning rate True is not a number from 0 to 1e+06"),
    ("optimizer", "x" * 1000, f"optimizer '{'x' * 19}… is not a name"),
    ("optimizer", "<b>", "optimizer '<b>' is not a name"),
], ids=lambda value: str(value)[:12])
def test_settings_out_of_range_are_one_line_naming_the_index(tmp_path, field, value, problem):
    folder = _recorded(tmp_path / "h")
    index = json.loads((folder / INDEX).read_text())
    index["settings"][field] = value
    (folder / INDEX).write_text(json.dumps(index))
    with pytest.raises(DataFileError) as caught:
        TrainingHistory.open(folder)
    assert str(caught.value) == f"{folder / INDEX}: is not a guiapp training history ({problem}) — {HINT}"


def test_settings_that_are_not_an_object_are_refused(tmp_path):
    folder = _recorded(tmp_path / "h")
    index = json.loads((folder / INDEX).read_text())
    index["settings"] = [1, 2]
    (folder / INDEX).write_text(json.dumps(index))
    with pytest.raises(DataFileError, match=r"\(settings are not an object\)"):
        TrainingHistory.open(folder)
