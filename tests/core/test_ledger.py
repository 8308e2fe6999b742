"""The layer ledger: the seed's numbers, the formulas, and agreement with Keras on any network."""

from __future__ import annotations

import random

import pytest

from guiapp.core.architectures import ARCHITECTURES, Architecture, LayerSpec, build_model
from guiapp.core.ledger import NO_FORMULA, ledger_for_architecture, ledger_for_model
from guiapp.core.ledger_table import render_table
from tests.core.generated import random_architecture

SEED_SUMMARY = [  # the model.summary() printed in the seed article 000
    ("conv2d", (26, 26, 32), 320),
    ("conv2d_1", (24, 24, 64), 18496),
    ("max_pooling2d", (12, 12, 64), 0),
    ("dropout", (12, 12, 64), 0),
    ("flatten", (9216,), 0),
    ("dense", (128,), 1179776),
    ("dropout_1", (128,), 0),
    ("dense_1", (10,), 1290),
]


def test_mnist_cnn_is_the_seeds_summary():
    ledger = ledger_for_architecture(ARCHITECTURES["mnist_cnn"])
    assert [(r.name, r.output_shape, r.params) for r in ledger.rows] == SEED_SUMMARY
    assert (ledger.total_params, ledger.trainable_params, ledger.non_trainable_params) == (1199882, 1199882, 0)


def test_the_formulas_carry_the_layers_numbers():
    ledger = ledger_for_architecture(ARCHITECTURES["mnist_cnn"])
    conv1, conv2 = ledger.row("conv2d"), ledger.row("conv2d_1")
    assert "OH = OW = (H + 2P − F)/S + 1 = (28 + 0 − 3)/1 + 1 = 26" in conv1.formulas
    assert "params = (F·F·Cin + 1)·Cout = (3·3·1 + 1)·32 = 320" in conv1.formulas
    assert "params = (F·F·Cin + 1)·Cout = (3·3·32 + 1)·64 = 18,496" in conv2.formulas
    assert "N = H·W·C = 12·12·64 = 9,216" in ledger.row("flatten").formulas
    assert "params = (Nin + 1)·Nout = (9216 + 1)·128 = 1,179,776" in ledger.row("dense").formulas
    assert ledger.row("dropout").formulas[0].startswith("identity at inference")


def test_dense_128_holds_98_3_percent_of_the_parameters():
    ledger = ledger_for_architecture(ARCHITECTURES["mnist_cnn"])
    assert round(ledger.row("dense").share * 100, 1) == 98.3
    assert sum(row.share for row in ledger.rows) == pytest.approx(1.0)


def test_the_63_filter_question_of_seed_002():
    ledger = ledger_for_architecture(ARCHITECTURES["mnist_cnn_63"])
    assert ledger.total_params == 1181161
    assert ledger.row("conv2d_1").params == 18207 == 63 * (32 * 3 * 3 + 1)
    assert ledger.row("flatten").output_shape == (9072,)
    assert ledger.row("dense").params == 1161344


def test_same_padding_network_of_seed_003():
    ledger = ledger_for_architecture(ARCHITECTURES["same_padding_cnn"])
    shapes = [r.output_shape for r in ledger.rows]
    assert shapes == [
        (28, 28, 16), (14, 14, 16), (12, 12, 128), (10, 10, 256), (5, 5, 256),
        (5, 5, 256), (6400,), (128,), (128,), (10,),
    ]
    assert "padding='same': P = 1 on each side, so that OH = OW = ⌈H/S⌉" in ledger.row("conv2d").formulas
    assert ledger.total_params == 160 + 18560 + 295168 + 819328 + 1290


@pytest.mark.parametrize("name", sorted(ARCHITECTURES))
def test_named_architectures_match_keras(name):
    arch = ARCHITECTURES[name]
    model = build_model(arch)
    _assert_matches_keras(model, ledger_for_architecture(arch))


def test_table_reads_like_model_summary():
    text = render_table(ledger_for_architecture(ARCHITECTURES["mnist_cnn"]))
    assert "conv2d (Conv2D)" in text and "(None, 26, 26, 32)" in text
    assert "1,179,776" in text and "98.3%" in text
    assert "Total params: 1,199,882" in text


def test_an_impossible_architecture_breaks_at_its_layer_with_a_reason():
    arch = Architecture("broken", (
        LayerSpec("Conv2D", "c1", {"filters": 4, "kernel_size": 3}),
        LayerSpec("MaxPooling2D", "p1", {"pool_size": 8}),
        LayerSpec("Conv2D", "c2", {"filters": 4, "kernel_size": 5}),
        LayerSpec("Flatten", "f"),
    ))
    ledger = ledger_for_architecture(arch)
    assert [r.name for r in ledger.rows] == ["c1", "p1", "c2"]
    assert ledger.rows[-1].error == "a filter of size 5 does not fit the 3-wide input"
    assert ledger.error.startswith("c2: ")


def test_unknown_layers_get_keras_numbers_and_no_formula():
    from guiapp.core.backend import keras

    k = keras()
    model = k.Sequential([
        k.Input((28, 28, 1)),
        k.layers.ZeroPadding2D(2, name="pad"),
        k.layers.DepthwiseConv2D(3, name="depthwise"),
        k.layers.Conv2D(8, 3, name="conv"),
        k.layers.Conv2DTranspose(4, 3, strides=2, name="up"),
        k.layers.Reshape((-1,), name="reshape"),
        k.layers.Dense(10, name="out"),
    ])
    ledger = ledger_for_model(model)
    _assert_matches_keras(model, ledger)
    by_name = {row.name: row for row in ledger.rows}
    for name in ("pad", "depthwise", "up", "reshape"):
        assert by_name[name].formulas == () and by_name[name].note == NO_FORMULA
    assert by_name["conv"].formulas and by_name["out"].formulas


# --------------------------------------------------------------------------- generated networks


def _assert_matches_keras(model, ledger):
    rows = {row.name: row for row in ledger.rows}
    for layer in model.layers:
        row = rows[layer.name]
        in_shape = tuple(layer.input.shape)
        assert row.output_shape == tuple(layer.compute_output_shape(in_shape))[1:], layer.name
        assert row.output_shape == tuple(layer.output.shape)[1:], layer.name
        assert row.params == layer.count_params(), layer.name
        trainable = sum(int(v.numpy().size) for v in layer.trainable_weights)
        assert row.trainable_params == trainable, layer.name
    assert ledger.total_params == model.count_params()


def test_ledger_matches_keras_on_hundreds_of_generated_architectures():
    from guiapp.core.errors import ArchitectureError

    rng = random.Random(2024)
    built = refused = 0
    for index in range(320):
        arch = random_architecture(rng, index)
        ledger = ledger_for_architecture(arch)
        try:
            model = build_model(arch)
        except ArchitectureError:
            # Keras refuses the network: the ledger must say where it breaks, not crash.
            assert ledger.error is not None, arch
            refused += 1
            continue
        assert ledger.error is None, (arch, ledger.error)
        _assert_matches_keras(model, ledger)
        from_model = ledger_for_model(model)
        _assert_matches_keras(model, from_model)
        # The model's ledger explains every layer: no fallback to Keras' numbers.
        assert all(row.formulas for row in from_model.rows), [r.name for r in from_model.rows if not r.formulas]
        assert [r.formulas for r in from_model.rows] == [r.formulas for r in ledger.rows]
        built += 1
    assert built >= 200 and refused >= 10, (built, refused)
