"""cache_file: a cache .npz read only when its headers are what the caller expects; removed otherwise."""

from __future__ import annotations

import numpy as np
import pytest

from guiapp.core.cache_file import CheckedNpz, NotOurs, discard, read_cache

LIMIT = 1 << 20


def _cache(tmp_path, **arrays):
    path = tmp_path / "cache.npz"
    np.savez(path, **arrays)
    return path


def test_reads_a_member_of_the_expected_type_and_shape(tmp_path):
    path = _cache(tmp_path, xy=np.arange(20, dtype=np.float32).reshape(10, 2), names=np.array(["a", "b"]))
    with CheckedNpz(path, LIMIT, LIMIT) as cached:
        xy = cached.array("xy", np.float32, (None, 2))
        names = cached.array("names", "U", (2,))
    assert xy.shape == (10, 2) and xy[9, 1] == 19
    assert names.tolist() == ["a", "b"]


def test_refuses_a_wrong_type_shape_missing_member_or_too_much_data(tmp_path):
    path = _cache(tmp_path, xy=np.zeros((10, 2), np.float64))
    with CheckedNpz(path, LIMIT, LIMIT) as cached:
        with pytest.raises(NotOurs, match="xy: float64, not float32"):
            cached.array("xy", "float32", (10, 2))
        with pytest.raises(NotOurs, match=r"xy: shape \(10, 2\), not \(10, 3\)"):
            cached.array("xy", np.float64, (10, 3))
        with pytest.raises(NotOurs, match="no labels"):
            cached.array("labels", np.int64, (10,))
    with CheckedNpz(path, LIMIT, 100) as cached, pytest.raises(NotOurs, match="160 bytes, more than"):
        cached.array("xy", np.float64, (10, 2))


def test_read_cache_returns_none_and_removes_what_is_not_ours(tmp_path):
    path = _cache(tmp_path, xy=np.zeros((3, 2), np.float32))
    assert read_cache(tmp_path / "missing.npz", lambda c: 1, LIMIT) is None
    assert read_cache(path, lambda c: c.array("xy", np.float32, (3, 2)).shape, LIMIT) == (3, 2)
    assert path.exists()
    assert read_cache(path, lambda c: c.array("xy", np.float32, (4, 2)), LIMIT) is None
    assert not path.exists()
    garbage = tmp_path / "garbage.npz"
    garbage.write_bytes(b"not a zip at all")
    assert read_cache(garbage, lambda c: 1, LIMIT) is None
    assert not garbage.exists()


def test_discard_keeps_folders_and_a_replaced_file(tmp_path):
    folder = tmp_path / "folder"
    folder.mkdir()
    discard(folder)
    assert folder.is_dir()
    path = _cache(tmp_path, a=np.zeros(1))
    discard(path, identity=(-1, -1))  # another file than the one read
    assert path.exists()
    discard(path)
    assert not path.exists()
