"""Edit an architecture without training it: change a setting, add, remove or move a layer.

Every edit returns a new :class:`Architecture` (they are frozen), so an undo stack can
keep the old ones. Architectures are saved as JSON, the same description the model
cards carry, and ``guiapp train --arch FILE.json`` trains one.

The JSON format::

    {"name": "my_cnn", "input_shape": [28, 28, 1],
     "layers": [{"kind": "Conv2D", "name": "conv2d",
                 "config": {"filters": 32, "kernel_size": [3, 3], "activation": "relu"}}, ...]}
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from guiapp.core.arithmetic.ledger import Ledger, ledger_for_architecture
from guiapp.core.atomic import refuse_overwrite, write_text_atomic
from guiapp.core.errors import ArchitectureError, file_problem, short_reason
from guiapp.core.files import FileRefused, read_regular
from guiapp.core.model.architectures import (
    ARCHITECTURES,
    MNIST_INPUT_SHAPE,
    NUM_CLASSES,
    Architecture,
    LayerSpec,
    get_architecture,
)
from guiapp.core.model.limits import CHANNELS, MAX_PARAMS, MAX_SIDE, MIN_SIDE

__all__ = [
    "MAX_ARCHITECTURE_BYTES", "PALETTE", "SETTINGS", "Setting", "architecture_from_dict", "architecture_named",
    "base_name", "default_file_name", "insert_layer", "load_architecture", "move_layer", "remove_layer",
    "save_architecture", "set_setting", "setting_value", "suggested_model_path", "training_problem", "unique_name",
]

ACTIVATIONS = ("relu", "linear", "sigmoid", "tanh", "elu", "softmax")
PADDINGS = ("valid", "same")


@dataclass(frozen=True)
class Setting:
    """One editable setting of a layer kind."""

    key: str
    label: str
    type: str  # "int", "pair", "float", "choice", "optional_pair"
    low: float = 1
    high: float = 4096
    choices: tuple[str, ...] = ()


_CONV = (
    Setting("filters", "filters", "int", 1, 1024),
    Setting("kernel_size", "kernel size", "pair", 1, 64),
    Setting("strides", "stride", "pair", 1, 16),
    Setting("padding", "padding", "choice", choices=PADDINGS),
    Setting("activation", "activation", "choice", choices=ACTIVATIONS),
)
_POOL = (
    Setting("pool_size", "pool size", "pair", 1, 64),
    Setting("strides", "stride", "optional_pair", 1, 16),
    Setting("padding", "padding", "choice", choices=PADDINGS),
)
SETTINGS: dict[str, tuple[Setting, ...]] = {
    "Conv2D": _CONV,
    "MaxPooling2D": _POOL,
    "AveragePooling2D": _POOL,
    "Dropout": (Setting("rate", "rate", "float", 0.0, 0.95),),
    "Flatten": (),
    "Dense": (Setting("units", "units", "int", 1, 65536),
              Setting("activation", "activation", "choice", choices=ACTIVATIONS)),
    "BatchNormalization": (),
}
PALETTE: dict[str, dict[str, Any]] = {  # what a new layer of each kind starts with
    "Conv2D": {"filters": 32, "kernel_size": (3, 3), "activation": "relu"},
    "MaxPooling2D": {"pool_size": (2, 2)},
    "AveragePooling2D": {"pool_size": (2, 2)},
    "Dropout": {"rate": 0.25},
    "Flatten": {},
    "Dense": {"units": 128, "activation": "relu"},
    "BatchNormalization": {},
}
DEFAULTS: dict[str, Any] = {"strides": (1, 1), "padding": "valid", "activation": "linear"}
MAX_SIZE = 100_000  # |a size| the editor accepts (zero or negative is explained, not forbidden; beyond, nonsense)
MAX_LAYERS = 1000
MAX_TRAINABLE_PARAMS = MAX_PARAMS  # one number for what is trained and what is loaded (limits.py says why)
MAX_ARCHITECTURE_BYTES = 1024 * 1024


def base_name(kind: str) -> str:
    """Keras' naming: ``MaxPooling2D`` → ``max_pooling2d``."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", "_", kind).lower()


def unique_name(kind: str, taken: set[str]) -> str:
    """``conv2d``, then ``conv2d_1``, ``conv2d_2`` … as Keras names layers."""
    base = base_name(kind)
    if base not in taken:
        return base
    n = 1
    while f"{base}_{n}" in taken:
        n += 1
    return f"{base}_{n}"


def setting_value(spec: LayerSpec, key: str) -> Any:
    """A layer's setting, or what Keras uses when it is not given."""
    if key in spec.config:
        return spec.config[key]
    if key == "strides" and spec.kind in ("MaxPooling2D", "AveragePooling2D"):
        return None  # the pool size
    return DEFAULTS.get(key)


def _edited(arch: Architecture, layers: list[LayerSpec]) -> Architecture:
    name = arch.name if arch.name.endswith("_edited") else f"{arch.name}_edited"
    return replace(arch, name=name, layers=tuple(layers), description=f"edited from {arch.name}")


def _check_index(arch: Architecture, index: int) -> None:
    if not 0 <= index < len(arch.layers):
        raise IndexError(f"no layer {index}: the architecture has {len(arch.layers)}")


def _coerce(setting: Setting, value: Any) -> Any:
    """A value in the form Keras takes it; ValueError for a value the setting cannot take."""
    if setting.type == "choice":
        if value not in setting.choices:
            raise ValueError(f"{setting.label} must be one of {', '.join(setting.choices)}, not {value!r}")
        return value
    if setting.type == "float":
        number = float(value)  # OverflowError for a 400-digit integer: the caller reports it as a ValueError
        if not setting.low <= number <= setting.high:
            raise ValueError(f"{setting.label} must be between {setting.low:g} and {setting.high:g}, not {number:g}")
        return number
    if setting.type == "optional_pair" and value is None:
        return None
    if setting.type in ("pair", "optional_pair"):
        if isinstance(value, (list, tuple)) and len(value) != 2:
            raise ValueError(f"{setting.label} takes one number or two (height, width), not {len(value)}")
        pair = tuple(_size(setting, v) for v in value) if isinstance(value, (list, tuple)) else (_size(setting, value),) * 2
        return pair
    return _size(setting, value)


def _size(setting: Setting, value: Any) -> int:
    """A whole number of a size setting, within ±:data:`MAX_SIZE` (NaN, infinity and 400 digits are refused)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise TypeError(f"{setting.label} must be a whole number, not {type(value).__name__}")
    number = int(value)  # ValueError for NaN or thousands of digits, OverflowError for infinity
    if abs(number) > MAX_SIZE:
        digits = len(str(abs(number)))  # under Python's 4,300-digit limit: int() accepted it
        shown = f"{number:,}" if digits <= 20 else f"a {digits:,}-digit number"
        raise ValueError(f"{setting.label} must be at most {MAX_SIZE:,} in size, not {shown}")
    return number


def set_setting(arch: Architecture, index: int, key: str, value: Any) -> Architecture:
    """The architecture with layer ``index``'s setting ``key`` changed (no range check on sizes:
    an impossible size is what the ledger is there to explain)."""
    _check_index(arch, index)
    spec = arch.layers[index]
    setting = next((s for s in SETTINGS.get(spec.kind, ()) if s.key == key), None)
    if setting is None:
        raise KeyError(f"{spec.kind} has no editable setting {key!r}")
    config = dict(spec.config)
    coerced = _coerce(setting, value)
    if coerced is None:
        config.pop(key, None)
    else:
        config[key] = coerced
    layers = list(arch.layers)
    layers[index] = LayerSpec(spec.kind, spec.name, config)
    return _edited(arch, layers)


def insert_layer(arch: Architecture, index: int, kind: str) -> Architecture:
    """A new ``kind`` layer (palette defaults, a unique name) inserted at position ``index``."""
    if kind not in PALETTE:
        raise KeyError(f"no {kind} in the palette: {', '.join(PALETTE)}")
    if not 0 <= index <= len(arch.layers):
        raise IndexError(f"cannot insert at {index}: the architecture has {len(arch.layers)} layers")
    name = unique_name(kind, {spec.name for spec in arch.layers})
    layers = list(arch.layers)
    layers.insert(index, LayerSpec(kind, name, PALETTE[kind]))
    return _edited(arch, layers)


def remove_layer(arch: Architecture, index: int) -> Architecture:
    _check_index(arch, index)
    layers = list(arch.layers)
    del layers[index]
    return _edited(arch, layers)


def move_layer(arch: Architecture, index: int, delta: int) -> Architecture:
    """Layer ``index`` moved ``delta`` places (−1 up, +1 down), clamped to the ends."""
    _check_index(arch, index)
    target = min(max(index + delta, 0), len(arch.layers) - 1)
    layers = list(arch.layers)
    layers.insert(target, layers.pop(index))
    return _edited(arch, layers)


def training_problem(arch: Architecture, ledger: Ledger | None = None) -> str | None:
    """Why ``guiapp train`` could not train this as a digit classifier, or None."""
    ledger = ledger or ledger_for_architecture(arch)
    if ledger.error:
        return f"it cannot be built — {ledger.error}"
    if not arch.layers:
        return "it has no layers"
    if tuple(arch.input_shape) != MNIST_INPUT_SHAPE:
        return (f"guiapp train trains on MNIST's 28×28×1 digits; this network takes "
                f"{'×'.join(str(d) for d in arch.input_shape)} images")
    last = ledger.rows[-1]
    if last.output_shape != (NUM_CLASSES,):
        shape = "×".join(str(d) for d in last.output_shape or ())
        return f"its last layer must output the {NUM_CLASSES} class scores (Dense {NUM_CLASSES}), not {shape}"
    if setting_value(arch.layers[-1], "activation") != "softmax":
        return "its last layer must use activation='softmax' (the loss expects probabilities)"
    if ledger.total_params > MAX_TRAINABLE_PARAMS:
        return f"its {ledger.total_params:,} parameters are more than the {MAX_TRAINABLE_PARAMS:,} trained here"
    return None


# --------------------------------------------------------------------------- JSON


def architecture_from_dict(data: Any) -> Architecture:
    """An :class:`Architecture` from its JSON form; :class:`ArchitectureError` says what is wrong."""
    if not isinstance(data, dict):
        raise ArchitectureError("an architecture is a JSON object with 'name' and 'layers'")
    missing = [key for key in ("name", "layers") if key not in data]
    if missing:
        raise ArchitectureError(f"missing {', '.join(repr(k) for k in missing)}")
    if not isinstance(data["layers"], list) or not data["layers"]:
        raise ArchitectureError("'layers' must be a non-empty list")
    if len(data["layers"]) > MAX_LAYERS:
        raise ArchitectureError(f"{len(data['layers']):,} layers are more than the {MAX_LAYERS:,} an architecture may have")
    if not isinstance(data["name"], str) or not isinstance(data.get("description", ""), str):
        raise ArchitectureError("'name' and 'description' must be text")
    input_shape = _input_shape(data.get("input_shape", list(MNIST_INPUT_SHAPE)))
    layers = []
    names: set[str] = set()
    for i, layer in enumerate(data["layers"]):
        if not isinstance(layer, dict) or "kind" not in layer:
            raise ArchitectureError(f"layer {i} must be an object with a 'kind'")
        kind = layer["kind"]
        if not isinstance(kind, str) or kind not in SETTINGS:
            shown = repr(kind[:40]) if isinstance(kind, str) else type(kind).__name__
            raise ArchitectureError(f"layer {i}: unknown kind {shown} — use one of {', '.join(SETTINGS)}")
        config = layer.get("config", {})
        if not isinstance(config, dict):
            raise ArchitectureError(f"layer {i}: 'config' must be an object")
        allowed = {s.key for s in SETTINGS[kind]} | set(PALETTE[kind])
        unknown = sorted(set(config) - allowed)
        if unknown:
            raise ArchitectureError(f"layer {i} ({kind}): unknown setting {', '.join(unknown)}")
        try:
            clean = {key: _coerce(next(s for s in SETTINGS[kind] if s.key == key), value)
                     for key, value in config.items()}
        except (ValueError, TypeError, OverflowError) as exc:
            raise ArchitectureError(f"layer {i} ({kind}): {short_reason(exc)}") from None
        if not isinstance(layer.get("name", ""), str):
            raise ArchitectureError(f"layer {i}: 'name' must be text")
        name = layer.get("name") or unique_name(kind, names)
        if name in names:
            raise ArchitectureError(f"layer {i}: the name {name!r} is used twice")
        names.add(name)
        layers.append(LayerSpec(kind, name, {k: v for k, v in clean.items() if v is not None}))
    return Architecture(data["name"], tuple(layers), input_shape, data.get("description", ""))


def _input_shape(value: Any) -> tuple[int, int, int]:
    """``[H, W, C]``: whole numbers, 8–512 a side, 1 (grey) or 3 (RGB) channels — the images guiapp explains."""
    ok = (isinstance(value, list) and len(value) == 3
          and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
          and all(MIN_SIDE <= v <= MAX_SIDE for v in value[:2]) and value[2] in CHANNELS)
    if not ok:
        shown = value if isinstance(value, list) and len(str(value)) < 60 else "something else"
        raise ArchitectureError(f"input_shape must be [height, width, channels] with sides {MIN_SIDE}–{MAX_SIDE} "
                                f"and 1 or 3 channels (MNIST: [28, 28, 1]), not {shown}")
    return (value[0], value[1], value[2])


def save_architecture(arch: Architecture, path: Path | str, *, force: bool = False) -> Path:
    """Write ``arch`` as JSON atomically; refuses to overwrite unless ``force``."""
    path = Path(path)
    refuse_overwrite(path, force=force)
    data = arch.to_dict()
    if arch.description:
        data["description"] = arch.description
    write_text_atomic(path, json.dumps(data, indent=2) + "\n")
    return path


def load_architecture(path: Path | str) -> Architecture:
    """Read an architecture JSON file; one-line :class:`ArchitectureError` naming the file otherwise."""
    path = Path(path)
    hint = "save one from the window's Architecture tab, or give a built-in name"
    try:
        raw = read_regular(path, MAX_ARCHITECTURE_BYTES)
    except FileRefused as exc:
        reason = "no such architecture file" if exc.reason == "no such file" else exc.reason
        raise ArchitectureError(file_problem(path, reason, hint)) from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ArchitectureError(file_problem(path, f"not JSON ({exc.__class__.__name__}: {short_reason(exc)})",
                                             hint)) from None
    except ValueError:  # Python refuses to turn a number of thousands of digits into an int
        raise ArchitectureError(file_problem(path, "holds a number with more than "
                                                   f"{sys.get_int_max_str_digits():,} digits", hint)) from None
    except RecursionError:
        raise ArchitectureError(file_problem(path, "nested too deeply to be an architecture", hint)) from None
    try:
        return architecture_from_dict(data)
    except ArchitectureError as exc:
        raise ArchitectureError(file_problem(path, str(exc), hint)) from None


ARCHITECTURE_SUFFIX = ".architecture.json"  # never the name of a model's card (MODEL.json)


def default_file_name(arch: Architecture) -> str:
    return f"{arch.name}{ARCHITECTURE_SUFFIX}"


def suggested_model_path(arch_path: Path | str) -> Path:
    """Where ``guiapp train`` should write a model trained from ``arch_path``: its card must not replace it."""
    arch_path = Path(arch_path)
    stem = arch_path.name.removesuffix(".json").removesuffix(".architecture")
    out = arch_path.with_name(f"{stem}.keras")
    return out if out.with_suffix(".json") != arch_path else arch_path.with_name(f"{stem}_model.keras")


def architecture_named(text: str) -> Architecture:
    """A built-in architecture by name, or one saved as a ``.json`` file."""
    if text in ARCHITECTURES:
        return get_architecture(text)
    if not (text.endswith(".json") or Path(text).exists()):
        get_architecture(text)  # raises: unknown name, listing the known ones
    return load_architecture(text)
