"""The drawing canvas: white ink on black, round anti-aliased pen, eraser, undo of whole strokes.

It records strokes (points, pen width, pen or eraser) and emits the drawing after
every pointer move; it knows nothing of Keras. It can also hold a picture (opened, dropped
or pasted) in place of a drawing: shown fitted into the canvas, in colour; the first stroke
starts a new drawing, and undo brings the picture back. What it paints is vector strokes drawn
by QPainter (crisp at any device pixel ratio); the network's pixels come from the
same strokes through :func:`guiapp.core.drawing.strokes.rasterize`.

The canvas grows with the window (its holder keeps it square, :mod:`guiapp.ui.live.canvas_column`), but the
drawing does not change with it: strokes, outlines and the heat map stay in the
``CANVAS_SIZE`` coordinates of :mod:`guiapp.core.drawing.strokes`, shown scaled by :attr:`DrawingCanvas.scale`,
and pointer positions are mapped back (:meth:`DrawingCanvas.to_canvas`), so the network's input is the same at
any size.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
    QTabletEvent,
    QUndoCommand,
    QUndoStack,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from guiapp.core.drawing.strokes import (
    CANVAS_SIZE,
    DEFAULT_PEN_WIDTH,
    MAX_PEN_WIDTH,
    MIN_PEN_WIDTH,
    Drawing,
    Stroke,
)
from guiapp.core.live.live_update import PictureInput, Source
from guiapp.ui.live.canvas_paint import paint_stroke, picture_image, render_source, scaled_heat

__all__ = ["MIN_SIDE", "DrawingCanvas", "picture_image"]

MIN_SIDE = 150  # the smallest the canvas is shown at (a short window); it grows without limit


class _SetDrawing(QUndoCommand):
    """Any change of the canvas content, undone by restoring the drawing before it."""

    def __init__(self, canvas: DrawingCanvas, before: Source, after: Source, text: str) -> None:
        super().__init__(text)
        self._canvas, self._before, self._after = canvas, before, after

    def redo(self) -> None:
        self._canvas._show(self._after)

    def undo(self) -> None:
        self._canvas._show(self._before)


class DrawingCanvas(QWidget):
    """Emits ``drawingChanged`` while drawing (every move) and on undo, redo, clear and loads."""

    drawingChanged = Signal(object)  # Drawing or PictureInput
    penWidthChanged = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("canvas")
        self.setMinimumSize(MIN_SIDE, MIN_SIDE)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.resize(CANVAS_SIZE, CANVAS_SIZE)  # alone (not laid out), one pixel per canvas pixel
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setToolTip("Draw a digit. Right button or E: eraser · [ ] pen width · Ctrl+Z undo · Delete clear")
        self.undo_stack = QUndoStack(self)
        self._drawing: Source = Drawing()
        self._current: Stroke | None = None
        self._live: Drawing | None = None  # the drawing with the stroke in progress
        self._pen_width = DEFAULT_PEN_WIDTH
        self._eraser = False
        self._cache: QPixmap | None = None  # committed strokes, at the device pixel ratio
        self.outlines: list[tuple[QRectF, QColor]] = []  # receptive fields shown over the drawing
        self.heat: tuple[QImage, QRectF] | None = None  # an evidence map (RGBA) over the drawing, where its input sits
        self._heat_source = QImage()  # the evidence map as given, one pixel per input pixel
        self._heat_scaled: tuple[float, QImage] | None = None  # the map at the device pixels shown, for its ratio
        self._with_heat: tuple[QPixmap, tuple[QImage, QRectF], QPixmap] | None = None  # (cache, heat, both)

    # ----------------------------------------------------------------- size

    @property
    def scale(self) -> float:
        """Widget pixels per canvas pixel (1 at ``CANVAS_SIZE``): the drawing fills the canvas' shorter side."""
        return max(1, min(self.width(), self.height())) / CANVAS_SIZE

    def to_canvas(self, point: QPointF) -> QPointF:
        """A widget position (a mouse or tablet event's) in canvas coordinates."""
        scale = self.scale
        return QPointF(point.x() / scale, point.y() / scale)

    def to_widget(self, x: float, y: float) -> QPoint:
        """Canvas coordinates as the widget position that draws there (tests and replays press there)."""
        scale = self.scale
        return QPoint(round(x * scale), round(y * scale))

    # ----------------------------------------------------------------- state

    @property
    def drawing(self) -> Source:
        """The drawing including the stroke in progress, or the picture shown (the same object until it changes)."""
        return self._live if self._live is not None else self._drawing

    @property
    def picture(self) -> PictureInput | None:
        """The picture shown instead of a drawing, if any."""
        return self._drawing if isinstance(self._drawing, PictureInput) else None

    def _set_current(self, stroke: Stroke | None) -> None:
        self._current = stroke
        base = self._drawing if isinstance(self._drawing, Drawing) else Drawing()  # a stroke ends a picture
        if stroke is not None and base is not self._drawing and self._live is None:
            self._cache = None  # the picture gives way to the new drawing's black paper
            self.update()
        self._live = None if stroke is None else base.with_stroke(stroke)

    def pen_width(self) -> float:
        return self._pen_width

    def set_pen_width(self, width: float) -> None:
        width = float(min(max(width, MIN_PEN_WIDTH), MAX_PEN_WIDTH))
        if width != self._pen_width:
            self._pen_width = width
            self.penWidthChanged.emit(width)

    def eraser(self) -> bool:
        return self._eraser

    def set_eraser(self, on: bool) -> None:
        self._eraser = bool(on)
        self.setCursor(Qt.CursorShape.PointingHandCursor if on else Qt.CursorShape.CrossCursor)

    def clear(self) -> None:
        if not self._drawing.is_blank or isinstance(self._drawing, PictureInput):
            self._push(Drawing(), "Clear")

    def show_picture(self, picture: PictureInput, text: str = "Open picture") -> None:
        """Show ``picture`` in place of the drawing, undoably (the network is given the picture)."""
        self._push(picture, text)

    def load_picture(self, picture: np.ndarray, text: str = "Load sample") -> None:
        """Replace the content with a grey picture (e.g. a 28×28 MNIST digit), undoably."""
        from PIL import Image

        grey = np.clip(np.asarray(picture, dtype=np.float32), 0.0, 1.0)
        scaled = Image.fromarray(grey, mode="F").resize((CANVAS_SIZE, CANVAS_SIZE), Image.Resampling.BILINEAR)
        background = np.clip(np.asarray(scaled, dtype=np.float32), 0.0, 1.0)
        self._push(Drawing(background=background), text)

    def load_drawing(self, drawing: Drawing, text: str = "Open drawing") -> None:
        """Replace the content with saved strokes, undoably; another canvas size is scaled to this one."""
        if (drawing.width, drawing.height) != (CANVAS_SIZE, CANVAS_SIZE):
            sx, sy = CANVAS_SIZE / drawing.width, CANVAS_SIZE / drawing.height
            drawing = Drawing(strokes=tuple(
                Stroke(tuple((x * sx, y * sy) for x, y in stroke.points), stroke.width * (sx + sy) / 2, stroke.erase)
                for stroke in drawing.strokes
            ))
        self._push(drawing, text)

    def _push(self, after: Drawing, text: str) -> None:
        self.undo_stack.push(_SetDrawing(self, self._drawing, after, text))

    def _show(self, drawing: Source) -> None:
        """Display ``drawing`` (called by undo commands) and announce it."""
        self._drawing = drawing
        self._set_current(None)
        self._cache = None
        self.update()
        self.drawingChanged.emit(drawing)

    def set_outlines(self, outlines: list[tuple[QRectF, QColor]]) -> None:
        """Rectangles (canvas pixels) outlined over the drawing, e.g. a unit's receptive field."""
        if outlines != self.outlines:
            self.outlines = list(outlines)
            self.update()

    # ----------------------------------------------------------------- pointer input

    def set_heat(self, rgba: np.ndarray | None, rect: QRectF | None = None) -> None:
        """Lay ``rgba`` (h, w, 4) uint8 over ``rect`` (canvas pixels: where the network input's pixels sit);
        None takes it away."""
        if rgba is None or rect is None:
            if self.heat is not None:
                self.heat = None
                self.update()
            return
        pixels = np.ascontiguousarray(rgba, dtype=np.uint8)
        height, width = pixels.shape[:2]
        # A copy: the QImage must not point into ``pixels`` (scaled() to the same size would share it).
        self._heat_source = QImage(pixels.data, width, height, pixels.strides[0],
                                   QImage.Format.Format_RGBA8888).copy()
        self._heat_scaled = None
        self.heat = (scaled_heat(self._heat_source, rect, self.devicePixelRatioF()), rect)
        self.update()

    def _heat_image(self, ratio: float) -> QImage:
        """The heat map at ``ratio`` device pixels per canvas pixel (the canvas shown larger or smaller)."""
        assert self.heat is not None
        if ratio == self.heat[0].devicePixelRatio():
            return self.heat[0]
        if self._heat_scaled is None or self._heat_scaled[0] != ratio:
            self._heat_scaled = (ratio, scaled_heat(self._heat_source, self.heat[1], ratio))
        return self._heat_scaled[1]

    def _begin(self, point: QPointF, erase: bool) -> None:
        self._set_current(Stroke(((point.x(), point.y()),), self._pen_width, erase or self._eraser))
        self._repaint_around(point, point)
        self.drawingChanged.emit(self.drawing)

    def _extend(self, point: QPointF) -> None:
        if self._current is None:
            return
        last = self._current.points[-1]
        self._set_current(self._current.extended((point.x(), point.y())))
        self._repaint_around(QPointF(*last), point)
        self.drawingChanged.emit(self.drawing)

    def _end(self) -> None:
        if self._current is None:
            return
        # The finished drawing is the very object announced on the last move: nothing new to compute.
        finished, erase = self._live, self._current.erase
        self._set_current(None)
        self._push(finished, "Erase" if erase else "Stroke")

    def _repaint_around(self, a: QPointF, b: QPointF) -> None:
        margin = self._pen_width / 2 + 2
        scale = self.scale
        rect = QRectF(a, b).normalized().adjusted(-margin, -margin, margin, margin)
        self.update(QRectF(rect.topLeft() * scale, rect.bottomRight() * scale).toAlignedRect().adjusted(-1, -1, 1, 1))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
            self._begin(self.to_canvas(event.position()), erase=event.button() == Qt.MouseButton.RightButton)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        self._extend(self.to_canvas(event.position()))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._end()

    def tabletEvent(self, event: QTabletEvent) -> None:
        kind = event.type()
        if kind == QTabletEvent.Type.TabletPress:
            self._begin(self.to_canvas(event.position()), erase=event.pointerType() == event.pointerType().Eraser)
        elif kind == QTabletEvent.Type.TabletMove:
            self._extend(self.to_canvas(event.position()))
        elif kind == QTabletEvent.Type.TabletRelease:
            self._end()
        event.accept()

    # ----------------------------------------------------------------- painting

    def sizeHint(self) -> QSize:
        return QSize(CANVAS_SIZE, CANVAS_SIZE)

    def resizeEvent(self, event) -> None:  # noqa: ANN001
        super().resizeEvent(event)
        self._cache = None  # rendered again at the new scale (the drawing itself is unchanged)
        self._with_heat = None

    def _ratio(self) -> float:
        """Device pixels per canvas pixel: the committed drawing is rendered at this resolution."""
        return self.devicePixelRatioF() * self.scale

    def _render_committed(self) -> QPixmap:
        shown = self._drawing
        if isinstance(shown, PictureInput) and self._live is not None:
            shown = Drawing()  # a stroke has begun on the picture: a new drawing
        return render_source(shown, self._ratio())

    def _committed(self) -> QPixmap:
        """The committed strokes (or picture), with the evidence map over them when there is one.

        The map is blended once per new map, not on every pointer move's repaint (measured: it doubled
        the canvas' paint time while drawing with the Why tab on screen)."""
        if self._cache is None or self._cache.devicePixelRatio() != self._ratio():
            self._cache = self._render_committed()
        if self.heat is None:
            return self._cache
        if self._with_heat is None or self._with_heat[0] is not self._cache or self._with_heat[1] is not self.heat:
            shown = QPixmap(self._cache)
            painter = QPainter(shown)
            painter.drawImage(self.heat[1].topLeft(), self._heat_image(self._cache.devicePixelRatio()))
            painter.end()
            self._with_heat = (self._cache, self.heat, shown)
        return self._with_heat[2]

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        side = round(CANVAS_SIZE * self.scale)
        if side < self.width() or side < self.height():  # not square (alone, resized by hand): the rest is grey
            painter.fillRect(self.rect(), QColor(40, 40, 40))
        painter.scale(self.scale, self.scale)  # from here on, canvas coordinates
        painter.drawPixmap(0, 0, self._committed())
        if self._current is not None:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            paint_stroke(painter, self._current)
        for rect, colour in self.outlines:
            pen = QPen(colour, 2)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(rect)
        painter.end()


if __name__ == "__main__":  # look at the canvas alone
    import sys

    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    canvas = DrawingCanvas()
    canvas.show()
    sys.exit(app.exec())
