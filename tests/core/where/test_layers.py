"""Maps of any layer: the layers offered, a random projection that keeps the angles between digits, the
features computed chunk by chunk, a fitted digit placed on its own point, and the layer's cache."""

from __future__ import annotations

import numpy as np

from guiapp.core.where.atlas import fit_map
from guiapp.core.where.cache import layer_map_path, load_or_compute_layer_map
from guiapp.core.where.embedding import Neighbours
from guiapp.core.where.layers import (
    PROJECTED_DIMS,
    LayerMap,
    layer_features,
    layer_size,
    map_layers,
    project,
    projection,
)


def test_the_layers_offered_run_from_conv_1_to_what_the_classifier_reads(shipped_inspector):
    assert map_layers(shipped_inspector) == ("conv2d", "conv2d_1", "max_pooling2d", "dense")
    assert [layer_size(shipped_inspector, name) for name in map_layers(shipped_inspector)] == [21632, 36864, 9216, 128]
    assert projection(128) is None
    matrix = projection(9216)
    assert matrix.shape == (9216, PROJECTED_DIMS) and matrix.dtype == np.float32
    np.testing.assert_array_equal(matrix, projection(9216))  # fixed by its seed: part of the cache key


def test_a_wide_layer_is_projected_chunk_by_chunk_keeping_the_angles_between_digits(shipped_inspector, mnist):
    images = mnist.x_test[:600].astype(np.float32) / 255
    features = layer_features(shipped_inspector, images, "max_pooling2d")
    raw = shipped_inspector.batch_outputs(images, ("max_pooling2d",))["max_pooling2d"].reshape(600, -1)
    assert features.shape == (600, PROJECTED_DIMS)
    np.testing.assert_allclose(features, project(raw, projection(9216)), rtol=1e-4, atol=1e-4)

    def cosines(x):
        unit = x[:60] / np.linalg.norm(x[:60], axis=1, keepdims=True)
        return unit @ unit.T

    error = np.abs(cosines(features) - cosines(raw))[np.triu_indices(60, 1)]
    print(f"\nthe cosine between two digits moves by {np.median(error):.3f} (median), at most {error.max():.3f}")
    assert np.median(error) < 0.05 and error.max() < 0.3
    assert layer_features(shipped_inspector, images, "dense").shape == (600, 128)  # narrow: as it is


def test_a_layer_map_places_a_fitted_digit_on_its_own_point_and_is_cached(tmp_path, shipped_inspector, mnist):
    images, labels = mnist.x_test[:500].astype(np.float32) / 255, mnist.y_test[:500]
    calls = []

    def features():
        calls.append("features")
        return layer_features(shipped_inspector, images, "max_pooling2d")

    def fit(values):
        calls.append("fit")
        return fit_map(values, n_jobs=2)

    values, points = load_or_compute_layer_map(shipped_inspector, "max_pooling2d", images, labels, tmp_path,
                                               features, fit)
    again = load_or_compute_layer_map(shipped_inspector, "max_pooling2d", images, labels, tmp_path, features, fit)
    assert calls == ["features", "fit"]
    np.testing.assert_array_equal(again[1], points)
    path = layer_map_path(shipped_inspector, "max_pooling2d", images, labels, tmp_path)
    path.write_bytes(path.read_bytes()[:1000])  # damaged: computed again
    load_or_compute_layer_map(shipped_inspector, "max_pooling2d", images, labels, tmp_path, features, fit)
    assert calls == ["features", "fit"] * 2
    layer_map = LayerMap("max_pooling2d", Neighbours(values, labels), points, projection(9216))
    activation = shipped_inspector.run(images[42]).layer("max_pooling2d").activation
    np.testing.assert_allclose(layer_map.place(activation), points[42], atol=0.05)
