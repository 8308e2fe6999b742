"""The NumPy backward pass agrees with TensorFlow's own gradients (a GradientTape written here), on the
shipped models, hand-built models covering every layer kind and activation, and generated networks."""

from __future__ import annotations

import random

import numpy as np
import pytest

from guiapp import paths
from guiapp.core.errors import ArchitectureError
from guiapp.core.explain.gradients import gradient_source
from guiapp.core.explain.numpy_gradients import NumpyGradients
from guiapp.core.model.architectures import build_model
from guiapp.core.model.inference import Inspector
from guiapp.core.model.numpy_engine import ACTIVATIONS, NotSupported
from tests.core.generated import random_classifier, with_extras
from tests.models import randomise_weights

RELATIVE = 1e-5  # max |numpy − tf| ≤ RELATIVE · max(1, max |tf|)
SCALE_FREE = 1e-5  # and ≤ SCALE_FREE · max |tf|: small gradients (a long chain of squashing layers) count too
CONTRAST = (7, 1)  # the seed e_7 − e_1: "why 7 rather than 1"
GENERATED = 5  # generated networks compared per seed


def _keras():
    from guiapp.core.model.backend import keras

    return keras()


def _tf_reference(model, images, seeds, input_range, conv_name=None):
    """Logits, ∂y/∂image and ∂y/∂conv by a GradientTape, y_n = Σ_k seeds[n,k]·logits[n,k]."""
    import tensorflow as tf

    low, high = input_range
    x = tf.constant(np.asarray(images, np.float32))
    layers = list(model.layers)
    conv = None
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        h = x * np.float32(high - low) + np.float32(low)
        for layer in layers[:-1]:
            h = layer(h, training=False)
            if layer.name == conv_name:
                conv = h
        last = layers[-1]
        if type(last).__name__ == "Dense":
            logits = tf.tensordot(h, last.kernel, 1) + (last.bias if last.use_bias else 0.0)
        else:  # a final softmax: the logits are what it is given
            logits = h
        y = tf.reduce_sum(logits * tf.constant(np.asarray(seeds, np.float32)), axis=1)
    out = {"logits": logits.numpy(), "input_grad": tape.gradient(y, x).numpy()}
    if conv is not None:
        out["conv"], out["conv_grad"] = conv.numpy(), tape.gradient(y, conv).numpy()
    return out


def _assert_matches(inspector, images, seeds, conv_name=None, where="", input_range=None):
    input_range = input_range or inspector.input_range
    got = NumpyGradients(inspector, input_range).gradients(images, seeds, conv_name)
    want = _tf_reference(inspector.keras_model(), images, seeds, input_range, conv_name)
    for field, expected in want.items():
        actual = getattr(got, field)
        assert actual.shape == expected.shape, (where, field)
        assert actual.dtype == np.float32, (where, field)
        scale = float(np.abs(expected).max())
        bound = min(RELATIVE * max(1.0, scale), SCALE_FREE * scale)
        worst = float(np.abs(actual - expected).max())
        assert worst <= bound, f"{where} {field}: {worst:.2e} > {bound:.2e}"
    return got


def _one_hot(labels, classes):
    return np.eye(classes, dtype=np.float32)[np.asarray(labels)]


def _saved(tmp_path, name, input_shape, layers, seed=3):
    k = _keras()
    k.utils.set_random_seed(seed)
    model = k.Sequential([k.Input(input_shape), *layers], name=name)
    randomise_weights(model, np.random.default_rng(seed))
    path = tmp_path / f"{name}.keras"
    model.save(path)
    inspector = Inspector.load(path)
    assert inspector.engine.name == "NumPy"
    return inspector


# --------------------------------------------------------------------------- shipped models


@pytest.fixture(scope="module")
def digits(mnist):
    return (mnist.x_test[:10].astype(np.float32) / 255.0)[..., None], mnist.y_test[:10]


@pytest.mark.parametrize("conv_name", ["conv2d_1", "conv2d"])
def test_shipped_model_matches_tensorflow(shipped_inspector, digits, conv_name):
    images, labels = digits
    got = _assert_matches(shipped_inspector, images, _one_hot(labels, 10), conv_name, "one-hot")
    contrast = np.zeros((10, 10), np.float32)
    contrast[:, CONTRAST[0]], contrast[:, CONTRAST[1]] = 1.0, -1.0
    _assert_matches(shipped_inspector, images, contrast, conv_name, "contrast")
    # The logits are the scores before the softmax, and the network's answers on these digits.
    probabilities = shipped_inspector.predict_probabilities(images)
    shifted = np.exp(got.logits - got.logits.max(axis=1, keepdims=True))
    np.testing.assert_allclose(shifted / shifted.sum(axis=1, keepdims=True), probabilities, atol=1e-6)
    assert (got.logits.argmax(axis=1) == labels).all()
    if conv_name == "conv2d_1":
        # All-zero pooling windows exist, and their gradient went to one cell (the first), as in TensorFlow.
        assert np.count_nonzero((got.conv == 0) & (got.conv_grad != 0)) > 0


def test_colour_model_matches_tensorflow():
    inspector = Inspector.load(paths.MODELS_DIR / "colour_digits.keras")
    assert inspector.input_range == (0.0, 255.0)
    rng = np.random.default_rng(11)
    images = rng.random((6, *inspector.input_shape), dtype=np.float32)
    seeds = _one_hot(rng.integers(0, 10, 6), 10)
    for conv_name in ("separable", "conv"):
        _assert_matches(inspector, images, seeds, conv_name, conv_name)


# --------------------------------------------------------------------------- hand-built models


def _strided(k):
    """Strides 2, same padding, batch norm, depthwise, tiled average pooling on an odd map, dilation, GAP."""
    return (21, 19, 1), "depthwise", [
        k.layers.Conv2D(6, 3, strides=2, padding="same", activation="leaky_relu", name="conv"),
        k.layers.BatchNormalization(name="bn"),
        k.layers.DepthwiseConv2D(3, padding="same", depth_multiplier=2, activation="elu", name="depthwise"),
        k.layers.AveragePooling2D(2, padding="same", name="avg"),
        k.layers.Conv2D(5, (3, 2), padding="same", dilation_rate=2, activation="tanh", name="dilated"),
        k.layers.GlobalAveragePooling2D(name="gap"),
        k.layers.Dense(4, name="logits"),
        k.layers.Activation("softmax", name="probabilities"),
    ]


def _rgb(k):
    """Rescaling, asymmetric zero padding, overlapping max pooling, layers of their own kind, separable."""
    return (17, 15, 3), "separable", [
        k.layers.Rescaling(1 / 255, name="rescaling"),
        k.layers.ZeroPadding2D(((1, 0), (2, 1)), name="pad"),
        k.layers.Conv2D(8, 3, activation="selu", name="conv"),
        k.layers.MaxPooling2D(3, strides=2, padding="same", name="pool"),
        k.layers.LeakyReLU(negative_slope=0.1, name="leaky"),
        k.layers.SeparableConv2D(6, 3, strides=2, depth_multiplier=2, padding="same", activation="swish",
                                 name="separable"),
        k.layers.ReLU(max_value=1.5, negative_slope=0.05, threshold=0.1, name="relu"),
        k.layers.Flatten(name="flatten"),
        k.layers.Dense(12, activation="gelu", name="hidden"),
        k.layers.Dense(5, activation="softmax", name="classes"),
    ]


def _activations(k):
    """Every activation as a fused one, Normalization, ELU layer, tiled padded max pooling, GMP, a sigmoid head."""
    fused = [name for name in ACTIVATIONS if name not in ("linear", "softmax", "log_softmax")]
    convs = [k.layers.Conv2D(3, 3, padding="same", activation=name, name=f"c_{name}") for name in fused]
    return (9, 9, 1), "c_gelu", [
        k.layers.Normalization(mean=0.4, variance=0.09, name="normalise"),
        *convs,
        k.layers.ELU(alpha=0.5, name="elu"),
        k.layers.MaxPooling2D(2, padding="same", name="pool"),
        k.layers.GlobalMaxPooling2D(name="gmp"),
        k.layers.Dense(8, activation="log_softmax", name="log_softmax"),
        k.layers.Dense(8, activation="softmax", name="softmax"),
        k.layers.Dense(3, activation="sigmoid", name="scores"),  # logits: before the sigmoid
    ]


def _grouped(k):
    """Grouped and strided valid convolution, overlapping average pooling, a Softmax layer last."""
    return (12, 14, 1), "grouped", [
        k.layers.Conv2D(4, 3, strides=(2, 1), activation="relu6", name="conv"),
        k.layers.Conv2D(6, (2, 3), groups=2, activation="hard_sigmoid", name="grouped"),
        k.layers.AveragePooling2D(3, strides=2, padding="same", name="avg"),
        k.layers.MaxPooling2D(2, strides=1, name="pool"),
        k.layers.Dropout(0.5, name="dropout"),
        k.layers.Flatten(name="flatten"),
        k.layers.Dense(6, name="logits"),
        k.layers.Softmax(name="probabilities"),
    ]


@pytest.mark.parametrize("build", [_strided, _rgb, _activations, _grouped], ids=lambda f: f.__name__[1:])
def test_built_models_match_tensorflow(tmp_path, build):
    input_shape, conv_name, layers = build(_keras())
    inspector = _saved(tmp_path, build.__name__[1:], input_shape, layers)
    rng = np.random.default_rng(5)
    images = rng.random((4, *input_shape), dtype=np.float32)
    seeds = rng.normal(size=(4, inspector.num_classes)).astype(np.float32)
    got = _assert_matches(inspector, images, seeds, conv_name, build.__name__)
    assert np.abs(got.input_grad).max() > 0


@pytest.mark.parametrize("seed", [17, 18])
def test_generated_networks_match_tensorflow(tmp_path, seed):
    rng, weights = random.Random(seed), np.random.default_rng(seed)
    checked, kinds = 0, set()
    for index in range(200):
        if checked == GENERATED:
            break
        arch = with_extras(random_classifier(rng, index), rng)
        try:
            model = build_model(arch, seed=index)
        except ArchitectureError:
            continue
        randomise_weights(model, weights)
        model.save(tmp_path / f"g{index}.keras")
        inspector = Inspector.load(tmp_path / f"g{index}.keras")
        assert inspector.engine.name == "NumPy"
        images = weights.random((3, *inspector.input_shape), dtype=np.float32)
        seeds = weights.normal(size=(3, inspector.num_classes)).astype(np.float32)
        spatial = [info.name for info in inspector.layer_infos if len(info.output_shape) == 3]
        # 0..1 as given, even after a Rescaling: 0..255 overflows the exponential activations it may use.
        _assert_matches(inspector, images, seeds, spatial[-1] if spatial else None, arch.name, (0.0, 1.0))
        kinds.update(info.kind for info in inspector.layer_infos)
        checked += 1
    assert checked == GENERATED
    assert {"Conv2D", "Dense"} <= kinds and kinds & {"Softmax", "Activation"}


# --------------------------------------------------------------------------- the contract


def _assert_same(actual, expected, relative=1e-6):
    """Equal up to float32 rounding (a batch sums in another order than a single image)."""
    assert actual.shape == expected.shape
    assert np.abs(actual - expected).max() <= relative * max(1.0, float(np.abs(expected).max()))


def test_forward_reuse_chunks_and_batches_give_the_same_numbers(shipped_inspector, digits):
    images, labels = digits
    source = NumpyGradients(shipped_inspector)
    seeds = _one_hot(labels, 10)
    forward = [state.activation for state in shipped_inspector.run(images[0]).layers]
    reused = source.gradients(images[:1], seeds[:1], "conv2d_1", forward=forward)
    fresh = source.gradients(images[:1], seeds[:1], "conv2d_1")
    batch = source.gradients(images, seeds, "conv2d_1")
    for field in ("logits", "input_grad", "conv", "conv_grad"):
        np.testing.assert_array_equal(getattr(reused, field), getattr(fresh, field))
        _assert_same(getattr(batch, field)[:1], getattr(fresh, field))
    # More images than one chunk (occlusion sends 169): the same rows as small batches.
    many = np.concatenate([images] * 7)
    big = source.gradients(many, np.concatenate([seeds] * 7))
    assert big.input_grad.shape == (70, 28, 28, 1) and big.conv is None and big.conv_grad is None
    _assert_same(big.input_grad[60:70], batch.input_grad)
    _assert_same(source.logits(many)[60:70], batch.logits)
    _assert_same(source.logits(images), batch.logits)


def test_gradient_source_picks_numpy_and_the_attributes_describe_the_model(shipped_inspector):
    source = gradient_source(shipped_inspector)
    assert isinstance(source, NumpyGradients)
    assert (source.name, source.input_shape, source.num_classes) == ("NumPy", (28, 28, 1), 10)


def test_bad_conv_layer_is_a_value_error(shipped_inspector, digits):
    images, labels = digits
    source = NumpyGradients(shipped_inspector)
    for name in ("dense", "flatten", "no_such_layer"):
        with pytest.raises(ValueError, match=name):
            source.gradients(images[:1], _one_hot(labels[:1], 10), name)


def test_models_it_cannot_differentiate_are_not_supported(tmp_path):
    k = _keras()
    # Logits unknown: the scores pass through a sigmoid layer after the last Dense.
    inspector = _saved(tmp_path, "sigmoid_head", (10, 10, 1), [
        k.layers.Conv2D(2, 3, name="conv"), k.layers.Flatten(name="flatten"),
        k.layers.Dense(3, name="dense"), k.layers.Activation("sigmoid", name="scores")])
    with pytest.raises(NotSupported, match="scores"):
        NumpyGradients(inspector)
    # A model TensorFlow runs (UpSampling2D has no NumPy rule): no NumPy gradients either.
    model = k.Sequential([k.Input((10, 10, 1)), k.layers.UpSampling2D(name="up"), k.layers.Flatten(),
                          k.layers.Dense(3, activation="softmax")])
    path = tmp_path / "upsampling.keras"
    model.save(path)
    tf_inspector = Inspector.load(path)
    assert tf_inspector.engine.name != "NumPy"
    with pytest.raises(NotSupported):
        NumpyGradients(tf_inspector)
