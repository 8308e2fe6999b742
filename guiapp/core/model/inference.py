"""Run a trained model on one image and return every layer's state in one frozen result.

An :class:`Inspector` is a loaded model with one of two engines behind it. Models made
of the layers the ledger explains (the shipped ones included) are read straight from
the ``.keras`` file and run in NumPy (:mod:`guiapp.core.model.numpy_engine`): no TensorFlow
import, so the first prediction comes in a second, not after a five-second import.
Anything else is loaded by Keras and run through one compiled all-layers graph
(:mod:`guiapp.core.model.keras_engine`). Either way a single call gives every layer's output.

The file is read once (:class:`~guiapp.core.model.model_file.ModelFile`: its checked bytes and its card);
both engines, the card's fields and anyone the inspector is passed to use that, never the path again.

Three modules, one per concern: this one is the :class:`Inspector` (loading, then running);
:mod:`~guiapp.core.model.inference_build` describes and checks a model and builds its engine;
:mod:`~guiapp.core.model.inference_result` holds what a run returns. The names below are importable
from here as before.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import numpy as np

from guiapp.core.arithmetic.ledger import Ledger
from guiapp.core.arithmetic.receptive_field import LayerInfo, Window, spatial_chains
from guiapp.core.errors import ModelFileError, file_problem
from guiapp.core.model.inference_build import (
    Engine,
    ModelDescription,
    NumpyEngine,
    check_io,
    check_weights,
    describe_chain,
    describe_keras,
    describe_saved_chain,
    layer_weights,
    swapped_layers,
)
from guiapp.core.model.inference_result import (
    InferenceResult,
    LayerState,
    LayerWeights,
    as_network_image,
    readonly,
)
from guiapp.core.model.keras_engine import load_keras_model
from guiapp.core.model.limits import BYTE_RANGE, INPUT_SHAPE, UNIT_RANGE
from guiapp.core.model.model_file import ModelFile
from guiapp.core.model.modelcard import card_classes, card_input_range, card_notes, read_card
from guiapp.core.model.numpy_engine import NotSupported, softmax

__all__ = [
    "BYTE_RANGE", "INPUT_SHAPE", "NUMPY_BATCH_SIZE", "UNIT_RANGE", "Engine", "InferenceResult", "Inspector",
    "LayerState", "LayerWeights", "NumpyEngine", "as_network_image",
]

BATCH_SIZE = 500  # images per call of a batch pass (TensorFlow engine)
NUMPY_BATCH_SIZE = 64  # the NumPy engine unrolls conv windows: keep each batch's copy in the tens of MB
EngineChoice = Literal["auto", "numpy", "tensorflow"]


class Inspector:
    """A loaded model ready to explain: all-layers inference, weights and the ledger.

    Build one with :meth:`load` (a file) or :meth:`from_keras` (a model in memory).
    ``engine`` names what runs it: ``"NumPy"`` or ``"TensorFlow"``.
    """

    def __init__(self, description: ModelDescription, engine: Engine, path: Path | None = None,
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
        check_io(description, path)
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
        self.weights: Mapping[str, LayerWeights] = layer_weights(description)
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
                return cls(*describe_saved_chain(model_file), model_file=model_file)
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
        return cls(*describe_keras(model, path), path, keras_model=model, model_file=model_file)

    def with_weights(self, weights: Sequence[np.ndarray]) -> Inspector:
        """The same network with other weights, given in Keras' ``get_weights()`` order (a training snapshot).

        :class:`ValueError` if their number or shapes are not this network's.
        """
        if isinstance(self.engine, NumpyEngine):
            layers = swapped_layers(self.engine.network.layers, weights)
            inspector = type(self)(*describe_chain(self.ledger.name, self.input_shape, layers), self.path,
                                   model_file=self.model_file)
            inspector._snapshot = [np.asarray(w, np.float32) for w in weights]
        else:
            from guiapp.core.model.backend import keras

            model = self.keras_model()
            check_weights(weights, [tuple(w.shape) for w in model.weights])
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

    # ----------------------------------------------------------------- running

    def run(self, image: np.ndarray, input_range: tuple[float, float] | None = None) -> InferenceResult:
        """All layers' outputs and the probabilities for one 0..1 image, in one call.

        ``input_range`` overrides the value range the pixels are scaled to (default :attr:`input_range`).
        """
        pixels = as_network_image(image, self.input_shape)
        batch = self._scaled(pixels[np.newaxis], input_range)
        started = time.perf_counter()
        arrays = [readonly(np.array(output[0], dtype=np.float32)) for output in self.engine.all_layers(batch)]
        seconds = time.perf_counter() - started
        probabilities = arrays[-1] if self._ends_in_softmax else readonly(softmax(arrays[-1]))
        layers = tuple(
            LayerState(name, kind, shape, params, array)
            for (name, kind, shape, params), array in zip(self._meta, arrays, strict=True)
        )
        return InferenceResult(readonly(pixels), layers, probabilities, seconds)

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
