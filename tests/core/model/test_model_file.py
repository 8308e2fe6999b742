"""A model file is opened once per load and its checked bytes shared: the engines, Keras, the card's fields and
child processes all work from one :class:`ModelFile`, never from the path again."""

from __future__ import annotations

import builtins
import io
import json
import multiprocessing
import os
import pickle
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pytest

from guiapp import paths
from guiapp.core.errors import ModelFileError
from guiapp.core.model.architectures import Architecture, LayerSpec, build_model
from guiapp.core.model.inference import Inspector
from guiapp.core.model.keras_engine import MODEL_HINT, load_keras_model
from guiapp.core.model.keras_file import MAX_MODEL_BYTES
from guiapp.core.model.limits import BYTE_RANGE
from guiapp.core.model.model_file import ModelFile
from guiapp.core.model.modelcard import IGNORED
from tests.hostile_files import not_a_file

NAMES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
# A model the NumPy engine cannot run (UpSampling2D): Keras loads it.
TF_ONLY = Architecture("tf_only", (
    LayerSpec("Conv2D", "c", {"filters": 4, "kernel_size": 3}),
    LayerSpec("UpSampling2D", "up", {}),
    LayerSpec("Flatten", "f"),
    LayerSpec("Dense", "out", {"units": 10, "activation": "softmax"}),
))


@pytest.fixture()
def model(tmp_path) -> Path:
    """The shipped model beside a card of our own: class names, an input range and a nonsense field."""
    path = tmp_path / "digits.keras"
    shutil.copy(paths.DEFAULT_MODEL, path)
    path.with_suffix(".json").write_text(json.dumps({"classes": NAMES, "input_range": [0, 255]}), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def tf_only(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("tf") / "up.keras"
    build_model(TF_ONLY, seed=0).save(path)
    return path


@pytest.fixture()
def opens(monkeypatch):
    """How often each path is opened, by os.open (guiapp's checked door) or open() (zipfile, Keras)."""
    counts: dict[str, int] = {}
    real_os_open, real_open = os.open, builtins.open

    def count(path) -> None:
        if isinstance(path, (str, os.PathLike)):
            counts[os.fspath(path)] = counts.get(os.fspath(path), 0) + 1

    def os_open(path, *args, **kwargs):
        count(path)
        return real_os_open(path, *args, **kwargs)

    def py_open(path, *args, **kwargs):
        count(path)
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", os_open)
    monkeypatch.setattr(builtins, "open", py_open)
    monkeypatch.setattr(io, "open", py_open)
    return lambda path: counts.get(str(path), 0)


def _image() -> np.ndarray:
    return np.random.default_rng(3).random((28, 28), dtype=np.float32)


def test_a_load_opens_the_model_once_and_its_card_once(model, opens):
    inspector = Inspector.load(model)
    assert inspector.engine.name == "NumPy"
    assert opens(model) == 1 and opens(model.with_suffix(".json")) == 1


def test_a_keras_load_opens_the_model_once_too(tf_only, opens):
    inspector = Inspector.load(tf_only)
    assert inspector.engine.name == "TensorFlow" and inspector.model_file.kind == "zip"
    assert opens(tf_only) == 1  # Keras read a private copy of the checked bytes
    assert opens(tf_only.with_suffix(".json")) == 1
    load_keras_model(tf_only)  # and so does Keras' own door, given a path
    assert opens(tf_only) == 2


def test_the_card_fields_come_from_the_one_reading(model):
    inspector = Inspector.load(model)
    assert inspector.card == {"classes": NAMES, "input_range": [0, 255]} == inspector.model_file.card
    assert inspector.class_names == tuple(NAMES) and inspector.input_range == BYTE_RANGE
    assert inspector.card_notes == ()
    model.with_suffix(".json").write_text('{"classes": [1, 2]}', encoding="utf-8")
    noted = Inspector.load(model)
    assert noted.card_notes == (f'{model.with_suffix(".json")}: "classes" is not a list of 10 names, '
                                f"one per model output — {IGNORED}",)
    assert noted.class_names == tuple("0123456789")


def test_an_unreadable_card_is_a_note_in_the_model_file(model):
    card = model.with_suffix(".json")
    card.write_text("{not json", encoding="utf-8")
    read = ModelFile.read(model)
    assert read.card is None
    assert read.card_notes == (f"{card}: is not a JSON model card (JSONDecodeError) — {IGNORED}",)
    assert Inspector.load(read).card_notes == read.card_notes


@pytest.mark.parametrize("change", ["deleted", "garbage"])
def test_a_model_file_loads_when_the_file_on_disk_is_gone_or_garbage(model, change):
    expected = Inspector.load(model).run(_image())
    read = ModelFile.read(model)
    card = model.with_suffix(".json")
    if change == "deleted":
        model.unlink()
        card.unlink()
    else:
        model.write_bytes(b"garbage" * 100)
        card.write_text("garbage", encoding="utf-8")
    inspector = Inspector.load(read)
    assert inspector.path == model and inspector.class_names == tuple(NAMES)
    result = inspector.run(_image())
    for got, want in zip(result.layers, expected.layers, strict=True):
        np.testing.assert_allclose(got.activation, want.activation, rtol=1e-6, atol=1e-6)
    # The Keras model loaded later (explanations use it) is built from the same bytes, not from the file.
    keras_out = np.asarray(inspector.keras_model()(np.asarray(_image() * 255)[None, :, :, None]))[0]
    np.testing.assert_allclose(keras_out, expected.probabilities, atol=1e-4)


def test_the_tensorflow_engine_loads_a_model_file_whose_path_is_gone(tf_only, tmp_path):
    copy = tmp_path / "up.keras"
    shutil.copy(tf_only, copy)
    expected = Inspector.load(copy).run(_image()).probabilities
    read = ModelFile.read(copy)
    copy.write_bytes(b"PK\x03\x04 no longer a model")
    inspector = Inspector.load(read)
    assert inspector.engine.name == "TensorFlow" and inspector.model_file is read
    np.testing.assert_allclose(inspector.run(_image()).probabilities, expected, atol=1e-5)


def test_keras_reads_a_private_copy_that_is_deleted_after(tf_only, tmp_path, monkeypatch):
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    Inspector.load(tf_only)
    assert list(temporary.iterdir()) == []


def test_a_model_file_pickles_cheaply_and_runs_alike_in_another_inspector(model):
    read = ModelFile.read(model)
    sent = pickle.dumps(read)
    assert len(sent) < read.size + 4_000  # its bytes, a path and a card: nothing derived
    received = pickle.loads(sent)
    assert received == read and received.card == read.card
    by_path, by_bytes = Inspector.load(model), Inspector.load(received)
    assert by_bytes.class_names == by_path.class_names and by_bytes.input_range == by_path.input_range
    images = np.random.default_rng(1).random((5, 28, 28), dtype=np.float32)
    np.testing.assert_allclose(by_bytes.predict_probabilities(images), by_path.predict_probabilities(images),
                               rtol=1e-6, atol=1e-7)


def _run_in_child(conn) -> None:
    read = conn.recv()
    inspector = Inspector.load(read)
    result = inspector.run(_image())
    conn.send((inspector.class_names, result.layer("dense").activation, result.probabilities))
    conn.close()


def test_a_child_process_loads_the_model_sent_down_a_pipe_without_the_file(model):
    expected = Inspector.load(model).run(_image())
    read = ModelFile.read(model)
    model.unlink()  # the child cannot read the path: it must use the bytes sent
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    process = context.Process(target=_run_in_child, args=(child,), daemon=True)
    process.start()
    child.close()
    parent.send(read)
    assert parent.poll(120)
    names, dense, probabilities = parent.recv()
    process.join(60)
    assert process.exitcode == 0 and names == tuple(NAMES)
    np.testing.assert_allclose(dense, expected.layer("dense").activation, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(probabilities, expected.probabilities, rtol=1e-5, atol=1e-6)


def test_a_truncated_model_is_one_line_naming_it(model):
    data = model.read_bytes()
    model.write_bytes(data[: len(data) // 2])  # the zip's directory, at its end, is gone
    with pytest.raises(ModelFileError) as caught:
        ModelFile.read(model)
    message = str(caught.value)
    assert message.startswith(f"{model}: not a readable Keras model (") and "\n" not in message


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_a_model_path_that_is_not_a_file_is_one_line(tmp_path, kind):
    with not_a_file(kind, tmp_path / "model.keras") as (path, reason), pytest.raises(ModelFileError) as caught:
        ModelFile.read(path)
    assert str(caught.value) == f"{path}: {reason} — {MODEL_HINT}"


def test_a_huge_model_file_is_refused_unread(tmp_path):
    huge = tmp_path / "huge.keras"
    with open(huge, "wb") as handle:  # sparse: no disk used
        handle.truncate(MAX_MODEL_BYTES + 1)
    with pytest.raises(ModelFileError) as caught:
        ModelFile.read(huge)
    assert str(caught.value) == (f"{huge}: is {MAX_MODEL_BYTES + 1:,} bytes, more than the {MAX_MODEL_BYTES:,} "
                                 f"guiapp reads from such a file — {MODEL_HINT}")


def test_keras_errors_name_the_users_file_not_the_private_copy(tmp_path):
    odd = tmp_path / "digits.weights"  # a .keras archive under a name Keras does not load
    shutil.copy(paths.DEFAULT_MODEL, odd)
    with pytest.raises(ModelFileError) as caught:
        load_keras_model(odd)
    message = str(caught.value)
    assert message.startswith(f"{odd}: not a readable Keras model (File format not supported: filepath={odd}")
    assert "guiapp-model-" not in message and "\n" not in message


def test_a_snapshot_keeps_the_file_and_card_and_keras_gets_its_weights(model):
    inspector = Inspector.load(model)
    weights = [array for layer in inspector.weights.values() for array in (layer.kernel, layer.bias)
               if array is not None]
    snapshot = inspector.with_weights([w * 0.5 for w in weights])
    assert snapshot.model_file is inspector.model_file and snapshot.card == inspector.card
    assert snapshot.class_names == tuple(NAMES) and snapshot.input_range == BYTE_RANGE
    keras_kernel = snapshot.keras_model().get_layer("dense").get_weights()[0]
    np.testing.assert_allclose(keras_kernel, inspector.weights["dense"].kernel * 0.5, rtol=1e-6)
