"""Grad-CAM (Selvaraju et al. 2017): ReLU(Σₖ αₖ·Aₖ), αₖ the mean of ∂logit/∂Aₖ over a convolution layer's
positions, and the map brought from the layer's grid to the input's pixels through each unit's
receptive-field centre (bilinear between centres)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from guiapp.core.arithmetic.receptive_field import Window, field_of

__all__ = ["grad_cam_maps", "to_input_grid", "unit_centres"]


def grad_cam_maps(conv: np.ndarray, conv_grad: np.ndarray) -> np.ndarray:
    """ReLU(Σₖ αₖ·Aₖ) with αₖ = mean over positions of ∂y/∂Aₖ, for each image: (N, h, w)."""
    alphas = conv_grad.mean(axis=(1, 2), dtype=np.float64)  # (N, k)
    cams = np.einsum("nhwk,nk->nhw", conv.astype(np.float64), alphas)
    return np.maximum(cams, 0.0).astype(np.float32)


def unit_centres(size: int, input_size: int, chain: Sequence[Window] | None, axis: int) -> np.ndarray:
    """Input coordinate of each unit's receptive-field centre along ``axis`` (evenly spread without a chain)."""
    if chain:
        first, second = field_of(chain, 0, 0), field_of(chain, 1, 1)
        start = (first.top + first.bottom - 1) / 2 if axis == 0 else (first.left + first.right - 1) / 2
        step = (second.top - first.top) if axis == 0 else (second.left - first.left)
        return start + step * np.arange(size, dtype=np.float64)
    step = input_size / size
    return (np.arange(size, dtype=np.float64) + 0.5) * step - 0.5


def to_input_grid(grid: np.ndarray, input_hw: tuple[int, int], chain: Sequence[Window] | None) -> np.ndarray:
    """A layer's (h, w) map on the input's (H, W) pixels: bilinear between the units' field centres."""
    height, width = input_hw
    rows = unit_centres(grid.shape[0], height, chain, 0)
    cols = unit_centres(grid.shape[1], width, chain, 1)
    # For every input pixel, its fractional unit index (clamped at the ends: the nearest unit's value).
    row_index = np.interp(np.arange(height), rows, np.arange(len(rows)))
    col_index = np.interp(np.arange(width), cols, np.arange(len(cols)))
    # Bilinear on a grid of coordinates is two linear interpolations, one matrix each side: NumPy alone
    # (scipy.ndimage's map_coordinates cost the Why tab's first map a 0.3–0.9 s import).
    weights_r, weights_c = _linear_weights(row_index, grid.shape[0]), _linear_weights(col_index, grid.shape[1])
    return (weights_r @ grid.astype(np.float64) @ weights_c.T).astype(np.float32)


def _linear_weights(index: np.ndarray, size: int) -> np.ndarray:
    """(len(index), size): row i weighs the two units either side of fractional position index[i]."""
    low = np.clip(np.floor(index).astype(np.int64), 0, size - 1)
    high = np.minimum(low + 1, size - 1)
    fraction = index - low
    weights = np.zeros((len(index), size))
    rows = np.arange(len(index))
    np.add.at(weights, (rows, low), 1.0 - fraction)
    np.add.at(weights, (rows, high), fraction)
    return weights
