"""param_count: the parameters a Keras config declares, counted without building it."""

from __future__ import annotations

import json
import zipfile

from guiapp import paths
from guiapp.core.model.param_count import count_declared, declared_params


def _config(path=paths.SEED_MODEL) -> dict:
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read("config.json"))


def _sequential(*layers, input_shape=(28, 28, 1)) -> dict:
    entries = [{"class_name": "InputLayer", "config": {"name": "input", "batch_shape": [None, *input_shape]}}]
    entries += [{"class_name": kind, "config": {"name": name, **cfg}} for kind, name, cfg in layers]
    return {"class_name": "Sequential", "config": {"layers": entries}}


def test_the_seed_network_declares_1199882_parameters():
    total, largest = count_declared(_config())
    assert total == 1_199_882
    assert largest == ("dense", 1_179_776)
    assert declared_params(_config()) == 1_199_882


def test_conv_32_3x3_on_28x28x1_is_320():
    config = _sequential(("Conv2D", "c", {"filters": 32, "kernel_size": [3, 3]}))
    assert count_declared(config) == (320, ("c", 320))


def test_a_layer_without_formula_counts_at_least_its_config():
    config = _sequential(("Conv3D", "c3", {"filters": 4, "kernel_size": [3, 3, 3]}),
                         ("Embedding", "e", {"input_dim": 1000, "output_dim": 64}))
    assert declared_params(config) == 4 * 27 + 64_000


def test_an_unknown_input_still_counts_units():
    config = {"class_name": "Sequential", "config": {"layers": [
        {"class_name": "Dense", "config": {"name": "d", "units": 500}}]}}
    assert declared_params(config) == 500
    with_build = {"class_name": "Sequential", "config": {"layers": [
        {"class_name": "Dense", "config": {"name": "d", "units": 500}, "build_config": {"input_shape": [None, 100]}}]}}
    assert declared_params(with_build) == 101 * 500


def test_nonsense_configs_count_nothing():
    assert declared_params({}) == 0
    assert declared_params({"config": {"layers": "x"}}) == 0
    assert declared_params(_sequential(("Dense", "d", {"units": -5}))) == 0


def test_a_nested_model_is_counted_inside():
    inner = _sequential(("Flatten", "f", {}), ("Dense", "d", {"units": 10}))
    outer = {"class_name": "Sequential", "config": {"layers": [
        {"class_name": "InputLayer", "config": {"name": "input", "batch_shape": [None, 28, 28, 1]}},
        {"class_name": "Sequential", "config": {"name": "inner", "layers": inner["config"]["layers"][1:]}}]}}
    assert declared_params(outer) == 785 * 10
