"""The images and outputs guiapp explains, in one place (light: the explorer and the checks import it)."""

from __future__ import annotations

import numpy as np

__all__ = [
    "BYTE_RANGE", "CHANNELS", "INPUT_SHAPE", "LUMA", "MAX_CLASSES", "MAX_INPUT_MAGNITUDE", "MAX_PARAMS", "MAX_SIDE",
    "MIN_SIDE", "UNIT_RANGE",
]

INPUT_SHAPE = (28, 28, 1)  # MNIST's, the shipped digit models'
MIN_SIDE, MAX_SIDE = 8, 512  # an image input's height and width, each
CHANNELS = (1, 3)  # grey or RGB
MAX_CLASSES = 10_000
UNIT_RANGE = (0.0, 1.0)  # the pixels every view and step works in
BYTE_RANGE = (0.0, 255.0)  # what a model with a Rescaling layer inside expects
LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)  # ITU-R 601 grey from RGB, as PIL's "L"
# The most parameters a model may have, whether named by --arch or read from a file (arch_edit's
# MAX_TRAINABLE_PARAMS is the same number): ~80 × the seed's network, 400 MB of float32 weights.
# A file declaring more is refused before any engine builds it (model_check.py).
MAX_PARAMS = 100_000_000
# A model card's "input_range" beyond ± this is not a pixel scale but nonsense (it would make every input ±inf).
MAX_INPUT_MAGNITUDE = 1e6
