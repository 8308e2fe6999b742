"""choice: what B is, as one frozen value, and how the page names it."""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest

from guiapp.ui.compare.choice import FILE, SNAPSHOT, TWIN, Choice


def test_a_twin_is_named_by_how_many_layers_from_the_top_and_its_seed():
    assert Choice(TWIN, layers=1).title("mnist_cnn") == "mnist_cnn, top layer re-initialised (seed 0)"
    assert Choice(TWIN, layers=3, seed=7).title("mnist_cnn") == "mnist_cnn, top 3 layers re-initialised (seed 7)"
    assert Choice(TWIN, layers=0, seed=7).title("mnist_cnn") == "mnist_cnn (nothing re-initialised)"
    assert Choice(TWIN, layers=2).title() == "A, top 2 layers re-initialised (seed 0)"


def test_a_file_and_a_snapshot_are_named_by_their_path():
    assert Choice(FILE, Path("/models/mnist_cnn_63.keras")).title("A") == "mnist_cnn_63.keras"
    assert Choice(SNAPSHOT, Path("/runs/history"), snapshot=4).title() == "history, snapshot 4"
    assert Choice(FILE).title() == "—" and Choice(SNAPSHOT).title() == "—"


def test_choices_are_values():
    assert Choice(TWIN, layers=2) == Choice(TWIN, layers=2) and Choice(TWIN, layers=2) != Choice(TWIN, layers=3)
    assert Choice(FILE, Path("a.keras")) != Choice(FILE, Path("b.keras"))
    assert len({Choice(TWIN), Choice(TWIN), Choice(FILE, Path("a.keras"))}) == 2
    with pytest.raises(FrozenInstanceError):
        Choice(TWIN).layers = 2  # type: ignore[misc]
