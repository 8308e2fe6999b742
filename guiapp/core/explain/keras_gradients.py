"""Logits and gradients through TensorFlow: one compiled function per model and convolution layer.

For models the NumPy backward pass does not cover (any layer Keras runs), and the
independent reference the NumPy pass is tested against. Each function is traced once,
with a batch dimension left open, and reused for every call: rebuilding the gradient
graph per call is what made keras-vis several times slower.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

from guiapp.core.explain.gradients import Gradients
from guiapp.core.model.inference import Inspector
from guiapp.core.model.keras_engine import reads_in_chain
from guiapp.core.model.numpy_engine import NotSupported

__all__ = ["KerasGradients"]

_SOFTMAX_LAYERS = ("Softmax",)


class KerasGradients:
    """A :class:`~guiapp.core.explain.gradients.GradientSource` over the Keras model behind ``inspector``."""

    name = "TensorFlow"

    def __init__(self, inspector: Inspector, input_range: tuple[float, float] | None = None) -> None:
        from guiapp.core.model.backend import tensorflow

        self._tf = tensorflow()
        self.model = inspector.keras_model()
        self.input_shape = inspector.input_shape
        self.num_classes = inspector.num_classes
        self.sequential = inspector.sequential
        low, high = input_range or inspector.input_range
        self._low, self._span = np.float32(low), np.float32(high - low)
        self._layers = [layer for layer in self.model.layers if type(layer).__name__ != "InputLayer"]
        self._mode = _logits_mode(self._layers)
        self._body = self._head()
        self._functions: dict[str | None, Any] = {}
        self._lock = threading.Lock()
        images = self._tf.TensorSpec([None, *self.input_shape], self._tf.float32)
        self._logits = self._tf.function(self._logits_of, input_signature=[images], autograph=False)

    # ----------------------------------------------------------------- the graph

    def _scaled(self, images: Any) -> Any:
        return images * self._span + self._low

    def _head(self) -> Any:
        """The model up to the logits' input: the output of the layer before the last one."""
        if len(self._layers) == 1:
            return lambda x: x
        from guiapp.core.model.backend import keras

        body = keras().Model(self.model.inputs[0], self._layers[-2].output)
        return lambda x: body(x, training=False)

    def _to_logits(self, features: Any) -> Any:
        if self._mode == "softmax":  # the input of a final softmax layer is the logits
            return features
        last = self._layers[-1]  # a Dense classifier: its pre-activation
        out = self._tf.matmul(features, last.kernel)
        return out + last.bias if last.bias is not None else out

    def _logits_of(self, images: Any) -> Any:
        return self._to_logits(self._body(self._scaled(images)))

    def _build(self, conv_layer: str | None) -> Any:
        tf = self._tf
        images = tf.TensorSpec([None, *self.input_shape], tf.float32)
        seeds = tf.TensorSpec([None, self.num_classes], tf.float32)
        if conv_layer is None:
            def plain(x: Any, w: Any) -> Any:
                with tf.GradientTape() as tape:
                    tape.watch(x)
                    logits = self._logits_of(x)
                    y = tf.reduce_sum(logits * w)
                return logits, tape.gradient(y, x)

            return tf.function(plain, input_signature=[images, seeds], autograph=False)
        index = [layer.name for layer in self._layers].index(conv_layer)
        from guiapp.core.model.backend import keras

        upto = keras().Model(self.model.inputs[0], self._layers[index].output)
        rest = self._layers[index + 1: len(self._layers) - 1]

        def with_conv(x: Any, w: Any) -> Any:
            with tf.GradientTape() as tape:
                tape.watch(x)
                conv = upto(self._scaled(x), training=False)
                tape.watch(conv)
                features = conv
                for layer in rest:  # the chain after the conv layer, so the tape sees `conv` used
                    features = layer(features, training=False)
                logits = self._to_logits(features)
                y = tf.reduce_sum(logits * w)
            grad_x, grad_conv = tape.gradient(y, [x, conv])
            return logits, grad_x, conv, grad_conv

        return tf.function(with_conv, input_signature=[images, seeds], autograph=False)

    def _function(self, conv_layer: str | None) -> Any:
        with self._lock:
            function = self._functions.get(conv_layer)
            if function is None:
                if conv_layer is not None:
                    self._check_conv(conv_layer)
                function = self._functions[conv_layer] = self._build(conv_layer)
            return function

    def _check_conv(self, conv_layer: str) -> None:
        names = [layer.name for layer in self._layers]
        if conv_layer not in names:
            raise ValueError(f"no layer named {conv_layer!r}")
        if len(self._layers[names.index(conv_layer)].output.shape) != 4:
            raise ValueError(f"{conv_layer} does not output maps (height × width × channels)")
        if not self.sequential and not self._chain_after(names.index(conv_layer)):
            raise NotSupported(f"Grad-CAM needs a chain of layers after {conv_layer}; this model branches after it")

    def _chain_after(self, index: int) -> bool:
        """Whether every layer after ``index`` reads exactly the previous layer's output (a branching model
        may still end in a chain: Grad-CAM works on a convolution inside that chain)."""
        return reads_in_chain(self._layers[index], self._layers[index + 1:])

    # ----------------------------------------------------------------- the protocol

    def logits(self, images: np.ndarray) -> np.ndarray:
        return self._logits(_batch(images)).numpy()

    def gradients(self, images: np.ndarray, seeds: np.ndarray, conv_layer: str | None = None,
                  forward: Sequence[np.ndarray] | None = None) -> Gradients:
        del forward  # the compiled function runs its own forward pass
        outputs = self._function(conv_layer)(_batch(images), np.asarray(seeds, np.float32))
        arrays = [output.numpy() for output in outputs]
        if conv_layer is None:
            return Gradients(arrays[0], arrays[1])
        return Gradients(*arrays)


def _batch(images: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(images, dtype=np.float32)


def _logits_mode(layers: list[Any]) -> str:
    """"dense": the logits are the last Dense layer's pre-activation; "softmax": the input of a final
    softmax layer; :class:`NotSupported` when the model ends otherwise."""
    last = layers[-1]
    kind = type(last).__name__
    if kind == "Dense":
        return "dense"
    if kind in _SOFTMAX_LAYERS or (kind == "Activation" and last.get_config().get("activation") == "softmax"):
        return "softmax"
    raise NotSupported(f"the last layer ({kind}) is neither a Dense classifier nor a softmax: no logits to explain")
