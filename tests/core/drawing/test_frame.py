"""MNIST's recipe scaled to a grey model of another input size: the box is 20/28 of each side."""

from __future__ import annotations

import numpy as np
import pytest

from guiapp.core.drawing.preprocess import (
    MNIST_FRAME,
    PreprocessOptions,
    box_for,
    center_of_mass,
    ink_bounding_box,
    preprocess_stages,
)


def _digit() -> np.ndarray:
    canvas = np.zeros((280, 280), np.float32)
    canvas[40:240, 120:160] = 1.0  # a tall bar
    canvas[40:80, 80:200] = 1.0  # with a cap
    return canvas


def test_the_mnist_frame_is_unchanged():
    assert box_for(MNIST_FRAME) == (20, 20)
    stages = preprocess_stages(_digit())
    assert stages.final.shape == (28, 28)
    assert max(stages.fitted.shape) == 20


@pytest.mark.parametrize("frame", [(40, 32), (16, 48), (64, 64)])
def test_the_recipe_scales_to_any_frame(frame):
    stages = preprocess_stages(_digit(), frame=frame)
    assert stages.final.shape == frame
    box_h, box_w = box_for(frame)
    assert stages.fitted.shape[0] <= box_h and stages.fitted.shape[1] <= box_w
    assert stages.fitted.shape[0] == box_h or stages.fitted.shape[1] == box_w  # fitted: one side touches
    cy, cx = center_of_mass(stages.final)
    assert abs(cy - (frame[0] - 1) / 2) <= 1.0 and abs(cx - (frame[1] - 1) / 2) <= 1.0
    top, bottom, left, right = ink_bounding_box(stages.final)
    assert 0 <= top and bottom <= frame[0] and 0 <= left and right <= frame[1]


def test_steps_off_keep_the_frame():
    for options in (PreprocessOptions(fit=False), PreprocessOptions(crop=False, fit=False, centre=False)):
        assert preprocess_stages(_digit(), options, frame=(40, 32)).final.shape == (40, 32)
    assert preprocess_stages(np.zeros((280, 280), np.float32), frame=(40, 32)).final.shape == (40, 32)
