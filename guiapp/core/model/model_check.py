"""A model file checked before any engine builds it: what it is, how big, and how many parameters it declares.

A path may name a FIFO (Keras' loader would block on it for ever) or a link to ``/dev/zero``; a
4.4 MB ``.keras`` file may say ``Dense(70000)``, and Keras builds those 645 M parameters (2.6 GB)
before reading one weight and finding they do not fit. So every loader — the NumPy engine's reader
and Keras' — is given only bytes that passed :func:`check_model_bytes`: a regular file of at most
:data:`~guiapp.core.model.keras_file.MAX_MODEL_BYTES`, a ``.keras`` archive that unpacks within
bounds, and no more than :data:`~guiapp.core.model.limits.MAX_PARAMS` parameters, counted from what
the file declares:

- each layer's config (:mod:`~guiapp.core.model.param_count`: the ledger's own formulas, exact for the
  layers it knows; for any other, or after one, a lower bound from the config alone);
- the shapes of the weights it stores, which h5py reads without reading the data — the bound for
  layers no formula covers.

The file is opened once and read whole (:func:`read_checked`); every check runs on those bytes in memory,
so what an engine is then given is exactly what was checked (:class:`~guiapp.core.model.model_file.ModelFile`).
Nothing here builds a model or decodes a weight.
"""

from __future__ import annotations

import io
import json
import math
import os
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from guiapp.core.errors import ModelFileError, file_problem
from guiapp.core.files import FileRefused, open_regular
from guiapp.core.model.keras_file import (
    CONFIG_MEMBER,
    MAX_CONFIG_BYTES,
    MAX_MODEL_BYTES,
    MAX_WEIGHTS_BYTES,
    WEIGHTS_MEMBER,
    archive_problem,
    member_bytes,
    member_file,
)
from guiapp.core.model.limits import MAX_PARAMS
from guiapp.core.model.numpy_engine import NotSupported
from guiapp.core.model.param_count import count_declared

__all__ = ["MODEL_HINT", "ModelKind", "amount", "check_model_bytes", "check_model_file", "read_checked"]

ModelKind = Literal["zip", "hdf5"]
MODEL_HINT = "pass --model PATH to a .keras file, or train one with `guiapp train`"
MAX_WEIGHT_ARRAYS = 100_000  # weight arrays walked in one file (the shipped model has 8)
_HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
_HEAD_BYTES = 2048 + 8  # HDF5's signature sits at 0, or after a user block of 512, 1024 or 2048 bytes
_COUNT_ERRORS = (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError, ZeroDivisionError,
                 RecursionError, NotImplementedError)


def check_model_file(path: Path | str, hint: str = MODEL_HINT) -> ModelKind:
    """What the model file at ``path`` is ("zip": a ``.keras`` archive, "hdf5": a legacy ``.h5``), once it is
    known to be one guiapp may load; :class:`ModelFileError` (one line naming the file, then ``hint``) otherwise.

    For a caller that only asks; one that goes on to load the model reads a
    :class:`~guiapp.core.model.model_file.ModelFile` instead, and never opens the file again."""
    return read_checked(path, hint)[1]


def read_checked(path: Path | str, hint: str = MODEL_HINT) -> tuple[bytes, ModelKind]:
    """The whole model file at ``path``, opened once through the checked door, and what it is
    (:func:`check_model_bytes`); :class:`ModelFileError` otherwise."""
    try:
        handle = open_regular(path, MAX_MODEL_BYTES)
    except FileRefused as exc:
        reason = {"no such file": "no such model file", "is a folder, not a file": "a folder, not a model file"}
        raise ModelFileError(file_problem(path, reason.get(exc.reason, exc.reason), hint)) from None
    with handle:
        try:
            size = os.fstat(handle.fileno()).st_size  # open_regular has checked it is within MAX_MODEL_BYTES
            data = handle.read(size + 1)  # one read of its size: no buffer of the whole limit for a small file
        except OSError as exc:
            raise ModelFileError(file_problem(path, f"cannot be read ({exc.strerror or exc})", hint)) from None
    if len(data) > size:  # written to while it was read: neither what was measured nor a whole model
        raise ModelFileError(file_problem(path, "changed while it was being read", hint))
    return data, check_model_bytes(path, data, hint)


def check_model_bytes(path: Path | str, data: bytes, hint: str = MODEL_HINT) -> ModelKind:
    """What the bytes of the model file ``path`` are, checked in memory (nothing is read from ``path``);
    :class:`ModelFileError` naming ``path`` when guiapp may not load them."""
    head = data[:_HEAD_BYTES]
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        kind: ModelKind = "zip"
        problem = archive_problem(io.BytesIO(data))  # BytesIO shares the bytes' buffer: no copy
        if problem is not None:
            raise ModelFileError(file_problem(path, problem, hint))
    elif any(head[at:at + 8] == _HDF5_SIGNATURE for at in (0, 512, 1024, 2048)):
        kind = "hdf5"
    else:  # Keras would say "File not found" for a file that is there
        raise ModelFileError(file_problem(
            path, "not a Keras model: neither a .keras archive (zip) nor an HDF5 .h5 file", hint))
    problem = (_archive_params if kind == "zip" else _hdf5_params)(data)
    if problem is not None:
        raise ModelFileError(file_problem(path, problem))
    return kind


def amount(count: int) -> str:
    """``645190000`` → ``"645,190,000"``; a count too long to print (a stranger's 10⁵⁰⁰⁰): its size alone."""
    return f"{count:,}" if count < 10**18 else f"about 10^{int(count.bit_length() * math.log10(2))}"


# --------------------------------------------------------------------------- the two kinds of file


def _archive_params(data: bytes) -> str | None:
    """Why a ``.keras`` archive declares too many parameters, or None (a damaged one is the loaders' to name)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            problem = None
            if CONFIG_MEMBER in names:
                problem = _config_problem(lambda: member_bytes(archive, CONFIG_MEMBER, MAX_CONFIG_BYTES))
            if problem is None and WEIGHTS_MEMBER in names:
                import h5py

                with (member_file(archive, data, WEIGHTS_MEMBER, MAX_WEIGHTS_BYTES, verify=False) as stream,
                      h5py.File(stream, "r") as weights):  # its shapes only: no checksum over all its numbers
                    problem = _weights_problem(weights, skip=("optimizer",))
            return problem
    except Exception:  # noqa: BLE001 — damaged (h5py has many ways to say so): the loaders name it in their words
        return None


def _hdf5_params(data: bytes) -> str | None:
    """The same for a legacy ``.h5`` model: its ``model_config`` attribute and its ``model_weights`` group."""
    import h5py

    try:
        with h5py.File(io.BytesIO(data), "r") as model:
            problem = None
            if "model_config" in model.attrs:
                attribute = model.attrs.get_id("model_config")
                if attribute.get_storage_size() > MAX_CONFIG_BYTES:
                    return f"its model_config is larger than the {MAX_CONFIG_BYTES:,} bytes guiapp reads"
                problem = _config_problem(lambda: model.attrs["model_config"])
            if problem is None:
                weights = model["model_weights"] if "model_weights" in model else model
                problem = _weights_problem(weights, skip=("optimizer_weights",))
            return problem
    except Exception:  # noqa: BLE001 — as above
        return None


# --------------------------------------------------------------------------- the verdicts


def _config_problem(read: Callable[[], Any]) -> str | None:
    """Why the model config that ``read()`` gives declares too many parameters, or None."""
    try:
        raw = read()
        config = json.loads(raw.decode("utf-8") if isinstance(raw, bytes) else str(raw))
        total, largest = count_declared(config) if isinstance(config, dict) else (0, ("", 0))
    except _COUNT_ERRORS + (NotSupported,):
        return None  # not a config anyone can build: the loaders say so
    if total <= MAX_PARAMS:
        return None
    name, count = largest
    alone = f" ({name[:40]} alone {amount(count)})" if name and count < total else ""
    return f"its config declares {amount(total)} parameters{alone}, more than the {MAX_PARAMS:,} guiapp loads"


def _weights_problem(group: Any, skip: tuple[str, ...]) -> str | None:
    """Why the weights in an HDF5 group declare too many numbers (by their shapes, none read), or None."""
    import h5py

    found = {"numbers": 0, "arrays": 0}

    def visit(name: str, item: Any) -> bool | None:
        if name.split("/", 1)[0] in skip or not isinstance(item, h5py.Dataset):
            return None
        found["arrays"] += 1
        found["numbers"] += math.prod(item.shape or ())
        return True if found["arrays"] > MAX_WEIGHT_ARRAYS or found["numbers"] > MAX_PARAMS else None

    group.visititems(visit)
    if found["arrays"] > MAX_WEIGHT_ARRAYS:
        return f"its weights file holds more than {MAX_WEIGHT_ARRAYS:,} arrays"
    if found["numbers"] > MAX_PARAMS:
        return f"its weights file declares more than {MAX_PARAMS:,} numbers, the most parameters guiapp loads"
    return None
