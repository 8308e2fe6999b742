"""What one run of a model gives, frozen: every layer's output, the class probabilities, a layer's weights.

An :class:`~guiapp.core.model.inference.Inspector` returns one :class:`InferenceResult` per image; views read
it (``show_result(result)``) and never reach back into the model. Every array in it is read-only, so a
result cannot change after a view has drawn it. :func:`as_network_image` is the one door an image goes
through before a model sees it: checked, float32 in 0..1, grey or RGB as the model takes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from guiapp.core.arithmetic.layer_formulas import shape_text
from guiapp.core.model.limits import INPUT_SHAPE, LUMA

__all__ = ["InferenceResult", "LayerState", "LayerWeights", "as_network_image", "readonly"]


def readonly(array: np.ndarray) -> np.ndarray:
    """``array`` (no copy: it is the caller's alone) marked read-only, so a result cannot be changed later."""
    array.setflags(write=False)
    return array


def _frozen(array: np.ndarray) -> np.ndarray:
    """A read-only float32 copy; none of a read-only float32 array that owns its numbers (as read from a file:
    :func:`~guiapp.core.model.keras_file.read_chain`), which nobody can change."""
    if (isinstance(array, np.ndarray) and array.dtype == np.float32 and not array.flags.writeable
            and array.base is None):
        return array
    return readonly(np.array(array, dtype=np.float32, copy=True))


@dataclass(frozen=True)
class LayerState:
    """One layer's output for the current image (no batch axis)."""

    name: str
    kind: str
    output_shape: tuple[int, ...]
    params: int
    activation: np.ndarray


@dataclass(frozen=True)
class LayerWeights:
    """A layer's kernel and bias (None for layers without weights)."""

    name: str
    kind: str
    kernel: np.ndarray | None
    bias: np.ndarray | None

    @classmethod
    def of(cls, name: str, kind: str, variables: Mapping[str, np.ndarray]) -> LayerWeights:
        """From a layer's variables under Keras' names (``kernel``, ``bias``), as read-only float32 arrays."""
        kernel, bias = variables.get("kernel"), variables.get("bias")
        return cls(name, kind, _frozen(kernel) if kernel is not None else None,
                   _frozen(bias) if bias is not None else None)


@dataclass(frozen=True)
class InferenceResult:
    """Everything the network computed for one image."""

    image: np.ndarray  # (H, W) grey or (H, W, 3) RGB float32 in 0..1, before scaling to the model's value range
    layers: tuple[LayerState, ...]
    probabilities: np.ndarray  # (classes,), sums to 1
    seconds: float  # wall time of the all-layers call

    @property
    def predicted(self) -> int:
        return int(np.argmax(self.probabilities))

    @property
    def confidence(self) -> float:
        return float(self.probabilities[self.predicted])

    def layer(self, name: str) -> LayerState:
        for state in self.layers:
            if state.name == name:
                return state
        raise KeyError(name)


def as_network_image(image: np.ndarray, input_shape: tuple[int, ...] = INPUT_SHAPE) -> np.ndarray:
    """Check and convert one image to float32 in 0..1 (uint8 is divided by 255).

    The result is (H, W) for a grey model and (H, W, 3) for an RGB one; a grey image given to
    an RGB model is grey in all three channels.
    """
    height, width, channels = input_shape
    array = np.asarray(image)
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[..., 0]
    if array.shape[:2] != (height, width) or array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[2] != 3):
        raise ValueError(f"expected a {shape_text(input_shape)} image, got shape {array.shape}")
    if channels == 3 and array.ndim == 2:
        array = np.repeat(array[..., np.newaxis], 3, axis=2)
    elif channels == 1 and array.ndim == 3:
        array = array @ LUMA  # ITU-R 601 luma, as PIL's "L"
    if array.dtype == np.uint8:
        return array.astype(np.float32) / 255.0
    array = array.astype(np.float32)
    if not np.all(np.isfinite(array)):
        raise ValueError("the image holds NaN or infinite values")
    return np.clip(array, 0.0, 1.0)
