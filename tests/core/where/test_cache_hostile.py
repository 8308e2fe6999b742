"""A Where cache file made to hurt — a FIFO, a link to /dev/zero, a header declaring (10000, 10⁹), arrays that
unpack far past what the file weighs — is judged from its headers, removed, and the pass rebuilt."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest

import guiapp.core.where.cache as cache
from guiapp.core.where.cache import cache_path, load_map, load_or_run, load_pass, map_path
from tests.hostile_files import dev_zero_link, fifo

COUNT = 60


@pytest.fixture(scope="module")
def digits(mnist):
    return mnist.x_test[:COUNT].astype(np.float32) / 255, mnist.y_test[:COUNT].astype(np.int64)


def _header(shape: tuple[int, ...], dtype: str = "<f4") -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": dtype, "fortran_order": False, "shape": shape})
    return buffer.getvalue()


def _write_cache(path, features: bytes, labels: np.ndarray, method: int = zipfile.ZIP_STORED) -> None:
    """A pass cache whose ``features`` member is given as raw .npy bytes; the other members are right."""
    members = {"probabilities": np.zeros((COUNT, 10), np.float32), "labels": labels, "layer": np.array("dense")}
    with zipfile.ZipFile(path, "w", method) as archive:
        with archive.open("features.npy", "w", force_zip64=True) as member:
            member.write(features)
        for name, array in members.items():
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, array, allow_pickle=False)
            archive.writestr(f"{name}.npy", buffer.getvalue())


def _rebuilt(path, shipped_inspector, digits) -> None:
    """The pass runs again and the file is a good cache afterwards."""
    images, labels = digits
    ran = []
    found = load_or_run(shipped_inspector, images, labels, path.parent, progress=lambda *a: ran.append(a))
    assert ran and found.features.shape[0] == COUNT
    again = load_pass(path, found.layer, labels, 10)
    assert again is not None
    np.testing.assert_array_equal(again.features, found.features)


def test_a_header_declaring_ten_thousand_by_a_billion_is_removed_and_rebuilt(tmp_path, shipped_inspector, digits):
    images, labels = digits
    path = cache_path(shipped_inspector, images, labels, tmp_path)
    _write_cache(path, _header((COUNT, 10**9)) + b"\0" * 64, labels)  # 240 GB declared in a few hundred bytes
    assert load_pass(path, "dense", labels, 10) is None  # no "Unable to allocate": judged from the header
    assert not path.exists()  # the bad file is not kept
    _write_cache(path, _header((10_000, 10**9)), labels)
    _rebuilt(path, shipped_inspector, digits)


def test_a_small_file_whose_arrays_unpack_past_the_limit_is_not_unpacked(tmp_path, shipped_inspector, digits,
                                                                            monkeypatch):
    images, labels = digits
    path = cache_path(shipped_inspector, images, labels, tmp_path)
    width = 20_000  # 60 × 20,000 float32 zeros: 4.8 MB unpacked, a few kB deflated
    _write_cache(path, _header((COUNT, width)) + bytes(COUNT * width * 4), labels, zipfile.ZIP_DEFLATED)
    monkeypatch.setattr(cache, "MAX_CACHE_BYTES", 1_000_000)  # the same bomb, scaled down: 1 MB allowed
    assert path.stat().st_size < 100_000
    assert load_pass(path, "dense", labels, 10) is None and not path.exists()
    _write_cache(path, _header((COUNT, width)) + bytes(COUNT * width * 4), labels, zipfile.ZIP_DEFLATED)
    _rebuilt(path, shipped_inspector, digits)


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_a_cache_that_is_not_a_file_is_removed_and_rebuilt(tmp_path, shipped_inspector, digits, kind):
    images, labels = digits
    path = cache_path(shipped_inspector, images, labels, tmp_path)
    points = map_path(shipped_inspector, images, labels, tmp_path)
    if kind == "fifo":
        with fifo(path), fifo(points):
            assert load_pass(path, "dense", labels, 10) is None and load_map(points, COUNT) is None
    else:
        dev_zero_link(path), dev_zero_link(points)
        assert load_pass(path, "dense", labels, 10) is None and load_map(points, COUNT) is None
    assert not path.exists() and not path.is_symlink() and not points.is_symlink()
    _rebuilt(path, shipped_inspector, digits)


def test_a_map_whose_header_is_not_count_by_two_is_removed(tmp_path):
    path = tmp_path / "where-map-x.npz"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("points.npy", _header((COUNT, 3)) + bytes(COUNT * 3 * 4))
    assert load_map(path, COUNT) is None and not path.exists()
    np.savez(path, points=np.zeros((COUNT, 2), np.float32))
    assert load_map(path, COUNT).shape == (COUNT, 2) and path.exists()  # a good one is read and kept
