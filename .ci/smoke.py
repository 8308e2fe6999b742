"""Smoke test of an installed wheel: the shipped model and resources are inside it and work.

Run from outside the source tree, with the wheel's venv, so `import guiapp` finds the
installed package, not the checkout.
"""

from __future__ import annotations

import sys

import numpy as np

from guiapp import paths
from guiapp.core.training.data import load_samples
from guiapp.core.model.inference import Inspector

assert "site-packages" in str(paths.PACKAGE_DIR), f"not the installed package: {paths.PACKAGE_DIR}"
assert paths.DEFAULT_MODEL.is_file(), f"the wheel lacks the shipped model: {paths.DEFAULT_MODEL}"
samples = load_samples(paths.MNIST_SAMPLES)
inspector = Inspector.load(paths.DEFAULT_MODEL)
predicted = inspector.predict_probabilities(samples.images.astype(np.float32) / 255.0).argmax(axis=1)
correct = int((predicted == samples.labels).sum())
total = len(samples.labels)
print(f"installed wheel: {paths.DEFAULT_MODEL} classifies {correct}/{total} shipped samples correctly")

# The colour example: the same digits painted yellow on blue, through the picture pipeline.
from guiapp.core.live.live_update import PictureInput, network_input  # noqa: E402

colour = Inspector.load(paths.MODELS_DIR / "colour_digits.keras")
ink = samples.images[:200].astype(np.float32) / 255.0
painted = ink[..., None] * np.array([1.0, 0.9, 0.1], np.float32) + (1 - ink[..., None]) * np.array(
    [0.1, 0.2, 0.7], np.float32)
fitted = np.stack([network_input(colour, PictureInput(p, "painted"))[0].final for p in painted])
names = [colour.class_names[i] for i in colour.predict_probabilities(fitted).argmax(axis=1)]
right = sum(name == colour.class_names[label] for name, label in zip(names, samples.labels[:200]))
print(f"installed wheel: colour_digits.keras names {right}/200 painted samples correctly ({names[0]}, …)")
sys.exit(0 if total == 2000 and correct >= 0.985 * total and right >= 0.9 * 200 else 1)
