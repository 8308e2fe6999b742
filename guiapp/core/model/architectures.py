"""The networks of the seed articles, described as data and built with Keras on demand.

An :class:`Architecture` is a plain description (layer kinds and their Keras
arguments), so the layer ledger can explain it without importing TensorFlow, and
:func:`build_model` turns it into a Keras model when weights are needed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from guiapp.core.errors import ArchitectureError

__all__ = [
    "ARCHITECTURES", "DEFAULT_ARCHITECTURE", "MNIST_INPUT_SHAPE", "NUM_CLASSES", "Architecture", "LayerSpec",
    "build_model", "get_architecture",
]

MNIST_INPUT_SHAPE = (28, 28, 1)
NUM_CLASSES = 10


@dataclass(frozen=True)
class LayerSpec:
    """One layer: its Keras class name, its name, and the arguments it is built with."""

    kind: str
    name: str
    config: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "config", MappingProxyType(dict(self.config)))


@dataclass(frozen=True)
class Architecture:
    """A sequential image classifier: an input shape and its layers in order."""

    name: str
    layers: tuple[LayerSpec, ...]
    input_shape: tuple[int, ...] = MNIST_INPUT_SHAPE
    description: str = ""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description (for model cards)."""
        return {
            "name": self.name,
            "input_shape": list(self.input_shape),
            "layers": [
                {"kind": spec.kind, "name": spec.name, "config": _jsonable(dict(spec.config))}
                for spec in self.layers
            ],
        }


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def _seed_cnn(name: str, second_filters: int, description: str) -> Architecture:
    """The Keras ``mnist_cnn.py`` example, with a choice of filters in the second convolution."""
    return Architecture(
        name=name,
        description=description,
        layers=(
            LayerSpec("Conv2D", "conv2d", {"filters": 32, "kernel_size": (3, 3), "activation": "relu"}),
            LayerSpec("Conv2D", "conv2d_1", {"filters": second_filters, "kernel_size": (3, 3), "activation": "relu"}),
            LayerSpec("MaxPooling2D", "max_pooling2d", {"pool_size": (2, 2)}),
            LayerSpec("Dropout", "dropout", {"rate": 0.25}),
            LayerSpec("Flatten", "flatten"),
            LayerSpec("Dense", "dense", {"units": 128, "activation": "relu"}),
            LayerSpec("Dropout", "dropout_1", {"rate": 0.5}),
            LayerSpec("Dense", "dense_1", {"units": NUM_CLASSES, "activation": "softmax"}),
        ),
    )


def _same_padding_cnn() -> Architecture:
    return Architecture(
        name="same_padding_cnn",
        description="The Conv2D padding='same' example (16 filters first, then 128 and 256).",
        layers=(
            LayerSpec(
                "Conv2D", "conv2d",
                {"filters": 16, "kernel_size": (3, 3), "padding": "same", "activation": "relu"},
            ),
            LayerSpec("MaxPooling2D", "max_pooling2d", {"pool_size": (2, 2)}),
            LayerSpec("Conv2D", "conv2d_1", {"filters": 128, "kernel_size": (3, 3), "activation": "relu"}),
            LayerSpec("Conv2D", "conv2d_2", {"filters": 256, "kernel_size": (3, 3), "activation": "relu"}),
            LayerSpec("MaxPooling2D", "max_pooling2d_1", {"pool_size": (2, 2)}),
            LayerSpec("Dropout", "dropout", {"rate": 0.5}),
            LayerSpec("Flatten", "flatten"),
            LayerSpec("Dense", "dense", {"units": 128, "activation": "relu"}),
            LayerSpec("Dropout", "dropout_1", {"rate": 0.25}),
            LayerSpec("Dense", "dense_1", {"units": NUM_CLASSES, "activation": "softmax"}),
        ),
    )


ARCHITECTURES: Mapping[str, Architecture] = MappingProxyType(
    {
        arch.name: arch
        for arch in (
            _seed_cnn(
                "mnist_cnn", 64,
                "The Keras MNIST example: 1,199,882 parameters, 99.25% after 12 epochs.",
            ),
            _seed_cnn(
                "mnist_cnn_63", 63,
                "The same network with 63 filters in the second convolution (18,207 = 63·(32·3·3 + 1)).",
            ),
            _same_padding_cnn(),
        )
    }
)
DEFAULT_ARCHITECTURE = "mnist_cnn"


def get_architecture(name: str) -> Architecture:
    """The named architecture; an :class:`ArchitectureError` lists the names when it is unknown."""
    try:
        return ARCHITECTURES[name]
    except KeyError:
        known = ", ".join(ARCHITECTURES)
        raise ArchitectureError(f"unknown architecture {name!r} — choose one of: {known}") from None


def build_model(arch: Architecture, seed: int | None = None) -> Any:
    """A fresh (untrained) Keras model for ``arch``; imports Keras."""
    from guiapp.core.model.backend import keras

    k = keras()
    if seed is not None:
        k.utils.set_random_seed(seed)
    layers = [k.Input(shape=arch.input_shape, name="image")]
    for spec in arch.layers:
        try:
            layer_class = getattr(k.layers, spec.kind)
        except AttributeError:
            raise ArchitectureError(f"layer {spec.name}: Keras has no layer kind {spec.kind!r}") from None
        try:
            layers.append(layer_class(name=spec.name, **dict(spec.config)))
        except (ValueError, TypeError) as exc:
            raise ArchitectureError(f"layer {spec.name}: {exc}") from None
    try:
        return k.Sequential(layers, name=arch.name)
    except ValueError as exc:
        raise ArchitectureError(f"architecture {arch.name!r} cannot be built: {exc}") from None
