"""The Where pass and a layer's map in their own process: the pass comes first, then the map; the child is sent
the model as the window read it (it opens no model file) and keys the cache exactly as the window does.

(A child whose window is gone: test_map_process_orphaned.py; the map's fit alone: test_atlas.py.)
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from guiapp import paths
from guiapp.core.model.inference import Inspector
from guiapp.core.model.model_file import ModelFile
from guiapp.core.where.cache import cache_path, layer_map_path, load_pass, map_path
from guiapp.core.where.embedding import NoEmbedding, run_test_pass
from guiapp.core.where.map_process import MapFailed, layer_map_in_process, where_in_process

COUNT = 400  # digits: enough for the map's neighbourhoods, few enough for a quick fit


@pytest.fixture()
def digits(tmp_path, mnist):
    """The first COUNT test digits as a file the child reads, and as 0..1 images with their labels."""
    path = tmp_path / "digits.npz"
    np.savez(path, x_test=mnist.x_test[:COUNT], y_test=mnist.y_test[:COUNT])
    return path, mnist.x_test[:COUNT].astype(np.float32) / 255, mnist.y_test[:COUNT]


def test_the_whole_work_in_its_own_process_gives_the_pass_first_then_the_map(tmp_path, digits, shipped_inspector):
    data, images, labels = digits
    passes, stages = [], []
    points = where_in_process(paths.DEFAULT_MODEL, False, data, tmp_path / "cache",
                              progress=lambda stage, done, total: stages.append(stage), on_pass=passes.append)
    assert points.shape == (COUNT, 2) and stages[0] == "features" and stages[-1] == "map"
    expected = run_test_pass(shipped_inspector, images, labels)
    np.testing.assert_allclose(passes[0].features, expected.features, atol=1e-5)
    assert len(list((tmp_path / "cache").glob("where-*.npz"))) == 2  # the pass and the map, cached by the child
    cached = load_pass(next((tmp_path / "cache").glob("where-[0-9a-f]*.npz")), "dense", labels, 10)
    np.testing.assert_array_equal(cached.features, passes[0].features)
    stages.clear()
    again = where_in_process(paths.DEFAULT_MODEL, False, data, tmp_path / "cache",
                             progress=lambda stage, done, total: stages.append(stage))
    np.testing.assert_array_equal(again, points)
    assert stages == []  # both from the cache
    one_dense = tmp_path / "one_dense.keras"
    import keras

    keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(10)]).save(one_dense)
    with pytest.raises(NoEmbedding, match="single Dense"):
        where_in_process(one_dense, False, data, None)
    broken = tmp_path / "broken.keras"
    broken.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(MapFailed) as failed:
        where_in_process(broken, False, data, None)
    assert "\n" not in str(failed.value) and str(failed.value)


def test_the_child_runs_the_model_as_read_without_opening_its_file_under_the_same_cache_keys(tmp_path, digits):
    data, images, labels = digits
    model = tmp_path / "digits.keras"
    shutil.copy(paths.DEFAULT_MODEL, model)
    by_path = Inspector.load(model)  # what the window holds, and the keys it looks the cache up by
    keys = {cache_path(by_path, images, labels, tmp_path / "cache").name,
            map_path(by_path, images, labels, tmp_path / "cache").name,
            layer_map_path(by_path, "conv2d_1", images, labels, tmp_path / "cache").name}
    read = by_path.model_file
    model.unlink()  # a child that opened the path would fail: it must load the bytes it was sent
    passes = []
    points = where_in_process(read, False, data, tmp_path / "cache", on_pass=passes.append)
    features, layer_points = layer_map_in_process(read, False, data, tmp_path / "cache", "conv2d_1")
    assert points.shape == layer_points.shape == (COUNT, 2) and len(features) == COUNT
    np.testing.assert_allclose(passes[0].features, run_test_pass(by_path, images, labels).features, atol=1e-5)
    assert {path.name for path in (tmp_path / "cache").iterdir()} == keys  # the window's keys, nothing else
    shutil.copy(paths.DEFAULT_MODEL, model)  # the same file again, by path this time: all from the cache
    stages = []
    again = where_in_process(model, False, data, tmp_path / "cache", progress=lambda *a: stages.append(a))
    layer_again = layer_map_in_process(ModelFile.read(model), False, data, tmp_path / "cache", "conv2d_1",
                                       progress=lambda *a: stages.append(a))
    assert stages == []
    np.testing.assert_array_equal(again, points)
    np.testing.assert_array_equal(layer_again[1], layer_points)
