"""The drawing's row of the Gram matrix, and how two layers' rows correlate."""

from __future__ import annotations

import numpy as np

from guiapp.core.compare.live_similarity import References, drawing_row, row_similarity


def _refs(rng, n=40, p=30):
    return rng.normal(size=(n, p)).astype(np.float32)


def test_a_layer_compared_with_itself_or_a_rotation_of_itself_is_one():
    rng = np.random.default_rng(0)
    feats = _refs(rng)
    drawing = rng.normal(size=30)
    rotation, _ = np.linalg.qr(rng.normal(size=(30, 30)))
    a = References.of({"x": feats})
    b = References.of({"y": feats @ rotation * 3.0})
    row_a, row_b = drawing_row(a, "x", drawing), drawing_row(b, "y", drawing @ rotation * 3.0)
    assert row_a.shape == (40,)
    assert row_similarity(row_a, row_a) == 1.0
    assert abs(row_similarity(row_a, row_b) - 1.0) < 1e-9  # CKA's invariances: rotation and scale


def test_the_row_is_the_drawings_centred_dot_products():
    rng = np.random.default_rng(1)
    feats = _refs(rng, 10, 4)
    drawing = rng.normal(size=4)
    refs = References.of({"x": feats.reshape(10, 2, 2)})  # maps are flattened per digit
    mean = feats.astype(np.float64).mean(axis=0)
    np.testing.assert_allclose(drawing_row(refs, "x", drawing.reshape(2, 2)), (feats - mean) @ (drawing - mean),
                               rtol=1e-9)


def test_unrelated_layers_correlate_little_and_a_constant_row_says_nan():
    rng = np.random.default_rng(2)
    a, b = References.of({"x": _refs(rng, 400)}), References.of({"y": _refs(rng, 400)})
    similarity = row_similarity(drawing_row(a, "x", rng.normal(size=30)), drawing_row(b, "y", rng.normal(size=30)))
    assert abs(similarity) < 0.3
    assert np.isnan(row_similarity(np.ones(5), np.arange(5.0)))
