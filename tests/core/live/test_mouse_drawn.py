"""Mouse-drawn digits are read right: the two drawings in ``resources/`` and the set in ``tests/data/mouse_drawn/``.

The set was drawn with the mouse in the real window (under Xvfb, driven by xdotool) and saved with File →
Save drawing, two of each digit: one large and upright, one smaller, slanted and off-centre. Each file goes
through the stroke-file reader and the live canvas' own pipeline (:func:`drawing_to_network_input`, the input the
window shows bit for bit) into the shipped default model, and must come out as the digit its name says.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from guiapp import paths
from guiapp.core.drawing.preprocess import drawing_to_network_input
from guiapp.core.drawing.stroke_file import load_drawing
from tests.conftest import TEST_DATA

MOUSE_DRAWN = TEST_DATA / "mouse_drawn"
NAMES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
RESOURCE_DRAWINGS = (paths.RESOURCES_DIR / "drawn_four.json", paths.RESOURCES_DIR / "drawn_seven.json")
FILES = (*RESOURCE_DRAWINGS, *sorted(MOUSE_DRAWN.glob("*.json")))


def digit_of(path: Path) -> int:
    """The digit a file's name says: ``three_b.json`` → 3, ``drawn_seven.json`` → 7."""
    words = [word for word in path.stem.split("_") if word in NAMES]
    assert len(words) == 1, f"{path.name} does not name one digit"
    return NAMES.index(words[0])


@pytest.fixture(scope="module")
def probabilities(shipped_inspector) -> dict[str, np.ndarray]:
    """Each file's class probabilities from the shipped model, all files in one batch (the model loads once)."""
    images = np.stack([drawing_to_network_input(load_drawing(path)) for path in FILES])
    rows = shipped_inspector.predict_probabilities(images)
    return {path.name: row for path, row in zip(FILES, rows, strict=True)}


def test_two_drawings_of_every_digit():
    counts = Counter(digit_of(path) for path in MOUSE_DRAWN.glob("*.json"))
    assert counts == {digit: 2 for digit in range(10)}
    assert len(list(MOUSE_DRAWN.iterdir())) == 20  # nothing else in the folder


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.stem)
def test_a_mouse_drawn_digit_is_read_as_its_name_says(path, probabilities):
    drawing = load_drawing(path)
    assert drawing.strokes and all(len(stroke.points) > 1 for stroke in drawing.strokes)
    p = probabilities[path.name]
    assert p.shape == (10,) and abs(float(p.sum()) - 1.0) < 1e-4
    first, second = (int(i) for i in np.argsort(p)[::-1][:2])
    assert first == digit_of(path), (
        f"{path.name} read as {first} ({p[first]:.1%}), then {second} ({p[second]:.1%})"
    )
