"""theme: the projector palette's contrast, the zoom's steps, fonts scaled in points or pixels."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QFont, QPalette

from guiapp.ui.presentation.theme import (
    MAX_ZOOM,
    MIN_ZOOM,
    ZOOM_STEPS,
    clamp_zoom,
    contrast,
    projector_palette,
    scaled_font,
    step_zoom,
)


def test_the_projector_palette_is_high_contrast_even_disabled(qapp):
    palette = projector_palette()
    role = QPalette.ColorRole
    pairs = [(role.WindowText, role.Window), (role.Text, role.Base), (role.ButtonText, role.Button),
             (role.HighlightedText, role.Highlight), (role.ToolTipText, role.ToolTipBase)]
    ratios = [contrast(palette.color(fg), palette.color(bg)) for fg, bg in pairs]
    assert min(ratios) >= 7.0  # WCAG AAA for body text
    disabled = palette.color(QPalette.ColorGroup.Disabled, role.WindowText)
    assert contrast(disabled, palette.color(role.Window)) >= 7.0
    assert contrast(QColor("black"), QColor("white")) == pytest.approx(21.0)
    assert contrast(QColor("#777777"), QColor("#777777")) == pytest.approx(1.0)


def test_the_zoom_walks_its_steps_and_stays_in_range():
    assert ZOOM_STEPS[0] == MIN_ZOOM == 0.8 and MAX_ZOOM == 2.5 and 1.0 in ZOOM_STEPS
    assert step_zoom(1.0, 1) == 1.1 and step_zoom(1.0, -1) == 0.9
    assert step_zoom(1.3, 1) == 1.5 and step_zoom(1.3, -1) == 1.25  # from between two steps
    assert step_zoom(MAX_ZOOM, 1) == MAX_ZOOM and step_zoom(MIN_ZOOM, -1) == MIN_ZOOM
    assert clamp_zoom(9.0) == MAX_ZOOM and clamp_zoom(0.01) == MIN_ZOOM and clamp_zoom(float("nan")) == 1.0


def test_a_font_scales_in_points_or_in_pixels(qapp):
    points = QFont("Sans", 10)
    assert scaled_font(points, 1.4).pointSizeF() == pytest.approx(14.0)
    pixels = QFont("Sans")
    pixels.setPixelSize(12)
    assert scaled_font(pixels, 1.5).pixelSize() == 18
    assert scaled_font(pixels, 0.01).pixelSize() == 1
