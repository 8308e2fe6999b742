"""gradcam: ReLU(Σ αₖ·Aₖ) on a layer's grid, then onto the input's pixels through the field centres."""

from __future__ import annotations

import numpy as np

from guiapp.core.arithmetic.receptive_field import LayerInfo, spatial_chains
from guiapp.core.explain.gradcam import grad_cam_maps, to_input_grid, unit_centres

CONV1 = LayerInfo("conv2d", "Conv2D", {"kernel_size": 3}, (28, 28, 1), (26, 26, 32))


def test_grad_cam_weights_each_map_by_its_mean_gradient_and_clips_below_zero():
    conv = np.zeros((1, 2, 2, 2), np.float32)
    conv[0, :, :, 0] = [[1, 2], [3, 4]]
    conv[0, :, :, 1] = [[4, 0], [0, 0]]
    grad = np.zeros_like(conv)
    grad[..., 0] = 1.0  # α₀ = 1
    grad[..., 1] = -2.0  # α₁ = −2
    cam = grad_cam_maps(conv, grad)
    assert cam.shape == (1, 2, 2) and cam.dtype == np.float32
    np.testing.assert_allclose(cam[0], [[0, 2], [3, 4]])  # 1 − 8 < 0 → 0


def test_unit_centres_follow_the_receptive_fields():
    chain = spatial_chains([CONV1])["conv2d"]
    np.testing.assert_allclose(unit_centres(26, 28, chain, 0)[:3], [1, 2, 3])  # a 3×3 window's centre
    np.testing.assert_allclose(unit_centres(4, 28, None, 1), [3, 10, 17, 24])  # evenly spread: 7 pixels apart


def test_to_input_grid_is_bilinear_between_centres():
    grid = np.zeros((26, 26), np.float32)
    grid[:, 1] = 1.0
    out = to_input_grid(grid, (28, 28), spatial_chains([CONV1])["conv2d"])
    assert out.shape == (28, 28) and out.dtype == np.float32
    np.testing.assert_allclose(out[5, :5], [0, 0, 1, 0, 0], atol=1e-6)  # unit 1 sits on input column 2
    flat = to_input_grid(np.full((2, 2), 0.25, np.float32), (28, 28), None)
    np.testing.assert_allclose(flat, 0.25, atol=1e-6)


def test_the_numpy_resampling_is_scipys_bilinear_on_every_grid_size():
    """to_input_grid resamples in NumPy alone (scipy.ndimage's import cost the Why tab's first map 0.3–0.9 s):
    the same values as map_coordinates(order=1, mode="nearest") at the units' field centres."""
    from scipy.ndimage import map_coordinates

    rng = np.random.default_rng(3)
    for shape, hw in (((24, 24), (28, 28)), ((11, 11), (28, 28)), ((1, 1), (28, 28)), ((5, 7), (32, 20))):
        grid = rng.random(shape).astype(np.float32)
        rows = np.interp(np.arange(hw[0]), unit_centres(shape[0], hw[0], None, 0), np.arange(shape[0]))
        cols = np.interp(np.arange(hw[1]), unit_centres(shape[1], hw[1], None, 1), np.arange(shape[1]))
        expected = map_coordinates(grid, np.meshgrid(rows, cols, indexing="ij"), order=1, mode="nearest")
        found = to_input_grid(grid, hw, None)
        assert found.shape == hw and found.dtype == np.float32
        np.testing.assert_allclose(found, expected, atol=1e-6)
