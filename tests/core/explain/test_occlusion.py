"""occlusion: the score's drop as a grey patch hides each place (4×4, stride 2 on 28×28: 169 positions)."""

from __future__ import annotations

import numpy as np
import pytest

from guiapp.core.explain.explanation import OCCLUSION
from guiapp.core.explain.occlusion import occlusion, occlusion_geometry, occlusion_images
from tests.core.explain.fakes import LinearSource


def test_geometry_scales_with_the_shorter_side():
    assert occlusion_geometry(28, 28) == (4, 2)
    assert occlusion_geometry(56, 100) == (8, 4)
    assert occlusion_geometry(10, 10) == (4, 2)


def test_images_have_one_grey_patch_each():
    batch, tops, lefts = occlusion_images(np.zeros((1, 8, 6, 1), np.float32), patch=4, stride=2)
    assert (tops, lefts) == ([0, 2, 4], [0, 2])
    assert batch.shape == (6, 8, 6, 1)
    assert [float(b.sum()) for b in batch] == [8.0] * 6  # 16 pixels of 0.5
    assert batch[5, 4:8, 2:6].min() == 0.5 and batch[5, :4].max() == 0.0


def test_drops_on_a_linear_model_are_known_by_hand():
    weights = np.zeros((2, 28, 28, 1), np.float32)
    weights[0, 0, 0, 0] = 1.0  # class 0 looks only at the top-left pixel
    image = np.zeros((28, 28), np.float32)
    image[0, 0] = 1.0
    result = occlusion(LinearSource(weights), image, target=0)
    assert result.method == OCCLUSION and result.grid.shape == (13, 13)
    assert result.grid[0, 0] == pytest.approx(0.5)  # 1 → grey 0.5
    assert np.count_nonzero(result.grid) == 1
    assert result.values.shape == (28, 28)
    assert result.values[0, 0] == pytest.approx(0.5)  # only the first patch covers it
    assert result.values[2, 2] == pytest.approx(0.5 / 4)  # four patches cover it, one drops


def test_refuses_a_wrong_image_size():
    with pytest.raises(ValueError, match="expected a 28×28×1 image"):
        occlusion(LinearSource(np.zeros((2, 28, 28, 1))), np.zeros((27, 27)), target=0)
