"""Where the shipped files live, from a source checkout and from an installed wheel alike.

In a checkout (or an editable install) ``models/`` and ``resources/`` sit at the top of
the repository, beside the ``guiapp`` package. The wheel carries them inside the
package as ``guiapp/_shipped/models`` and ``guiapp/_shipped/resources`` (see
``pyproject.toml``). Every other module asks this one.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def _shipped(name: str) -> Path:
    inside_wheel = PACKAGE_DIR / "_shipped" / name
    if inside_wheel.is_dir():
        return inside_wheel
    return PACKAGE_DIR.parent / name


MODELS_DIR = _shipped("models")
RESOURCES_DIR = _shipped("resources")
# The default is whichever shipped model recognises drawn digits best (benchmarks/drawn_digits.py):
# the same network trained for drawings. The seed-faithful model stays one menu click away.
DEFAULT_MODEL = MODELS_DIR / "mnist_cnn_drawn.keras"
SEED_MODEL = MODELS_DIR / "mnist_cnn.keras"
# The seeds' two variants of it (issue 25), trained by the same recipe: compare mode's first partners.
VARIANT_MODELS = (MODELS_DIR / "mnist_cnn_63.keras", MODELS_DIR / "same_padding_cnn.keras")
MNIST_SAMPLES = RESOURCES_DIR / "mnist_samples.npz"
MNIST = RESOURCES_DIR / "mnist.npz"  # the whole of MNIST (Keras layout): train, evaluate, browse offline
MNIST_SHA256 = "06af5dfe73b70e3bc1c36439982b18a8d76803db9b544f6fdf838a37fbb01b64"
