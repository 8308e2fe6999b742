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
