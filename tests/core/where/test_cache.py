"""The test pass' cache: read back identical, keyed by the model's content (not its name), and a damaged
file ignored and rebuilt."""

from __future__ import annotations

import shutil

import numpy as np

from guiapp import paths
from guiapp.core.model.inference import Inspector
from guiapp.core.where.cache import cache_path, load_or_run


def _digits(mnist, count=300):
    return mnist.x_test[:count].astype(np.float32) / 255, mnist.y_test[:count]


def test_a_cached_pass_reads_back_identical_and_follows_the_files_content(tmp_path, mnist):
    images, labels = _digits(mnist)
    model = tmp_path / "model.keras"
    shutil.copy(paths.DEFAULT_MODEL, model)
    inspector = Inspector.load(model)
    first = load_or_run(inspector, images, labels, tmp_path / "cache")
    path = cache_path(inspector, images, labels, tmp_path / "cache")
    assert path.is_file()
    ran = []
    again = load_or_run(inspector, images, labels, tmp_path / "cache", progress=lambda *a: ran.append(a))
    assert ran == []  # from the cache: no pass
    np.testing.assert_array_equal(again.features, first.features)
    np.testing.assert_array_equal(again.probabilities, first.probabilities)
    # Another model under the same name: another key, the pass runs again.
    shutil.copy(paths.MODELS_DIR / "mnist_cnn.keras", model)
    other = Inspector.load(model)
    assert cache_path(other, images, labels, tmp_path / "cache") != path
    replaced = load_or_run(other, images, labels, tmp_path / "cache", progress=lambda *a: ran.append(a))
    assert ran and not np.array_equal(replaced.features, first.features)


def test_a_damaged_cache_file_is_ignored_and_rebuilt(tmp_path, mnist, shipped_inspector):
    images, labels = _digits(mnist, 100)
    first = load_or_run(shipped_inspector, images, labels, tmp_path)
    path = cache_path(shipped_inspector, images, labels, tmp_path)
    for damage in (path.read_bytes()[:500], b"not a zip at all"):
        path.write_bytes(damage)
        rebuilt = load_or_run(shipped_inspector, images, labels, tmp_path)
        np.testing.assert_array_equal(rebuilt.features, first.features)
        assert path.stat().st_size > 1000  # written whole again
    np.savez(path, features=np.zeros((100, 128), np.float32), probabilities=np.zeros((100, 10), np.float32),
             labels=labels[::-1].copy(), layer=np.array("dense"))  # another set of digits' pass
    np.testing.assert_array_equal(load_or_run(shipped_inspector, images, labels, tmp_path).features, first.features)


def test_a_cache_file_too_large_to_be_ours_is_not_read(tmp_path, mnist, shipped_inspector, monkeypatch):
    import guiapp.core.where.cache as cache

    images, labels = _digits(mnist, 50)
    first = load_or_run(shipped_inspector, images, labels, tmp_path)
    path = cache_path(shipped_inspector, images, labels, tmp_path)
    assert cache.load_pass(path, "dense", labels.astype(np.int64), 10) is not None
    monkeypatch.setattr(cache, "MAX_CACHE_BYTES", path.stat().st_size - 1)
    assert cache.load_pass(path, "dense", labels.astype(np.int64), 10) is None
    np.testing.assert_array_equal(load_or_run(shipped_inspector, images, labels, tmp_path).features, first.features)
