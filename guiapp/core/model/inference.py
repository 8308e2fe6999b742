"""Run a trained model on one image and return every layer's state in one frozen result.

An :class:`Inspector` is a loaded model with one of two engines behind it. Models made
of the layers the ledger explains (the shipped ones included) are read straight from
the ``.keras`` file and run in NumPy (:mod:`guiapp.core.model.numpy_engine`): no TensorFlow
import, so the first prediction comes in a second, not after a five-second import.
Anything else is loaded by Keras and run through one compiled all-layers graph
(:mod:`guiapp.core.model.keras_engine`). Either way a single call gives every layer's output.

The file is read once (:class:`~guiapp.core.model.model_file.ModelFile`: its checked bytes and its card);
both engines, the card's fields and anyone the inspector is passed to use that, never the path again.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, Protocol

import numpy as np

from guiapp.core.arithmetic.layer_formulas import shape_text
from guiapp.core.arithmetic.ledger import Ledger, explained_row
from guiapp.core.arithmetic.receptive_field import LayerInfo, Window, spatial_chains
from guiapp.core.errors import ModelFileError, file_problem
from guiapp.core.model.keras_engine import KerasEngine, load_keras_model
from guiapp.core.model.limits import (
    BYTE_RANGE,
    CHANNELS,
    INPUT_SHAPE,
    LUMA,
    MAX_CLASSES,
    MAX_SIDE,
    MIN_SIDE,
    UNIT_RANGE,
)
from guiapp.core.model.model_file import ModelFile
from guiapp.core.model.modelcard import card_classes, card_input_range, card_notes, read_card
from guiapp.core.model.numpy_engine import Layer, NotSupported, NumpyNetwork, softmax

__all__ = [
    "BYTE_RANGE", "INPUT_SHAPE", "NUMPY_BATCH_SIZE", "UNIT_RANGE", "Engine", "InferenceResult", "Inspector",
    "LayerState", "LayerWeights", "NumpyEngine", "as_network_image",
]

BATCH_SIZE = 500  # images per call of a batch pass (TensorFlow engine)
NUMPY_BATCH_SIZE = 64  # the NumPy engine unrolls conv windows: keep each batch's copy in the tens of MB
EngineChoice = Literal["auto", "numpy", "tensorflow"]


def _frozen(array: np.ndarray) -> np.ndarray:
    """A read-only float32 copy; none of a read-only float32 array that owns its numbers (as read from a file:
    :func:`~guiapp.core.model.keras_file.read_chain`), which nobody can change."""
    if (isinstance(array, np.ndarray) and array.dtype == np.float32 and not array.flags.writeable
            and array.base is None):
        return array
    return _readonly(np.array(array, dtype=np.float32, copy=True))


def _readonly(array: np.ndarray) -> np.ndarray:
    """``array`` (no copy: it is ours alone) marked read-only, so a result cannot be changed later."""
    array.setflags(write=False)
    return array


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


class Engine(Protocol):
    """What an :class:`Inspector` needs of an engine: every layer's outputs, or some, for a batch."""

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
class _Description:
    """What the views need to know of a model besides running it."""

    name: str
    input_shape: tuple[int, int, int]
    ledger: Ledger
    infos: tuple[LayerInfo, ...]
    variables: Mapping[str, Mapping[str, np.ndarray]]
    sequential: bool


class Inspector:
    """A loaded model ready to explain: all-layers inference, weights and the ledger.

    Build one with :meth:`load` (a file) or :meth:`from_keras` (a model in memory).
    ``engine`` names what runs it: ``"NumPy"`` or ``"TensorFlow"``.
    """

    def __init__(self, description: _Description, engine: Engine, path: Path | None = None,
                 keras_model: Any = None, model_file: ModelFile | None = None) -> None:
        #: The file as read, once: its bytes (for Keras, a child process, a cache key) and its card.
        #: None for a model only in memory.
        self.model_file = model_file
        self.path = model_file.path if model_file is not None else path
        path = self.path
        self.engine = engine
        self._keras_model = keras_model
        self.trusted = False  # the user let the file's Python code run (see :meth:`load`)
        #: False once :meth:`with_weights` gave it other weights than its file's (a cache key then counts them).
        self.weights_from_file = True
        self._snapshot: list[np.ndarray] | None = None  # those weights, for the Keras model when it is loaded
        self.ledger: Ledger = description.ledger
        _check_io(description, path)
        self.input_shape: tuple[int, int, int] = description.input_shape
        self.num_classes: int = description.infos[-1].output_shape[0]
        if model_file is not None:
            card, notes = model_file.card, list(model_file.card_notes)
        else:  # a model in memory, perhaps named after a file: its card, if any, read now
            notes = []
            card = read_card(path, notes) if path is not None else None
        #: The model's card (None: none, or unreadable), as read with the file.
        self.card: dict[str, Any] | None = card
        #: What of the model's card was ignored, one line each (an unreadable card, a nonsense field).
        self.card_notes: tuple[str, ...] = tuple(notes + card_notes(path, card, self.num_classes)) if path else ()
        self.class_names: tuple[str, ...] = (card_classes(card, self.num_classes)
                                             or tuple(str(i) for i in range(self.num_classes)))
        kinds = {info.kind for info in description.infos}
        #: The pixel values the model expects: 0..255 when it rescales them itself, else 0..1,
        #: unless its card says otherwise. Views always work in 0..1; :meth:`run` scales.
        self.input_range: tuple[float, float] = (card_input_range(card)
                                                 or (BYTE_RANGE if "Rescaling" in kinds else UNIT_RANGE))
        params = {row.name: row.params for row in self.ledger.rows}
        self.layer_infos: tuple[LayerInfo, ...] = description.infos
        self._meta = [(info.name, info.kind, info.output_shape, params[info.name]) for info in description.infos]
        last = description.infos[-1]
        self._ends_in_softmax = last.config.get("activation") == "softmax" or last.kind == "Softmax"
        self.weights: Mapping[str, LayerWeights] = MappingProxyType({
            info.name: LayerWeights(info.name, info.kind, *_kernel_and_bias(description.variables.get(info.name, {})))
            for info in description.infos
        })
        # Tracing a unit back needs each layer to read exactly the previous layer's output.
        self.sequential = description.sequential
        self.chains: Mapping[str, tuple[Window, ...]] = (
            spatial_chains(self.layer_infos) if self.sequential else MappingProxyType({})
        )
        self._batch_size = NUMPY_BATCH_SIZE if isinstance(engine, NumpyEngine) else BATCH_SIZE

    # ----------------------------------------------------------------- building

    @classmethod
    def load(cls, model: Path | str | ModelFile, engine: EngineChoice = "auto", trust: bool = False) -> Inspector:
        """Load a ``.keras`` (or legacy ``.h5``) model; :class:`ModelFileError` says what is wrong.

        ``model``: its path, read once here (:meth:`ModelFile.read`: a regular file, within bounds, not too
        many parameters, before any engine builds it), or a :class:`ModelFile` already read — the file is
        then not opened at all.
        ``auto`` runs it in NumPy when every layer is one that engine knows, else in TensorFlow.
        ``trust``: let Keras run Python code stored in the file (``Lambda`` layers); off by default.
        """
        model_file = model if isinstance(model, ModelFile) else ModelFile.read(model)
        if engine != "tensorflow":
            try:
                return cls._from_saved_chain(model_file)
            except NotSupported as exc:
                if engine == "numpy":
                    raise ModelFileError(file_problem(model_file.path,
                                                      f"the NumPy engine cannot run it ({exc})")) from None
        inspector = cls.from_keras(load_keras_model(model_file, trust), model_file=model_file)
        inspector.trusted = trust
        return inspector

    @classmethod
    def from_keras(cls, model: Any, path: Path | None = None, model_file: ModelFile | None = None) -> Inspector:
        """An inspector running a Keras model (already built or loaded) through TensorFlow; ``model_file``:
        the file it was loaded from, as read."""
        path = model_file.path if model_file is not None else path
        _check_inputs(model, path)
        engine = KerasEngine(model)
        description = _Description(
            model.name, engine.input_shape, engine.ledger(), engine.layer_infos(), engine.variables(),
            engine.is_chain(),
        )
        return cls(description, engine, path, keras_model=model, model_file=model_file)

    @classmethod
    def _from_saved_chain(cls, model_file: ModelFile) -> Inspector:
        from guiapp.core.model.keras_file import read_chain

        if model_file.kind != "zip":
            raise NotSupported("not a zip archive (an older .h5 file)")
        chain = read_chain(model_file.data)
        return cls._from_chain(chain.name, chain.input_shape, chain.layers, model_file)

    @classmethod
    def _from_chain(cls, name: str, input_shape: tuple[int, ...], layers: tuple[Layer, ...],
                    model_file: ModelFile | None, path: Path | None = None) -> Inspector:
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
        description = _Description(name, input_shape, ledger, tuple(infos), variables, True)
        return cls(description, NumpyEngine(network), path, model_file=model_file)

    def with_weights(self, weights: Sequence[np.ndarray]) -> Inspector:
        """The same network with other weights, given in Keras' ``get_weights()`` order (a training snapshot).

        :class:`ValueError` if their number or shapes are not this network's.
        """
        if isinstance(self.engine, NumpyEngine):
            layers = self.engine.network.layers
            wanted = [tuple(v.shape) for layer in layers for v in layer.variables]
            _check_weights(weights, wanted)
            given = iter(weights)
            swapped = tuple(
                dataclasses.replace(layer, variables=tuple(np.asarray(next(given), np.float32)
                                                           for _ in layer.variables))
                for layer in layers)
            inspector = self._from_chain(self.ledger.name, self.input_shape, swapped, self.model_file, self.path)
            inspector._snapshot = [np.asarray(w, np.float32) for w in weights]
        else:
            from guiapp.core.model.backend import keras

            model = self.keras_model()
            _check_weights(weights, [tuple(w.shape) for w in model.weights])
            copy = keras().models.clone_model(model)
            copy.set_weights([np.asarray(w) for w in weights])
            inspector = self.from_keras(copy, self.path, self.model_file)
        inspector.trusted = self.trusted
        inspector.class_names = self.class_names
        inspector.input_range = self.input_range
        inspector.card, inspector.card_notes = self.card, self.card_notes
        inspector.weights_from_file = False
        return inspector

    def keras_model(self) -> Any:
        """The model as Keras loads it (loaded on first use when the NumPy engine runs it, from the bytes
        read with the file: what Keras builds is what the NumPy engine runs)."""
        if self._keras_model is None:
            source = self.model_file if self.model_file is not None else self.path
            if source is None:
                raise ValueError("this inspector has no file to load a Keras model from")
            model = load_keras_model(source, self.trusted)
            if self._snapshot is not None:  # a training snapshot: its weights, not the file's
                model.set_weights(self._snapshot)
            self._keras_model = model
        return self._keras_model

    @property
    def layer_names(self) -> tuple[str, ...]:
        return tuple(meta[0] for meta in self._meta)

    @property
    def image_shape(self) -> tuple[int, ...]:
        """The shape of one 0..1 image as :meth:`run` returns it: (H, W) grey or (H, W, 3) RGB."""
        height, width, channels = self.input_shape
        return (height, width) if channels == 1 else (height, width, channels)

    @property
    def is_rgb(self) -> bool:
        return self.input_shape[2] == 3

    def set_class_names(self, names: list[str] | tuple[str, ...]) -> None:
        """Name the classes (one per output); :class:`ValueError` if the count is wrong."""
        names = tuple(str(name) for name in names)
        if len(names) != self.num_classes:
            raise ValueError(f"{len(names)} class names for a model with {self.num_classes} classes")
        self.class_names = names

    def _scaled(self, batch: np.ndarray, input_range: tuple[float, float] | None) -> np.ndarray:
        """0..1 images (N, H, W[, C]) → the batch the model takes: (N, H, W, C) in its value range."""
        low, high = input_range or self.input_range
        if batch.ndim == 3:
            batch = batch[..., np.newaxis]
        if batch.shape[-1] != self.input_shape[2]:
            batch = np.stack([as_network_image(image, self.input_shape) for image in batch])
            batch = batch.reshape(len(batch), *self.input_shape)
        if (low, high) != UNIT_RANGE:
            batch = batch * np.float32(high - low) + np.float32(low)
        return np.ascontiguousarray(batch, dtype=np.float32)

    # ----------------------------------------------------------------- running

    def run(self, image: np.ndarray, input_range: tuple[float, float] | None = None) -> InferenceResult:
        """All layers' outputs and the probabilities for one 0..1 image, in one call.

        ``input_range`` overrides the value range the pixels are scaled to (default :attr:`input_range`).
        """
        pixels = as_network_image(image, self.input_shape)
        batch = self._scaled(pixels[np.newaxis], input_range)
        started = time.perf_counter()
        arrays = [_readonly(np.array(output[0], dtype=np.float32)) for output in self.engine.all_layers(batch)]
        seconds = time.perf_counter() - started
        probabilities = arrays[-1] if self._ends_in_softmax else _readonly(softmax(arrays[-1]))
        layers = tuple(
            LayerState(name, kind, shape, params, array)
            for (name, kind, shape, params), array in zip(self._meta, arrays, strict=True)
        )
        return InferenceResult(_readonly(pixels), layers, probabilities, seconds)

    def warm_up(self) -> None:
        """Trace and compile the all-layers call now, so the first real update is fast."""
        self.run(np.zeros(self.image_shape, np.float32))

    def predict_probabilities(self, images: np.ndarray, batch_size: int | None = None,
                              input_range: tuple[float, float] | None = None) -> np.ndarray:
        """Probabilities (N, classes) for float images (N, H, W[, C]) in 0..1, in batches."""
        images = np.asarray(images, dtype=np.float32)
        size = batch_size or self._batch_size
        chunks = [self.engine.final(self._scaled(images[start:start + size], input_range))
                  for start in range(0, len(images), size)]
        out = np.concatenate(chunks) if chunks else np.zeros((0, self.num_classes), np.float32)
        return self.probabilities_of(out)

    def probabilities_of(self, final: np.ndarray) -> np.ndarray:
        """The class probabilities from the last layer's outputs (N, classes): softmax unless it is one."""
        return final if self._ends_in_softmax else softmax(final)

    def batch_outputs(
        self, images: np.ndarray, names: tuple[str, ...], batch_size: int | None = None
    ) -> dict[str, np.ndarray]:
        """The named layers' outputs (N, …) for float images (N, H, W[, C]) in 0..1, in batches."""
        unknown = [name for name in names if name not in self.layer_names]
        if unknown:
            raise KeyError(f"no layer named {', '.join(unknown)}")
        images = np.asarray(images, dtype=np.float32)
        size = batch_size or self._batch_size
        chunks = [self.engine.outputs(self._scaled(images[start:start + size], None), names)
                  for start in range(0, len(images), size)]
        if not chunks:
            return {name: np.zeros((0, *self._meta[self.layer_names.index(name)][2]), np.float32) for name in names}
        return {name: np.concatenate([chunk[i] for chunk in chunks]) for i, name in enumerate(names)}


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


_VARIABLE_NAMES = {
    "Conv2D": ("kernel", "bias"),
    "Dense": ("kernel", "bias"),
    "DepthwiseConv2D": ("kernel", "bias"),
    "SeparableConv2D": ("depthwise_kernel", "pointwise_kernel", "bias"),
    "Normalization": ("mean", "variance", "count"),
}


def _kernel_and_bias(variables: Mapping[str, np.ndarray]) -> tuple[np.ndarray | None, np.ndarray | None]:
    kernel, bias = variables.get("kernel"), variables.get("bias")
    return (_frozen(kernel) if kernel is not None else None, _frozen(bias) if bias is not None else None)


def _check_weights(weights: Sequence[np.ndarray], shapes: list[tuple[int, ...]]) -> None:
    found = [tuple(np.shape(w)) for w in weights]
    if found != shapes:
        raise ValueError(f"{len(found)} weight arrays {found[:4]}…, expected {len(shapes)} shaped {shapes[:4]}…")


def _check_inputs(model: Any, path: Path | None) -> None:
    """What the TensorFlow engine assumes: one input and one output (their shapes: :func:`_check_io`)."""
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


_IMAGE_HINT = ("guiapp explains image classifiers: one input of height × width × 1 or 3 "
               f"({MIN_SIDE}–{MAX_SIDE} pixels a side) and one output of 2 or more class scores")


def _check_io(description: _Description, path: Path | None) -> None:
    """The models guiapp explains: one (H, W, 1 or 3) image in, one vector of ≥ 2 class scores out."""
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
