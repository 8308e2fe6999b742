"""A model is described and checked the same way whichever engine runs it; a snapshot's weights swap in only
when they fit."""

from __future__ import annotations

import numpy as np
import pytest

from guiapp import paths
from guiapp.core.arithmetic.receptive_field import LayerInfo
from guiapp.core.errors import ModelFileError
from guiapp.core.model.inference_build import (
    ModelDescription,
    check_io,
    check_weights,
    describe_chain,
    describe_keras,
    describe_saved_chain,
    layer_weights,
    swapped_layers,
)
from guiapp.core.model.model_file import ModelFile
from guiapp.core.model.numpy_engine import Layer, NotSupported

RNG = np.random.default_rng(7)
# Flatten → Dense(10): small enough to write by hand, no Keras needed.
CHAIN = (
    Layer("Flatten", "flatten"),
    Layer("Dense", "out", {"units": 10, "activation": "softmax"},
          (RNG.standard_normal((784, 10)).astype(np.float32), RNG.standard_normal(10).astype(np.float32))),
)


def test_a_hand_made_chain_is_described_layer_by_layer_and_runs_in_numpy():
    description, engine = describe_chain("tiny", (28, 28, 1), CHAIN)
    assert engine.name == "NumPy" and description.sequential
    assert [(info.name, info.output_shape) for info in description.infos] == [("flatten", (784,)), ("out", (10,))]
    assert [row.params for row in description.ledger.rows] == [0, 7850]
    assert set(description.variables["out"]) == {"kernel", "bias"}
    batch = RNG.random((3, 28, 28, 1), dtype=np.float32)
    final = engine.final(batch)
    assert final.shape == (3, 10)
    np.testing.assert_allclose(final.sum(axis=1), 1.0, rtol=1e-5)
    (flat,) = engine.outputs(batch, ("flatten",))
    np.testing.assert_array_equal(flat, batch.reshape(3, -1))


def test_the_shipped_file_and_keras_describe_the_same_model():
    read = ModelFile.read(paths.DEFAULT_MODEL)
    saved, numpy_engine = describe_saved_chain(read)
    from guiapp.core.model.keras_engine import load_keras_model

    keras_description, keras_engine = describe_keras(load_keras_model(read), read.path)
    assert (numpy_engine.name, keras_engine.name) == ("NumPy", "TensorFlow")
    assert saved.input_shape == keras_description.input_shape == (28, 28, 1)
    assert [r.params for r in saved.ledger.rows] == [r.params for r in keras_description.ledger.rows]
    assert [i.output_shape for i in saved.infos] == [i.output_shape for i in keras_description.infos]
    weights = layer_weights(saved)
    assert weights["dense"].kernel.shape == (9216, 128) and weights["flatten"].kernel is None
    np.testing.assert_array_equal(weights["conv2d"].kernel, layer_weights(keras_description)["conv2d"].kernel)


def test_an_h5_file_is_not_for_the_numpy_engine():
    h5 = ModelFile(paths.DEFAULT_MODEL.with_suffix(".h5"), b"\x89HDF\r\n\x1a\n", "hdf5")
    with pytest.raises(NotSupported, match=r"\.h5"):
        describe_saved_chain(h5)


def test_weights_swap_in_only_when_they_fit():
    new_kernel, new_bias = np.zeros((784, 10)), np.ones(10)
    swapped = swapped_layers(CHAIN, [new_kernel, new_bias])
    assert swapped[0] == CHAIN[0] and swapped[1].config == CHAIN[1].config
    assert swapped[1].variables[0].dtype == np.float32 and np.all(swapped[1].variables[1] == 1.0)
    assert np.any(CHAIN[1].variables[0] != 0)  # the original chain is untouched
    with pytest.raises(ValueError, match="1 weight arrays"):
        swapped_layers(CHAIN, [new_kernel])
    with pytest.raises(ValueError, match=r"expected 2 shaped \[\(784, 10\), \(10,\)\]"):
        check_weights([new_kernel, np.ones(11)], [(784, 10), (10,)])


def _described(input_shape: tuple, output_shape: tuple) -> ModelDescription:
    info = LayerInfo("out", "Dense", {}, input_shape, output_shape)
    return ModelDescription("odd", input_shape, None, (info,), {}, True)


@pytest.mark.parametrize(("input_shape", "output_shape", "says"), [
    ((10,), (10,), r"expects input 10, not an image \(height × width × channels\)"),
    ((28, 28, 2), (10,), "2 channels, not 1 \\(grey\\) or 3 \\(RGB\\)"),
    ((4, 28, 1), (10,), "sides must be"),
    ((28, 28, 1), (1,), "outputs 1, not a vector of 2 to"),
    ((28, 28, 1), (4, 4), "not a vector of 2 to"),
])
def test_a_model_that_is_not_an_image_classifier_is_one_line_naming_it(tmp_path, input_shape, output_shape, says):
    path = tmp_path / "odd.keras"
    with pytest.raises(ModelFileError, match=says) as caught:
        check_io(_described(input_shape, output_shape), path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and "\n" not in message and "image classifiers" in message
    with pytest.raises(ModelFileError, match="^odd: "):  # a model only in memory is named by its name
        check_io(_described(input_shape, output_shape), None)


def test_a_keras_model_with_two_inputs_is_refused_before_an_engine_is_built():
    from guiapp.core.model.backend import keras

    k = keras()
    left, right = k.Input((28, 28, 1)), k.Input((28, 28, 1))
    joined = k.layers.Dense(10)(k.layers.Flatten()(k.layers.Concatenate()([left, right])))
    with pytest.raises(ModelFileError, match="has 2 inputs, expected one image"):
        describe_keras(k.Model([left, right], joined, name="twin"), None)
