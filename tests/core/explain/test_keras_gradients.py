"""The compiled TensorFlow source: its logits are the model's, for either way a model ends in softmax,
and its gradient functions are traced once per convolution layer, whatever the batch size."""

from __future__ import annotations

import numpy as np
import pytest

from guiapp.core.explain.keras_gradients import KerasGradients
from tests.models import GREY_28, make_model

DIGITS = 20
LAST_CONV = "conv2d_1"
TOL = 1e-5


@pytest.fixture(scope="module")
def digits(mnist):
    return mnist.x_test[:DIGITS].astype(np.float32) / 255.0


@pytest.fixture(scope="module")
def shipped_source(shipped_inspector) -> KerasGradients:
    return KerasGradients(shipped_inspector)


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits.astype(np.float64) - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def test_the_logits_give_the_models_probabilities(shipped_source, shipped_inspector, digits):
    logits = shipped_source.logits(digits[..., None])
    assert logits.shape == (DIGITS, 10) and logits.dtype == np.float32
    probabilities = shipped_inspector.predict_probabilities(digits)
    np.testing.assert_allclose(softmax(logits), probabilities, atol=TOL)
    # log p − logit is one constant per row (−log Σ exp logits) where p is not rounded to 0
    shift = np.log(np.maximum(probabilities, 1e-30)) - logits
    kept = probabilities > 1e-6
    spread = [np.ptp(row[mask]) for row, mask in zip(shift, kept, strict=True)]
    assert max(spread) < 1e-3
    assert logits.max() > 1.0  # logits, not probabilities


def test_the_gradient_call_returns_the_same_logits(shipped_source, digits):
    seeds = np.eye(10, dtype=np.float32)[[7, 2, 1]]
    found = shipped_source.gradients(digits[:3, ..., None], seeds, LAST_CONV)
    np.testing.assert_allclose(found.logits, shipped_source.logits(digits[:3, ..., None]), atol=TOL)
    assert found.input_grad.shape == (3, 28, 28, 1)
    assert found.conv.shape == found.conv_grad.shape == (3, 24, 24, 64)
    assert np.all(found.conv >= 0)  # the layer's relu output, as the model computes it


def test_a_function_is_traced_once_per_convolution_layer(shipped_inspector, digits):
    source = KerasGradients(shipped_inspector)  # a fresh one: nothing traced yet
    seeds = np.eye(10, dtype=np.float32)
    for count in (1, 3, 1, 5):  # batch sizes change: the batch dimension is left open, no retrace
        source.gradients(digits[:count, ..., None], seeds[:count], LAST_CONV)
        source.gradients(digits[:count, ..., None], seeds[:count])
    assert set(source._functions) == {LAST_CONV, None}
    assert all(f.experimental_get_tracing_count() == 1 for f in source._functions.values())
    source.gradients(digits[:2, ..., None], seeds[:2], "conv2d")
    assert set(source._functions) == {LAST_CONV, None, "conv2d"}
    with pytest.raises(ValueError, match="no layer named 'conv9'"):
        source.gradients(digits[:1, ..., None], seeds[:1], "conv9")


def test_a_final_softmax_activation_after_a_linear_dense(tmp_path, digits):
    from guiapp.core.model.backend import keras
    from guiapp.core.model.inference import Inspector

    k = keras()
    model = k.Sequential([
        k.Input(GREY_28),
        k.layers.Conv2D(4, 3, activation="relu", kernel_initializer=k.initializers.GlorotUniform(1), name="conv"),
        k.layers.Flatten(name="flatten"),
        k.layers.Dense(10, kernel_initializer=k.initializers.GlorotUniform(2), name="scores"),
        k.layers.Activation("softmax", name="softmax"),
    ])
    path = tmp_path / "activation_softmax.keras"
    model.save(path)
    inspector = Inspector.load(path)
    source = KerasGradients(inspector)
    logits = source.logits(digits[..., None])
    scores = k.Model(model.inputs[0], model.get_layer("scores").output)(digits[..., None]).numpy()
    np.testing.assert_allclose(logits, scores, atol=TOL)  # the softmax's input, not its output
    np.testing.assert_allclose(softmax(logits), inspector.predict_probabilities(digits), atol=TOL)
    found = source.gradients(digits[:2, ..., None], np.eye(10, dtype=np.float32)[:2], "conv")
    assert found.conv.shape == (2, 26, 26, 4) and np.abs(found.input_grad).max() > 0


def test_gradients_are_with_respect_to_unit_pixels_when_the_model_rescales(tmp_path, digits):
    from guiapp.core.model.inference import Inspector

    inspector = Inspector.load(make_model(tmp_path, GREY_28, 10, rescaling=True))
    assert inspector.input_range == (0.0, 255.0)
    source = KerasGradients(inspector)
    logits = source.logits(digits[:4, ..., None])  # 0..1 pixels in; the source scales them to 0..255
    np.testing.assert_allclose(softmax(logits), inspector.predict_probabilities(digits[:4]), atol=TOL)
    image, eps = digits[0][None, ..., None], 1e-2
    grad = source.gradients(image, np.eye(10, dtype=np.float32)[[3]]).input_grad[0, ..., 0]
    for flat in np.argsort(np.abs(grad).ravel())[::-1][:3]:  # wrong scaling would be off 255 times
        up, down = image.copy(), image.copy()
        up.reshape(-1)[flat] += eps
        down.reshape(-1)[flat] -= eps
        numeric = (source.logits(up)[0, 3] - source.logits(down)[0, 3]) / (2 * eps)
        assert grad.reshape(-1)[flat] == pytest.approx(numeric, rel=0.1, abs=0.05 * float(np.abs(grad).max()))


def test_grad_cam_on_a_branching_model_works_where_a_chain_follows(tmp_path, digits):
    """Two convolutions added together, then a third: Grad-CAM applies to the third (a chain follows it,
    checked against a tape written here), not to the first (the Add joins two paths after it)."""
    import tensorflow as tf

    from guiapp.core.explain.attribution import GRADCAM, live_explanation
    from guiapp.core.model.backend import keras
    from guiapp.core.model.inference import Inspector

    k = keras()
    inputs = k.Input((28, 28, 1))
    joined = k.layers.Add()([k.layers.Conv2D(8, 3, activation="relu", name="c1")(inputs),
                             k.layers.Conv2D(8, 3, activation="relu", name="c2")(inputs)])
    last_conv = k.layers.Conv2D(8, 3, activation="relu", name="c3")(joined)
    outputs = k.layers.Dense(10, activation="softmax", name="out")(k.layers.Flatten()(last_conv))
    path = tmp_path / "branching.keras"
    k.Model(inputs, outputs).save(path)
    inspector = Inspector.load(path)
    assert not inspector.sequential
    source = KerasGradients(inspector)
    image = digits[0]
    found = live_explanation(source, image, 3, None, "c3")
    model = inspector.keras_model()
    upto = k.Model(model.inputs[0], model.get_layer("c3").output)
    x = tf.constant(image[None, ..., None])
    with tf.GradientTape() as tape:
        maps = upto(x, training=False)
        tape.watch(maps)
        dense = model.get_layer("out")
        logit = (tf.matmul(model.get_layer(index=len(model.layers) - 2)(maps), dense.kernel) + dense.bias)[0, 3]
    weights = tf.reduce_mean(tape.gradient(logit, maps), axis=(1, 2))
    expected = tf.nn.relu(tf.reduce_sum(maps * weights[:, None, None, :], axis=-1))[0].numpy()
    np.testing.assert_allclose(found.attributions[GRADCAM].grid, expected, atol=TOL * max(1.0, expected.max()))
    before = live_explanation(source, image, 3, None, "c1")
    assert GRADCAM not in before.attributions
    assert before.unavailable[GRADCAM] == "Grad-CAM needs a chain of layers after c1; this model branches after it"
    assert before.attributions["gradient"].values.shape == (28, 28)  # the other methods still work
