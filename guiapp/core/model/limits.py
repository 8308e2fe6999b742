"""The images and outputs guiapp explains, in one place (light: the explorer and the checks import it)."""

from __future__ import annotations

import numpy as np

INPUT_SHAPE = (28, 28, 1)  # MNIST's, the shipped digit models'
MIN_SIDE, MAX_SIDE = 8, 512  # an image input's height and width, each
CHANNELS = (1, 3)  # grey or RGB
MAX_CLASSES = 10_000
UNIT_RANGE = (0.0, 1.0)  # the pixels every view and step works in
BYTE_RANGE = (0.0, 255.0)  # what a model with a Rescaling layer inside expects
LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)  # ITU-R 601 grey from RGB, as PIL's "L"
