"""Shared fixtures. Qt runs offscreen; every file a test reads is in the checkout.

MNIST is the copy that ships in ``resources/`` (sha256-checked as the app reads it); pen-drawn
digits are a slice of UCI pendigits under ``tests/data/``. ``../shared`` is for benchmarks and
training only: the suite passes on a fresh clone with nothing beside it.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from pathlib import Path

import numpy as np
import pytest

TEST_DATA = Path(__file__).resolve().parent / "data"
PENDIGITS = TEST_DATA / "pendigits_2000.tra"  # the first 2,000 pen-drawn digits of UCI pendigits (CC BY 4.0)


@pytest.fixture(autouse=True)
def _no_user_folders(monkeypatch, tmp_path_factory, tmp_path):
    """Nothing a test runs, in-process or as a child process, reads or writes the user's own folders: caches
    (one per session, so the filter patches are searched once), data (trained models) and settings."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "xdg_cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg_data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg_config"))


@pytest.fixture(scope="session")
def mnist_npz() -> Path:
    """The MNIST that ships with guiapp, once its sha256 is checked."""
    from guiapp.core.training.data import shipped_mnist

    return shipped_mnist()


@pytest.fixture(scope="session")
def mnist(mnist_npz):
    from guiapp.core.training.data import load_mnist_npz

    return load_mnist_npz(mnist_npz)


@pytest.fixture(scope="session")
def pendigits():
    """(points (2000, 8, 2), labels (2000,)): real pen-drawn digits, read as the app reads them."""
    from guiapp.core.training.pendigits import load_pendigits

    return load_pendigits(PENDIGITS)


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
