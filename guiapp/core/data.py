"""MNIST arrays: load them from a Keras-layout ``.npz`` (or Keras' downloader) and check them."""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from guiapp.core.errors import DataFileError, file_problem, short_reason

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


def _check_split(path: Path | str, x: np.ndarray, y: np.ndarray, split: str) -> None:
    xk, yk = f"x_{split}", f"y_{split}"
    if x.ndim != 3 or x.shape[1:] != (IMAGE_SIZE, IMAGE_SIZE):
        raise DataFileError(file_problem(path, f"{xk} has shape {x.shape}, expected (N, 28, 28)", _HINT))
    if x.dtype != np.uint8:
        raise DataFileError(file_problem(path, f"{xk} has dtype {x.dtype}, expected uint8 pixels 0..255", _HINT))
    if y.ndim != 1 or y.shape[0] != x.shape[0]:
        raise DataFileError(
            file_problem(path, f"{yk} has shape {y.shape}, expected ({x.shape[0]},) to match {xk}", _HINT)
        )
    if not np.issubdtype(y.dtype, np.integer):
        raise DataFileError(file_problem(path, f"{yk} has dtype {y.dtype}, expected integer labels", _HINT))
    if y.size and (y.min() < 0 or y.max() >= NUM_CLASSES):
        raise DataFileError(file_problem(path, f"{yk} holds labels outside 0..9", _HINT))
    if x.shape[0] == 0:
        raise DataFileError(file_problem(path, f"{xk} is empty", _HINT))


_HINT = "pass --data PATH to a Keras-layout mnist.npz (x_train, y_train, x_test, y_test)"


def load_mnist_npz(path: Path | str) -> MnistData:
    """Load and check a Keras-layout MNIST ``.npz``; :class:`DataFileError` says what is wrong."""
    path = Path(path)
    if not path.is_file():
        raise DataFileError(file_problem(path, "no such file", _HINT))
    try:
        with np.load(path, allow_pickle=False) as npz:
            missing = [key for key in MNIST_KEYS if key not in npz.files]
            if missing:
                raise DataFileError(file_problem(path, f"missing array(s) {', '.join(missing)}", _HINT))
            arrays = {key: npz[key] for key in MNIST_KEYS}
    except DataFileError:
        raise
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise DataFileError(file_problem(path, f"not a readable .npz file ({short_reason(exc)})", _HINT)) from None
    data = MnistData(**arrays, source=str(path))
    _check_split(path, data.x_train, data.y_train, "train")
    _check_split(path, data.x_test, data.y_test, "test")
    return data


def load_mnist(path: Path | str | None = None) -> MnistData:
    """MNIST from ``path``, or from Keras' downloader (needs a network connection) without one."""
    if path is not None:
        return load_mnist_npz(path)
    from guiapp.core.backend import keras

    try:
        (x_train, y_train), (x_test, y_test) = keras().datasets.mnist.load_data()
    except Exception as exc:  # the downloader raises many kinds of network errors
        raise DataFileError(
            f"MNIST could not be downloaded ({short_reason(exc)}) — {_HINT}"
        ) from None
    data = MnistData(x_train, y_train, x_test, y_test, source="keras.datasets.mnist")
    _check_split("keras.datasets.mnist", x_train, y_train, "train")
    _check_split("keras.datasets.mnist", x_test, y_test, "test")
    return data


@dataclass(frozen=True)
class Samples:
    """A few labelled MNIST test digits shipped with the app (uint8 (N, 28, 28), labels (N,))."""

    images: np.ndarray
    labels: np.ndarray


def load_samples(path: Path | str) -> Samples:
    """The shipped sample digits (``resources/mnist_samples.npz``)."""
    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as npz:
            images, labels = npz["images"], npz["labels"]
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        reason = f"unreadable sample digits ({short_reason(exc)})"
        raise DataFileError(file_problem(path, reason, "reinstall guiapp")) from None
    if images.ndim != 3 or images.shape[1:] != (IMAGE_SIZE, IMAGE_SIZE) or len(labels) != len(images):
        raise DataFileError(file_problem(path, f"sample digits have shape {images.shape}", "reinstall guiapp"))
    return Samples(images, labels)
