"""Smoke test of an installed wheel: the shipped model and resources are inside it and work.

Run from outside the source tree, with the wheel's venv, so `import guiapp` finds the
installed package, not the checkout.
"""

from __future__ import annotations

import sys

import numpy as np

from guiapp import paths
from guiapp.core.learning.data import load_samples
from guiapp.core.model.inference import Inspector

assert "site-packages" in str(paths.PACKAGE_DIR), f"not the installed package: {paths.PACKAGE_DIR}"
assert paths.DEFAULT_MODEL.is_file(), f"the wheel lacks the shipped model: {paths.DEFAULT_MODEL}"
samples = load_samples(paths.MNIST_SAMPLES)
inspector = Inspector.load(paths.DEFAULT_MODEL)
predicted = inspector.predict_probabilities(samples.images.astype(np.float32) / 255.0).argmax(axis=1)
correct = int((predicted == samples.labels).sum())
total = len(samples.labels)
print(f"installed wheel: {paths.DEFAULT_MODEL} classifies {correct}/{total} shipped samples correctly")
sys.exit(0 if total == 2000 and correct >= 0.985 * total else 1)
