"""A model file is checked before any engine builds it: not a FIFO or a device, and no more parameters than
guiapp loads, counted from what the file declares (its config, and its weights' shapes) without building it."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import h5py
import pytest

from guiapp import paths
from guiapp.core.errors import ModelFileError
from guiapp.core.model import backend
from guiapp.core.model.fingerprint import fingerprint
from guiapp.core.model.inference import Inspector
from guiapp.core.model.keras_engine import MODEL_HINT, load_keras_model
from guiapp.core.model.model_check import check_model_file
from guiapp.core.model.param_count import declared_params
from tests.hostile_files import dev_zero_link, fifo, not_a_file

CAP = "more than the 100,000,000 guiapp loads"
# The bomb: the shipped model with Dense(128) made Dense(70000), its own small weights beside it.
BOMB = f"its config declares 645,908,826 parameters (dense alone 645,190,000), {CAP}"


def _shipped_config() -> dict:
    with zipfile.ZipFile(paths.DEFAULT_MODEL) as archive:
        return json.loads(archive.read("config.json"))


def _rezip(path: Path, config: dict, weights: bytes | None = None) -> Path:
    """A .keras archive written by hand: ``config``, the shipped metadata and (unless given) weights."""
    with zipfile.ZipFile(paths.DEFAULT_MODEL) as shipped:
        metadata, shipped_weights = shipped.read("metadata.json"), shipped.read("model.weights.h5")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("metadata.json", metadata)
        archive.writestr("config.json", json.dumps(config))
        archive.writestr("model.weights.h5", shipped_weights if weights is None else weights)
    return path


def _layer(config: dict, name: str) -> dict:
    return next(entry for entry in config["config"]["layers"] if entry["config"]["name"] == name)


@pytest.fixture()
def keras_never_asked(monkeypatch):
    """Fail the test if anything reaches Keras' loader (it would build the parameters first)."""
    def refuse() -> None:
        raise AssertionError("Keras was asked to load a file the check should have refused")

    monkeypatch.setattr(backend, "keras", refuse)


def test_a_dense_70000_bomb_is_one_line_before_any_engine_builds_it(tmp_path, keras_never_asked):
    config = _shipped_config()
    _layer(config, "dense")["config"]["units"] = 70_000
    bomb = _rezip(tmp_path / "bomb.keras", config)
    assert bomb.stat().st_size < 5_000_000  # a small file…
    for engine in ("auto", "numpy", "tensorflow"):
        with pytest.raises(ModelFileError) as caught:
            Inspector.load(bomb, engine=engine)
        assert str(caught.value) == f"{bomb}: {BOMB}"
    with pytest.raises(ModelFileError) as caught:  # …and Keras' own door, used for the lazily loaded Keras model
        load_keras_model(bomb)
    assert str(caught.value) == f"{bomb}: {BOMB}"


def test_after_a_layer_without_a_formula_the_count_is_still_bounded_from_below(tmp_path, keras_never_asked):
    config = _shipped_config()
    _layer(config, "flatten")["class_name"] = "MysteryFlatten"  # no formula: the shapes after it are unknown
    _layer(config, "dense")["config"]["units"] = 200_000_000  # at least one weight per unit, whatever comes in
    del _layer(config, "dense")["build_config"]  # nor says what it is built for
    bomb = _rezip(tmp_path / "mystery.keras", config)
    with pytest.raises(ModelFileError) as caught:
        Inspector.load(bomb)
    # 320 + 18,496 (the convolutions, exact) + 200,000,000 (dense: at least its units) + 1,290 (dense_1, exact
    # from the input shape its build_config declares)
    assert str(caught.value) == f"{bomb}: its config declares 200,020,106 parameters (dense alone 200,000,000), {CAP}"


def test_weights_declaring_more_numbers_than_the_cap_are_refused_unread(tmp_path, keras_never_asked):
    weights = tmp_path / "declares.h5"
    with h5py.File(weights, "w") as store:  # chunked and never written: a tiny file declaring 200 M numbers
        store.create_dataset("layers/dense/vars/0", shape=(20_000, 10_000), dtype="f4", chunks=(100, 100))
    assert weights.stat().st_size < 100_000
    model = _rezip(tmp_path / "declares.keras", _shipped_config(), weights.read_bytes())
    with pytest.raises(ModelFileError) as caught:
        Inspector.load(model)
    assert str(caught.value) == (f"{model}: its weights file declares more than 100,000,000 numbers, "
                                 "the most parameters guiapp loads")


def test_a_legacy_h5_model_is_counted_from_its_model_config(tmp_path, keras_never_asked):
    config = {"class_name": "Sequential", "config": {"name": "old", "layers": [
        {"class_name": "InputLayer", "config": {"name": "input", "batch_input_shape": [None, 28, 28, 1]}},
        {"class_name": "Flatten", "config": {"name": "flatten"}},
        {"class_name": "Dense", "config": {"name": "wide", "units": 200_000}},
    ]}}
    path = tmp_path / "old.h5"
    with h5py.File(path, "w") as store:
        store.attrs["model_config"] = json.dumps(config)
        store.create_group("model_weights")
    with pytest.raises(ModelFileError) as caught:
        Inspector.load(path)
    assert str(caught.value) == f"{path}: its config declares 157,000,000 parameters, {CAP}"  # (784 + 1) × 200,000


def test_the_count_is_the_ledgers_for_every_shipped_model():
    for model in (paths.DEFAULT_MODEL, paths.MODELS_DIR / "colour_digits.keras"):
        with zipfile.ZipFile(model) as archive:
            config = json.loads(archive.read("config.json"))
        assert check_model_file(model) == "zip"
        assert declared_params(config) == Inspector.load(model).ledger.total_params


def test_a_functional_model_with_a_branch_and_a_model_inside_is_counted_exactly():
    from guiapp.core.model.backend import keras

    k = keras()
    image = k.Input((28, 28, 1))
    first = k.layers.Conv2D(8, 3, padding="same", name="first")(image)
    second = k.layers.Conv2D(8, 3, padding="same", name="second")(first)
    joined = k.layers.Add(name="add")([first, second])  # two inputs: no single shape to follow
    third = k.layers.Conv2D(4, 3, name="third")(joined)
    inner = k.Sequential([k.Input((26, 26, 4)), k.layers.Conv2D(6, 3, name="inner_conv"), k.layers.Flatten()],
                         name="inner")
    model = k.Model(image, k.layers.Dense(10, name="out")(inner(third)))
    config = json.loads(json.dumps({"class_name": "Functional", "config": model.get_config()}))
    assert declared_params(config) == model.count_params() == 35_748


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_a_model_path_that_is_not_a_file_is_one_line_at_once(tmp_path, kind, keras_never_asked):
    path = tmp_path / "model.keras"
    with not_a_file(kind, path) as (_, reason), pytest.raises(ModelFileError) as caught:
        Inspector.load(path)
    assert str(caught.value) == f"{path}: {reason} — {MODEL_HINT}"


def test_the_fingerprint_hashes_the_files_bytes_and_falls_back_to_the_weights(tmp_path, shipped_inspector):
    whole = hashlib.sha256(b"label" + paths.DEFAULT_MODEL.read_bytes()).hexdigest()
    assert fingerprint(shipped_inspector, "label") == whole  # the bytes read at load: the same key as before
    in_memory = Inspector.load(paths.DEFAULT_MODEL)
    in_memory.path = in_memory.model_file = None
    by_weights = fingerprint(in_memory, "label")
    with fifo(tmp_path / "gone.keras") as pipe:  # named after a file now a FIFO: its weights, no blocked read
        in_memory.path = pipe
        assert fingerprint(in_memory, "label") == by_weights != whole
    in_memory.path = dev_zero_link(tmp_path / "zero.keras")  # or a link to endless zeros
    assert fingerprint(in_memory, "label") == by_weights


def test_the_fingerprint_is_of_the_bytes_loaded_not_of_the_file_now(tmp_path):
    model = tmp_path / "m.keras"
    model.write_bytes(paths.DEFAULT_MODEL.read_bytes())
    inspector = Inspector.load(model)
    model.write_bytes(b"retrained since")  # the loaded model has not changed: nor has its key
    assert fingerprint(inspector, "label") == hashlib.sha256(b"label" + paths.DEFAULT_MODEL.read_bytes()).hexdigest()


def test_a_snapshot_with_other_weights_is_keyed_by_them_not_by_its_file(shipped_inspector):
    weights = [array for layer in shipped_inspector.weights.values() for array in (layer.kernel, layer.bias)
               if array is not None]
    same = shipped_inspector.with_weights(weights)
    moved = shipped_inspector.with_weights([w * 0.5 for w in weights])
    assert same.model_file is shipped_inspector.model_file and same.card == shipped_inspector.card
    assert fingerprint(moved, "label") != fingerprint(same, "label")  # by their weights, not by the file
    assert fingerprint(shipped_inspector, "label") not in (fingerprint(moved, "label"), fingerprint(same, "label"))
