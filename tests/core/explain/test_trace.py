"""Tracing units: receptive fields from the layers, and every traced number against plain numpy."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view

from guiapp.core.arithmetic.receptive_field import (
    Field,
    LayerInfo,
    chain_stop,
    field_of,
    read_field,
    spatial_chains,
)
from guiapp.core.drawing.preprocess import mnist_preprocess_placed
from guiapp.core.explain.trace import (
    ConvTrace,
    DenseTrace,
    PassTrace,
    PoolTrace,
    Tracer,
)
from guiapp.core.training.data import load_samples

TOL = dict(rtol=1e-4, atol=1e-5)


def numpy_forward(image: np.ndarray, weights) -> dict[str, np.ndarray]:
    """The seed network computed with nothing but numpy, from the weights and the 28×28 input."""
    def conv(x, layer):
        k, b = weights[layer].kernel.astype(np.float64), weights[layer].bias.astype(np.float64)
        windows = sliding_window_view(x, k.shape[:2], axis=(0, 1))  # (OH, OW, Cin, FH, FW)
        return np.maximum(np.einsum("yxcij,ijco->yxo", windows, k) + b, 0.0)

    out = {"conv2d": conv(image[:, :, None].astype(np.float64), "conv2d")}
    out["conv2d_1"] = conv(out["conv2d"], "conv2d_1")
    h, w, c = out["conv2d_1"].shape
    out["max_pooling2d"] = out["conv2d_1"][: h // 2 * 2, : w // 2 * 2].reshape(h // 2, 2, w // 2, 2, c).max(axis=(1, 3))
    flat = out["max_pooling2d"].reshape(-1)
    dense = weights["dense"]
    out["dense"] = np.maximum(flat @ dense.kernel.astype(np.float64) + dense.bias, 0.0)
    last = weights["dense_1"]
    logits = out["dense"] @ last.kernel.astype(np.float64) + last.bias
    out["logits"] = logits
    out["dense_1"] = np.exp(logits - logits.max()) / np.exp(logits - logits.max()).sum()
    return out


@pytest.fixture(scope="module")
def traced(shipped_inspector):
    from guiapp import paths

    samples = load_samples(paths.MNIST_SAMPLES)
    result = shipped_inspector.run(samples.images[3] / 255.0)
    return result, Tracer.for_inspector(shipped_inspector), numpy_forward(result.image, shipped_inspector.weights)


def test_receptive_fields_of_the_seed_network_come_from_its_layers(shipped_inspector):
    chains = shipped_inspector.chains
    assert field_of(chains["conv2d"], 0, 0).size == (3, 3)
    assert field_of(chains["conv2d_1"], 0, 0).size == (5, 5)
    assert field_of(chains["max_pooling2d"], 0, 0).size == (6, 6)
    assert field_of(chains["max_pooling2d"], 11, 11) == Field(22, 22, 28, 28)
    assert field_of(chains["dropout"], 3, 4) == field_of(chains["max_pooling2d"], 3, 4)
    assert "flatten" not in chains and "dense" not in chains


def test_receptive_fields_match_the_gradient_of_a_keras_network():
    """Padding, stride, dilation and pooling: the field is exactly the pixels the unit depends on."""
    from guiapp.core.model.backend import keras, tensorflow

    k, tf = keras(), tensorflow()
    layers = [
        k.layers.Conv2D(2, 3, strides=2, padding="same", kernel_initializer="ones", name="a"),
        k.layers.Conv2D(2, 3, dilation_rate=2, kernel_initializer="ones", name="b"),
        k.layers.AveragePooling2D(2, name="c"),
        k.layers.Conv2D(1, (3, 2), padding="same", kernel_initializer="ones", name="d"),
    ]
    model = k.Sequential([k.Input((28, 28, 1)), *layers])
    infos = [LayerInfo(layer.name, type(layer).__name__, layer.get_config(),
                       tuple(layer.input.shape[1:]), tuple(layer.output.shape[1:])) for layer in layers]
    chains = spatial_chains(infos)
    x = tf.Variable(np.random.default_rng(0).random((1, 28, 28, 1), dtype=np.float32) + 0.5)
    out_h, out_w = layers[-1].output.shape[1:3]
    for y, xx in [(0, 0), (2, 3), (out_h - 1, out_w - 1), (out_h // 2, 0)]:
        with tf.GradientTape() as tape:
            unit = model(x)[0, y, xx, 0]
        rows, cols = np.nonzero(tape.gradient(unit, x).numpy()[0, :, :, 0])
        field = field_of(chains["d"], y, xx).clipped(28, 28)
        assert (rows.min(), cols.min(), rows.max() + 1, cols.max() + 1) == (
            field.top, field.left, field.bottom, field.right)
        assert read_field(chains["d"], y, xx) == field


def test_a_conv1_unit_adds_up_to_the_network_value(traced):
    result, tracer, ref = traced
    y, x, c = 12, 9, 5
    trace = tracer.trace(result, "conv2d", (y, x, c))
    detail = trace.detail
    assert isinstance(detail, ConvTrace)
    np.testing.assert_allclose(detail.window[:, :, 0], result.image[y:y + 3, x:x + 3])
    np.testing.assert_allclose(detail.products.sum(), detail.total)
    np.testing.assert_allclose(detail.total + detail.bias, detail.pre_activation)
    assert detail.value == pytest.approx(max(detail.pre_activation, 0.0))
    np.testing.assert_allclose(detail.value, ref["conv2d"][y, x, c], **TOL)
    np.testing.assert_allclose(trace.shown, ref["conv2d"][y, x, c], **TOL)
    assert trace.field == Field(12, 9, 15, 12)


def test_a_conv2_unit_sums_its_32_channels(traced):
    result, tracer, ref = traced
    active = np.argwhere(ref["conv2d_1"] > 0.3)
    y, x, c = (int(v) for v in active[len(active) // 2])
    detail = tracer.trace(result, "conv2d_1", (y, x, c)).detail
    assert isinstance(detail, ConvTrace) and detail.window.shape == (3, 3, 32)
    expected = (ref["conv2d"][y:y + 3, x:x + 3, :] * result_kernel(tracer, "conv2d_1", c)).sum(axis=(0, 1))
    np.testing.assert_allclose(detail.channel_sums, expected, **TOL)
    np.testing.assert_allclose(detail.channel_sums.sum() + detail.bias, detail.pre_activation)
    np.testing.assert_allclose(detail.value, ref["conv2d_1"][y, x, c], **TOL)


def result_kernel(tracer, layer, c):
    return tracer.weights[layer].kernel[:, :, :, c].astype(np.float64)


def test_a_max_pool_unit_is_the_winner_of_its_window(traced):
    result, tracer, ref = traced
    y, x, c = (int(v) for v in np.argwhere(ref["max_pooling2d"] > 0.5)[0])
    detail = tracer.trace(result, "max_pooling2d", (y, x, c)).detail
    assert isinstance(detail, PoolTrace)
    window = ref["conv2d_1"][2 * y:2 * y + 2, 2 * x:2 * x + 2, c]
    np.testing.assert_allclose(detail.window, window, **TOL)
    assert detail.winner == np.unravel_index(np.argmax(window), (2, 2))
    np.testing.assert_allclose(detail.value, ref["max_pooling2d"][y, x, c], **TOL)
    assert tracer.trace(result, "max_pooling2d", (y, x, c)).field.size == (6, 6)


def test_a_dense_unit_lists_its_largest_terms_and_where_they_sit(traced):
    result, tracer, ref = traced
    unit = int(np.argmax(ref["dense"]))
    detail = tracer.trace(result, "dense", (unit,)).detail
    assert isinstance(detail, DenseTrace) and detail.inputs == 9216
    flat = ref["max_pooling2d"].reshape(-1)
    products = flat * tracer.weights["dense"].kernel[:, unit]
    order = np.argsort(-np.abs(products))[: len(detail.top)]
    assert [c.index for c in detail.top] == [int(i) for i in order]
    for c in detail.top:
        assert c.source == "max_pooling2d"  # through the dropout, which copies it at inference
        np.testing.assert_allclose(c.value, ref["max_pooling2d"][c.location], **TOL)
        assert c.field is not None and c.field.size == (6, 6)
    np.testing.assert_allclose(sum(c.product for c in detail.top) + detail.rest, detail.total)
    np.testing.assert_allclose(detail.total + detail.bias, detail.pre_activation)
    np.testing.assert_allclose(detail.value, ref["dense"][unit], **TOL)


def test_a_softmax_unit_shows_all_logits(traced):
    result, tracer, ref = traced
    detail = tracer.trace(result, "dense_1", (result.predicted,)).detail
    np.testing.assert_allclose(detail.logits, ref["logits"], **TOL)
    assert {c.source for c in detail.top} == {"dense"}  # through dropout_1, which copies it at inference
    np.testing.assert_allclose(detail.value, result.confidence, **TOL)


def test_pass_through_units_and_bounds(traced):
    result, tracer, ref = traced
    dropout = tracer.trace(result, "dropout", (4, 5, 6))
    assert isinstance(dropout.detail, PassTrace) and dropout.field.size == (6, 6)
    np.testing.assert_allclose(dropout.value, ref["max_pooling2d"][4, 5, 6], **TOL)
    flat = tracer.trace(result, "flatten", (1000,))
    assert flat.detail.location == tuple(np.unravel_index(1000, (12, 12, 64)))
    with pytest.raises(IndexError):
        tracer.trace(result, "conv2d", (26, 0, 0))


def test_placement_maps_input_pixels_back_to_the_canvas():
    canvas = np.zeros((280, 280), np.float32)
    canvas[60:200, 100:170] = 1.0  # a tall block: 140 high, 70 wide
    image, placement = mnist_preprocess_placed(canvas)
    assert placement.scale_y == pytest.approx(20 / 140) and placement.scale_x == pytest.approx(10 / 70)
    rows, cols = np.nonzero(image > 0.5)
    top, left, bottom, right = placement.to_source(rows.min(), cols.min(), rows.max() + 1, cols.max() + 1)
    assert (top, left, bottom, right) == pytest.approx((60, 100, 200, 170), abs=1 / placement.scale_y)
    assert mnist_preprocess_placed(np.zeros((50, 50)))[1] is None


def test_a_branching_model_is_inspected_but_not_traced():
    from guiapp.core.explain import filter_patches as fp
    from guiapp.core.model.backend import keras
    from guiapp.core.model.inference import Inspector

    k = keras()
    x = k.Input((28, 28, 1))
    merged = k.layers.Add(name="add")([k.layers.Conv2D(4, 3, padding="same", name="a")(x),
                                       k.layers.Conv2D(4, 3, padding="same", name="b")(x)])
    out = k.layers.Dense(10, activation="softmax")(k.layers.Flatten()(merged))
    inspector = Inspector.from_keras(k.Model(x, out))
    assert not inspector.sequential and Tracer.for_inspector(inspector) is None
    assert inspector.run(np.zeros((28, 28))).probabilities.shape == (10,)
    assert fp.compute_filter_patches(inspector, np.zeros((3, 28, 28), np.uint8), np.zeros(3)).layers == {}


# --------------------------------------------------------------------------- any image CNN: RGB, non-square, unknown layers


def _infos(model) -> list[LayerInfo]:
    return [LayerInfo(layer.name, type(layer).__name__, layer.get_config(), tuple(layer.input.shape[1:]),
                      tuple(layer.output.shape[1:])) for layer in model.layers]


def test_receptive_fields_of_newer_layers_on_a_non_square_rgb_input_match_the_gradient():
    """Zero padding, depthwise and separable convolutions, normalisation: exactly the pixels a unit depends on."""
    from guiapp.core.model.backend import keras, tensorflow

    k, tf = keras(), tensorflow()
    ones = {"depthwise_initializer": "ones"}
    model = k.Sequential([
        k.Input((23, 17, 3)),
        k.layers.Normalization(mean=[0.1, 0.2, 0.3], variance=[1.0, 2.0, 3.0], name="norm"),
        k.layers.ZeroPadding2D(((2, 0), (1, 3)), name="pad"),
        k.layers.DepthwiseConv2D((3, 2), strides=2, depth_multiplier=2, name="dw", **ones),
        k.layers.SeparableConv2D(2, 2, dilation_rate=2, padding="same", pointwise_initializer="ones", name="sep",
                                 **ones),
        k.layers.Rescaling(2.0, name="scale"),
        k.layers.Dense(2, kernel_initializer="ones", name="mix"),  # on a map: a 1×1 convolution
        k.layers.AveragePooling2D((1, 2), name="pool"),  # a max-pool passes gradient to its winner only
    ])
    chains = spatial_chains(_infos(model))
    assert list(chains) == ["norm", "pad", "dw", "sep", "scale", "mix", "pool"]
    x = tf.Variable(np.random.default_rng(1).random((1, 23, 17, 3), dtype=np.float32) + 0.5)
    out_h, out_w = model.layers[-1].output.shape[1:3]
    for y, xx in [(0, 0), (2, 1), (out_h - 1, out_w - 1), (out_h // 2, 0)]:
        with tf.GradientTape() as tape:
            unit = model(x)[0, y, xx, 0]
        rows, cols = np.nonzero(np.abs(tape.gradient(unit, x).numpy()[0]).sum(axis=2))  # any of R, G, B
        field = read_field(chains["pool"], y, xx)
        assert (rows.min(), cols.min(), rows.max() + 1, cols.max() + 1) == (
            field.top, field.left, field.bottom, field.right), (y, xx)
        # The window's full extent holds it (it reaches into padding and over the dilation's holes).
        extent = field_of(chains["pool"], y, xx)
        assert extent.union(field) == extent
    # The bottom-right unit's dilated window reads one row of its input and a padding row: the
    # extent claims input rows 21–22, which it never reads.
    assert (read_field(chains["pool"], out_h - 1, out_w - 1).bottom,
            field_of(chains["pool"], out_h - 1, out_w - 1).clipped(23, 17).bottom) == (21, 23)


def test_a_chain_stops_at_a_layer_it_cannot_map_back_and_says_so():
    from guiapp.core.model.backend import keras

    k = keras()
    known = k.Sequential([k.Input((12, 10, 1)), k.layers.Conv2D(2, 3, name="c"), k.layers.GlobalAveragePooling2D(),
                          k.layers.Dense(4, activation="relu"), k.layers.Dropout(0.2), k.layers.Dense(2)])
    assert chain_stop(_infos(known)) is None
    reshaped = k.Sequential([k.Input((12, 10, 1)), k.layers.Conv2D(2, 3, name="c"), k.layers.Flatten(name="f"),
                             k.layers.Reshape((10, 16, 1), name="reshape_1"), k.layers.Conv2D(1, 3, name="after")])
    stop = chain_stop(_infos(reshaped))
    assert stop is not None and (stop.layer, stop.kind) == ("reshape_1", "Reshape")
    assert stop.sentence == ("tracing stops at reshape_1 (Reshape): guiapp does not know how its outputs map to "
                             "its inputs")


def test_tracing_an_rgb_model_with_an_unknown_layer():
    """Units before the unknown layer trace to the image; the unknown layer and every later one carry the sentence."""
    from guiapp.core.model.backend import keras
    from guiapp.core.model.inference import Inspector

    k = keras()
    k.utils.set_random_seed(3)
    model = k.Sequential([
        k.Input((14, 22, 3)),
        k.layers.Conv2D(3, 3, activation="relu", bias_initializer="ones", name="conv"),
        k.layers.DepthwiseConv2D(2, depth_multiplier=2, bias_initializer="ones", name="dw"),
        k.layers.ZeroPadding2D(1, name="pad"),
        k.layers.UpSampling2D((1, 2), name="upsample"),
        k.layers.Conv2D(2, 3, name="after"),
        k.layers.Flatten(name="flatten"),
        k.layers.Dense(3, activation="softmax", name="classes"),
    ], name="rgb_up")
    inspector = Inspector.from_keras(model)
    tracer = Tracer.for_inspector(inspector)
    sentence = ("tracing stops at upsample (UpSampling2D): guiapp does not know how its outputs map to "
                "its inputs")
    assert tracer.stop is not None and tracer.stop.sentence == sentence
    image = np.random.default_rng(2).random((14, 22, 3), dtype=np.float32)
    result = inspector.run(image)

    conv = tracer.trace(result, "conv", (4, 17, 2))
    assert conv.stop == "" and conv.field == Field(4, 17, 7, 20)
    assert isinstance(conv.detail, ConvTrace) and conv.detail.window.shape == (3, 3, 3)
    np.testing.assert_allclose(conv.detail.window, image[4:7, 17:20, :], **TOL)  # R, G and B, each summed
    np.testing.assert_allclose(conv.detail.channel_sums.sum() + conv.detail.bias, conv.detail.pre_activation)
    np.testing.assert_allclose(conv.value, conv.shown, **TOL)

    dw = tracer.trace(result, "dw", (3, 5, 3))  # channel 3 = input channel 1 under its kernel 1
    assert isinstance(dw.detail, ConvTrace) and dw.detail.source_channels == (1,)
    np.testing.assert_allclose(dw.detail.window[:, :, 0], result.layer("conv").activation[3:5, 5:7, 1], **TOL)
    np.testing.assert_allclose(dw.value, dw.shown, **TOL)
    assert dw.field == Field(3, 5, 7, 9)

    inside, border = tracer.trace(result, "pad", (4, 6, 1)), tracer.trace(result, "pad", (0, 3, 1))
    assert isinstance(inside.detail, PassTrace) and inside.detail.location == (3, 5, 1)
    np.testing.assert_allclose(inside.value, result.layer("dw").activation[3, 5, 1], **TOL)
    assert inside.field == dw.field
    assert (border.value, border.shown, border.field, border.detail.location) == (0.0, 0.0, None, ())

    unknown = tracer.trace(result, "upsample", (2, 3, 0))
    assert (unknown.detail, unknown.reason, unknown.stop, unknown.field) == (None, sentence, sentence, None)
    after = tracer.trace(result, "after", (1, 2, 1))
    assert after.stop == sentence and after.field is None
    assert isinstance(after.detail, ConvTrace)  # its own arithmetic still adds up, from the layer it reads
    np.testing.assert_allclose(after.value, after.shown, **TOL)
    classes = tracer.trace(result, "classes", (0,))
    assert classes.stop == sentence and all(c.field is None for c in classes.detail.top)


def test_the_input_a_rescaling_model_reads_is_the_image_in_its_value_range():
    """A model with Rescaling inside takes 0..255 pixels: the trace shows those, and the rescaled values."""
    from guiapp.core.model.backend import keras
    from guiapp.core.model.inference import Inspector

    k = keras()
    model = k.Sequential([k.Input((9, 16, 3)), k.layers.Rescaling(1 / 127.5, offset=-1, name="scale"),
                          k.layers.Conv2D(2, 3, name="conv"), k.layers.Flatten(name="flatten"),
                          k.layers.Dense(2, name="classes")])
    inspector = Inspector.from_keras(model)
    assert inspector.input_range == (0.0, 255.0)
    tracer = Tracer.for_inspector(inspector)
    image = np.random.default_rng(4).random((9, 16, 3), dtype=np.float32)
    result = inspector.run(image)
    np.testing.assert_allclose(tracer.input_values(result), image * 255.0, rtol=1e-6)
    scaled = tracer.trace(result, "scale", (8, 15, 2))
    assert isinstance(scaled.detail, PassTrace) and scaled.detail.location == (8, 15, 2)
    np.testing.assert_allclose(scaled.value, image[8, 15, 2] * 255 / 127.5 - 1, **TOL)
    np.testing.assert_allclose(scaled.value, scaled.shown, **TOL)
    assert scaled.field == Field(8, 15, 9, 16) and tracer.stop is None
