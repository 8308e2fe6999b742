"""``train --init MODEL``: the weights come from the checked file, and the card records that file's sha256."""

from __future__ import annotations

import hashlib

import numpy as np

from guiapp.core.training.training import _initial_weights
from tests.models import GREY_28, make_model


def test_init_copies_the_weights_and_records_the_files_sha256(tmp_path):
    from guiapp.core.model.backend import keras

    source_path = make_model(tmp_path, GREY_28, 10, seed=1)
    target = keras().models.load_model(make_model(tmp_path / "other", GREY_28, 10, seed=2), compile=False)
    started_from = _initial_weights(target, source_path)
    assert started_from == {"file": source_path.name, "sha256": hashlib.sha256(source_path.read_bytes()).hexdigest()}
    source = keras().models.load_model(source_path, compile=False)
    for got, expected in zip(target.get_weights(), source.get_weights(), strict=True):
        np.testing.assert_array_equal(got, expected)


def test_an_init_file_declaring_too_many_parameters_is_refused_before_keras_builds_it(tmp_path, monkeypatch):
    """``--init`` goes through the same check as every model file: Dense(70000) is one line, nothing built."""
    import pytest

    from guiapp.core.errors import ModelFileError
    from guiapp.core.model import backend
    from tests.core.model.test_model_check import BOMB, _layer, _rezip, _shipped_config

    config = _shipped_config()
    _layer(config, "dense")["config"]["units"] = 70_000
    bomb = _rezip(tmp_path / "bomb.keras", config)
    monkeypatch.setattr(backend, "keras", lambda: pytest.fail("Keras was asked to load the bomb"))
    with pytest.raises(ModelFileError) as caught:
        _initial_weights(object(), bomb)
    assert str(caught.value) == f"{bomb}: {BOMB}"
