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
import os
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from guiapp.core.files import open_regular
from guiapp.core.model.numpy_engine import Layer, NotSupported

__all__ = [
    "CONFIG_MEMBER", "MAX_CONFIG_BYTES", "MAX_MODEL_BYTES", "MAX_WEIGHTS_BYTES", "WEIGHTS_MEMBER", "SavedChain",
    "archive_problem", "member_bytes", "member_file", "read_chain",
]

MAX_CONFIG_BYTES = 16 * 2**20  # an architecture's JSON; the shipped one is 5.5 KB
MAX_WEIGHTS_BYTES = 1 * 2**30  # all weights together (the shipped model: 4.8 MB)
MAX_OTHER_BYTES = 1 * 2**20  # anything else in the archive (metadata.json: a few hundred bytes)
MAX_MODEL_BYTES = MAX_CONFIG_BYTES + MAX_WEIGHTS_BYTES + MAX_OTHER_BYTES  # a whole model file, .keras or .h5
CONFIG_MEMBER, WEIGHTS_MEMBER = "config.json", "model.weights.h5"
_ZIP_LOCAL_HEADER = 30  # bytes before a member's name in its local header (PKZIP APPNOTE 4.3.7)


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


class _View(io.RawIOBase):
    """Bytes already in memory as a seekable file (h5py reads its metadata back and forth, its arrays in place)."""

    def __init__(self, view: memoryview) -> None:
        super().__init__()
        self._view, self._pos = view, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: len(self._view)}[whence]
        self._pos = min(max(base + offset, 0), len(self._view))
        return self._pos

    def readinto(self, buffer: Any) -> int:
        out = memoryview(buffer).cast("B")
        got = min(len(out), len(self._view) - self._pos)
        out[:got] = self._view[self._pos:self._pos + got]
        self._pos += got
        return got


def member_file(archive: zipfile.ZipFile, data: bytes, name: str, limit: int, verify: bool = True) -> BinaryIO:
    """The member ``name`` of the archive whose bytes are ``data``, as a seekable file of at most ``limit`` bytes:
    read in place when stored (as Keras writes it: no copy; ``verify``: its CRC checked first), else unpacked
    into memory; :class:`NotSupported` when it is not there, too large or damaged."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise NotSupported(f"no {name} inside") from None
    if info.compress_type != zipfile.ZIP_STORED or info.flag_bits & 0x1:  # packed, or encrypted: zipfile's to read
        return io.BytesIO(member_bytes(archive, name, limit))
    if info.file_size > limit:
        raise NotSupported(f"{name} unpacks to {info.file_size:,} bytes, more than {limit:,}")
    local = data[info.header_offset:info.header_offset + _ZIP_LOCAL_HEADER]
    if len(local) != _ZIP_LOCAL_HEADER or not local.startswith(b"PK\x03\x04"):
        raise NotSupported(f"{name}: no local header")
    start = info.header_offset + _ZIP_LOCAL_HEADER + int.from_bytes(local[26:28], "little") \
        + int.from_bytes(local[28:30], "little")
    view = memoryview(data)[start:start + info.file_size]
    if len(view) != info.file_size or verify and zlib.crc32(view) != info.CRC:
        raise NotSupported(f"{name} is damaged (cut short, or its checksum differs)")
    return io.BufferedReader(_View(view))


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


def _read(path: Path) -> bytes:
    """The whole file, through the checked door (for a caller with a path alone; loaders pass the bytes)."""
    with open_regular(path, MAX_MODEL_BYTES) as handle:
        return handle.read(os.fstat(handle.fileno()).st_size + 1)  # its size (within bounds): no buffer of the limit


def read_chain(source: Path | bytes) -> SavedChain:
    """The layer chain and weights saved in a ``.keras`` file — its path, or its bytes already read and checked
    (nothing is opened then); :class:`NotSupported` otherwise."""
    try:
        data = source if isinstance(source, bytes) else _read(source)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            config = json.loads(member_bytes(archive, CONFIG_MEMBER, MAX_CONFIG_BYTES))
            if not isinstance(config, dict):
                raise NotSupported("config.json is not an object")
            name, shape, entries = _chain(config)
            weights_file = member_file(archive, data, WEIGHTS_MEMBER, MAX_WEIGHTS_BYTES)
    except zipfile.BadZipFile:
        raise NotSupported("not a zip archive (an older .h5 file, or not a model)") from None
    except (OSError, EOFError, json.JSONDecodeError, RecursionError, UnicodeDecodeError) as exc:
        raise NotSupported(f"unreadable archive ({exc})") from None
    except (KeyError, TypeError, AttributeError, IndexError) as exc:
        raise NotSupported(f"unexpected config ({exc!r})") from None
    import h5py

    try:
        with weights_file, h5py.File(weights_file, "r") as weights:
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
                    array = np.asarray(dataset[()], dtype=np.float32)
                    array.setflags(write=False)  # ours alone and never changed: the views share it, uncopied
                    arrays.append(array)
                layers.append(Layer(str(kind), str(cfg["name"]), cfg, tuple(arrays)))
    except NotSupported:
        raise
    except Exception as exc:  # noqa: BLE001 — h5py raises many kinds for damaged files
        raise NotSupported(f"unreadable weights ({type(exc).__name__}: {exc})") from None
    return SavedChain(name, shape, tuple(layers))
