"""gradients: which layers Grad-CAM can use, and one gradient source per model and value range."""

from __future__ import annotations

import numpy as np

from guiapp.core.explain.gradients import Gradients, conv_layers, gradient_source, source_for


def test_conv_layers_of_the_shipped_model(shipped_inspector):
    assert conv_layers(shipped_inspector) == ("conv2d", "conv2d_1")


def test_the_numpy_source_is_chosen_and_kept(shipped_inspector):
    source = source_for(shipped_inspector)
    assert source.name == "NumPy"
    assert source is source_for(shipped_inspector)
    assert source_for(shipped_inspector, (-1.0, 1.0)) is not source
    assert gradient_source(shipped_inspector).name == "NumPy"
    assert (source.input_shape, source.num_classes) == ((28, 28, 1), 10)


def test_gradients_have_the_shapes_the_methods_need(shipped_inspector, mnist):
    source = source_for(shipped_inspector)
    images = (mnist.x_test[:2].astype(np.float32) / 255.0)[..., np.newaxis]
    seeds = np.zeros((2, 10), np.float32)
    seeds[:, 7] = 1.0
    out = source.gradients(images, seeds, conv_layer="conv2d_1")
    assert isinstance(out, Gradients)
    assert out.logits.shape == (2, 10) and out.input_grad.shape == (2, 28, 28, 1)
    assert out.conv.shape == (2, 24, 24, 64) and out.conv_grad.shape == (2, 24, 24, 64)
    np.testing.assert_allclose(source.logits(images), out.logits, rtol=1e-5, atol=1e-5)
    # The first MNIST test digit is a 7 and the model says so: its logit is the largest.
    assert int(np.argmax(out.logits[0])) == int(mnist.y_test[0]) == 7
