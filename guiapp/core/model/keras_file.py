"""Read a Keras 3 ``.keras`` file without Keras: its layer chain and weights, within bounds.

A ``.keras`` file is a zip of ``config.json`` (the architecture), ``metadata.json`` and
``model.weights.h5`` (each layer's variables under ``layers/<name>/vars/<i>``). Reading
it directly lets the app show and run a model before — or without — TensorFlow's
import. Only what is needed is unpacked, and never more than the limits below: a file
from a stranger may declare a gigabyte of JSON or an array of 10¹⁰ numbers.

Anything this reader does not understand (a nested model, a layer with several inputs,
an older ``.h5`` file) raises :class:`NotSupported`; the caller then asks Keras, which
gives the user its own reason if the file is broken.
"""

from __future__ import annotations

import io
import json
import math
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from guiapp.core.files import open_regular
from guiapp.core.model.numpy_engine import Layer, NotSupported

__all__ = [
    "CONFIG_MEMBER", "MAX_CONFIG_BYTES", "MAX_MODEL_BYTES", "MAX_WEIGHTS_BYTES", "WEIGHTS_MEMBER", "SavedChain",
    "archive_problem", "member_bytes", "read_chain",
]

MAX_CONFIG_BYTES = 16 * 2**20  # an architecture's JSON; the shipped one is 5.5 KB
MAX_WEIGHTS_BYTES = 1 * 2**30  # all weights together (the shipped model: 4.8 MB)
MAX_OTHER_BYTES = 1 * 2**20  # anything else in the archive (metadata.json: a few hundred bytes)
MAX_MODEL_BYTES = MAX_CONFIG_BYTES + MAX_WEIGHTS_BYTES + MAX_OTHER_BYTES  # a whole model file, .keras or .h5
CONFIG_MEMBER, WEIGHTS_MEMBER = "config.json", "model.weights.h5"


@dataclass(frozen=True)
class SavedChain:
    """A saved model that is one chain of layers: its name, input shape and layers with weights."""

    name: str
    input_shape: tuple[int, ...]
    layers: tuple[Layer, ...]


def archive_problem(source: Path | BinaryIO) -> str | None:
    """Why a ``.keras`` archive is too big to unpack (by its members' declared sizes), or None.

    Checked before any reader — ours or Keras' — unpacks it: a 1 MB file whose ``config.json``
    unpacks to 1 GiB must be refused, not read. (Python's zipfile never reads past a member's
    declared size, so the declared sizes bound what a reader can get.)
    """
    try:
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        return f"not a readable Keras model ({exc})"
    total = 0
    for info in members:
        limit = {CONFIG_MEMBER: MAX_CONFIG_BYTES, WEIGHTS_MEMBER: MAX_WEIGHTS_BYTES}.get(info.filename, MAX_OTHER_BYTES)
        if info.file_size > limit:
            return f"{info.filename[:60]} would unpack to {info.file_size:,} bytes, more than the {limit:,} guiapp reads"
        total += info.file_size
    if total > MAX_CONFIG_BYTES + MAX_WEIGHTS_BYTES:
        return f"would unpack to {total:,} bytes in all, more than guiapp reads"
    return None


def member_bytes(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """The member ``name``, unpacked, if it is at most ``limit`` bytes; :class:`NotSupported` otherwise."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise NotSupported(f"no {name} inside") from None
    if info.file_size > limit:
        raise NotSupported(f"{name} unpacks to {info.file_size:,} bytes, more than {limit:,}")
    with archive.open(info) as stream:
        data = stream.read(limit + 1)  # the declared size may lie: never read past the limit
    if len(data) > limit:
        raise NotSupported(f"{name} unpacks to more than {limit:,} bytes")
    return data


def _input_shape(entry: dict[str, Any]) -> tuple[int, ...]:
    cfg = entry.get("config", {})
    shape = cfg.get("batch_shape") or cfg.get("batch_input_shape")
    if shape is None and isinstance(entry.get("build_config"), dict):
        shape = entry["build_config"].get("input_shape")
    if not isinstance(shape, list) or len(shape) < 2 or any(not isinstance(d, int) or d < 1 for d in shape[1:]):
        raise NotSupported(f"input shape {shape!r}")
    return tuple(shape[1:])


def _inbound(entry: dict[str, Any]) -> list[str]:
    """Names of the layers feeding this one (Keras 3 functional config)."""
    names: list[str] = []
    for node in entry.get("inbound_nodes", []):
        args = node.get("args", []) if isinstance(node, dict) else []
        for arg in args:
            for tensor in arg if isinstance(arg, list) else [arg]:
                if isinstance(tensor, dict) and tensor.get("class_name") == "__keras_tensor__":
                    names.append(tensor["config"]["keras_history"][0])
    return names


def _chain(config: dict[str, Any]) -> tuple[str, tuple[int, ...], list[dict[str, Any]]]:
    """(model name, input shape, layer entries in order) of a Sequential or a chain-shaped Functional."""
    kind = config.get("class_name")
    body = config.get("config", {})
    entries = body.get("layers")
    if kind not in ("Sequential", "Functional", "Model") or not isinstance(entries, list) or not entries:
        raise NotSupported(f"a {kind} model")
    name = str(body.get("name", "model"))
    if entries[0].get("class_name") == "InputLayer":
        first_name = entries[0].get("config", {}).get("name")
        shape, entries = _input_shape(entries[0]), entries[1:]
    else:
        shape, first_name = _input_shape(entries[0]), None
    if kind != "Sequential":  # every layer must read exactly the one before it
        previous_name = first_name
        for entry in entries:
            inbound = _inbound(entry)
            if inbound != [previous_name]:
                raise NotSupported("layers that are not one chain")
            previous_name = entry.get("config", {}).get("name")
        outputs = body.get("output_layers")
        if isinstance(outputs, list) and outputs and isinstance(outputs[0], str):
            outputs = [outputs]  # one output is saved as a bare [name, node, tensor]
        if not isinstance(outputs, list) or len(outputs) != 1 or outputs[0][0] != previous_name:
            raise NotSupported("an output that is not the last layer")
    return name, shape, entries


def _snake_case(name: str) -> str:
    """Keras' ``to_snake_case``: ``Conv2D`` → ``conv2d``, ``ReLU`` → ``re_lu``."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def _weight_groups(kinds: list[str]) -> list[str]:
    """Where Keras saved each layer's variables: by class, not by name (``conv2d``, ``conv2d_1``, …)."""
    used: dict[str, int] = {}
    groups = []
    for kind in kinds:
        name = _snake_case(kind)
        if name in used:
            used[name] += 1
            name = f"{name}_{used[name]}"
        else:
            used[name] = 0
        groups.append(name)
    return groups


def _variables(weights: Any, group_name: str, layer: str) -> tuple[Any, ...]:
    group = weights.get(f"layers/{group_name}/vars")
    if group is None:
        return ()
    arrays = []
    for index in range(len(group)):
        dataset = group.get(str(index))
        if dataset is None or not hasattr(dataset, "shape"):
            raise NotSupported(f"layer {layer}: variable {index} missing")
        arrays.append(dataset)
    return tuple(arrays)


def read_chain(path: Path) -> SavedChain:
    """The layer chain and weights saved in a ``.keras`` file; :class:`NotSupported` otherwise."""
    try:
        with open_regular(path, MAX_MODEL_BYTES) as handle, zipfile.ZipFile(handle) as archive:
            config = json.loads(member_bytes(archive, CONFIG_MEMBER, MAX_CONFIG_BYTES))
            if not isinstance(config, dict):
                raise NotSupported("config.json is not an object")
            name, shape, entries = _chain(config)
            weights_bytes = member_bytes(archive, WEIGHTS_MEMBER, MAX_WEIGHTS_BYTES)
    except zipfile.BadZipFile:
        raise NotSupported("not a zip archive (an older .h5 file, or not a model)") from None
    except (OSError, EOFError, json.JSONDecodeError, RecursionError, UnicodeDecodeError) as exc:
        raise NotSupported(f"unreadable archive ({exc})") from None
    except (KeyError, TypeError, AttributeError, IndexError) as exc:
        raise NotSupported(f"unexpected config ({exc!r})") from None
    import h5py

    try:
        with h5py.File(io.BytesIO(weights_bytes), "r") as weights:
            layers = []
            budget = MAX_WEIGHTS_BYTES
            groups = _weight_groups([str(entry.get("class_name")) for entry in entries])
            for entry, group in zip(entries, groups):
                cfg = entry.get("config", {})
                kind = entry.get("class_name")
                if entry.get("module") not in (None, "keras.layers") or not isinstance(cfg, dict):
                    raise NotSupported(f"layer kind {kind} from {entry.get('module')}")
                datasets = _variables(weights, group, str(cfg.get("name")))
                arrays = []
                for dataset in datasets:
                    size = math.prod(dataset.shape) * dataset.dtype.itemsize
                    budget -= size
                    # Integers too: a Normalization layer saves an integer sample count beside its statistics.
                    if budget < 0 or dataset.dtype.kind not in "fiu":
                        raise NotSupported(f"layer {cfg.get('name')}: weights too large or not numbers")
                    arrays.append(np.asarray(dataset[()], dtype=np.float32))
                layers.append(Layer(str(kind), str(cfg["name"]), cfg, tuple(arrays)))
    except NotSupported:
        raise
    except Exception as exc:  # noqa: BLE001 — h5py raises many kinds for damaged files
        raise NotSupported(f"unreadable weights ({type(exc).__name__}: {exc})") from None
    return SavedChain(name, shape, tuple(layers))
