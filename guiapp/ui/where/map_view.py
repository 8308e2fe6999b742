"""The map of the test digits: one point per digit coloured by its true label, the network's mistakes
crossed, the drawing as a star that moves while the user draws.

The 10,000 points are one picture (core.where.raster), not a scatter item: the star moves up to 60 times
a second and every move repaints the view, which a 10,000-point scatter item cannot afford. The picture
is painted again only when the view's range or size settles (pan, zoom, resize).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QPainterPath, QPixmap, QTransform
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QStackedLayout,
    QVBoxLayout,
    QWidget,
)
from scipy.spatial import cKDTree

import guiapp.ui.plotting  # noqa: F401 — pyqtgraph's app-wide options before any item is made
from guiapp.core.where.raster import rasterise
from guiapp.ui.where.palette import (
    DRAWING_COLOUR,
    MISTAKE_COLOUR,
    label_colour,
    label_rgba,
)

POINT_RADIUS_PX = 2.5
PICK_RADIUS_PX = 8  # hover and click find a digit this close to the cursor
MARGIN = 0.05  # the default view: the points' bounds and this share of their span around them
RENDER_DELAY_MS = 50  # the points are painted again once the view has stopped changing this long
ORDER_SEED = 14  # a fixed shuffle: no label is always drawn on top, and the map looks the same each time
MISTAKE_SIZE, DRAWING_SIZE = 10, 18
MISTAKE_ARM = 0.15  # half the width of the cross's arms, of its size: pyqtgraph's own "x" is thin and blurs
THUMB_PX = 84  # the hovered digit, 3× its 28 pixels
INSET_OFFSET = 14  # the inset's corner from the cursor
FALLBACK_PX = 400  # the picture's side before the view has a size of its own
MAP_Z, MISTAKE_Z, DRAWING_Z = 0, 5, 10
INSET_STYLE = ("QFrame#map_inset {background: rgba(20, 20, 20, 235); border: 1px solid #888;}"
               " QLabel {color: #e0e0e0; background: transparent;}")
CHIP = "background:#1e1e1e; padding:0 2px;"  # the markers' legend on the plot's own dark ground


def _bold_cross() -> QPainterPath:
    """An "x" with arms thick enough to read as red inside its black edge at ten pixels."""
    h = MISTAKE_ARM
    corners = [(-h, -0.5), (h, -0.5), (h, -h), (0.5, -h), (0.5, h), (h, h), (h, 0.5), (-h, 0.5), (-h, h),
               (-0.5, h), (-0.5, -h), (-h, -h)]
    path = QPainterPath()
    path.moveTo(*corners[0])
    for corner in corners[1:]:
        path.lineTo(*corner)
    path.closeSubpath()
    return QTransform().rotate(45).map(path)


class MapView(QWidget):
    """Where the test digits lie; a click on one emits ``digitClicked`` with its test-digit index."""

    digitClicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("map_view")
        self.plot = pg.GraphicsLayoutWidget()
        self.plot.setMinimumSize(200, 200)
        self.view_box = self.plot.addViewBox(row=0, col=0, lockAspect=True, enableMouse=True)
        self.view_box.setMenuEnabled(False)
        self.view_box.disableAutoRange()  # the picture's rect follows the range: autoranging on it would loop
        self.image_item = pg.ImageItem()
        self.image_item.setZValue(MAP_Z)
        self.mistake_marker = pg.ScatterPlotItem(symbol=_bold_cross(), size=MISTAKE_SIZE, pxMode=True,
                                                 brush=pg.mkBrush(MISTAKE_COLOUR), pen=pg.mkPen("k", width=1))
        self.mistake_marker.setZValue(MISTAKE_Z)
        self.drawing_marker = pg.ScatterPlotItem(symbol="star", size=DRAWING_SIZE, pxMode=True,
                                                 brush=pg.mkBrush(DRAWING_COLOUR), pen=pg.mkPen("k", width=1.5))
        self.drawing_marker.setZValue(DRAWING_Z)
        self.drawing_marker.setVisible(False)
        for item in (self.image_item, self.mistake_marker, self.drawing_marker):
            self.view_box.addItem(item)

        self.legend = QLabel()
        self.legend.setObjectName("map_legend")
        self.legend.setWordWrap(True)
        self.markers = QLabel()
        self.markers.setObjectName("map_markers")
        self.method = QLabel()
        self.method.setObjectName("map_method")
        self.method.setWordWrap(True)
        self.method.setStyleSheet("font-size: 11px;")
        map_page = QWidget()
        column = QVBoxLayout(map_page)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.plot, 1)
        for label in (self.legend, self.markers, self.method):
            label.setContentsMargins(4, 0, 4, 0)
            column.addWidget(label)
        self.message = QLabel("No map yet.")
        self.message.setObjectName("map_message")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self._stack = QStackedLayout(self)
        self._stack.addWidget(map_page)
        self._stack.addWidget(self.message)
        self._stack.setCurrentWidget(self.message)
        self._map_page = map_page
        self.inset = self._make_inset()

        self.points = np.zeros((0, 2), np.float32)
        self.labels = self.predicted = np.zeros(0, np.int64)
        self.images = np.zeros((0, 28, 28), np.uint8)
        self.class_names: tuple[str, ...] = ()
        self.order = np.zeros(0, np.intp)  # the painting order of the points (last on top)
        self._ordered_points = self.points
        self._ordered_colours = np.zeros((0, 4), np.uint8)
        self._tree: cKDTree | None = None
        self.raster = np.zeros((0, 0, 4), np.uint8)  # the last picture painted, row 0 at the top
        self.raster_view: tuple[float, float, float, float] | None = None
        self._default_range: QRectF | None = None
        self._drawing: tuple[tuple[float, float] | None, int | None] = (None, None)
        self._hovered: int | None = None
        self._render_timer = QTimer(self, singleShot=True, interval=RENDER_DELAY_MS)
        self._render_timer.timeout.connect(self._render)
        self.view_box.sigRangeChanged.connect(self._schedule_render)
        self.view_box.sigResized.connect(self._schedule_render)
        self.plot.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.plot.scene().sigMouseClicked.connect(self._on_click)
        self._viewport = self.plot.viewport()  # kept: asking the plot for it during teardown may fail
        self._viewport.installEventFilter(self)
        self.plot.setToolTip("Hover a point to see its digit, click to load it; drag to pan, wheel to zoom, "
                             "double-click to see the whole map")

    def _make_inset(self) -> QFrame:
        inset = QFrame(self)
        inset.setObjectName("map_inset")
        inset.setStyleSheet(INSET_STYLE)
        inset.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        row = QHBoxLayout(inset)
        row.setContentsMargins(4, 4, 6, 4)
        self.inset_image = QLabel()
        self.inset_image.setFixedSize(THUMB_PX, THUMB_PX)
        self.inset_text = QLabel()
        row.addWidget(self.inset_image)
        row.addWidget(self.inset_text)
        inset.hide()
        return inset

    # ---- data -----------------------------------------------------------------------------------------
    def set_class_names(self, names: tuple[str, ...]) -> None:
        """The classes, named: the legend and the hover text say them."""
        self.class_names = tuple(names)
        self.legend.setText("&nbsp;&nbsp; ".join(
            f'<span style="color:{label_colour(i)}; font-size:15px">■</span>&nbsp;{name}'
            for i, name in enumerate(self.class_names)))
        self._show_markers_legend()
        self._hide_inset()

    def set_map(self, points: np.ndarray, labels: np.ndarray, predicted: np.ndarray, images: np.ndarray,
                method: str) -> None:
        """A new map (a model or its embedding changed): rebuilds the picture, the picking tree, the legend."""
        self.points = np.asarray(points, np.float32).reshape(-1, 2)
        self.labels = np.asarray(labels, np.int64)
        self.predicted = np.asarray(predicted, np.int64)
        self.images = np.asarray(images, np.uint8)
        self.order = np.random.default_rng(ORDER_SEED).permutation(len(self.points))
        self._ordered_points = self.points[self.order]
        self._ordered_colours = label_rgba(self.labels)[self.order]
        self._tree = cKDTree(self.points) if len(self.points) else None
        self.mistake_marker.setData(pos=self.points[self.labels != self.predicted])
        self.set_class_names(self.class_names)
        self.method.setText(method)
        self._hide_inset()
        self._stack.setCurrentWidget(self._map_page)
        self._default_range = self._bounds()
        self.view_box.setRange(rect=self._default_range, padding=0)
        self._render()

    def _bounds(self) -> QRectF:
        if len(self.points) == 0:
            return QRectF(-1, -1, 2, 2)
        low, high = self.points.min(axis=0).astype(float), self.points.max(axis=0).astype(float)
        span = np.maximum(high - low, 1e-6)
        low, high = low - MARGIN * span, high + MARGIN * span
        return QRectF(low[0], low[1], high[0] - low[0], high[1] - low[1])

    def _show_markers_legend(self) -> None:
        answer = self._drawing[1]
        read = f", read as {self._name(answer)}" if answer is not None else ""
        mistakes = int((self.labels != self.predicted).sum())
        self.markers.setText(
            f'<span style="color:{MISTAKE_COLOUR}; {CHIP}">✕</span> misread by the network ({mistakes})'
            f'&nbsp;&nbsp;&nbsp; <span style="color:{DRAWING_COLOUR}; {CHIP}">★</span> your drawing{read}')

    def _name(self, label: int | None) -> str:
        if label is None:
            return "?"
        return self.class_names[label] if 0 <= label < len(self.class_names) else str(label)

    def set_drawing(self, xy: tuple[float, float] | None, answer: int | None = None) -> None:
        """The drawing's point in data units (None hides it). Called up to 60×/s: the same value costs nothing."""
        if xy is not None:
            xy = (float(xy[0]), float(xy[1]))
        if (xy, answer) == self._drawing:
            return
        old_answer = self._drawing[1]
        self._drawing = (xy, answer)
        if xy is None:
            self.drawing_marker.setVisible(False)
        else:
            self.drawing_marker.setData(pos=np.array([xy]))
            self.drawing_marker.setVisible(True)
        if answer != old_answer:
            self._show_markers_legend()

    @property
    def drawing_xy(self) -> tuple[float, float] | None:
        return self._drawing[0]

    def show_message(self, text: str) -> None:
        """No map to show (still computing, or impossible for this model): the text in its place."""
        self.message.setText(text)
        self._hide_inset()
        self._stack.setCurrentWidget(self.message)

    # ---- painting -------------------------------------------------------------------------------------
    def _schedule_render(self, *_args: object) -> None:
        self._render_timer.start()

    def _render(self) -> None:
        """Paint the points over the visible range at the view's own pixel size, one picture pixel per
        screen pixel (device pixels on a high-density screen)."""
        self._render_timer.stop()
        (x0, x1), (y0, y1) = self.view_box.viewRange()
        ratio = self.devicePixelRatioF()
        width, height = self.view_box.width(), self.view_box.height()
        if width < 2 or height < 2:
            width = height = FALLBACK_PX
        size = (max(1, round(width * ratio)), max(1, round(height * ratio)))
        self.raster_view = (x0, y0, x1, y1)
        self.raster = rasterise(self._ordered_points, self._ordered_colours, self.raster_view, size,
                                POINT_RADIUS_PX * ratio)
        self.image_item.setImage(self.raster, autoLevels=False)
        # Row 0 is the top (y1): a negative height turns the picture the right way up in a y-up view.
        self.image_item.setRect(QRectF(x0, y1, x1 - x0, y0 - y1))

    # ---- picking --------------------------------------------------------------------------------------
    def digit_at(self, x: float, y: float) -> int | None:
        """The test digit nearest (x, y) in data units, if within PICK_RADIUS_PX screen pixels of it."""
        if self._tree is None:
            return None
        pixel = self.view_box.viewPixelSize()
        reach = PICK_RADIUS_PX * max(abs(pixel[0]), abs(pixel[1]))
        distance, index = self._tree.query((x, y), distance_upper_bound=reach)
        return int(index) if np.isfinite(distance) else None

    def _digit_at_scene(self, scene_pos: QPointF) -> int | None:
        if self._stack.currentWidget() is not self._map_page:
            return None
        if not self.view_box.sceneBoundingRect().contains(scene_pos):
            return None
        point = self.view_box.mapSceneToView(scene_pos)
        return self.digit_at(point.x(), point.y())

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        index = self._digit_at_scene(scene_pos)
        if index is None:
            self._hide_inset()
            return
        if index != self._hovered:
            self._hovered = index
            self._fill_inset(index)
        self._place_inset(self.plot.viewport().mapTo(self, self.plot.mapFromScene(scene_pos)))

    def _fill_inset(self, index: int) -> None:
        pixels = np.ascontiguousarray(self.images[index])
        image = QImage(pixels.data, pixels.shape[1], pixels.shape[0], pixels.strides[0],
                       QImage.Format.Format_Grayscale8).copy()  # .copy(): the QImage outlives `pixels`
        self.inset_image.setPixmap(QPixmap.fromImage(image).scaled(
            THUMB_PX, THUMB_PX, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.FastTransformation))
        label, read = int(self.labels[index]), int(self.predicted[index])
        verdict = f"read as {self._name(read)}"
        if read != label:
            verdict = f'<span style="color:{MISTAKE_COLOUR}">{verdict}</span>'
        self.inset_text.setText(f"Test digit {index}:<br>a {self._name(label)}, {verdict}")

    def _place_inset(self, cursor: QPoint) -> None:
        """Beside the cursor, flipped to its other side where it would leave the widget."""
        self.inset.adjustSize()
        size = self.inset.size()
        x, y = cursor.x() + INSET_OFFSET, cursor.y() + INSET_OFFSET
        if x + size.width() > self.width():
            x = cursor.x() - INSET_OFFSET - size.width()
        if y + size.height() > self.height():
            y = cursor.y() - INSET_OFFSET - size.height()
        self.inset.move(max(0, x), max(0, y))
        self.inset.show()
        self.inset.raise_()

    def _hide_inset(self) -> None:
        self._hovered = None
        self.inset.hide()

    def _on_click(self, event) -> None:  # event: pyqtgraph's MouseClickEvent
        if event.button() != Qt.MouseButton.LeftButton:
            return
        if event.double():
            if self._default_range is not None:
                self.view_box.setRange(rect=self._default_range, padding=0)
            return
        index = self._digit_at_scene(event.scenePos())
        if index is not None:
            self.digitClicked.emit(index)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._viewport and event.type() == QEvent.Type.Leave:
            self._hide_inset()
        return super().eventFilter(watched, event)
