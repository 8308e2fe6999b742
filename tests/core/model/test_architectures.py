"""architectures: the seed networks as data; built with Keras only when weights are needed."""

from __future__ import annotations

import pytest

from guiapp.core.arithmetic.ledger import ledger_for_architecture
from guiapp.core.errors import ArchitectureError
from guiapp.core.model.architectures import (
    ARCHITECTURES,
    DEFAULT_ARCHITECTURE,
    MNIST_INPUT_SHAPE,
    Architecture,
    LayerSpec,
    build_model,
    get_architecture,
)


def test_the_seed_architectures_and_their_totals():
    assert list(ARCHITECTURES) == ["mnist_cnn", "mnist_cnn_63", "same_padding_cnn"]
    assert DEFAULT_ARCHITECTURE == "mnist_cnn"
    assert ledger_for_architecture(ARCHITECTURES["mnist_cnn"]).total_params == 1_199_882
    conv = ledger_for_architecture(ARCHITECTURES["mnist_cnn_63"]).row("conv2d_1")
    assert conv.params == 18_207 and conv.output_shape == (24, 24, 63)


def test_get_architecture_lists_the_names_when_unknown():
    assert get_architecture("mnist_cnn") is ARCHITECTURES["mnist_cnn"]
    with pytest.raises(ArchitectureError, match="unknown architecture 'lenet' — choose one of: mnist_cnn, mnist_cnn_63"):
        get_architecture("lenet")


def test_to_dict_is_json_ready():
    described = ARCHITECTURES["mnist_cnn"].to_dict()
    assert described["input_shape"] == [28, 28, 1]
    assert described["layers"][0] == {"kind": "Conv2D", "name": "conv2d",
                                      "config": {"filters": 32, "kernel_size": [3, 3], "activation": "relu"}}
    assert len(described["layers"]) == 8


def test_layer_spec_config_is_read_only():
    spec = LayerSpec("Dense", "d", {"units": 3})
    with pytest.raises(TypeError):
        spec.config["units"] = 4  # type: ignore[index]
    assert Architecture("a", (spec,)).input_shape == MNIST_INPUT_SHAPE


def test_build_model_gives_keras_the_same_count():
    model = build_model(ARCHITECTURES["mnist_cnn"], seed=0)
    assert model.count_params() == 1_199_882
    assert tuple(model.output_shape) == (None, 10)
    assert [layer.name for layer in model.layers][:2] == ["conv2d", "conv2d_1"]


def test_build_model_refusals_name_the_layer():
    with pytest.raises(ArchitectureError, match="layer x: Keras has no layer kind 'Nonsense'"):
        build_model(Architecture("bad", (LayerSpec("Nonsense", "x"),)))
    with pytest.raises(ArchitectureError, match="^layer d: "):
        build_model(Architecture("bad", (LayerSpec("Dense", "d", {"units": 3, "no_such_argument": 1}),)))
