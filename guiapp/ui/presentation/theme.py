"""The projector theme and the zoom: large type, high contrast, the application's font scaled in steps.

A projector washes out mid-greys and thin type, and the back row is far: the theme is black text on white with a
deep-blue selection (contrast 21:1 and 10:1), type :data:`PROJECTOR_SCALE` × the base size. The plots keep their
dark background and their colour maps, which pass the colour-blind check (``guiapp/ui/plotting.py``). The zoom
multiplies the type in and out of presentation mode; the panels follow as their layouts make room for it.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

PROJECTOR_SCALE = 1.4  # the projector's type over the base font
ZOOM_STEPS = (0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5)  # Ctrl+− and Ctrl+= walk these; Ctrl+0 is 1.0
MIN_ZOOM, MAX_ZOOM = ZOOM_STEPS[0], ZOOM_STEPS[-1]

_ROLES = {  # (role, colour) of the projector palette, the same in every colour group but Disabled
    QPalette.ColorRole.Window: "#ffffff",
    QPalette.ColorRole.WindowText: "#000000",
    QPalette.ColorRole.Base: "#ffffff",
    QPalette.ColorRole.AlternateBase: "#ececec",
    QPalette.ColorRole.Text: "#000000",
    QPalette.ColorRole.Button: "#f0f0f0",
    QPalette.ColorRole.ButtonText: "#000000",
    QPalette.ColorRole.BrightText: "#ffffff",
    QPalette.ColorRole.Highlight: "#003c8f",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.ToolTipBase: "#ffffdc",
    QPalette.ColorRole.ToolTipText: "#000000",
    QPalette.ColorRole.Link: "#003c8f",
    QPalette.ColorRole.PlaceholderText: "#404040",
    QPalette.ColorRole.Light: "#ffffff",
    QPalette.ColorRole.Midlight: "#d0d0d0",
    QPalette.ColorRole.Mid: "#808080",
    QPalette.ColorRole.Dark: "#404040",
    QPalette.ColorRole.Shadow: "#000000",
}
DISABLED_TEXT = "#505050"  # disabled, yet still readable from the back (7.8:1 on white)


def projector_palette() -> QPalette:
    palette = QPalette()
    for role, colour in _ROLES.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(DISABLED_TEXT))
    return palette


def contrast(foreground: QColor, background: QColor) -> float:
    """WCAG's contrast ratio of two colours, 1 (none) to 21 (black on white)."""
    def luminance(colour: QColor) -> float:
        channels = [c / 255 for c in (colour.red(), colour.green(), colour.blue())]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def step_zoom(zoom: float, step: int) -> float:
    """The next zoom step up (+1) or down (−1) from ``zoom`` (which need not be a step), kept in range."""
    if step > 0:
        return next((z for z in ZOOM_STEPS if z > zoom + 1e-6), MAX_ZOOM)
    return next((z for z in reversed(ZOOM_STEPS) if z < zoom - 1e-6), MIN_ZOOM)


def clamp_zoom(zoom: float) -> float:
    return min(max(zoom, MIN_ZOOM), MAX_ZOOM) if zoom == zoom else 1.0  # NaN: 100%


def scaled_font(base: QFont, scale: float) -> QFont:
    """``base`` with its size × ``scale`` (point size, or pixel size for a font given in pixels)."""
    font = QFont(base)
    if base.pointSizeF() > 0:
        font.setPointSizeF(base.pointSizeF() * scale)
    elif base.pixelSize() > 0:
        font.setPixelSize(max(1, round(base.pixelSize() * scale)))
    return font


def apply_font(base: QFont, scale: float) -> None:
    """The application's font: ``base`` × ``scale`` (every widget without a font of its own follows)."""
    QApplication.setFont(scaled_font(base, scale))
