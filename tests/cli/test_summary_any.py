"""``guiapp summary --model`` on any image CNN: fifty generated classifiers, every layer as Keras counts it."""

from __future__ import annotations

import json
import random

import pytest

from guiapp.cli import main
from guiapp.core.arithmetic.ledger import NO_FORMULA
from guiapp.core.errors import ArchitectureError
from guiapp.core.model.architectures import Architecture, LayerSpec, build_model
from tests.core.generated import NEW_KINDS, random_classifier

MODELS = 50


def _summary(capsys, *argv: str) -> tuple[int, str]:
    code = main(["summary", *map(str, argv)])
    out, err = capsys.readouterr()
    assert err == ""
    return code, out


def _keras_rows(model) -> list[tuple[str, str, list[int], int]]:
    """(name, kind, output shape, parameter count) of every layer, as Keras reports them."""
    return [(layer.name, type(layer).__name__, [int(d) for d in layer.output.shape[1:]], int(layer.count_params()))
            for layer in model.layers]


def test_summary_json_agrees_with_keras_on_fifty_generated_classifiers(tmp_path, capsys):
    rng = random.Random(20261128)
    checked, kinds, shapes = 0, set(), set()
    for index in range(200):
        if checked == MODELS:
            break
        arch = random_classifier(rng, index)
        try:
            model = build_model(arch, seed=index)
        except ArchitectureError:
            continue  # a window larger than its input: Keras refuses it, nothing to summarise
        path = tmp_path / f"c{index}.keras"
        model.save(path)
        code, out = _summary(capsys, "--model", path, "--json")
        assert code == 0
        summary = json.loads(out)
        height, width, channels = arch.input_shape
        assert summary["input_shape"] == [height, width, channels]
        got = [(row["name"], row["kind"], row["output_shape"], row["params"]) for row in summary["layers"]]
        assert got == _keras_rows(model), arch.name
        assert summary["total_params"] == model.count_params()
        assert summary["layers"][-1]["output_shape"] == [arch.layers[-1].config["units"]]
        # Every layer kind here has a formula, and a formula is shown only when it gives Keras' numbers.
        assert all(row["formulas"] for row in summary["layers"]), [r["name"] for r in summary["layers"]]
        kinds.update(row["kind"] for row in summary["layers"])
        shapes.add((height != width, channels))
        checked += 1
    assert checked == MODELS
    assert set(NEW_KINDS) <= kinds and {"Conv2D", "Dense", "MaxPooling2D"} <= kinds
    assert {(True, 1), (True, 3)} <= shapes  # non-square grey and non-square RGB inputs among them


def test_plain_summary_of_an_rgb_model_with_unknown_layers(tmp_path, capsys):
    arch = Architecture("rgb_upsampled", (
        LayerSpec("Rescaling", "scale", {"scale": 1 / 255}),
        LayerSpec("SeparableConv2D", "sep", {"filters": 4, "kernel_size": 3, "depth_multiplier": 2}),
        LayerSpec("UpSampling2D", "upsample", {"size": (2, 1)}),
        LayerSpec("Reshape", "reshape", {"target_shape": (-1,)}),
        LayerSpec("Dense", "classes", {"units": 3, "activation": "softmax"}),
    ), input_shape=(12, 20, 3))
    model = build_model(arch, seed=0)
    path = tmp_path / "rgb.keras"
    model.save(path)
    code, out = _summary(capsys, "--model", path)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == 'Model: "rgb_upsampled"   input (None, 12, 20, 3)'
    expected = [("scale (Rescaling)", "(None, 12, 20, 3)", "0"), ("sep (SeparableConv2D)", "(None, 10, 18, 4)", "82"),
                ("upsample (UpSampling2D)", "(None, 20, 18, 4)", "0"), ("reshape (Reshape)", "(None, 1440)", "0"),
                ("classes (Dense)", "(None, 3)", "4,323")]
    for label, shape, params in expected:
        row = next(line for line in lines if line.startswith(label))
        assert shape in row and row.split()[-2] == params, row
    after = {label: lines[lines.index(next(x for x in lines if x.startswith(label))) + 1]
             for label, _, _ in expected}
    assert after["upsample (UpSampling2D)"] == f"    {NO_FORMULA}"
    assert after["reshape (Reshape)"] == f"    {NO_FORMULA}"
    assert after["scale (Rescaling)"] == "    y = x·scale + offset = x·1/255 + 0, element-wise"
    assert "    params = depthwise + pointwise + Cout = 54 + 24 + 4 = 82" in lines
    assert f"Total params: {model.count_params():,}" in lines


@pytest.mark.parametrize("no_formulas", [False, True])
def test_json_and_table_agree_on_an_rgb_model(tmp_path, capsys, no_formulas):
    arch = Architecture("rgb", (
        LayerSpec("Normalization", "norm", {"mean": [0.5, 0.4, 0.3], "variance": [0.1, 0.2, 0.3]}),
        LayerSpec("DepthwiseConv2D", "dw", {"kernel_size": 3, "depth_multiplier": 2, "strides": 2}),
        LayerSpec("GlobalAveragePooling2D", "gap"),
        LayerSpec("Dense", "classes", {"units": 2}),
    ), input_shape=(9, 31, 3))
    path = tmp_path / "rgb.keras"
    build_model(arch, seed=0).save(path)
    _, out = _summary(capsys, "--model", path, "--json")
    summary = json.loads(out)
    assert [row["output_shape"] for row in summary["layers"]] == [[9, 31, 3], [4, 15, 6], [6], [2]]
    assert [row["params"] for row in summary["layers"]] == [0, (9 + 1) * 6, 0, (6 + 1) * 2]
    _, table = _summary(capsys, "--model", path, *(["--no-formulas"] if no_formulas else []))
    assert ("params = (F·F + 1)·Cin·M = (3·3 + 1)·3·2 = 60" in table) is not no_formulas
    assert "Total params: 74" in table
