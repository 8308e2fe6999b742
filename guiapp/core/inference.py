"""Run a trained model on one image and return every layer's state in one frozen result.

The model is loaded once (``compile=False``), then wrapped in one functional model
whose outputs are *all* layers' outputs, traced once by ``tf.function``: a single
call gives the whole picture the views need, far faster than ``model.predict``.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

import numpy as np

from guiapp.core.data import IMAGE_SIZE, NUM_CLASSES
from guiapp.core.errors import ModelFileError, file_problem, short_reason
from guiapp.core.layer_formulas import shape_text
from guiapp.core.ledger import Ledger, ledger_for_model
from guiapp.core.receptive_field import LayerInfo, Window, spatial_chains

INPUT_SHAPE = (IMAGE_SIZE, IMAGE_SIZE, 1)
BATCH_SIZE = 500
_MODEL_HINT = "pass --model PATH to a .keras file, or train one with `guiapp train`"


def _frozen(array: np.ndarray) -> np.ndarray:
    """A read-only float32 copy."""
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
    """Everything the network computed for one 28×28 image."""

    image: np.ndarray  # (28, 28) float32 in 0..1, as fed to the network
    layers: tuple[LayerState, ...]
    probabilities: np.ndarray  # (10,), sums to 1
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


def as_network_image(image: np.ndarray) -> np.ndarray:
    """Check and convert one image to float32 (28, 28) in 0..1 (uint8 is divided by 255)."""
    array = np.asarray(image)
    if array.shape == INPUT_SHAPE:
        array = array[..., 0]
    if array.shape != (IMAGE_SIZE, IMAGE_SIZE):
        raise ValueError(f"expected a 28×28 image, got shape {array.shape}")
    if array.dtype == np.uint8:
        return array.astype(np.float32) / 255.0
    array = array.astype(np.float32)
    if not np.all(np.isfinite(array)):
        raise ValueError("the image holds NaN or infinite values")
    return np.clip(array, 0.0, 1.0)


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=-1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=-1, keepdims=True)


class Inspector:
    """A loaded model ready to explain: all-layers inference, weights and the ledger."""

    def __init__(self, model: Any, path: Path | None = None) -> None:
        from guiapp.core.backend import keras, tensorflow

        k, tf = keras(), tensorflow()
        self.model = model
        self.path = path
        _check_io(model, path)
        self._layers = [layer for layer in model.layers if type(layer).__name__ != "InputLayer"]
        self.ledger: Ledger = ledger_for_model(model)
        params = {row.name: row.params for row in self.ledger.rows}
        self._meta = [
            (layer.name, type(layer).__name__, tuple(int(d) for d in layer.output.shape[1:]), params[layer.name])
            for layer in self._layers
        ]
        last = self._layers[-1].get_config() if self._layers else {}
        self._ends_in_softmax = last.get("activation") == "softmax" or type(self._layers[-1]).__name__ == "Softmax"
        all_layers = k.Model(inputs=model.inputs[0], outputs=[layer.output for layer in self._layers])

        def all_outputs(x: Any) -> Any:
            return all_layers(x, training=False)

        def final_output(x: Any) -> Any:
            return model(x, training=False)

        # One image at a time: XLA fuses the whole network into one compiled call, which
        # roughly halves the per-call overhead of a plain tf.function on the CPU.
        one = tf.TensorSpec([1, *INPUT_SHAPE], tf.float32)
        self._all_layers = tf.function(all_outputs, input_signature=[one], jit_compile=True, autograph=False)
        self._all_layers_plain = tf.function(all_outputs, input_signature=[one], autograph=False)
        batches = tf.TensorSpec([None, *INPUT_SHAPE], tf.float32)
        self._final = tf.function(final_output, input_signature=[batches], autograph=False)
        self._concrete: Any = None
        self._tf = tf
        self._lock = threading.Lock()  # a Keras model is never called from two threads at once
        self.weights: Mapping[str, LayerWeights] = MappingProxyType(
            {layer.name: _layer_weights(layer) for layer in self._layers}
        )
        self.layer_infos: tuple[LayerInfo, ...] = tuple(
            LayerInfo(layer.name, type(layer).__name__, layer.get_config(), _input_shape(layer), meta[2])
            for layer, meta in zip(self._layers, self._meta, strict=True)
        )
        # Tracing a unit back needs each layer to read exactly the previous layer's output.
        self.sequential = _is_chain(model, self._layers)
        self.chains: Mapping[str, tuple[Window, ...]] = (
            spatial_chains(self.layer_infos) if self.sequential else MappingProxyType({})
        )
        self._layer_models: dict[tuple[str, ...], Any] = {}
        self._keras = k

    @classmethod
    def load(cls, path: Path | str) -> Inspector:
        """Load a ``.keras`` (or legacy ``.h5``) model; :class:`ModelFileError` says what is wrong."""
        path = Path(path)
        if not path.is_file():
            raise ModelFileError(file_problem(path, "no such model file", _MODEL_HINT))
        from guiapp.core.backend import keras

        try:
            model = keras().models.load_model(path, compile=False)
        except Exception as exc:  # Keras raises many kinds for files that are not models
            raise ModelFileError(
                file_problem(path, f"not a readable Keras model ({short_reason(exc)})", _MODEL_HINT)
            ) from None
        return cls(model, path)

    @property
    def layer_names(self) -> tuple[str, ...]:
        return tuple(meta[0] for meta in self._meta)

    def run(self, image: np.ndarray) -> InferenceResult:
        """All layers' outputs and the probabilities for one image, in one call."""
        pixels = as_network_image(image)
        batch = pixels[np.newaxis, :, :, np.newaxis]
        with self._lock:
            started = time.perf_counter()
            outputs = self._call_all_layers(batch)
            arrays = [_readonly(output.numpy()[0]) for output in outputs]
            seconds = time.perf_counter() - started
        probabilities = arrays[-1] if self._ends_in_softmax else _readonly(_softmax(arrays[-1]))
        layers = tuple(
            LayerState(name, kind, shape, params, array)
            for (name, kind, shape, params), array in zip(self._meta, arrays, strict=True)
        )
        return InferenceResult(_readonly(pixels), layers, probabilities, seconds)

    def _call_all_layers(self, batch: np.ndarray) -> Any:
        """Call the traced graph directly (its concrete function skips tf.function's dispatch)."""
        if self._concrete is not None:
            return self._concrete(self._tf.constant(batch))
        try:
            self._concrete = self._all_layers.get_concrete_function()
            return self._concrete(self._tf.constant(batch))
        except Exception:  # noqa: BLE001 — a platform without XLA: fall back to the plain graph
            self._concrete = self._all_layers_plain.get_concrete_function()
            return self._concrete(self._tf.constant(batch))

    def warm_up(self) -> None:
        """Trace and compile the all-layers call now, so the first real update is fast."""
        self.run(np.zeros((IMAGE_SIZE, IMAGE_SIZE), np.float32))

    def predict_probabilities(self, images: np.ndarray, batch_size: int = BATCH_SIZE) -> np.ndarray:
        """Probabilities (N, 10) for float images (N, 28, 28) in 0..1, in batches."""
        images = np.asarray(images, dtype=np.float32)
        chunks = []
        with self._lock:
            for start in range(0, len(images), batch_size):
                batch = images[start:start + batch_size, :, :, np.newaxis]
                chunks.append(self._final(batch).numpy())
        out = np.concatenate(chunks) if chunks else np.zeros((0, NUM_CLASSES), np.float32)
        return out if self._ends_in_softmax else _softmax(out)

    def batch_outputs(
        self, images: np.ndarray, names: tuple[str, ...], batch_size: int = BATCH_SIZE
    ) -> dict[str, np.ndarray]:
        """The named layers' outputs (N, …) for float images (N, 28, 28) in 0..1, in batches."""
        unknown = [name for name in names if name not in self.layer_names]
        if unknown:
            raise KeyError(f"no layer named {', '.join(unknown)}")
        model = self._layer_models.get(names)
        if model is None:
            outputs = [self.model.get_layer(name).output for name in names]
            model = self._keras.Model(inputs=self.model.inputs[0], outputs=outputs)
            self._layer_models[names] = model
        images = np.asarray(images, dtype=np.float32)
        chunks: list[list[np.ndarray]] = []
        with self._lock:
            for start in range(0, len(images), batch_size):
                batch = images[start:start + batch_size, :, :, np.newaxis]
                out = model(batch, training=False)
                out = out if isinstance(out, (list, tuple)) else [out]
                chunks.append([np.asarray(o) for o in out])
        if not chunks:
            return {name: np.zeros((0, *self._meta[self.layer_names.index(name)][2]), np.float32) for name in names}
        return {name: np.concatenate([chunk[i] for chunk in chunks]) for i, name in enumerate(names)}


def _input_shape(layer: Any) -> tuple[int, ...]:
    """The layer's input shape without the batch axis; () when it has several inputs (a merge layer)."""
    tensor = layer.input
    if isinstance(tensor, (list, tuple)):
        return ()
    return tuple(int(d) if d is not None else 0 for d in tensor.shape[1:])


def _is_chain(model: Any, layers: list[Any]) -> bool:
    """True when every layer's only input is the previous layer's output (a Sequential stack)."""
    previous = model.inputs[0]._keras_history.operation
    for layer in layers:
        try:
            history = layer.input._keras_history
        except (AttributeError, ValueError):  # several inputs, or a layer used twice
            return False
        if history.operation is not previous:
            return False
        previous = layer
    return True


def _check_io(model: Any, path: Path | None) -> None:
    where = path if path is not None else getattr(model, "name", "model")
    inputs = getattr(model, "inputs", None) or []
    if len(inputs) != 1:
        raise ModelFileError(file_problem(where, f"has {len(inputs)} inputs, expected one 28×28×1 image"))
    shape = tuple(inputs[0].shape[1:])
    if shape != INPUT_SHAPE:
        raise ModelFileError(
            file_problem(
                where,
                f"expects input {shape_text(tuple(d or 0 for d in shape))}, not a 28×28×1 image",
                "choose a model trained on 28×28 grey digit images",
            )
        )
    out_shape = tuple(model.outputs[0].shape[1:])
    if out_shape != (NUM_CLASSES,):
        raise ModelFileError(
            file_problem(where, f"outputs {out_shape}, not 10 class probabilities",
                         "choose a model that classifies the digits 0–9")
        )


def _layer_weights(layer: Any) -> LayerWeights:
    kernel = bias = None
    for variable in layer.weights:
        name = variable.path.rsplit("/", 1)[-1]
        if name == "kernel":
            kernel = _frozen(variable.numpy())
        elif name == "bias":
            bias = _frozen(variable.numpy())
    return LayerWeights(layer.name, type(layer).__name__, kernel, bias)
