"""The layer ledger: the seed's numbers, the formulas, and agreement with Keras on any network."""

from __future__ import annotations

import random

import pytest

from guiapp.core.arithmetic.ledger import (
    NO_FORMULA,
    ledger_for_architecture,
    ledger_for_model,
)
from guiapp.core.arithmetic.ledger_table import render_table
from guiapp.core.model.architectures import (
    ARCHITECTURES,
    Architecture,
    LayerSpec,
    build_model,
)
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
    from guiapp.core.model.backend import keras

    k = keras()
    model = k.Sequential([
        k.Input((28, 20, 3)),
        k.layers.ZeroPadding2D(2, name="pad"),
        k.layers.DepthwiseConv2D(3, name="depthwise"),
        k.layers.UpSampling2D((2, 1), name="upsample"),
        k.layers.Conv2D(8, 3, name="conv"),
        k.layers.Conv2DTranspose(4, 3, strides=2, name="up"),
        k.layers.Reshape((-1,), name="reshape"),
        k.layers.Dense(10, name="out"),
    ])
    ledger = ledger_for_model(model)
    _assert_matches_keras(model, ledger)
    by_name = {row.name: row for row in ledger.rows}
    for name in ("upsample", "up", "reshape"):
        assert by_name[name].formulas == () and by_name[name].note == NO_FORMULA
    assert by_name["upsample"].output_shape == (60, 22, 3)  # Keras' numbers: (28 + 4 − 2)·2, (20 + 4 − 2)·1
    # conv 58×20 → transposed, stride 2: (58 − 1)·2 + 3 = 117 by (20 − 1)·2 + 3 = 41, 4 maps
    assert by_name["reshape"].output_shape == (117 * 41 * 4,)
    assert by_name["up"].params == (3 * 3 * 8 + 1) * 4
    for name in ("pad", "depthwise", "conv", "out"):
        assert by_name[name].formulas and by_name[name].note == "", name
    rendered = render_table(ledger)
    assert "reshape (Reshape)" in rendered and f"    {NO_FORMULA}" in rendered


def _rows(*layers, input_shape=(10, 12, 3)):
    from guiapp.core.model.backend import keras

    k = keras()
    model = k.Sequential([k.Input(input_shape), *layers])
    ledger = ledger_for_model(model)
    _assert_matches_keras(model, ledger)
    return model, {row.name: row for row in ledger.rows}


def test_depthwise_and_separable_convolutions_show_their_arithmetic():
    from guiapp.core.model.backend import keras

    k = keras()
    _, rows = _rows(
        k.layers.DepthwiseConv2D((3, 2), depth_multiplier=2, strides=2, padding="same", name="dw"),
        k.layers.SeparableConv2D(4, 3, depth_multiplier=2, name="sep"),
        k.layers.SeparableConv2D(3, 1, use_bias=False, name="sep_nobias"),
        k.layers.DepthwiseConv2D(1, use_bias=False, name="dw_nobias"),
    )
    dw, sep = rows["dw"], rows["sep"]
    assert dw.output_shape == (5, 6, 6) and dw.params == 42
    assert "C = Cin·M = 3·2 = 6 (each input channel filtered on its own by M = 2 kernels: depth_multiplier)" \
        in dw.formulas
    assert "params = (FH·FW + 1)·Cin·M = (3·2 + 1)·3·2 = 42" in dw.formulas
    assert "OH = (H + 2P − F)/S + 1 = (10 + 1 − 3)/2 + 1 = 5" in dw.formulas
    assert sep.output_shape == (3, 4, 4) and sep.params == 3 * 3 * 6 * 2 + 6 * 2 * 4 + 4
    assert sep.formulas[-3:] == ("depthwise = F·F·Cin·M = 3·3·6·2 = 108", "pointwise = Cin·M·Cout = 6·2·4 = 48",
                                 "params = depthwise + pointwise + Cout = 108 + 48 + 4 = 160")
    assert rows["sep_nobias"].formulas[-3:] == ("depthwise = F·F·Cin·M = 1·1·4·1 = 4", "pointwise = Cin·M·Cout = 4·1·3 = 12",
                                                "params = depthwise + pointwise = 4 + 12 = 16 (no bias)")
    assert rows["dw_nobias"].formulas[-1] == "params = F·F·Cin·M = 1·1·3·1 = 3 (no bias)"


def test_padding_rescaling_and_normalization_show_their_arithmetic():
    from guiapp.core.model.backend import keras

    k = keras()
    model, rows = _rows(
        k.layers.Rescaling(1 / 255, name="scale"),
        k.layers.Rescaling(2.0, offset=-1.0, name="shift"),
        k.layers.ZeroPadding2D(((1, 2), (0, 3)), name="pad"),
        k.layers.ZeroPadding2D(2, name="pad2"),
        k.layers.Normalization(name="adapted"),
        k.layers.Normalization(mean=[0.1, 0.2, 0.3], variance=[1.0, 2.0, 3.0], name="given"),
        k.layers.Normalization(axis=None, name="overall"),
    )
    assert rows["scale"].formulas[0] == "y = x·scale + offset = x·1/255 + 0, element-wise"
    assert rows["shift"].formulas[0] == "y = x·scale + offset = x·2 − 1, element-wise"
    assert rows["pad"].output_shape == (13, 15, 3)
    assert rows["pad"].formulas[:2] == ("OH = H + top + bottom = 10 + 1 + 2 = 13",
                                        "OW = W + left + right = 12 + 0 + 3 = 15")
    assert rows["pad2"].formulas[:2] == ("OH = H + 2P = 13 + 2·2 = 17", "OW = W + 2P = 15 + 2·2 = 19")
    adapted = rows["adapted"]
    assert (adapted.params, adapted.trainable_params) == (7, 0)
    assert adapted.formulas[-1].startswith("params = 2·C + 1 = 2·3 + 1 = 7 (mean and variance per channel")
    assert (rows["given"].params, rows["given"].formulas[-1]) == (
        0, "params = 0 (mean and variance are settings of the layer, not weights)")
    assert rows["overall"].params == 3 and "for all values" in rows["overall"].formulas[0]
    assert sum(row.params for row in rows.values()) == model.count_params() == 10


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


def test_ledger_matches_keras_on_generated_architectures_with_the_newer_layer_kinds():
    """Depthwise and separable convolutions, zero padding, rescaling and normalisation, mixed in."""
    from guiapp.core.errors import ArchitectureError
    from tests.core.generated import NEW_KINDS

    rng = random.Random(11)
    built = refused = 0
    kinds: set[str] = set()
    for index in range(160):
        arch = random_architecture(rng, index, new_kinds=True)
        ledger = ledger_for_architecture(arch)
        try:
            model = build_model(arch)
        except ArchitectureError:
            assert ledger.error is not None, arch
            refused += 1
            continue
        assert ledger.error is None, (arch, ledger.error)
        _assert_matches_keras(model, ledger)
        from_model = ledger_for_model(model)
        assert all(row.formulas for row in from_model.rows), [r.name for r in from_model.rows if not r.formulas]
        assert [r.formulas for r in from_model.rows] == [r.formulas for r in ledger.rows]
        kinds.update(spec.kind for spec in arch.layers)
        built += 1
    assert built >= 100 and refused >= 5, (built, refused)
    assert set(NEW_KINDS) <= kinds
