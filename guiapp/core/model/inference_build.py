"""How an :class:`~guiapp.core.model.inference.Inspector` is built: a model's description and the engine to run it.

A model reaches guiapp as a file's saved chain of layers, run in NumPy (:func:`describe_saved_chain`: no
TensorFlow import), or as a Keras model, run through one all-layers graph (:func:`describe_keras`). Either
way the inspector is given the same two things: a :class:`ModelDescription` (its ledger, each layer's shapes
and variables: what the views need besides running it) and an :class:`Engine`. Here too are the checks every
model passes — one image in, one vector of class scores out (:func:`check_io`) — and the swap of a chain's
weights for a training snapshot's (:func:`swapped_layers`), refused unless they fit.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Protocol

import numpy as np

from guiapp.core.arithmetic.layer_formulas import shape_text
from guiapp.core.arithmetic.ledger import Ledger, explained_row
from guiapp.core.arithmetic.receptive_field import LayerInfo
from guiapp.core.errors import ModelFileError, file_problem
from guiapp.core.model.inference_result import LayerWeights
from guiapp.core.model.keras_engine import KerasEngine
from guiapp.core.model.limits import CHANNELS, MAX_CLASSES, MAX_SIDE, MIN_SIDE
from guiapp.core.model.model_file import ModelFile
from guiapp.core.model.numpy_engine import Layer, NotSupported, NumpyNetwork

__all__ = [
    "Engine", "ModelDescription", "NumpyEngine", "check_io", "check_weights", "describe_chain", "describe_keras",
    "describe_saved_chain", "layer_weights", "swapped_layers",
]

_IMAGE_HINT = ("guiapp explains image classifiers: one input of height × width × 1 or 3 "
               f"({MIN_SIDE}–{MAX_SIDE} pixels a side) and one output of 2 or more class scores")
# A saved layer's variables under Keras' names, in the order Keras saves them.
_VARIABLE_NAMES = {
    "Conv2D": ("kernel", "bias"),
    "Dense": ("kernel", "bias"),
    "DepthwiseConv2D": ("kernel", "bias"),
    "SeparableConv2D": ("depthwise_kernel", "pointwise_kernel", "bias"),
    "Normalization": ("mean", "variance", "count"),
}


class Engine(Protocol):
    """What an :class:`~guiapp.core.model.inference.Inspector` needs of an engine: every layer's outputs, or
    some, for a batch."""

    name: str

    def all_layers(self, batch: np.ndarray) -> list[np.ndarray]: ...

    def final(self, batch: np.ndarray) -> np.ndarray: ...

    def outputs(self, batch: np.ndarray, names: tuple[str, ...]) -> list[np.ndarray]: ...


class NumpyEngine:
    """A saved chain of layers run by :class:`NumpyNetwork` (stateless: safe from any thread)."""

    name = "NumPy"

    def __init__(self, network: NumpyNetwork) -> None:
        self.network = network
        self._index = {layer.name: i for i, layer in enumerate(network.layers)}

    def all_layers(self, batch: np.ndarray) -> list[np.ndarray]:
        return self.network.forward(batch)

    def final(self, batch: np.ndarray) -> np.ndarray:
        return self.network.forward(batch)[-1]

    def outputs(self, batch: np.ndarray, names: tuple[str, ...]) -> list[np.ndarray]:
        wanted = [self._index[name] for name in names]
        outputs = self.network.forward(batch, stop_after=max(wanted))
        return [outputs[i] for i in wanted]


@dataclass(frozen=True)
class ModelDescription:
    """What the views need to know of a model besides running it."""

    name: str
    input_shape: tuple[int, int, int]
    ledger: Ledger
    infos: tuple[LayerInfo, ...]
    variables: Mapping[str, Mapping[str, np.ndarray]]
    sequential: bool  # each layer reads exactly the previous one's output (a unit can be traced back)


# --------------------------------------------------------------------------- the two ways in


def describe_saved_chain(model_file: ModelFile) -> tuple[ModelDescription, NumpyEngine]:
    """A ``.keras`` file's chain of layers, read from its checked bytes, for the NumPy engine;
    :class:`NotSupported` when that engine cannot run it (an ``.h5`` file, a layer it does not know)."""
    from guiapp.core.model.keras_file import read_chain

    if model_file.kind != "zip":
        raise NotSupported("not a zip archive (an older .h5 file)")
    chain = read_chain(model_file.data)
    return describe_chain(chain.name, chain.input_shape, chain.layers)


def describe_chain(name: str, input_shape: tuple[int, ...],
                   layers: tuple[Layer, ...]) -> tuple[ModelDescription, NumpyEngine]:
    """A chain of layers (each reads the one before), its ledger worked out layer by layer, run in NumPy."""
    network = NumpyNetwork(input_shape, layers)
    rows, infos, variables = [], [], {}
    shape = input_shape
    for layer, out_shape in zip(layers, network.output_shapes, strict=True):
        params = sum(math.prod(v.shape) for v in layer.variables)
        rows.append(explained_row(layer.name, layer.kind, layer.config, shape, out_shape, params,
                                  _trainable(layer, params)))
        infos.append(LayerInfo(layer.name, layer.kind, layer.config, shape, out_shape))
        variables[layer.name] = _named_variables(layer)
        shape = out_shape
    ledger = Ledger(name, input_shape, tuple(rows))
    return ModelDescription(name, input_shape, ledger, tuple(infos), variables, True), NumpyEngine(network)


def describe_keras(model: Any, path: Path | None) -> tuple[ModelDescription, KerasEngine]:
    """A Keras model (built or loaded; ``path``: its file, to name in errors), run through TensorFlow."""
    _check_inputs(model, path)
    engine = KerasEngine(model)
    description = ModelDescription(model.name, engine.input_shape, engine.ledger(), engine.layer_infos(),
                                   engine.variables(), engine.is_chain())
    return description, engine


def layer_weights(description: ModelDescription) -> Mapping[str, LayerWeights]:
    """Each layer's kernel and bias, read-only, by layer name, in the model's order."""
    return MappingProxyType({
        info.name: LayerWeights.of(info.name, info.kind, description.variables.get(info.name, {}))
        for info in description.infos
    })


def swapped_layers(layers: Sequence[Layer], weights: Sequence[np.ndarray]) -> tuple[Layer, ...]:
    """``layers`` with ``weights`` (Keras' ``get_weights()`` order) in place of their own;
    :class:`ValueError` if their number or shapes differ."""
    check_weights(weights, [tuple(v.shape) for layer in layers for v in layer.variables])
    given = iter(weights)
    return tuple(dataclasses.replace(layer, variables=tuple(np.asarray(next(given), np.float32)
                                                            for _ in layer.variables))
                 for layer in layers)


# --------------------------------------------------------------------------- the checks


def check_weights(weights: Sequence[np.ndarray], shapes: list[tuple[int, ...]]) -> None:
    """:class:`ValueError` unless ``weights`` are as many, and shaped, as ``shapes``."""
    found = [tuple(np.shape(w)) for w in weights]
    if found != shapes:
        raise ValueError(f"{len(found)} weight arrays {found[:4]}…, expected {len(shapes)} shaped {shapes[:4]}…")


def check_io(description: ModelDescription, path: Path | None) -> None:
    """The models guiapp explains: one (H, W, 1 or 3) image in, one vector of ≥ 2 class scores out;
    :class:`ModelFileError` (one line naming ``path``, or the model) otherwise."""
    where = path if path is not None else description.name
    shape = description.input_shape
    text = shape_text(tuple(d or 0 for d in shape))
    if len(shape) != 3:
        raise ModelFileError(file_problem(where, f"expects input {text}, not an image (height × width × channels)",
                                          _IMAGE_HINT))
    if any(d is None for d in shape):
        raise ModelFileError(file_problem(where, f"expects input {text}, not one fixed image size", _IMAGE_HINT))
    height, width, channels = shape
    if channels not in CHANNELS:
        raise ModelFileError(file_problem(
            where, f"expects input {text}: {channels} channels, not 1 (grey) or 3 (RGB)", _IMAGE_HINT))
    if not (MIN_SIDE <= height <= MAX_SIDE and MIN_SIDE <= width <= MAX_SIDE):
        raise ModelFileError(file_problem(
            where, f"expects input {text}: sides must be {MIN_SIDE} to {MAX_SIDE} pixels", _IMAGE_HINT))
    out = description.infos[-1].output_shape if description.infos else ()
    if len(out) != 1 or not (2 <= (out[0] or 0) <= MAX_CLASSES):
        raise ModelFileError(file_problem(
            where, f"outputs {shape_text(tuple(d or 0 for d in out)) if out else 'nothing'}, "
            f"not a vector of 2 to {MAX_CLASSES:,} class scores", _IMAGE_HINT))


def _check_inputs(model: Any, path: Path | None) -> None:
    """What the TensorFlow engine assumes: one input and one output (their shapes: :func:`check_io`)."""
    where = path if path is not None else getattr(model, "name", "model")
    inputs = getattr(model, "inputs", None) or []
    if len(inputs) != 1:
        raise ModelFileError(file_problem(where, f"has {len(inputs)} inputs, expected one image", _IMAGE_HINT))
    if any(d is None for d in tuple(inputs[0].shape)[1:]):
        raise ModelFileError(file_problem(where, f"takes images of any size {tuple(inputs[0].shape)[1:]}, "
                                          "not one fixed size", _IMAGE_HINT))
    outputs = getattr(model, "outputs", None) or []
    if len(outputs) != 1:
        raise ModelFileError(file_problem(where, f"has {len(outputs)} outputs, expected one: the class probabilities",
                                          _IMAGE_HINT))


def _trainable(layer: Any, params: int) -> int:
    """Trainable parameters of a saved layer (a batch norm's moving statistics never are)."""
    if layer.config.get("trainable") is False or layer.kind == "Normalization":  # statistics, never trained
        return 0
    if layer.kind == "BatchNormalization":
        return params // len(layer.variables) * (len(layer.variables) - 2)
    return params


def _named_variables(layer: Any) -> dict[str, np.ndarray]:
    """A saved layer's variables under Keras' names, in the order Keras saves them."""
    names = _VARIABLE_NAMES.get(layer.kind)
    return dict(zip(names, layer.variables)) if names and layer.variables else {}
