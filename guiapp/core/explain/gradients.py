"""Logits and their gradients for a batch of 0..1 images: what every attribution method is made of.

Every method of the Why tab (gradient, gradient × input, Grad-CAM, integrated gradients,
occlusion, the counterfactual) needs two things of a model: its **logits** (the scores
before the final softmax) for a batch, and the gradient of a weighted sum of them with
respect to the input and to one convolution layer's output. :class:`GradientSource` is
that contract; two sources fulfil it:

- :class:`~guiapp.core.explain.numpy_gradients.NumpyGradients`: a backward pass through the
  NumPy engine's chain. No TensorFlow import, and it reuses the live update's forward pass,
  so the live methods cost about one more inference.
- :class:`~guiapp.core.explain.keras_gradients.KerasGradients`: one compiled ``tf.function``
  per model and convolution layer, built once; for any model Keras runs.

Images are given in 0..1, (N, H, W, C); each source scales them to the model's value range
itself, so gradients are with respect to the 0..1 pixels the views show.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from guiapp.core.model.inference import Inspector
from guiapp.core.model.numpy_engine import NotSupported

__all__ = ["GradientSource", "Gradients", "conv_layers", "gradient_source", "rest_source", "source_for"]

#: Layer kinds Grad-CAM can weigh (their outputs are (h, w, channels) maps).
CONV_KINDS = ("Conv2D", "DepthwiseConv2D", "SeparableConv2D")


@dataclass(frozen=True)
class Gradients:
    """Logits and gradients for a batch; ``seeds`` (N, classes) weighted the logits: y_n = Σ_k seeds[n, k]·logit[n, k]."""

    logits: np.ndarray  # (N, classes), before the final softmax
    input_grad: np.ndarray  # (N, H, W, C): ∂y_n/∂pixel, pixels in 0..1
    conv: np.ndarray | None = None  # (N, h, w, k): the chosen convolution layer's output (None: none asked)
    conv_grad: np.ndarray | None = None  # (N, h, w, k): ∂y_n/∂conv


class GradientSource(Protocol):
    """What the attribution methods need of a model (see the module docstring)."""

    name: str  # "NumPy" or "TensorFlow": what computes the gradients
    input_shape: tuple[int, int, int]
    num_classes: int

    def logits(self, images: np.ndarray) -> np.ndarray:
        """(N, classes) logits for 0..1 images (N, H, W, C)."""
        ...

    def gradients(self, images: np.ndarray, seeds: np.ndarray, conv_layer: str | None = None,
                  forward: Sequence[np.ndarray] | None = None) -> Gradients:
        """Logits, ∂y/∂input and (when ``conv_layer`` is named) the layer's output and ∂y/∂output.

        ``forward``: every layer's output for these images (batch of 1, no batch axis), as
        :meth:`Inspector.run` gave them; a source may reuse them instead of running the model again.
        """
        ...


def conv_layers(inspector: Inspector) -> tuple[str, ...]:
    """The layers Grad-CAM can use, in model order (the last is its default)."""
    return tuple(info.name for info in inspector.layer_infos
                 if info.kind in CONV_KINDS and len(info.output_shape) == 3)


def gradient_source(inspector: Inspector, prefer: str = "auto",
                    input_range: tuple[float, float] | None = None) -> GradientSource:
    """The fastest source that can differentiate ``inspector``'s model.

    ``auto``: the NumPy backward pass when the model runs in NumPy and every layer has a
    backward rule there, else the compiled TensorFlow function. ``tensorflow`` forces the latter.
    """
    if prefer != "tensorflow" and inspector.engine.name == "NumPy":
        from guiapp.core.explain.numpy_gradients import NumpyGradients

        try:
            return NumpyGradients(inspector, input_range)
        except NotSupported:
            pass
    from guiapp.core.explain.keras_gradients import KerasGradients

    return KerasGradients(inspector, input_range)


_SOURCES: weakref.WeakKeyDictionary[Inspector, dict[tuple[float, float], GradientSource]] = weakref.WeakKeyDictionary()
_SOURCES_LOCK = threading.Lock()


def source_for(inspector: Inspector, input_range: tuple[float, float] | None = None) -> GradientSource:
    """:func:`gradient_source` for ``inspector`` and value range, built once and kept as long as the inspector.

    :class:`NotSupported` when neither source can find the model's logits.
    """
    key = tuple(input_range or inspector.input_range)
    with _SOURCES_LOCK:
        built = _SOURCES.setdefault(inspector, {})
        source = built.get(key)
        if source is None:
            source = built[key] = gradient_source(inspector, input_range=key)
        return source


_WARMING: set[int] = set()  # ids of inspectors whose TensorFlow source is being built


def rest_source(inspector: Inspector, input_range: tuple[float, float] | None = None) -> GradientSource:
    """The source for the at-rest methods (integrated gradients, occlusion): batches of 64 and 169.

    TensorFlow runs those batches 2–3× faster than the NumPy pass on one thread (measured: 100 vs
    220 ms for 64 steps), but importing it takes seconds. So the first call starts building the
    TensorFlow source in a background thread and returns the live source; later calls get
    TensorFlow's once it is ready. A model TensorFlow cannot differentiate keeps the live source.
    """
    live = source_for(inspector, input_range)
    if live.name == "TensorFlow":
        return live
    key = tuple(input_range or inspector.input_range)
    with _SOURCES_LOCK:
        ready = _SOURCES.get(inspector, {}).get(("tensorflow", *key))  # type: ignore[call-overload]
        if ready is not None:
            return ready
        if id(inspector) in _WARMING:
            return live
        _WARMING.add(id(inspector))
    threading.Thread(target=_build_tensorflow, args=(inspector, key), name="guiapp-tf-gradients",
                     daemon=True).start()
    return live


def _build_tensorflow(inspector: Inspector, key: tuple[float, float]) -> None:
    try:
        from guiapp.core.explain.keras_gradients import KerasGradients

        source = KerasGradients(inspector, key)
        probe = np.zeros((2, *inspector.input_shape), np.float32)
        source.gradients(probe, np.zeros((2, inspector.num_classes), np.float32))  # traced now, not on first use
        source.logits(probe)
    except Exception:  # noqa: BLE001 — no TensorFlow source: the live one serves the at-rest methods too
        return
    with _SOURCES_LOCK:
        _SOURCES.setdefault(inspector, {})[("tensorflow", *key)] = source  # type: ignore[index]
