"""Thumbnails keep every pixel a crisp square; the list lays them out left to right, wrapped, in place."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QListView

from guiapp.ui.digit_list import digit_list, thumbnail


def test_a_thumbnail_is_the_digit_scaled_without_smoothing(qtbot):
    digit = np.zeros((28, 28), np.uint8)
    digit[10:14, 6:9] = 255
    image = thumbnail(digit, 56).toImage()
    assert (image.width(), image.height()) == (56, 56)
    assert image.pixelColor(2 * 7, 2 * 11).red() == 255 and image.pixelColor(2 * 9, 2 * 11).red() == 0
    colour = np.zeros((28, 28, 3), np.uint8)
    colour[..., 0] = 200  # red stays red
    assert thumbnail(colour, 42).toImage().pixelColor(20, 20).getRgb()[:3] == (200, 0, 0)


def test_the_list_wraps_icons_of_one_size_fixed_in_place(qtbot):
    widget = digit_list(42)
    qtbot.addWidget(widget)
    assert widget.iconSize().width() == 42 and widget.viewMode() == QListView.ViewMode.IconMode
    assert widget.isWrapping() and widget.movement() == QListView.Movement.Static and widget.count() == 0
