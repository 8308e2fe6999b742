"""Editing architectures: edits are new objects, names stay unique, JSON round-trips with clear errors."""

from __future__ import annotations

import json

import pytest

from guiapp.core.arithmetic.ledger import ledger_for_architecture
from guiapp.core.errors import ArchitectureError, OutputExistsError
from guiapp.core.model import arch_edit
from guiapp.core.model.architectures import ARCHITECTURES

SEED = ARCHITECTURES["mnist_cnn"]


def test_setting_a_value_answers_the_63_filter_question():
    edited = arch_edit.set_setting(SEED, 1, "filters", 63)
    assert SEED.layers[1].config["filters"] == 64  # the seed is untouched
    ledger = ledger_for_architecture(edited)
    assert ledger.row("conv2d_1").params == 18_207
    assert "params = (F·F·Cin + 1)·Cout = (3·3·32 + 1)·63 = 18,207" in ledger.row("conv2d_1").formulas
    assert ledger.total_params == ledger_for_architecture(ARCHITECTURES["mnist_cnn_63"]).total_params == 1_181_161


def test_insert_remove_move_keep_names_unique():
    arch = arch_edit.insert_layer(SEED, 3, "MaxPooling2D")
    assert [spec.name for spec in arch.layers][2:4] == ["max_pooling2d", "max_pooling2d_1"]
    arch = arch_edit.insert_layer(arch, 0, "Conv2D")
    assert arch.layers[0].name == "conv2d_2" and dict(arch.layers[0].config) == arch_edit.PALETTE["Conv2D"]
    assert len({spec.name for spec in arch.layers}) == len(arch.layers)
    moved = arch_edit.move_layer(arch, 0, 1)
    assert [s.name for s in moved.layers][:2] == ["conv2d", "conv2d_2"]
    assert arch_edit.move_layer(arch, 0, -1) == arch_edit.move_layer(arch, 0, 0)  # clamped at the top
    removed = arch_edit.remove_layer(arch, 0)
    assert [s.name for s in removed.layers] == [s.name for s in arch_edit.insert_layer(SEED, 3, "MaxPooling2D").layers]
    with pytest.raises(IndexError):
        arch_edit.remove_layer(SEED, 8)
    with pytest.raises(KeyError):
        arch_edit.insert_layer(SEED, 0, "LSTM")


def test_bad_values_are_refused_with_the_reason():
    with pytest.raises(ValueError, match="padding must be one of valid, same"):
        arch_edit.set_setting(SEED, 0, "padding", "full")
    with pytest.raises(ValueError, match="rate must be between 0 and 0.95"):
        arch_edit.set_setting(SEED, 3, "rate", 1.5)
    with pytest.raises(KeyError, match="Flatten has no editable setting"):
        arch_edit.set_setting(SEED, 4, "units", 3)


def test_impossible_sizes_are_kept_so_the_ledger_can_explain_them():
    arch = arch_edit.set_setting(SEED, 1, "kernel_size", 30)
    ledger = ledger_for_architecture(arch)
    assert ledger.error == "conv2d_1: a filter of size 30 does not fit the 26-wide input"
    assert arch_edit.training_problem(arch).startswith("it cannot be built")
    negative = ledger_for_architecture(arch_edit.set_setting(SEED, 0, "filters", -4))
    assert negative.error is not None and negative.error.startswith("conv2d:")


def test_training_problems():
    assert arch_edit.training_problem(SEED) is None
    assert "10 class scores" in arch_edit.training_problem(arch_edit.set_setting(SEED, 7, "units", 12))
    assert "softmax" in arch_edit.training_problem(arch_edit.set_setting(SEED, 7, "activation", "relu"))
    no_flatten = arch_edit.remove_layer(SEED, 4)
    assert "10 class scores" in arch_edit.training_problem(no_flatten)  # dense on the maps keeps them spatial


def test_json_round_trip_and_refusing_to_overwrite(tmp_path):
    arch = arch_edit.insert_layer(arch_edit.set_setting(SEED, 0, "padding", "same"), 3, "AveragePooling2D")
    path = arch_edit.save_architecture(arch, tmp_path / "mine.json")
    assert arch_edit.load_architecture(path) == arch
    assert json.loads(path.read_text())["layers"][0]["config"]["padding"] == "same"
    with pytest.raises(OutputExistsError):
        arch_edit.save_architecture(arch, path)
    arch_edit.save_architecture(SEED, path, force=True)
    assert arch_edit.load_architecture(path).layers == SEED.layers


@pytest.mark.parametrize("text, message", [
    ("{", "not JSON"),
    ("[]", "a JSON object with 'name' and 'layers'"),
    ('{"name": "x"}', "missing 'layers'"),
    ('{"name": "x", "layers": []}', "'layers' must be a non-empty list"),
    ('{"name": "x", "layers": [{"kind": "LSTM"}]}', "layer 0: unknown kind 'LSTM'"),
    ('{"name": "x", "layers": [{"kind": "Dense", "config": {"units": "many"}}]}', "layer 0 (Dense)"),
    ('{"name": "x", "layers": [{"kind": "Dense", "config": {"colour": 1}}]}', "unknown setting colour"),
    ('{"name": "x", "input_shape": [32, 32, 4], "layers": [{"kind": "Flatten"}]}', "input_shape must be"),
    ('{"name": "x", "input_shape": [600, 32, 1], "layers": [{"kind": "Flatten"}]}', "sides 8–512"),
    ('{"name": "x", "layers": [{"kind": "Flatten", "name": "a"}, {"kind": "Flatten", "name": "a"}]}', "used twice"),
])
def test_broken_files_get_one_clear_line(tmp_path, text, message):
    path = tmp_path / "broken.json"
    path.write_text(text)
    with pytest.raises(ArchitectureError) as caught:
        arch_edit.load_architecture(path)
    assert message in str(caught.value) and str(path) in str(caught.value)
    assert "\n" not in str(caught.value)


def test_architecture_named():
    assert arch_edit.architecture_named("mnist_cnn_63") is ARCHITECTURES["mnist_cnn_63"]
    with pytest.raises(ArchitectureError, match="unknown architecture 'nope'"):
        arch_edit.architecture_named("nope")
    with pytest.raises(ArchitectureError, match="no such architecture file"):
        arch_edit.architecture_named("missing.json")


_DENSE = '{"name": "x", "layers": [{"kind": "Flatten"}, {"kind": "Dense", "config": {"units": %s}}]}'


@pytest.mark.parametrize("text, message", [
    ("[" * 100_000 + "]" * 100_000, "nested too deeply to be an architecture"),
    (_DENSE % ("1" * 5000), "holds a number with more than 4,300 digits"),
    (_DENSE % ("1" * 4000), "layer 1 (Dense): units must be at most 100,000 in size, not a 4,000-digit number"),
    (_DENSE % "200000", "units must be at most 100,000 in size, not 200,000"),
    (_DENSE % "1e999", "layer 1 (Dense): cannot convert float infinity to integer"),
    (_DENSE % "NaN", "layer 1 (Dense): cannot convert float NaN to integer"),
    (_DENSE % "[1, 2]", "layer 1 (Dense): units must be a whole number, not list"),
    ('{"name": "x", "layers": [{"kind": "Dropout", "config": {"rate": %s}}]}' % ("9" * 400),
     "layer 0 (Dropout): int too large to convert to float"),
    ('{"name": "x", "layers": [{"kind": "Dropout", "config": {"rate": NaN}}]}', "rate must be between 0 and 0.95"),
    ('{"name": "x", "layers": [{"kind": "Conv2D", "config": {"kernel_size": [1, 2, 3]}}]}',
     "kernel size takes one number or two (height, width), not 3"),
    ('{"name": "x", "layers": [{"kind": ["Dense"]}]}', "layer 0: unknown kind list"),
    ('{"name": "x", "input_shape": 28, "layers": [{"kind": "Flatten"}]}', "input_shape must be [height, width, channels]"),
    ('{"name": ["x"], "layers": [{"kind": "Flatten"}]}', "'name' and 'description' must be text"),
    ('{"name": "x", "layers": [{"kind": "Flatten", "name": 5}]}', "layer 0: 'name' must be text"),
    ('{"name": "x", "layers": [' + ", ".join(['{"kind": "Flatten"}'] * 1001) + "]}",
     "1,001 layers are more than the 1,000 an architecture may have"),
], ids=["nested 100,000 deep", "5,000 digits", "4,000 digits", "too large", "1e999", "NaN", "a list",
        "400-digit float", "NaN rate", "three sizes", "kind not text", "shape not a list", "name not text",
        "layer name not text", "too many layers"])
def test_hostile_numbers_and_nesting_get_one_line(tmp_path, text, message):
    path = tmp_path / "hostile.json"
    path.write_text(text)
    with pytest.raises(ArchitectureError) as caught:
        arch_edit.load_architecture(path)
    assert str(caught.value).startswith(f"{path}: ") and message in str(caught.value)
    assert "\n" not in str(caught.value) and len(str(caught.value)) < 300


def test_a_huge_file_is_not_read(tmp_path):
    path = tmp_path / "huge.json"
    path.write_bytes(b" " * (arch_edit.MAX_ARCHITECTURE_BYTES + 1))
    with pytest.raises(ArchitectureError, match=r"more than the [0-9,]+ guiapp reads from such a file"):
        arch_edit.load_architecture(path)


def test_a_network_too_large_to_train_here_is_a_training_problem():
    wide = arch_edit.set_setting(SEED, 5, "units", 100_000)  # 9,216 × 100,000 weights in one dense layer
    problem = arch_edit.training_problem(wide)
    assert problem is not None and "parameters are more than the 100,000,000 trained here" in problem


def test_an_opened_models_input_shape_survives_a_save_and_a_load(tmp_path):
    arch = arch_edit.architecture_from_dict({"name": "rgb", "input_shape": [64, 48, 3], "layers": [
        {"kind": "Conv2D", "config": {"filters": 4, "kernel_size": 3}}, {"kind": "Flatten"},
        {"kind": "Dense", "config": {"units": 100, "activation": "softmax"}}]})
    assert arch.input_shape == (64, 48, 3)
    path = tmp_path / "rgb.json"
    arch_edit.save_architecture(arch, path)
    again = arch_edit.load_architecture(path)
    assert again.input_shape == (64, 48, 3) and again.layers == arch.layers
    assert arch_edit.training_problem(again) == ("guiapp train trains on MNIST's 28×28×1 digits; this network "
                                                 "takes 64×48×3 images")
