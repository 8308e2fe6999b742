"""The Where tab's pass and map shipped beside a model, so its first open in front of an audience is instant.

``models/mnist_cnn.keras`` ships with ``models/mnist_cnn.where.npz``: the model's view of MNIST's 10,000 test
digits (its classifier's input, float16), its answers (float16 probabilities) and the t-SNE map (float16)
— what the tab would otherwise compute for ~80 s (15 s of features, 60 s of t-SNE on this host) the first
time it opens. The file is trusted no more than a cache: it names the model it was made from by content
(:func:`~guiapp.core.model.fingerprint.fingerprint` of the model's bytes, as the cache is keyed) and the
digits by a hash of their pixels and labels. Digits other than the ones it was made for (the tests' subset,
``$GUIAPP_WHERE_DIGITS``) are a normal setting: it is passed over without a word. A file for other weights
(a model retrained into the same name) or a damaged one is :class:`ShippedIgnored` — one line for the
status bar — and the tab computes as before. It is never removed: it is not ours to delete, and a wheel's
folder may be read-only.

:func:`write_shipped` regenerates one (``python benchmarks/where_shipped.py``); a test checks that every
shipped file still names its shipped model, so a retrained model cannot leave a stale map behind silently.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from guiapp.core.atomic import atomic_path
from guiapp.core.cache_file import READ_ERRORS, CheckedNpz, NotOurs
from guiapp.core.model.fingerprint import fingerprint
from guiapp.core.model.inference import Inspector
from guiapp.core.where.embedding import TestPass, embedding_layer, run_test_pass

__all__ = ["FORMAT", "SUFFIX", "Shipped", "ShippedIgnored", "digits_key", "load_shipped", "model_key",
           "read_keys", "shipped_path", "write_shipped"]

FORMAT = "where shipped v1"  # changes when what the file holds, or how the model is keyed, changes
SUFFIX = ".where.npz"  # beside the model: mnist_cnn.keras → mnist_cnn.where.npz
MAX_SHIPPED_BYTES = 64 * 1024 * 1024  # the file and its unpacked arrays; the shipped ones are ~2 MB and ~3 MB
KEY_CHARS = 64  # a full sha256 in hex


class ShippedIgnored(Exception):
    """A shipped file that is there but not for this model, or damaged (one line, naming the file)."""


@dataclass(frozen=True)
class Shipped:
    """What the Where tab shows first: the pass (float32, as computed ones are) and its map (N, 2)."""

    test_pass: TestPass
    points: np.ndarray


def shipped_path(model: Path | str) -> Path:
    """The shipped file beside ``model``: ``models/mnist_cnn.keras`` → ``models/mnist_cnn.where.npz``."""
    model = Path(model)
    return model.with_name(model.stem + SUFFIX)


def model_key(inspector: Inspector) -> str:
    """The model, by content: its file's bytes as read (or its weights), as every per-model cache keys it."""
    return fingerprint(inspector, FORMAT)


def digits_key(images: np.ndarray, labels: np.ndarray) -> str:
    """The digits compared with (N, 28, 28 in 0..1 float32, and labels), by content."""
    digest = hashlib.sha256(FORMAT.encode())
    for array in (np.asarray(images, np.float32), np.asarray(labels, np.int64)):
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


def read_keys(path: Path | str) -> tuple[str, str]:
    """The (model, digits) keys a shipped file names; :class:`ShippedIgnored` for a file that names none."""
    try:
        with CheckedNpz(path, MAX_SHIPPED_BYTES, MAX_SHIPPED_BYTES) as shipped:
            return _keys(shipped)
    except NotOurs as exc:
        raise ShippedIgnored(f"{Path(path).name}: damaged ({exc})") from None
    except READ_ERRORS as exc:
        raise ShippedIgnored(f"{Path(path).name}: damaged ({type(exc).__name__})") from None


def _keys(shipped: CheckedNpz) -> tuple[str, str]:
    return (str(shipped.array("model_key", "U", ())), str(shipped.array("digits_key", "U", ())))


def load_shipped(path: Path | str, inspector: Inspector, images: np.ndarray, labels: np.ndarray,
                 digits: str | None = None) -> Shipped | None:
    """The pass and map shipped at ``path`` for this model and these digits.

    None when there is no file or it was made for other digits (nothing to say); :class:`ShippedIgnored` in
    one line when it is for other weights, or not what it should be (types, shapes, finite numbers — each
    member's header checked before its data is read). ``digits``: :func:`digits_key` of these digits, if known.
    """
    path = Path(path)
    if not path.is_file():
        return None
    name = f"{path.parent.name}/{path.name}" if path.parent.name else path.name
    labels = np.asarray(labels, np.int64)
    count, classes = len(labels), inspector.num_classes
    layer = embedding_layer(inspector)
    try:
        with CheckedNpz(path, MAX_SHIPPED_BYTES, MAX_SHIPPED_BYTES) as shipped:
            for_model, for_digits = _keys(shipped)
            if for_digits != (digits or digits_key(images, labels)):
                return None
            if for_model != model_key(inspector):
                raise ShippedIgnored(f"{name} was made for other weights than this model's: computing the map "
                                     "instead")
            saved_layer = str(shipped.array("layer", "U", ()))
            if saved_layer != layer:
                raise NotOurs(f"a pass through {saved_layer!r}, not {layer!r}")
            features = shipped.array("features", "f", (count, None)).astype(np.float32)
            probabilities = shipped.array("probabilities", "f", (count, classes)).astype(np.float32)
            points = shipped.array("points", "f", (count, 2)).astype(np.float32)
    except NotOurs as exc:
        raise ShippedIgnored(f"{name} is damaged ({exc}): computing the map instead") from None
    except READ_ERRORS as exc:
        raise ShippedIgnored(f"{name} is damaged ({type(exc).__name__}): computing the map instead") from None
    if not all(np.isfinite(array).all() for array in (features, probabilities, points)):
        raise ShippedIgnored(f"{name} is damaged (numbers that are not finite): computing the map instead")
    return Shipped(TestPass(layer, features, probabilities, labels), points)


def _compact(array: np.ndarray) -> np.ndarray:
    """float16 when every value survives it to 1e-3 relative (features of ReLU layers do); else float32."""
    half = array.astype(np.float16)
    if np.isfinite(half).all() and np.allclose(half.astype(np.float32), array, rtol=1e-3, atol=1e-3):
        return half
    return array.astype(np.float32)


def write_shipped(model: Path | str, data: Path | str | None = None, seed: int = 0, n_jobs: int = 2,
                  progress: Callable[[str, int, int], None] | None = None) -> Path:
    """Compute ``model``'s pass over the test digits (``data``: None, the shipped MNIST) and its map, as the
    tab would, and write them beside it (:func:`shipped_path`, written whole or not at all)."""
    from guiapp.core.training.data import load_mnist_test
    from guiapp.core.where.atlas import fit_map

    inspector = Inspector.load(model)
    digits = load_mnist_test(data)
    images, labels = digits.images.astype(np.float32) / 255.0, np.asarray(digits.labels, np.int64)
    found = run_test_pass(inspector, images, labels,
                          (lambda done, total: progress("features", done, total)) if progress else None)
    assert found is not None  # nothing asks it to stop
    points = fit_map(found.features, seed, n_jobs,
                     (lambda done, total: progress("map", done, total)) if progress else None)
    path = shipped_path(model)
    # Probabilities in float16 answer as float32 ones do for the confusion matrix: checked, else float32.
    probabilities = found.probabilities.astype(np.float16)
    if not np.array_equal(probabilities.astype(np.float32).argmax(axis=1), found.predicted):
        probabilities = found.probabilities.astype(np.float32)
    with atomic_path(path) as tmp, tmp.open("wb") as handle:
        np.savez_compressed(handle, model_key=np.array(model_key(inspector)),
                            digits_key=np.array(digits_key(images, labels)), layer=np.array(found.layer),
                            features=_compact(found.features), probabilities=probabilities,
                            points=points.astype(np.float16))
    return path
