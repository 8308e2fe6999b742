"""What the drawing canvas paints, in canvas coordinates (the 280-pixel drawing's): a drawing's strokes or a
picture rendered at any resolution, one stroke, and an evidence map scaled to the pixels it covers.

Pure painting: no widget, no state. :class:`~guiapp.ui.live.canvas.DrawingCanvas` decides when.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen, QPixmap

from guiapp.core.drawing.strokes import CANVAS_SIZE, Drawing, Stroke
from guiapp.core.live.live_update import PictureInput, Source

INK = QColor(255, 255, 255)
PAPER = QColor(0, 0, 0)


def render_source(shown: Source, ratio: float) -> QPixmap:
    """The drawing (or picture) on black paper, ``ratio`` device pixels per canvas pixel; its logical size
    is the canvas' ``CANVAS_SIZE`` pixels, whatever size the canvas is shown at."""
    pixmap = QPixmap(QSize(round(CANVAS_SIZE * ratio), round(CANVAS_SIZE * ratio)))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(PAPER)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    if isinstance(shown, PictureInput):
        scale, top, left = shown.on_canvas()
        height, width = shown.picture.shape[:2]
        painter.drawImage(QRectF(left, top, width * scale, height * scale), picture_image(shown.picture))
    elif isinstance(shown, Drawing):
        if shown.background is not None:
            painter.drawImage(QRectF(0, 0, CANVAS_SIZE, CANVAS_SIZE), picture_image(shown.background))
        for stroke in shown.strokes:
            paint_stroke(painter, stroke)
    painter.end()
    return pixmap


def scaled_heat(image: QImage, rect: QRectF, ratio: float) -> QImage:
    """An evidence map scaled to the device pixels of ``rect`` (canvas pixels) at ``ratio``; nearest, so each
    square is one input pixel. Scaled once per size, so each paint is a clipped copy, not a scaling of the
    whole map for the few pixels a stroke's repaint covers."""
    scaled = image.scaled(max(1, round(rect.width() * ratio)), max(1, round(rect.height() * ratio)),
                          Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.FastTransformation)
    scaled.setDevicePixelRatio(ratio)
    return scaled


def picture_image(picture: np.ndarray) -> QImage:
    """A 0..1 grey (h, w) or colour (h, w, 3) array as a QImage (a copy: the array may go)."""
    pixels = np.ascontiguousarray(np.clip(picture, 0.0, 1.0) * 255 + 0.5, dtype=np.uint8)
    height, width = pixels.shape[:2]
    if pixels.ndim == 2:
        image = QImage(pixels.data, width, height, pixels.strides[0], QImage.Format.Format_Grayscale8)
    else:
        image = QImage(pixels.data, width, height, pixels.strides[0], QImage.Format.Format_RGB888)
    return image.copy()


def paint_stroke(painter: QPainter, stroke: Stroke) -> None:
    """One stroke with a round pen, white ink or (erasing) black paper."""
    pen = QPen(PAPER if stroke.erase else INK, stroke.width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    first = QPointF(*stroke.points[0])
    if len(stroke.points) == 1:
        painter.drawPoint(first)
        return
    path = QPainterPath(first)
    for x, y in stroke.points[1:]:
        path.lineTo(x, y)
    painter.drawPath(path)
