"""Run a trained model on one image and return every layer's state in one frozen result.

An :class:`Inspector` is a loaded model with one of two engines behind it. Models made
of the layers the ledger explains (the shipped ones included) are read straight from
the ``.keras`` file and run in NumPy (:mod:`guiapp.core.numpy_engine`): no TensorFlow
import, so the first prediction comes in a second, not after a five-second import.
Anything else is loaded by Keras and run through one compiled all-layers graph
(:mod:`guiapp.core.keras_engine`). Either way a single call gives every layer's output.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, Mapping, Protocol

import numpy as np

from guiapp.core.data import IMAGE_SIZE, NUM_CLASSES
from guiapp.core.errors import ModelFileError, file_problem
from guiapp.core.keras_engine import MODEL_HINT, KerasEngine, load_keras_model
from guiapp.core.layer_formulas import shape_text
from guiapp.core.ledger import Ledger, explained_row
from guiapp.core.numpy_engine import NotSupported, NumpyNetwork
from guiapp.core.receptive_field import LayerInfo, Window, spatial_chains

INPUT_SHAPE = (IMAGE_SIZE, IMAGE_SIZE, 1)
BATCH_SIZE = 500  # images per call of a batch pass (TensorFlow engine)
NUMPY_BATCH_SIZE = 64  # the NumPy engine unrolls conv windows: keep each batch's copy in the tens of MB
EngineChoice = Literal["auto", "numpy", "tensorflow"]


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
    input_shape: tuple[int, ...]
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
                 keras_model: Any = None) -> None:
        self.path = path
        self.engine = engine
        self._keras_model = keras_model
        self.ledger: Ledger = description.ledger
        self.input_shape = description.input_shape
        _check_io(description, path)
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
    def load(cls, path: Path | str, engine: EngineChoice = "auto") -> Inspector:
        """Load a ``.keras`` (or legacy ``.h5``) model; :class:`ModelFileError` says what is wrong.

        ``auto`` runs it in NumPy when every layer is one that engine knows, else in TensorFlow.
        """
        path = Path(path)
        if not path.is_file():
            reason = "a folder, not a model file" if path.is_dir() else (
                "not a regular file" if path.exists() else "no such model file")
            raise ModelFileError(file_problem(path, reason, MODEL_HINT))
        kind = _file_kind(path)
        if kind is None:  # Keras would say "File not found" for a file that is there
            raise ModelFileError(file_problem(
                path, "not a Keras model: neither a .keras archive (zip) nor an HDF5 .h5 file", MODEL_HINT))
        if engine != "tensorflow":
            try:
                return cls._from_saved_chain(path)
            except NotSupported as exc:
                if engine == "numpy":
                    raise ModelFileError(file_problem(path, f"the NumPy engine cannot run it ({exc})")) from None
        return cls.from_keras(load_keras_model(path), path)

    @classmethod
    def from_keras(cls, model: Any, path: Path | None = None) -> Inspector:
        """An inspector running a Keras model (already built or loaded) through TensorFlow."""
        _check_inputs(model, path)
        engine = KerasEngine(model)
        description = _Description(
            model.name, engine.input_shape, engine.ledger(), engine.layer_infos(), engine.variables(),
            engine.is_chain(),
        )
        return cls(description, engine, path, keras_model=model)

    @classmethod
    def _from_saved_chain(cls, path: Path) -> Inspector:
        from guiapp.core.keras_file import read_chain

        chain = read_chain(path)
        network = NumpyNetwork(chain.input_shape, chain.layers)
        rows, infos, variables = [], [], {}
        shape = chain.input_shape
        for layer, out_shape in zip(chain.layers, network.output_shapes, strict=True):
            params = sum(math.prod(v.shape) for v in layer.variables)
            rows.append(explained_row(layer.name, layer.kind, layer.config, shape, out_shape, params,
                                      _trainable(layer, params)))
            infos.append(LayerInfo(layer.name, layer.kind, layer.config, shape, out_shape))
            variables[layer.name] = _named_variables(layer)
            shape = out_shape
        ledger = Ledger(chain.name, chain.input_shape, tuple(rows))
        description = _Description(chain.name, chain.input_shape, ledger, tuple(infos), variables, True)
        return cls(description, NumpyEngine(network), path)

    def keras_model(self) -> Any:
        """The model as Keras loads it (loaded on first use when the NumPy engine runs it)."""
        if self._keras_model is None:
            if self.path is None:
                raise ValueError("this inspector has no file to load a Keras model from")
            self._keras_model = load_keras_model(self.path)
        return self._keras_model

    @property
    def layer_names(self) -> tuple[str, ...]:
        return tuple(meta[0] for meta in self._meta)

    # ----------------------------------------------------------------- running

    def run(self, image: np.ndarray) -> InferenceResult:
        """All layers' outputs and the probabilities for one image, in one call."""
        pixels = as_network_image(image)
        batch = pixels[np.newaxis, :, :, np.newaxis]
        started = time.perf_counter()
        arrays = [_readonly(np.array(output[0], dtype=np.float32)) for output in self.engine.all_layers(batch)]
        seconds = time.perf_counter() - started
        probabilities = arrays[-1] if self._ends_in_softmax else _readonly(_softmax(arrays[-1]))
        layers = tuple(
            LayerState(name, kind, shape, params, array)
            for (name, kind, shape, params), array in zip(self._meta, arrays, strict=True)
        )
        return InferenceResult(_readonly(pixels), layers, probabilities, seconds)

    def warm_up(self) -> None:
        """Trace and compile the all-layers call now, so the first real update is fast."""
        self.run(np.zeros((IMAGE_SIZE, IMAGE_SIZE), np.float32))

    def predict_probabilities(self, images: np.ndarray, batch_size: int | None = None) -> np.ndarray:
        """Probabilities (N, 10) for float images (N, 28, 28) in 0..1, in batches."""
        images = np.asarray(images, dtype=np.float32)
        size = batch_size or self._batch_size
        chunks = [self.engine.final(images[start:start + size, :, :, np.newaxis])
                  for start in range(0, len(images), size)]
        out = np.concatenate(chunks) if chunks else np.zeros((0, NUM_CLASSES), np.float32)
        return out if self._ends_in_softmax else _softmax(out)

    def batch_outputs(
        self, images: np.ndarray, names: tuple[str, ...], batch_size: int | None = None
    ) -> dict[str, np.ndarray]:
        """The named layers' outputs (N, …) for float images (N, 28, 28) in 0..1, in batches."""
        unknown = [name for name in names if name not in self.layer_names]
        if unknown:
            raise KeyError(f"no layer named {', '.join(unknown)}")
        images = np.asarray(images, dtype=np.float32)
        size = batch_size or self._batch_size
        chunks = [self.engine.outputs(images[start:start + size, :, :, np.newaxis], names)
                  for start in range(0, len(images), size)]
        if not chunks:
            return {name: np.zeros((0, *self._meta[self.layer_names.index(name)][2]), np.float32) for name in names}
        return {name: np.concatenate([chunk[i] for chunk in chunks]) for i, name in enumerate(names)}


_HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"


def _file_kind(path: Path) -> str | None:
    """"zip" (a .keras archive), "hdf5" (a legacy .h5 model) or None, from the file's first bytes."""
    try:
        with path.open("rb") as handle:
            head = handle.read(2048 + 8)
    except OSError as exc:
        raise ModelFileError(file_problem(path, f"cannot be read ({exc.strerror or exc})")) from None
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    # HDF5's signature sits at 0, or after a user block of 512, 1024 or 2048 bytes.
    return "hdf5" if any(head[at:at + 8] == _HDF5_SIGNATURE for at in (0, 512, 1024, 2048)) else None


def _trainable(layer: Any, params: int) -> int:
    """Trainable parameters of a saved layer (a batch norm's moving statistics never are)."""
    if layer.config.get("trainable") is False:
        return 0
    if layer.kind == "BatchNormalization":
        return params // len(layer.variables) * (len(layer.variables) - 2)
    return params


def _named_variables(layer: Any) -> dict[str, np.ndarray]:
    """A saved layer's variables under Keras' names (Conv2D and Dense: kernel, then bias)."""
    if layer.kind in ("Conv2D", "Dense") and layer.variables:
        return dict(zip(("kernel", "bias"), layer.variables))
    return {}


def _kernel_and_bias(variables: Mapping[str, np.ndarray]) -> tuple[np.ndarray | None, np.ndarray | None]:
    kernel, bias = variables.get("kernel"), variables.get("bias")
    return (_frozen(kernel) if kernel is not None else None, _frozen(bias) if bias is not None else None)


def _check_inputs(model: Any, path: Path | None) -> None:
    """What the TensorFlow engine assumes: one input and one output (their shapes: :func:`_check_io`)."""
    where = path if path is not None else getattr(model, "name", "model")
    inputs = getattr(model, "inputs", None) or []
    if len(inputs) != 1:
        raise ModelFileError(file_problem(where, f"has {len(inputs)} inputs, expected one 28×28×1 image"))
    outputs = getattr(model, "outputs", None) or []
    if len(outputs) != 1:
        raise ModelFileError(file_problem(where, f"has {len(outputs)} outputs, expected one: 10 class probabilities",
                                          "choose a model that classifies the digits 0–9"))


def _check_io(description: _Description, path: Path | None) -> None:
    where = path if path is not None else description.name
    shape = description.input_shape
    if shape != INPUT_SHAPE:
        raise ModelFileError(
            file_problem(
                where,
                f"expects input {shape_text(tuple(d or 0 for d in shape))}, not a 28×28×1 image",
                "choose a model trained on 28×28 grey digit images",
            )
        )
    if not description.infos or description.infos[-1].output_shape != (NUM_CLASSES,):
        out = description.infos[-1].output_shape if description.infos else ()
        raise ModelFileError(
            file_problem(where, f"outputs {out}, not 10 class probabilities",
                         "choose a model that classifies the digits 0–9")
        )
