"""canvas_paint: a drawing rendered at any resolution covers the same canvas pixels; heat maps scale to the
device pixels they cover; pictures become QImages of their own size."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF

from guiapp.core.drawing.strokes import CANVAS_SIZE, Drawing, Stroke
from guiapp.ui.live.canvas_paint import picture_image, render_source, scaled_heat

BAR = Drawing(strokes=(Stroke(((140.0, 40.0), (140.0, 240.0)), 20.0),))


def test_a_drawing_renders_at_the_ratio_asked_in_the_same_place(qtbot):
    for ratio in (1.0, 2.0):
        pixmap = render_source(BAR, ratio)
        assert (pixmap.width(), pixmap.height()) == (round(CANVAS_SIZE * ratio),) * 2
        image = pixmap.toImage()
        assert image.pixelColor(round(140 * ratio), round(140 * ratio)).lightness() == 255  # on the bar
        assert image.pixelColor(round(60 * ratio), round(140 * ratio)).lightness() == 0  # beside it


def test_a_heat_map_is_scaled_to_the_device_pixels_of_its_rectangle(qtbot):
    image = picture_image(np.eye(4, dtype=np.float32))
    assert (image.width(), image.height()) == (4, 4)
    scaled = scaled_heat(image, QRectF(10, 10, 100, 50), 1.5)
    assert (scaled.width(), scaled.height(), scaled.devicePixelRatio()) == (150, 75, 1.5)
