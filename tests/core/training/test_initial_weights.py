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


def test_init_opens_its_file_once_and_records_the_bytes_keras_loaded(tmp_path, monkeypatch):
    """Checked, loaded and hashed from one reading: a file replaced after it was read changes nothing."""
    import builtins
    import hashlib
    import io
    import os

    from guiapp.core.model.backend import keras

    source_path = make_model(tmp_path, GREY_28, 10, seed=1)
    target = keras().models.load_model(make_model(tmp_path / "other", GREY_28, 10, seed=2), compile=False)
    expected = keras().models.load_model(source_path, compile=False).get_weights()
    original = source_path.read_bytes()
    opened = []
    real_os_open, real_open = os.open, builtins.open

    def os_open(path, *args, **kwargs):
        opened.append(os.fspath(path))
        result = real_os_open(path, *args, **kwargs)
        if os.fspath(path) == str(source_path):  # replaced once read: only a second opening would see it
            os.replace(make_model(tmp_path / "third", GREY_28, 10, seed=3), source_path)
        return result

    def py_open(path, *args, **kwargs):
        if isinstance(path, (str, os.PathLike)):
            opened.append(os.fspath(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", os_open)
    monkeypatch.setattr(builtins, "open", py_open)
    monkeypatch.setattr(io, "open", py_open)
    started_from = _initial_weights(target, source_path)
    monkeypatch.undo()
    assert opened.count(str(source_path)) == 1
    assert not any(path.endswith(".json") for path in opened)  # its card is not needed to start from it
    assert started_from["sha256"] == hashlib.sha256(original).hexdigest() != hashlib.sha256(
        source_path.read_bytes()).hexdigest()
    for got, want in zip(target.get_weights(), expected, strict=True):
        np.testing.assert_array_equal(got, want)


def test_a_file_keras_cannot_load_is_one_line_naming_it_not_the_private_copy(tmp_path):
    import shutil

    import pytest

    from guiapp import paths
    from guiapp.core.errors import GuiappError

    odd = tmp_path / "start.weights"  # a .keras archive under a name Keras does not load
    shutil.copy(paths.DEFAULT_MODEL, odd)
    with pytest.raises(GuiappError) as caught:
        _initial_weights(object(), odd)
    message = str(caught.value)
    assert message.startswith(f"{odd}: cannot start from it (File format not supported: filepath=/")
    assert message.endswith("— give a .keras model of the same architecture")
    assert "guiapp-model-" not in message and "\n" not in message
