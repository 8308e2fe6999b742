"""The canvas alone: tablet input, pen limits, pictures, undo — no model involved."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QPointingDevice, QTabletEvent
from PySide6.QtWidgets import QApplication

from guiapp.core.drawing.strokes import CANVAS_SIZE, MAX_PEN_WIDTH, MIN_PEN_WIDTH
from guiapp.ui.live.canvas import DrawingCanvas


def _tablet(canvas, kind, x, y, buttons):
    point = QPointF(x, y)
    return QTabletEvent(kind, QPointingDevice.primaryPointingDevice(), point, canvas.mapToGlobal(point),
                        0.5, 0.0, 0.0, 0.0, 0.0, 0.0, Qt.KeyboardModifier.NoModifier,
                        Qt.MouseButton.LeftButton, buttons)


def test_a_tablet_pen_draws_a_stroke(qtbot):
    canvas = DrawingCanvas()
    qtbot.addWidget(canvas)
    seen = []
    canvas.drawingChanged.connect(seen.append)
    QApplication.sendEvent(canvas, _tablet(canvas, QEvent.Type.TabletPress, 100, 50, Qt.MouseButton.LeftButton))
    QApplication.sendEvent(canvas, _tablet(canvas, QEvent.Type.TabletMove, 100, 150, Qt.MouseButton.LeftButton))
    assert len(seen) == 2 and canvas.undo_stack.count() == 0  # live while the pen is down
    QApplication.sendEvent(canvas, _tablet(canvas, QEvent.Type.TabletRelease, 100, 150, Qt.MouseButton.NoButton))
    assert [s.points for s in canvas.drawing.strokes] == [((100.0, 50.0), (100.0, 150.0))]
    assert canvas.undo_stack.count() == 1


def test_pen_width_is_kept_within_limits(qtbot):
    canvas = DrawingCanvas()
    qtbot.addWidget(canvas)
    canvas.set_pen_width(1000)
    assert canvas.pen_width() == MAX_PEN_WIDTH
    canvas.set_pen_width(-5)
    assert canvas.pen_width() == MIN_PEN_WIDTH


def test_a_picture_is_loaded_scaled_to_the_canvas_and_can_be_undone(qtbot):
    canvas = DrawingCanvas()
    qtbot.addWidget(canvas)
    picture = np.zeros((28, 28), np.float32)
    picture[10:18, 12:16] = 1.0
    canvas.load_picture(picture)
    background = canvas.drawing.background
    assert background.shape == (280, 280) and background[140, 140] == 1.0 and background[5, 5] == 0.0
    assert canvas.undo_stack.undoText() == "Load sample"
    canvas.undo_stack.undo()
    assert canvas.drawing.is_blank


def test_the_canvas_paints_white_ink_on_black(qtbot):
    canvas = DrawingCanvas()
    qtbot.addWidget(canvas)
    canvas.show()
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=canvas.rect().center())
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=canvas.rect().center())
    image = canvas.grab().toImage()
    centre = canvas.rect().center()
    assert image.pixelColor(centre.x(), centre.y()).lightness() == 255
    assert image.pixelColor(3, 3).lightness() == 0


def test_a_larger_canvas_shows_the_same_drawing_scaled_and_maps_the_pointer_back(qtbot):
    canvas = DrawingCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(2 * CANVAS_SIZE, 2 * CANVAS_SIZE)
    canvas.show()
    assert canvas.scale == 2.0 and canvas.to_widget(100, 50) == QPoint(200, 100)
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=QPoint(200, 100))
    qtbot.mouseMove(canvas, QPoint(200, 300))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=QPoint(200, 300))
    assert [s.points for s in canvas.drawing.strokes] == [((100.0, 50.0), (100.0, 150.0))]  # canvas pixels
    image = canvas.grab().toImage()
    assert image.pixelColor(200, 200).lightness() == 255  # painted where the pointer went
    assert image.pixelColor(100, 200).lightness() == 0
    canvas.resize(CANVAS_SIZE, CANVAS_SIZE)
    assert canvas.scale == 1.0 and canvas.drawing.strokes[0].points == ((100.0, 50.0), (100.0, 150.0))
