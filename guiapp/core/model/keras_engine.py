"""The TensorFlow engine: a loaded Keras model, called through one compiled all-layers graph.

Used for models the NumPy engine does not run (layers it does not know, several inputs,
older ``.h5`` files) and as the reference the tests compare the NumPy engine against.
Importing this module is cheap; building an engine imports TensorFlow.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import numpy as np

from guiapp.core.arithmetic.ledger import Ledger, ledger_for_model
from guiapp.core.arithmetic.receptive_field import LayerInfo
from guiapp.core.errors import (
    ModelFileError,
    UnsafeModelError,
    file_problem,
    short_reason,
)
from guiapp.core.model.model_check import MODEL_HINT, read_checked
from guiapp.core.model.model_file import ModelFile, private_copy

__all__ = ["MODEL_HINT", "KerasEngine", "load_keras_model", "reads_in_chain"]

UNSAFE_REASON = "contains Python code (a Lambda layer) that would run as the model loads, so it was not loaded"
UNSAFE_HINT = "load it only if you trust where it came from"
# What Keras says, in safe mode, of a file whose layers carry code (.keras and .h5 alike).
_SAFE_MODE_MARKERS = ("safe_mode", "arbitrary code execution")


def load_keras_model(source: Path | str | ModelFile, trust: bool = False) -> Any:
    """``keras.models.load_model(…, compile=False)``; :class:`ModelFileError` for anything unreadable.

    ``source``: a model file already read and checked (:class:`ModelFile`), or its path, which is then read
    once and checked (:func:`read_checked`) before Keras sees it: Keras would block on a FIFO, read
    ``/dev/zero`` to the end, and build every parameter a config declares before reading one weight.
    Keras is given a private copy of the checked bytes, never the path again, so it loads what was checked.
    ``trust``: load layers that carry Python code (``Lambda``), which Keras' safe mode refuses;
    without it such a file raises :class:`UnsafeModelError`, so a caller can ask the user first.
    """
    if not isinstance(source, ModelFile):
        path = Path(source)
        data, kind = read_checked(path)
        source = ModelFile(path, data, kind)  # no card: Keras does not need one
    from guiapp.core.model.backend import keras

    path = source.path
    try:
        with private_copy(source) as copy:
            try:
                return keras().models.load_model(copy, compile=False, safe_mode=not trust)
            except Exception as exc:  # noqa: BLE001 — Keras raises many kinds for files that are not models
                unsafe = any(marker in str(exc) for marker in _SAFE_MODE_MARKERS)
                reason = _reason(exc, copy, path)
    except OSError as exc:  # no room for the copy in the temporary folder
        raise ModelFileError(file_problem(path, f"cannot be copied for Keras ({exc.strerror or exc})")) from None
    if not trust and unsafe:
        raise UnsafeModelError(path, UNSAFE_REASON, UNSAFE_HINT)
    raise ModelFileError(file_problem(path, f"not a readable Keras model ({reason})", MODEL_HINT))


def _reason(exc: Exception, copy: Path, path: Path) -> str:
    """Keras' first line about ``exc``, naming the user's file where it named the private copy."""
    text = str(exc).replace(str(copy), str(path))
    return short_reason(Exception(text)) if text.strip() else type(exc).__name__


def reads_in_chain(first: Any, layers: list[Any]) -> bool:
    """Whether each of ``layers`` reads exactly the output of the one before it (the first: ``first``'s)."""
    previous = first
    for layer in layers:
        try:
            history = layer.input._keras_history
        except (AttributeError, ValueError):  # several inputs, or a layer used twice
            return False
        if history.operation is not previous:
            return False
        previous = layer
    return True


class KerasEngine:
    """All layers' outputs of a Keras model; the model is never called from two threads at once."""

    name = "TensorFlow"

    def __init__(self, model: Any) -> None:
        from guiapp.core.model.backend import keras, tensorflow

        k, tf = keras(), tensorflow()
        self.model = model
        self.layers = [layer for layer in model.layers if type(layer).__name__ != "InputLayer"]
        self.input_shape = tuple(int(d) if d is not None else None for d in model.inputs[0].shape[1:])
        all_layers = k.Model(inputs=model.inputs[0], outputs=[layer.output for layer in self.layers])

        def all_outputs(x: Any) -> Any:
            return all_layers(x, training=False)

        def final_output(x: Any) -> Any:
            return model(x, training=False)

        # One image at a time: XLA fuses the whole network into one compiled call, which
        # roughly halves the per-call overhead of a plain tf.function on the CPU.
        one = tf.TensorSpec([1, *self.input_shape], tf.float32)
        self._all_layers = tf.function(all_outputs, input_signature=[one], jit_compile=True, autograph=False)
        self._all_layers_plain = tf.function(all_outputs, input_signature=[one], autograph=False)
        batches = tf.TensorSpec([None, *self.input_shape], tf.float32)
        self._final = tf.function(final_output, input_signature=[batches], autograph=False)
        self._concrete: Any = None
        self._tf = tf
        self._keras = k
        self._lock = threading.Lock()
        self._layer_models: dict[tuple[str, ...], Any] = {}

    # ----------------------------------------------------------------- description

    def ledger(self) -> Ledger:
        return ledger_for_model(self.model)

    def layer_infos(self) -> tuple[LayerInfo, ...]:
        return tuple(
            LayerInfo(layer.name, type(layer).__name__, layer.get_config(), _input_shape(layer),
                      tuple(int(d) for d in layer.output.shape[1:]))
            for layer in self.layers
        )

    def variables(self) -> dict[str, dict[str, np.ndarray]]:
        """Each layer's variables by their Keras names (``kernel``, ``bias``, …)."""
        return {
            layer.name: {variable.path.rsplit("/", 1)[-1]: np.asarray(variable.numpy()) for variable in layer.weights}
            for layer in self.layers
        }

    def is_chain(self) -> bool:
        """True when every layer's only input is the previous layer's output (a Sequential stack)."""
        return reads_in_chain(self.model.inputs[0]._keras_history.operation, self.layers)

    # ----------------------------------------------------------------- running

    def all_layers(self, batch: np.ndarray) -> list[np.ndarray]:
        """Every layer's output for one image (1, H, W, C), through the traced graph."""
        with self._lock:
            outputs = self._call_all_layers(batch)
            return [output.numpy() for output in outputs]

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

    def final(self, batch: np.ndarray) -> np.ndarray:
        with self._lock:
            return self._final(batch).numpy()

    def outputs(self, batch: np.ndarray, names: tuple[str, ...]) -> list[np.ndarray]:
        model = self._layer_models.get(names)
        if model is None:
            outputs = [self.model.get_layer(name).output for name in names]
            model = self._keras.Model(inputs=self.model.inputs[0], outputs=outputs)
            self._layer_models[names] = model
        with self._lock:
            out = model(batch, training=False)
        out = out if isinstance(out, (list, tuple)) else [out]
        return [np.asarray(o) for o in out]


def _input_shape(layer: Any) -> tuple[int, ...]:
    """The layer's input shape without the batch axis; () when it has several inputs (a merge layer)."""
    tensor = layer.input
    if isinstance(tensor, (list, tuple)):
        return ()
    return tuple(int(d) if d is not None else 0 for d in tensor.shape[1:])
