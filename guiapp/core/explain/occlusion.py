"""Occlusion (Zeiler & Fergus 2014): the explained score's drop when a grey patch hides each place — a
4×4 patch with stride 2 on a 28×28 input (169 positions), scaled with larger inputs; all positions
as one batch."""

from __future__ import annotations

import time

import numpy as np

from guiapp.core.explain.explanation import (
    OCCLUSION,
    Attribution,
    as_batch,
    batch_chunk,
    check_classes,
    seed,
)
from guiapp.core.explain.gradients import GradientSource

__all__ = ["occlusion", "occlusion_geometry", "occlusion_images"]

OCCLUSION_PATCH, OCCLUSION_STRIDE, OCCLUSION_FILL = 4, 2, 0.5  # on a 28-pixel side; larger inputs scale both
MNIST_SIDE = 28


def occlusion_images(image: np.ndarray, patch: int = OCCLUSION_PATCH, stride: int = OCCLUSION_STRIDE,
                     fill: float = OCCLUSION_FILL) -> tuple[np.ndarray, list[int], list[int]]:
    """Every copy of the (1, H, W, C) batch ``image`` with one grey patch, and the patches' top rows and left columns."""
    _, height, width, _ = image.shape
    tops = list(range(0, height - patch + 1, stride))
    lefts = list(range(0, width - patch + 1, stride))
    batch = np.repeat(image, len(tops) * len(lefts), axis=0)
    for i, top in enumerate(tops):
        for j, left in enumerate(lefts):
            batch[i * len(lefts) + j, top:top + patch, left:left + patch] = fill
    return batch, tops, lefts


def occlusion_geometry(height: int, width: int) -> tuple[int, int]:
    """(patch, stride): 4 and 2 on MNIST's 28 pixels, scaled with the input's shorter side, so a larger
    input is still covered by about 13×13 positions (not 255×255 on a 512×512 picture)."""
    scale = max(1, round(min(height, width) / MNIST_SIDE))
    return OCCLUSION_PATCH * scale, OCCLUSION_STRIDE * scale


def occlusion(source: GradientSource, image: np.ndarray, target: int, contrast: int | None = None,
              patch: int | None = None, stride: int | None = None, fill: float = OCCLUSION_FILL
              ) -> Attribution:
    """The explained score's drop with each patch position hidden (``grid``), and per pixel the mean
    drop of the patches that cover it (``values``). All positions as one batch (in chunks for large inputs).

    ``patch`` and ``stride`` default to :func:`occlusion_geometry`'s (4 and 2 on a 28×28 input)."""
    started = time.perf_counter()
    check_classes(source.num_classes, target, contrast)
    x = as_batch(image, source.input_shape)
    default_patch, default_stride = occlusion_geometry(*x.shape[1:3])
    patch, stride = patch or default_patch, stride or default_stride
    batch, tops, lefts = occlusion_images(x, patch, stride, fill)
    weights = seed(source.num_classes, target, contrast)
    every = np.concatenate([x, batch])
    chunk = batch_chunk(x)
    scores = np.concatenate([source.logits(every[start:start + chunk]) for start in range(0, len(every), chunk)]
                            ) @ weights
    drops = (scores[0] - scores[1:]).reshape(len(tops), len(lefts)).astype(np.float32)
    total = np.zeros(x.shape[1:3], np.float64)
    count = np.zeros(x.shape[1:3], np.float64)
    for i, top in enumerate(tops):
        for j, left in enumerate(lefts):
            total[top:top + patch, left:left + patch] += drops[i, j]
            count[top:top + patch, left:left + patch] += 1
    values = np.divide(total, count, out=np.zeros_like(total), where=count > 0).astype(np.float32)
    return Attribution(OCCLUSION, target, contrast, values, grid=drops, seconds=time.perf_counter() - started)
