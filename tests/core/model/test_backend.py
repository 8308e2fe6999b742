"""backend: Keras (TensorFlow backend) imported once, quietly; the versions for model cards."""

from __future__ import annotations

import os

from guiapp.core.model.backend import keras, tensorflow, versions


def test_keras_is_imported_once_with_the_tensorflow_backend():
    module = keras()
    assert module is keras()
    assert module.backend.backend() == "tensorflow"
    assert os.environ["KERAS_BACKEND"] == "tensorflow"
    assert tensorflow().__name__ == "tensorflow"


def test_versions_name_the_numeric_stack():
    found = versions()
    assert set(found) == {"python", "tensorflow", "keras", "numpy"}
    assert found["keras"].startswith("3.")
    assert all(value and value[0].isdigit() for value in found.values())
