"""What each filter looks for: the MNIST patches that excite every convolution filter most.

For each conv filter, every shipped test digit is run through the network and its
strongest response is kept (one per digit, so the top nine are nine different
digits); the receptive-field patches of the strongest are the filter's portrait.
Computed once per model, in batches (the live view shares the model's lock between
them), and cached on disk keyed by the model's and the digits' bytes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from guiapp.core.arithmetic.receptive_field import Field, field_of
from guiapp.core.atomic import atomic_path
from guiapp.core.cache_file import CheckedNpz, NotOurs, read_cache
from guiapp.core.model.fingerprint import fingerprint

__all__ = [
    "BATCH", "TOP_K", "Cancelled", "FilterPatches", "LayerPatches", "cache_key", "compute_filter_patches",
    "conv_layers", "load_or_compute", "load_patches", "save_patches",
]

FORMAT_VERSION = 1
TOP_K = 9
BATCH = 64  # digits per model call: the live drawing waits for at most one batch
MAX_CACHE_BYTES = 64 * 2**20  # a cache file, and its arrays unpacked: the shipped model's are 0.1 MB

Progress = Callable[[int, int], None]
ShouldStop = Callable[[], bool]


class Cancelled(Exception):
    """The computation was stopped (a new model, or the window closing)."""


@dataclass(frozen=True)
class LayerPatches:
    """The top patches of every filter of one conv layer."""

    layer: str
    values: np.ndarray  # (filters, k) activations, largest first
    images: np.ndarray  # (filters, k) index of the digit in the shipped set
    labels: np.ndarray  # (filters, k) its label
    positions: np.ndarray  # (filters, k, 2) the unit's (y, x) in the layer's output
    fields: np.ndarray  # (filters, k, 4) the receptive field on the digit: top, left, bottom, right
    patches: np.ndarray  # (filters, k, fh, fw) the field's pixels (zeros where it reaches into padding)

    @property
    def filters(self) -> int:
        return int(self.values.shape[0])

    def field(self, f: int, rank: int) -> Field:
        return Field(*(int(v) for v in self.fields[f, rank]))


@dataclass(frozen=True)
class FilterPatches:
    """Every conv layer's :class:`LayerPatches`, for one model and one set of digits."""

    key: str
    digits: int
    layers: Mapping[str, LayerPatches]
    seconds: float = 0.0
    from_cache: bool = False


def cache_key(inspector: Any, images: np.ndarray, top_k: int = TOP_K) -> str:
    """sha256 of the model (its file's bytes, or its weights) and of the digits, and the format."""
    return fingerprint(inspector, f"filter-patches v{FORMAT_VERSION} k{top_k}", images)


def conv_layers(inspector: Any) -> list[str]:
    """The Conv2D layers whose units map back to input pixels."""
    return [info.name for info in inspector.layer_infos if info.kind == "Conv2D" and info.name in inspector.chains]


def _crop(image: np.ndarray, field: Field) -> np.ndarray:
    """The field's pixels, zeros where it lies outside the image."""
    h, w = field.size
    out = np.zeros((h, w), np.float32)
    inside = field.clipped(*image.shape)
    out[inside.top - field.top:inside.bottom - field.top, inside.left - field.left:inside.right - field.left] = \
        image[inside.top:inside.bottom, inside.left:inside.right]
    return out


def compute_filter_patches(
    inspector: Any,
    images: np.ndarray,
    labels: np.ndarray,
    top_k: int = TOP_K,
    progress: Progress | None = None,
    should_stop: ShouldStop | None = None,
) -> FilterPatches:
    """Search ``images`` (N, 28, 28; uint8 or 0..1) for each conv filter's strongest responses."""
    started = time.perf_counter()
    pixels = images.astype(np.float32) / 255.0 if images.dtype == np.uint8 else images.astype(np.float32)
    names = tuple(conv_layers(inspector))
    n = len(pixels)
    best: dict[str, np.ndarray] = {}
    where: dict[str, np.ndarray] = {}
    for start in range(0, n, BATCH):
        if should_stop is not None and should_stop():
            raise Cancelled
        outputs = inspector.batch_outputs(pixels[start:start + BATCH], names) if names else {}
        for name, act in outputs.items():
            b, h, w, c = act.shape
            flat = act.reshape(b, h * w, c)
            arg = flat.argmax(axis=1)  # (b, c): each digit's strongest position per filter
            if name not in best:
                best[name] = np.empty((n, c), np.float32)
                where[name] = np.empty((n, c), np.int64)
            best[name][start:start + b] = np.take_along_axis(flat, arg[:, None, :], axis=1)[:, 0, :]
            where[name][start:start + b] = arg
        if progress is not None:
            progress(min(start + BATCH, n), n)
    layers = {}
    for name in names:
        info = next(i for i in inspector.layer_infos if i.name == name)
        out_w = info.output_shape[1]
        k = min(top_k, n)
        order = np.argsort(-best[name], axis=0, kind="stable")[:k].T  # (filters, k) digit indices
        filters = order.shape[0]
        values = np.take_along_axis(best[name].T, order, axis=1)
        flat_pos = np.take_along_axis(where[name].T, order, axis=1)
        positions = np.stack([flat_pos // out_w, flat_pos % out_w], axis=-1)
        chain = inspector.chains[name]
        fields = np.array([[_field_tuple(field_of(chain, int(y), int(x))) for y, x in row] for row in positions],
                          np.int64).reshape(filters, k, 4)
        fh, fw = int(fields[0, 0, 2] - fields[0, 0, 0]), int(fields[0, 0, 3] - fields[0, 0, 1])
        patches = np.zeros((filters, k, fh, fw), np.float32)
        for f in range(filters):
            for r in range(k):
                patches[f, r] = _crop(pixels[order[f, r]], Field(*fields[f, r]))
        layers[name] = LayerPatches(name, values.astype(np.float32), order.astype(np.int64),
                                    np.asarray(labels)[order].astype(np.int64), positions.astype(np.int64),
                                    fields, patches)
    return FilterPatches(cache_key(inspector, images, top_k), n, MappingProxyType(layers),
                         time.perf_counter() - started)


def _field_tuple(field: Field) -> tuple[int, int, int, int]:
    return field.top, field.left, field.bottom, field.right


# --------------------------------------------------------------------------- the cache


_ARRAYS = ("values", "images", "labels", "positions", "fields", "patches")


def save_patches(patches: FilterPatches, path: Path) -> None:
    arrays: dict[str, np.ndarray] = {"key": np.array(patches.key), "digits": np.array(patches.digits),
                                     "layers": np.array(list(patches.layers))}
    for name, layer in patches.layers.items():
        for field in _ARRAYS:
            arrays[f"{name}/{field}"] = getattr(layer, field)
    with atomic_path(path) as tmp, open(tmp, "wb") as handle:
        np.savez_compressed(handle, **arrays)


def load_patches(path: Path, key: str) -> FilterPatches | None:
    """The cached patches, or None if the file is missing, or unreadable or another model's (then removed)."""

    def read(cached: CheckedNpz) -> FilterPatches:
        if str(cached.array("key", "U", ())) != key:
            raise NotOurs("another model's patches")
        digits = int(cached.array("digits", "i", ()))
        names = [str(name) for name in cached.array("layers", "U", (None,))]
        layers = {name: _cached_layer(cached, name, digits) for name in names}
        return FilterPatches(key, digits, MappingProxyType(layers), 0.0, from_cache=True)

    return read_cache(path, read, MAX_CACHE_BYTES)


def _cached_layer(cached: CheckedNpz, name: str, digits: int) -> LayerPatches:
    """One layer's arrays, each header checked against the first's (filters, k) before its data is read."""
    values = cached.array(f"{name}/values", np.float32, (None, None))
    filters, k = values.shape
    images = cached.array(f"{name}/images", np.int64, (filters, k))
    labels = cached.array(f"{name}/labels", np.int64, (filters, k))
    positions = cached.array(f"{name}/positions", np.int64, (filters, k, 2))
    fields = cached.array(f"{name}/fields", np.int64, (filters, k, 4))
    patches = cached.array(f"{name}/patches", np.float32, (filters, k, None, None))
    sizes = np.stack([fields[..., 2] - fields[..., 0], fields[..., 3] - fields[..., 1]], axis=-1)
    if (images.size and not (0 <= images.min() and images.max() < digits)) or np.any(sizes != patches.shape[2:]):
        raise NotOurs(f"{name}: digits or fields that are not the patches'")
    return LayerPatches(name, values, images, labels, positions, fields, patches)


def load_or_compute(
    inspector: Any,
    images: np.ndarray,
    labels: np.ndarray,
    cache_dir: Path | None,
    progress: Progress | None = None,
    should_stop: ShouldStop | None = None,
    top_k: int = TOP_K,
) -> FilterPatches:
    """From the cache when it holds this model's patches, else computed and cached."""
    key = cache_key(inspector, images, top_k)
    path = Path(cache_dir) / f"{key[:40]}.npz" if cache_dir is not None else None
    if path is not None:
        started = time.perf_counter()
        cached = load_patches(path, key)
        if cached is not None:
            return FilterPatches(cached.key, cached.digits, cached.layers, time.perf_counter() - started, True)
    patches = compute_filter_patches(inspector, images, labels, top_k, progress, should_stop)
    if path is not None:
        try:
            save_patches(patches, path)
        except OSError:
            pass  # an unwritable cache only costs recomputing next time
    return patches
