"""MNIST arrays: load them from a Keras-layout ``.npz`` (or Keras' downloader) and check them."""

from __future__ import annotations

import contextlib
import hashlib
import math
import sys
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from guiapp import paths
from guiapp.core.errors import DataFileError, file_problem, short_reason
from guiapp.core.files import FileRefused, open_regular

__all__ = [
    "MNIST_KEYS", "NUM_CLASSES", "LabelledDigits", "MnistData", "Samples", "load_mnist", "load_mnist_npz",
    "load_mnist_test", "load_samples", "read_npz_arrays", "shipped_mnist", "to_network_input",
]

IMAGE_SIZE = 28
NUM_CLASSES = 10
MNIST_KEYS = ("x_train", "y_train", "x_test", "y_test")


@dataclass(frozen=True)
class MnistData:
    """The four MNIST arrays, uint8 images (N, 28, 28) and integer labels (N,)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str

    def sha256(self) -> dict[str, str]:
        """sha256 of each array's bytes (the figures listed in the data's README)."""
        return {
            key: hashlib.sha256(np.ascontiguousarray(getattr(self, key)).tobytes()).hexdigest()
            for key in MNIST_KEYS
        }


def to_network_input(images: np.ndarray) -> np.ndarray:
    """uint8 (N, 28, 28) → float32 (N, 28, 28, 1) in 0..1, as the seed does."""
    return (images.astype(np.float32) / 255.0)[..., np.newaxis]


_HINT = "pass --data PATH to a Keras-layout mnist.npz (x_train, y_train, x_test, y_test)"
MAX_ARRAY_BYTES = 256 * 1024 * 1024  # one array; MNIST's x_train is 47 MB, EMNIST's 240,000 digits 188 MB
# The archive as a whole is never read, only the members asked for, each within MAX_ARRAY_BYTES: its size on
# disk is no bound (a file may carry a 2 GB array a command never needs). Opening still refuses all but files.
MAX_ARCHIVE_BYTES = sys.maxsize
MAX_SAMPLES_BYTES = 16 * 1024 * 1024  # resources/mnist_samples.npz is 320 kB
MAX_SHIPPED_BYTES = 64 * 1024 * 1024  # resources/mnist.npz is 11.5 MB: a larger one is not ours
NPY_MAGIC = b"\x93NUMPY"
# What a damaged or hostile archive can raise while a member is read: bad CRC, bad deflate
# stream, cut short, unsupported compression, encrypted member.
_READ_ERRORS = (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError)


def _megabytes(size: int) -> str:
    return f"{size / 1e6:,.0f} MB" if size >= 1_000_000 else f"{size:,} bytes"


def _check_header(path: Path, key: str, shape: tuple[int, ...], dtype: np.dtype, count: int | None) -> None:
    """What an array must be, from its .npy header alone: nothing is read for a wrong one."""
    if dtype.hasobject:
        raise DataFileError(file_problem(path, f"{key} holds Python objects, not numbers (refused: reading "
                                               "them could run code)", _HINT))
    if key.startswith("x"):
        if len(shape) != 3 or shape[1:] != (IMAGE_SIZE, IMAGE_SIZE):
            raise DataFileError(file_problem(path, f"{key} has shape {shape}, expected (N, 28, 28)", _HINT))
        if dtype != np.uint8:
            raise DataFileError(file_problem(path, f"{key} has dtype {dtype}, expected uint8 pixels 0..255", _HINT))
        if shape[0] == 0:
            raise DataFileError(file_problem(path, f"{key} is empty", _HINT))
        return
    if len(shape) != 1 or (count is not None and shape[0] != count):
        raise DataFileError(file_problem(path, f"{key} has shape {shape}, expected ({count},) to match x_{key[2:]}",
                                         _HINT))
    if not np.issubdtype(dtype, np.integer):
        raise DataFileError(file_problem(path, f"{key} has dtype {dtype}, expected integer labels", _HINT))


def _member(archive: zipfile.ZipFile, key: str) -> zipfile.ZipInfo | None:
    for name in (f"{key}.npy", key):  # np.savez writes KEY.npy; np.load accepts both
        with contextlib.suppress(KeyError):
            return archive.getinfo(name)
    return None


def _read_array(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo, key: str,
                count: int | None) -> np.ndarray:
    """One member, its sizes checked before anything is unpacked, never through pickle."""
    if info.file_size > MAX_ARRAY_BYTES + 65536:  # the zip's own claim, header included
        raise DataFileError(file_problem(path, f"{key} unpacks to {_megabytes(info.file_size)}, more than the "
                                               f"{_megabytes(MAX_ARRAY_BYTES)} an array may take", _HINT))
    with archive.open(info) as handle:
        try:
            version = np.lib.format.read_magic(handle)
        except ValueError:
            raise DataFileError(file_problem(path, f"{key} is not a NumPy array", _HINT)) from None
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(handle)
        elif version == (2, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(handle)
        else:
            raise DataFileError(file_problem(path, f"{key} is a .npy version {version[0]}.{version[1]} array, "
                                                   "which is not read here", _HINT))
        _check_header(path, key, shape, dtype, count)
        size = math.prod(shape) * dtype.itemsize
        if size > MAX_ARRAY_BYTES:
            raise DataFileError(file_problem(path, f"{key} {shape} takes {_megabytes(size)}, more than the "
                                                   f"{_megabytes(MAX_ARRAY_BYTES)} an array may take", _HINT))
        buffer = bytearray(size)
        view, filled = memoryview(buffer), 0
        while filled < size:
            got = handle.readinto(view[filled:])
            if not got:
                raise DataFileError(file_problem(path, f"{key} is cut short ({filled:,} of {size:,} bytes)", _HINT))
            filled += got
    array = np.frombuffer(buffer, dtype=dtype)
    return array.reshape(shape[::-1]).T if fortran else array.reshape(shape)


def read_npz_arrays(path: Path | str, keys: tuple[str, ...]) -> dict[str, np.ndarray]:
    """Only the members ``keys`` of an MNIST-layout ``.npz``, each checked (sizes, shape, dtype) before it is read.

    ``np.load`` would read whatever it is given; a file may hold a 2 GB array the command
    does not need, a pickle, or a lie about its sizes. Keys come in pairs, ``x_…`` before ``y_…``.
    """
    path = Path(path)
    try:
        handle = open_regular(path, MAX_ARCHIVE_BYTES)
    except FileRefused as exc:
        raise DataFileError(file_problem(path, exc.reason, _HINT)) from None
    try:
        with handle:
            if handle.read(len(NPY_MAGIC)) == NPY_MAGIC:
                raise DataFileError(file_problem(path, "is a single .npy array, not an .npz archive of arrays", _HINT))
            handle.seek(0)
            return _read_members(path, handle, keys)
    except DataFileError:
        raise
    except _READ_ERRORS as exc:
        raise DataFileError(file_problem(path, f"not a readable .npz file ({short_reason(exc)})", _HINT)) from None


def _read_members(path: Path, handle: BinaryIO, keys: tuple[str, ...]) -> dict[str, np.ndarray]:
    arrays: dict[str, np.ndarray] = {}
    with zipfile.ZipFile(handle) as archive:  # a file object: the zip is read from the checked descriptor
        members = {key: _member(archive, key) for key in keys}
        missing = [key for key, info in members.items() if info is None]
        if missing:
            raise DataFileError(file_problem(path, f"missing array(s) {', '.join(missing)}", _HINT))
        for key, info in members.items():
            x = arrays.get(f"x_{key[2:]}")
            arrays[key] = _read_array(path, archive, info, key, None if x is None else len(x))
    return arrays


def _check_labels(path: Path | str, y: np.ndarray, key: str) -> None:
    if y.size and (y.min() < 0 or y.max() >= NUM_CLASSES):
        raise DataFileError(file_problem(path, f"{key} holds labels outside 0..9", _HINT))


def _check_split(path: Path | str, x: np.ndarray, y: np.ndarray, split: str) -> None:
    _check_header(Path(path), f"x_{split}", x.shape, x.dtype, None)
    _check_header(Path(path), f"y_{split}", y.shape, y.dtype, len(x))
    _check_labels(path, y, f"y_{split}")


def load_mnist_npz(path: Path | str) -> MnistData:
    """Load and check a Keras-layout MNIST ``.npz``; :class:`DataFileError` says what is wrong."""
    arrays = read_npz_arrays(path, MNIST_KEYS)
    for key in ("y_train", "y_test"):
        _check_labels(path, arrays[key], key)
    return MnistData(**arrays, source=str(path))


@dataclass(frozen=True)
class LabelledDigits:
    """MNIST's test split alone: what ``guiapp evaluate`` needs (uint8 (N, 28, 28), labels (N,))."""

    images: np.ndarray
    labels: np.ndarray
    source: str


def load_mnist_test(path: Path | str | None = None) -> LabelledDigits:
    """The test digits, reading nothing else from ``path`` (the training arrays may be large, or broken)."""
    if path is None:
        path = shipped_mnist()
    arrays = read_npz_arrays(path, ("x_test", "y_test"))
    _check_labels(path, arrays["y_test"], "y_test")
    return LabelledDigits(arrays["x_test"], arrays["y_test"], str(path))


def load_mnist(path: Path | str | None = None) -> MnistData:
    """MNIST from ``path``, or the copy shipped in ``resources/`` (checked by its sha256) without one."""
    return load_mnist_npz(path if path is not None else shipped_mnist())


def shipped_mnist() -> Path:
    """The MNIST file that ships with guiapp, once its sha256 matches; :class:`DataFileError` if it is
    missing or damaged (an interrupted install, a disk error): it is never used half right."""
    path = paths.MNIST
    try:
        handle = open_regular(path, MAX_SHIPPED_BYTES)
    except FileRefused as exc:
        reason = "the MNIST copy that ships with guiapp is missing" if exc.reason == "no such file" else exc.reason
        raise DataFileError(file_problem(path, f"{reason} (reinstall)", _HINT)) from None
    digest = hashlib.sha256()
    with handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != paths.MNIST_SHA256:
        raise DataFileError(file_problem(
            path, f"damaged: its sha256 is {digest.hexdigest()[:12]}…, not {paths.MNIST_SHA256[:12]}… (reinstall)",
            _HINT))
    return path


@dataclass(frozen=True)
class Samples:
    """A few labelled MNIST test digits shipped with the app (uint8 (N, 28, 28), labels (N,))."""

    images: np.ndarray
    labels: np.ndarray


def load_samples(path: Path | str) -> Samples:
    """The shipped sample digits (``resources/mnist_samples.npz``)."""
    path = Path(path)
    try:
        with open_regular(path, MAX_SAMPLES_BYTES) as handle, np.load(handle, allow_pickle=False) as npz:
            images, labels = npz["images"], npz["labels"]
    except FileRefused as exc:
        raise DataFileError(file_problem(path, exc.reason, "reinstall guiapp")) from None
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        reason = f"unreadable sample digits ({short_reason(exc)})"
        raise DataFileError(file_problem(path, reason, "reinstall guiapp")) from None
    if images.ndim != 3 or images.shape[1:] != (IMAGE_SIZE, IMAGE_SIZE) or len(labels) != len(images):
        raise DataFileError(file_problem(path, f"sample digits have shape {images.shape}", "reinstall guiapp"))
    return Samples(images, labels)
