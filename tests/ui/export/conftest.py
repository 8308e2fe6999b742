"""The export tests' shared fixture: a tiny training history (one epoch on the small MNIST slice)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def history(tmp_path_factory, small_npz):
    """A history folder with a handful of snapshots, trained once per test module."""
    from guiapp.core.training.data import load_mnist_npz
    from guiapp.core.training.training import TrainingConfig, train

    folder = tmp_path_factory.mktemp("clip") / "h"
    train(load_mnist_npz(small_npz), folder.parent / "m.keras", TrainingConfig(epochs=1, batch_size=64),
          history=folder)
    return folder
