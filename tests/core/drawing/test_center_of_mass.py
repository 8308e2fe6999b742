"""The preprocessing's own centre of mass agrees with SciPy's (which the window no longer imports)."""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from guiapp import paths
from guiapp.core.drawing.preprocess import center_of_mass
from guiapp.core.training.data import load_samples


def test_center_of_mass_equals_scipys_on_digits_and_noise():
    rng = np.random.default_rng(0)
    images = [image.astype(np.float32) / 255 for image in load_samples(paths.MNIST_SAMPLES).images[:500]]
    images += [rng.random((h, w), dtype=np.float32) for h, w in ((28, 28), (20, 7), (1, 9), (280, 280))]
    for image in images:
        np.testing.assert_allclose(center_of_mass(image), ndimage.center_of_mass(image), atol=1e-5)
