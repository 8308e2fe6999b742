"""Each filter's favourite patches: the right ones, recomputed by hand, cached per model."""

from __future__ import annotations

import numpy as np
import pytest

from guiapp import paths
from guiapp.core.explain import filter_patches as fp
from guiapp.core.training.data import load_samples

DIGITS = 300


@pytest.fixture(scope="module")
def digits():
    samples = load_samples(paths.MNIST_SAMPLES)
    return samples.images[:DIGITS], samples.labels[:DIGITS]


@pytest.fixture(scope="module")
def patches(shipped_inspector, digits):
    return fp.compute_filter_patches(shipped_inspector, *digits)


def _conv1_everywhere(image, kernel, bias):
    from numpy.lib.stride_tricks import sliding_window_view

    windows = sliding_window_view(image.astype(np.float64), (3, 3))  # (26, 26, 3, 3)
    return np.maximum(np.einsum("yxij,ij->yx", windows, kernel) + bias, 0.0)


def test_conv1_top_patches_are_the_strongest_responses(shipped_inspector, digits, patches):
    images = digits[0] / 255.0
    layer = patches.layers["conv2d"]
    assert layer.patches.shape == (32, 9, 3, 3) and layer.values.shape == (32, 9)
    w = shipped_inspector.weights["conv2d"]
    for f in (0, 5, 17, 31):
        kernel, bias = w.kernel[:, :, 0, f].astype(np.float64), float(w.bias[f])
        best = np.array([_conv1_everywhere(image, kernel, bias).max() for image in images])
        top = layer.images[f, 0]
        np.testing.assert_allclose(layer.values[f, 0], best.max(), rtol=1e-4, atol=1e-5)
        patch = layer.patches[f, 0].astype(np.float64)
        np.testing.assert_allclose(max((patch * kernel).sum() + bias, 0.0), layer.values[f, 0], rtol=1e-4, atol=1e-5)
        y, x = layer.positions[f, 0]
        np.testing.assert_array_equal(patch, images[top][y:y + 3, x:x + 3].astype(np.float32))
        assert layer.labels[f, 0] == digits[1][top]
        assert np.all(np.diff(layer.values[f]) <= 0)  # largest first
        assert len(set(layer.images[f])) == 9  # nine different digits


def test_conv2_top_patch_recomputed_from_the_conv1_window(shipped_inspector, digits, patches):
    images = digits[0] / 255.0
    layer = patches.layers["conv2d_1"]
    assert layer.patches.shape == (64, 9, 5, 5)
    w = shipped_inspector.weights["conv2d_1"]
    for f in (3, 40):
        top = int(layer.images[f, 0])
        y, x = (int(v) for v in layer.positions[f, 0])
        conv1 = shipped_inspector.batch_outputs(images[top:top + 1], ("conv2d",))["conv2d"][0].astype(np.float64)
        value = max((conv1[y:y + 3, x:x + 3] * w.kernel[:, :, :, f]).sum() + w.bias[f], 0.0)
        np.testing.assert_allclose(layer.values[f, 0], value, rtol=1e-4, atol=1e-4)
        all_conv2 = shipped_inspector.batch_outputs(images, ("conv2d_1",))["conv2d_1"][..., f]
        np.testing.assert_allclose(all_conv2.max(), layer.values[f, 0], rtol=1e-5)
        np.testing.assert_array_equal(layer.patches[f, 0], images[top][y:y + 5, x:x + 5].astype(np.float32))
        assert layer.field(f, 0).size == (5, 5)


def test_the_cache_is_used_and_survives_damage(shipped_inspector, digits, patches, tmp_path, monkeypatch):
    first = fp.load_or_compute(shipped_inspector, *digits, tmp_path)
    assert not first.from_cache and len(list(tmp_path.iterdir())) == 1
    calls = []
    real = fp.compute_filter_patches
    monkeypatch.setattr(fp, "compute_filter_patches", lambda *a, **k: calls.append(1) or real(*a, **k))
    again = fp.load_or_compute(shipped_inspector, *digits, tmp_path)
    assert again.from_cache and calls == []
    for name in first.layers:
        for field in ("values", "images", "labels", "positions", "fields", "patches"):
            np.testing.assert_array_equal(getattr(again.layers[name], field), getattr(first.layers[name], field))
    (cached,) = tmp_path.iterdir()
    cached.write_bytes(b"not an npz at all")
    repaired = fp.load_or_compute(shipped_inspector, *digits, tmp_path)
    assert not repaired.from_cache and calls == [1]
    assert fp.load_or_compute(shipped_inspector, *digits, tmp_path).from_cache


def test_another_model_or_other_digits_get_another_key(shipped_inspector, digits, tmp_path):
    from guiapp.core.model.architectures import ARCHITECTURES, build_model
    from guiapp.core.model.inference import Inspector

    other = Inspector.from_keras(build_model(ARCHITECTURES["mnist_cnn"], seed=1))
    key = fp.cache_key(shipped_inspector, digits[0])
    assert fp.cache_key(other, digits[0]) != key
    assert fp.cache_key(shipped_inspector, digits[0][:10]) != key
    assert fp.cache_key(shipped_inspector, digits[0]) == key


def test_stopping_between_batches(shipped_inspector, digits):
    seen = []
    with pytest.raises(fp.Cancelled):
        fp.compute_filter_patches(shipped_inspector, *digits, progress=lambda d, t: seen.append(d),
                                  should_stop=lambda: len(seen) >= 2)
    assert seen == [fp.BATCH, 2 * fp.BATCH]
