"""keras_engine: a Keras model loaded safely (a file carrying code only when trusted), then every layer's output
in one call — the same numbers the NumPy engine gives — its description, and whether it is one chain."""

from __future__ import annotations

import numpy as np
import pytest

from guiapp import paths
from guiapp.core.errors import ModelFileError, UnsafeModelError
from guiapp.core.model.keras_engine import (
    MODEL_HINT,
    UNSAFE_REASON,
    KerasEngine,
    load_keras_model,
    reads_in_chain,
)
from guiapp.core.model.model_check import read_checked
from guiapp.core.model.model_file import ModelFile

TOLERANCE = 1e-4  # float32 sums in another order (XLA's): no CPU's rounding is assumed


@pytest.fixture(scope="module")
def engine() -> KerasEngine:
    return KerasEngine(load_keras_model(paths.DEFAULT_MODEL))


@pytest.fixture(scope="module")
def images(mnist) -> np.ndarray:
    return (mnist.x_test[:3].astype(np.float32) / 255.0)[..., np.newaxis]


def test_every_layers_output_in_one_call_equals_the_numpy_engine(engine, images, shipped_inspector):
    assert engine.name == "TensorFlow" and engine.input_shape == (28, 28, 1)
    assert [layer.name for layer in engine.layers] == list(shipped_inspector.layer_names)  # no InputLayer
    outputs = engine.all_layers(images[:1])
    assert [output.shape[1:] for output in outputs] == [row.output_shape for row in shipped_inspector.ledger.rows]
    numpy = shipped_inspector.run(images[0, ..., 0])
    for output, state in zip(outputs, numpy.layers, strict=True):
        np.testing.assert_allclose(output[0], state.activation, atol=TOLERANCE)
    again = engine.all_layers(images[:1])  # the compiled call is kept and gives the same
    np.testing.assert_array_equal(again[-1], outputs[-1])


def test_a_batch_gives_the_final_outputs_and_named_layers_give_theirs(engine, images):
    final = engine.final(images)
    assert final.shape == (3, 10)
    np.testing.assert_allclose(final.sum(axis=1), 1.0, atol=1e-5)
    for k in range(3):
        np.testing.assert_allclose(final[k], engine.all_layers(images[k:k + 1])[-1][0], atol=TOLERANCE)
    conv, dense = engine.outputs(images, ("conv2d", "dense"))
    assert conv.shape == (3, 26, 26, 32) and dense.shape == (3, 128)
    (alone,) = engine.outputs(images, ("dense",))
    np.testing.assert_allclose(alone, dense, atol=TOLERANCE)


def test_the_description_is_the_models(engine, shipped_inspector):
    assert [row.name for row in engine.ledger().rows] == [row.name for row in shipped_inspector.ledger.rows]
    infos = {info.name: info for info in engine.layer_infos()}
    assert infos["conv2d"].kind == "Conv2D" and infos["conv2d"].input_shape == (28, 28, 1)
    assert infos["conv2d"].output_shape == (26, 26, 32) and infos["conv2d"].config["kernel_size"] == (3, 3)
    variables = engine.variables()
    assert sorted(variables["conv2d"]) == ["bias", "kernel"] and variables["dropout"] == {}
    np.testing.assert_array_equal(variables["dense_1"]["kernel"], shipped_inspector.weights["dense_1"].kernel)
    assert engine.is_chain()


def test_a_branch_is_not_a_chain():
    from guiapp.core.model.backend import keras

    k = keras()
    pixels = k.Input((8, 8, 1))
    left = k.layers.Conv2D(2, 3, name="left")(pixels)
    right = k.layers.Conv2D(2, 3, name="right")(pixels)
    joined = k.layers.Add(name="add")([left, right])
    out = k.layers.Dense(3, name="out")(k.layers.Flatten(name="flat")(joined))
    model = k.Model(pixels, out)
    branchy = KerasEngine(model)
    assert not branchy.is_chain()
    first = pixels._keras_history.operation
    assert reads_in_chain(first, [model.get_layer("left")])
    assert not reads_in_chain(first, [model.get_layer("left"), model.get_layer("right")])  # right reads the input
    assert not reads_in_chain(first, [model.get_layer("add")])  # two inputs
    infos = {info.name: info for info in branchy.layer_infos()}
    assert infos["add"].input_shape == ()  # several inputs: no one shape
    assert branchy.all_layers(np.zeros((1, 8, 8, 1), np.float32))[-1].shape == (1, 3)


@pytest.fixture(scope="module")
def lambda_model(tmp_path_factory):
    from guiapp.core.model.backend import keras

    k = keras()
    model = k.Sequential([k.Input((28, 28, 1)), k.layers.Lambda(lambda t: 1.0 - t), k.layers.Flatten(),
                          k.layers.Dense(10, activation="softmax")])
    path = tmp_path_factory.mktemp("lambda") / "code.keras"
    model.save(path)
    return path


def test_a_file_whose_layers_carry_code_loads_only_when_trusted(lambda_model):
    with pytest.raises(UnsafeModelError) as refused:
        load_keras_model(lambda_model)
    assert UNSAFE_REASON in str(refused.value) and str(lambda_model) in str(refused.value)
    model = load_keras_model(lambda_model, trust=True)
    assert [type(layer).__name__ for layer in model.layers] == ["Lambda", "Flatten", "Dense"]


def test_a_model_file_already_read_is_loaded_from_its_bytes(tmp_path):
    copy = tmp_path / "digits.keras"
    copy.write_bytes(paths.DEFAULT_MODEL.read_bytes())
    data, kind = read_checked(copy)
    copy.write_bytes(b"overwritten since it was read")
    model = load_keras_model(ModelFile(copy, data, kind))  # what was checked, not what the path holds now
    assert model.count_params() == sum(int(np.prod(w.shape)) for w in model.weights)
    assert model.output_shape == (None, 10)


def test_a_file_that_is_no_model_is_one_line_naming_it(tmp_path):
    path = tmp_path / "notes.keras"
    path.write_bytes(b"PK\x03\x04 but not really a zip")
    with pytest.raises(ModelFileError) as caught:
        load_keras_model(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and message.endswith(MODEL_HINT) and "\n" not in message
