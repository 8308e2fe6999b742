"""Shared fixtures. Qt runs offscreen; MNIST comes from ../shared/data, never from the network."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
MNIST_NPZ = SHARED_DATA / "mnist.npz"


@pytest.fixture(scope="session")
def mnist_npz() -> Path:
    if not MNIST_NPZ.is_file():
        pytest.skip(f"MNIST is not at {MNIST_NPZ} (the shared data folder is absent on this machine)")
    return MNIST_NPZ


@pytest.fixture(scope="session")
def mnist(mnist_npz):
    from guiapp.core.learning.data import load_mnist_npz

    return load_mnist_npz(mnist_npz)


@pytest.fixture(scope="session")
def small_npz(mnist, tmp_path_factory) -> Path:
    """A small slice of MNIST in Keras layout, for training tiny models quickly."""
    path = tmp_path_factory.mktemp("data") / "small.npz"
    np.savez(
        path,
        x_train=mnist.x_train[:768], y_train=mnist.y_train[:768],
        x_test=mnist.x_test[:256], y_test=mnist.y_test[:256],
    )
    return path


@pytest.fixture(scope="session")
def shipped_inspector():
    from guiapp import paths
    from guiapp.core.model.inference import Inspector

    return Inspector.load(paths.DEFAULT_MODEL)
