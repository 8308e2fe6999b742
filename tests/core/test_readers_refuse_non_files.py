"""Every reader of a user's file goes through the one checked opening (:mod:`guiapp.core.files`).

A FIFO and a symlink to ``/dev/zero`` get each reader's one-line refusal naming the file, in that
reader's own words and hint, at once: nothing blocks on the pipe, nothing reads the endless zeros.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from guiapp import paths
from guiapp.core.demo import reader as demo_reader
from guiapp.core.drawing import images
from guiapp.core.drawing import stroke_file as sf
from guiapp.core.errors import DataFileError, GuiappError
from guiapp.core.training import data, pendigits
from guiapp.core.training.training import _initial_weights
from guiapp.core.model.arch_edit import load_architecture
from tests.hostile_files import not_a_file


def _shipped_mnist_at(path: Path) -> Path:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(paths, "MNIST", path)
        return data.shipped_mnist()


# (name, reader, file name, what its refusal says after the reason)
READERS: list[tuple[str, Callable[[Path], object], str, str]] = [
    ("stroke file", lambda p: list(sf.read_drawings(p)), "drawings.jsonl", sf.HINT),
    ("drawing", sf.load_drawing, "drawing.json", sf.HINT),
    ("picture", images.load_picture, "digit.png", images.HINT),
    ("npy picture", images.load_picture, "digit.npy", images.HINT),
    ("MNIST npz", data.load_mnist_npz, "mnist.npz", data._HINT),
    ("MNIST test split", data.load_mnist_test, "mnist.npz", data._HINT),
    ("sample digits", data.load_samples, "mnist_samples.npz", "reinstall guiapp"),
    ("pendigits", pendigits.load_pendigits, "pendigits.tra", pendigits._HINT),
    ("architecture", load_architecture, "net.architecture.json",
     "save one from the window's Architecture tab, or give a built-in name"),
    ("init weights", lambda p: _initial_weights(None, p), "start.keras",
     "give a .keras model of the same architecture"),
    ("demo", demo_reader.read_demo, "demo.json", demo_reader.HINT),
]


@pytest.mark.parametrize(("reader", "name", "hint"), [entry[1:] for entry in READERS],
                         ids=[entry[0] for entry in READERS])
@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_a_fifo_or_dev_zero_gets_the_readers_one_line_refusal(tmp_path, reader, name, hint, kind):
    with not_a_file(kind, tmp_path / name) as (path, reason), pytest.raises(GuiappError) as caught:
        reader(path)
    assert str(caught.value) == f"{path}: {reason} — {hint}"


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_a_shipped_mnist_that_is_not_a_file_asks_for_a_reinstall(tmp_path, kind):
    with not_a_file(kind, tmp_path / "mnist.npz") as (path, reason), pytest.raises(DataFileError) as caught:
        _shipped_mnist_at(path)
    assert str(caught.value) == f"{path}: {reason} (reinstall) — {data._HINT}"
