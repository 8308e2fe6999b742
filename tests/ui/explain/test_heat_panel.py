"""heat_panel: the input in grey with the evidence over it (red for, blue against), and the bar's limits."""

from __future__ import annotations

import numpy as np
import pytest

from guiapp.ui.explain.heat_panel import HeatPanel, INPUT_LEVELS, PIXEL_LEVELS


@pytest.fixture()
def panel(qtbot):
    widget = HeatPanel("gradient")
    qtbot.addWidget(widget)
    return widget


def test_a_map_is_shown_as_rgb_pixels_and_the_bar_gets_the_limit(panel):
    image = np.zeros((28, 28), np.float32)
    values = np.zeros((28, 28), np.float32)
    values[3, 4], values[10, 10] = 2.0, -2.0
    panel.show_map(image, values, 2.0, note="why 7")
    shown = panel.image.image
    assert shown.shape == (28, 28, 3)
    assert shown[3, 4, 0] > shown[3, 4, 2]  # for: red
    assert shown[10, 10, 2] > shown[10, 10, 0]  # against: blue
    assert tuple(panel.image.levels) == PIXEL_LEVELS
    assert tuple(panel.bar.levels()) == (-2.0, 2.0)
    assert panel.note.text() == "why 7" and "gradient" in panel.title.text()


def test_a_moving_map_leaves_the_bar_until_it_settles(panel):
    panel.show_map(np.zeros((28, 28)), np.full((28, 28), 0.5), 0.5)
    panel.show_map(np.zeros((28, 28)), np.full((28, 28), 3.0), 3.0, moving=True)
    assert tuple(panel.bar.levels()) == (-0.5, 0.5)
    panel.settle()
    assert tuple(panel.bar.levels()) == (-3.0, 3.0)


def test_clear_shows_the_bare_input_and_says_why(panel):
    image = np.eye(28, dtype=np.float32)
    panel.show_map(image, np.ones((28, 28)), 1.0)
    panel.clear("not computed yet")
    assert panel.values is None
    assert panel.image.image.shape == (28, 28)
    assert tuple(panel.image.levels) == INPUT_LEVELS
    assert panel.note.text() == "not computed yet"
