"""Logit gradients by a backward pass through the NumPy engine's chain: no TensorFlow, and it reuses the
forward pass the live update already did (each layer's rule: :mod:`guiapp.core.model.numpy_backward`).

The live loop's process never imports TensorFlow, and a compiled ``tf.function`` gradient costs about
3.5× the NumPy forward pass; this pass, given the live update's forward pass, costs less than one.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from guiapp.core.explain.gradients import Gradients
from guiapp.core.model.inference import NUMPY_BATCH_SIZE, Inspector
from guiapp.core.model.numpy_backward import backward_step
from guiapp.core.model.numpy_engine import NotSupported

__all__ = ["NumpyGradients"]

Array = np.ndarray


class NumpyGradients:
    """:class:`~guiapp.core.explain.gradients.GradientSource` for a model the NumPy engine runs.

    :class:`NotSupported` at construction when the model runs in TensorFlow, a layer has no backward
    rule here, or the model does not end in a Dense layer or a softmax (so the logits are unknown).
    """

    name = "NumPy"

    def __init__(self, inspector: Inspector, input_range: tuple[float, float] | None = None) -> None:
        network = getattr(inspector.engine, "network", None)
        if inspector.engine.name != "NumPy" or network is None:
            raise NotSupported("the model does not run in the NumPy engine")
        self._network = network
        self.input_shape = inspector.input_shape
        self.num_classes = inspector.num_classes
        low, high = input_range or inspector.input_range
        self._low, self._span = np.float32(low), np.float32(high - low)
        layers, ops = network.layers, network.ops
        last = layers[-1]
        if last.kind == "Dense":
            self._head: tuple[Array, Array | None] | None = (ops[-1].kernel, ops[-1].bias)
        elif last.kind == "Softmax" or (last.kind == "Activation" and last.config.get("activation") == "softmax"):
            self._head = None
        else:
            raise NotSupported(f"{last.name}: the logits of a model ending in {last.kind} are unknown")
        self._features = len(layers) - 2  # the layer whose output the logits are made of (−1: the input)
        shapes = (network.input_shape, *network.output_shapes)
        self._steps = [backward_step(layers[i], ops[i], shapes[i]) for i in range(self._features + 1)]
        self._index = {layer.name: i for i, layer in enumerate(layers)}
        self._shapes = network.output_shapes

    def _batch(self, images: np.ndarray) -> Array:
        images = np.asarray(images, np.float32)
        if images.ndim == 3 and self.input_shape[2] == 1:
            images = images[..., np.newaxis]
        if images.shape[1:] != self.input_shape:
            raise ValueError(f"expected images (N, {', '.join(map(str, self.input_shape))}), got {images.shape}")
        return images * self._span + self._low

    def _activations(self, batch: Array, forward: Sequence[np.ndarray] | None) -> list[Array]:
        if self._features < 0:
            return []
        if forward is not None and len(batch) == 1:
            if len(forward) != len(self._network.layers):
                raise ValueError(f"forward holds {len(forward)} outputs for {len(self._network.layers)} layers")
            return [np.asarray(a, np.float32)[np.newaxis] for a in forward[:self._features + 1]]
        if len(batch) > 1 and (batch == batch[:1]).all():
            # One image under several seeds (a contrast): one forward pass, shared. Computed per row, the
            # copies can differ in the last bit, and a max-pool tie then sends each row's gradient elsewhere.
            return [np.repeat(a, len(batch), axis=0) for a in self._network.forward(batch[:1], stop_after=self._features)]
        return self._network.forward(batch, stop_after=self._features)

    def _logits(self, features: Array) -> Array:
        if self._head is None:
            return np.array(features, np.float32)
        kernel, bias = self._head
        out = features @ kernel
        return out + bias if bias is not None else out

    def logits(self, images: np.ndarray) -> np.ndarray:
        """(N, classes) logits for 0..1 images (N, H, W, C), in chunks the engine handles well."""
        batch = self._batch(images)
        chunks = []
        for start in range(0, len(batch), NUMPY_BATCH_SIZE):
            part = batch[start:start + NUMPY_BATCH_SIZE]
            chunks.append(self._logits(self._activations(part, None)[-1] if self._features >= 0 else part))
        return np.concatenate(chunks) if chunks else np.zeros((0, self.num_classes), np.float32)

    def _conv_index(self, conv_layer: str | None) -> int | None:
        if conv_layer is None:
            return None
        index = self._index.get(conv_layer)
        if index is None or len(self._shapes[index]) != 3 or index > self._features:
            raise ValueError(f"{conv_layer!r} is not a layer with a (height, width, channels) output")
        return index

    def gradients(self, images: np.ndarray, seeds: np.ndarray, conv_layer: str | None = None,
                  forward: Sequence[np.ndarray] | None = None) -> Gradients:
        """Logits, ∂y/∂image (0..1 pixels) and, for ``conv_layer``, its output and ∂y/∂output.

        y_n = Σ_k seeds[n, k]·logits[n, k]. ``forward``: every layer's output for a batch of one image
        (no batch axis, as :meth:`Inspector.run` gives them), reused as given instead of a forward pass.
        """
        target = self._conv_index(conv_layer)
        images, seeds = np.asarray(images, np.float32), np.asarray(seeds, np.float32)
        batch = self._batch(images)
        if seeds.shape != (len(batch), self.num_classes):
            raise ValueError(f"seeds of shape {seeds.shape}, expected {(len(batch), self.num_classes)}")
        if len(batch) > NUMPY_BATCH_SIZE:  # in chunks, so the engine's copies stay in the tens of MB
            parts = [self.gradients(images[s:s + NUMPY_BATCH_SIZE], seeds[s:s + NUMPY_BATCH_SIZE], conv_layer)
                     for s in range(0, len(batch), NUMPY_BATCH_SIZE)]
            joined = {f: None if getattr(parts[0], f) is None else np.concatenate([getattr(p, f) for p in parts])
                      for f in ("logits", "input_grad", "conv", "conv_grad")}
            return Gradients(**joined)
        acts = self._activations(batch, forward)
        features = acts[-1] if acts else batch
        logits = self._logits(features)
        g = seeds @ self._head[0].T if self._head is not None else seeds
        conv = conv_grad = None
        for i in range(self._features, -1, -1):
            if i == target:
                conv, conv_grad = np.ascontiguousarray(acts[i]), np.ascontiguousarray(g)
            g = self._steps[i](g, acts[i - 1] if i else batch, acts[i])
        input_grad = np.ascontiguousarray(g * self._span, np.float32).reshape(batch.shape)
        return Gradients(logits.astype(np.float32, copy=False), input_grad, conv, conv_grad)
