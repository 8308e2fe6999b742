"""The filter-patch cache from strangers: a FIFO, a link to /dev/zero, or arrays declared far larger than any
model's patches are judged from their headers, removed and computed again — never read, never kept."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest

from guiapp import paths
from guiapp.core.explain import filter_patches as fp
from guiapp.core.training.data import load_samples
from tests.hostile_files import not_a_file

DIGITS = 40


@pytest.fixture(scope="module")
def digits():
    samples = load_samples(paths.MNIST_SAMPLES)
    return samples.images[:DIGITS], samples.labels[:DIGITS]


def _npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def _cache_file(inspector, images, folder):
    key = fp.cache_key(inspector, images)
    return key, folder / f"{key[:40]}.npz"


def test_a_cache_declaring_a_trillion_values_is_removed_and_recomputed(shipped_inspector, digits, tmp_path):
    key, path = _cache_file(shipped_inspector, digits[0], tmp_path)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("key.npy", _npy(np.array(key)))  # the right key: only the arrays are wrong
        archive.writestr("digits.npy", _npy(np.array(DIGITS)))
        archive.writestr("layers.npy", _npy(np.array(["conv2d"])))
        header = io.BytesIO()
        np.lib.format.write_array_header_1_0(header, {"descr": "<f4", "fortran_order": False,
                                                      "shape": (10**6, 10**6)})
        archive.writestr("conv2d/values.npy", header.getvalue() + bytes(64))
    assert fp.load_patches(path, key) is None and not path.exists()
    found = fp.load_or_compute(shipped_inspector, *digits, tmp_path)
    assert not found.from_cache and set(found.layers) == {"conv2d", "conv2d_1"}
    assert fp.load_or_compute(shipped_inspector, *digits, tmp_path).from_cache  # the rebuilt file is read back


def test_patches_pointing_past_the_digits_are_not_ours(shipped_inspector, digits, tmp_path):
    found = fp.load_or_compute(shipped_inspector, *digits, tmp_path)
    key, path = _cache_file(shipped_inspector, digits[0], tmp_path)
    with np.load(path) as data:
        arrays = {name: data[name] for name in data.files}
    arrays["conv2d/images"] = arrays["conv2d/images"] + DIGITS  # digit indices beyond the set searched
    np.savez(path, **arrays)
    assert fp.load_patches(path, key) is None and not path.exists()
    assert found.layers["conv2d"].images.max() < DIGITS


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_a_cache_that_is_not_a_file_is_removed_and_recomputed(shipped_inspector, digits, tmp_path, kind):
    key, path = _cache_file(shipped_inspector, digits[0], tmp_path)
    with not_a_file(kind, path):
        assert fp.load_patches(path, key) is None
    assert not path.exists() and not path.is_symlink()
    assert not fp.load_or_compute(shipped_inspector, *digits, tmp_path).from_cache
    assert path.is_file()
