"""Every layer's output as one image: a mosaic of feature maps, or a strip of units.

One ``LayerPanel`` per layer, each holding a single ImageItem that is fed a whole
mosaic (not one widget per map) as finished RGBA pixels (:mod:`guiapp.core.live.layer_picture`,
drawn in the worker thread). The heading gives the layer's name, output shape and
parameter count; a colour bar shows the scale, shared per layer or per map. Panels
scrolled out of sight are not updated until they scroll back in; while the pointer
moves, colour-bar axes wait for it to rest (:meth:`FeatureMapsView.settle`). A panel too short for a
scale of numbers (a dense layer's strip) gives its bar only the two ends, which cannot run into each other.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QRectF, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsRectItem,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from guiapp.core.arithmetic.layer_formulas import shape_text
from guiapp.core.live.layer_picture import (
    MAP_COLUMNS,
    PER_MAP,
    SHARED,
    STRIP_WRAP,
    LayerPicture,
    layer_picture,
    layout,
)
from guiapp.core.live.live_update import shown_as_copy
from guiapp.core.live.mosaic import Grid, grid_for
from guiapp.core.model.inference import InferenceResult, Inspector, LayerState
from guiapp.ui.plotting import ACTIVATION_CMAP, ACTIVATION_LUT, HIGHLIGHT, image_view

__all__ = ["PER_MAP", "SHARED", "FeatureMapsView", "LayerPanel"]


Unit = tuple  # (y, x, map) in a map layer, (i,) in a vector layer
SHORT_BAR_PX = 100  # a colour bar shorter than this gets only its two ends numbered
DESIGNED_WIDTH, MAX_GROWTH = 640, 2.2  # a mosaic's panel width as designed; how much taller a wider one may get


class LayerPanel(QFrame):
    """One layer: heading, one image, a colour bar. Clicks and hovering report what is under the pointer."""

    clicked = Signal(str, object)  # layer name, map/unit index or None
    unitClicked = Signal(str, object)  # layer name, Unit
    hovered = Signal(str, object)  # layer name, Unit or None when the pointer leaves

    def __init__(self, name: str, kind: str, shape: tuple[int, ...], params: int, note: str = "") -> None:
        super().__init__()
        self.name, self.kind = name, kind
        self.setObjectName(f"layer_{name}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        heading = f"<b>{name}</b> ({kind}) — output {shape_text(shape)} · {params:,} parameters"
        self.heading = QLabel(heading + (f"<br><i>{note}</i>" if note else ""))
        self.heading.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.heading)
        self.shape = shape
        self.grid: Grid | None = None
        self._shown: tuple[np.ndarray, str] | None = None  # the activation shown and its colour mode
        self.levels: tuple[float, float] | None = None
        self._bar_levels: tuple[float, float] | None = None
        self.plot: pg.GraphicsLayoutWidget | None = None
        if note:  # identity layers: the heading says it all
            return
        # The bar is not linked to the image: the image gets finished RGBA pixels, the bar only shows the scale.
        self.plot, self.image, self.bar = image_view(ACTIVATION_CMAP, colour_bar=True, link_bar=False)
        self.plot.setFixedHeight(self._height_for(shape))
        self.plot.scene().sigMouseClicked.connect(self._on_scene_clicked)
        self.plot.scene().sigMouseMoved.connect(self._on_scene_moved)
        self.plot.viewport().installEventFilter(self)
        self.plot.setMouseTracking(True)
        self._marks: list[QGraphicsRectItem] = []
        self._hovering: Unit | None = None
        layout.addWidget(self.plot)

    @staticmethod
    def _height_for(shape: tuple[int, ...], width: int = 0) -> int:
        """The image's height: a mosaic grows with the panel's width beyond the designed 640 px (on a
        projector, bigger maps rather than wider margins), up to :data:`MAX_GROWTH` times."""
        growth = min(MAX_GROWTH, max(1.0, width / DESIGNED_WIDTH))
        if len(shape) == 3:
            h, w, c = shape
            grid = grid_for(c, h, w, cols=min(MAP_COLUMNS, c))
            rows, cols = grid.shape
            return int(growth * min(420, max(90, 430 * rows / cols)))
        size = int(np.prod(shape))
        return 150 if size > STRIP_WRAP else 46

    def resizeEvent(self, event) -> None:  # noqa: ANN001
        super().resizeEvent(event)
        if self.plot is not None:
            height = self._height_for(self.shape, self.width())
            if height != self.plot.height():
                self.plot.setFixedHeight(height)

    @property
    def image_data(self) -> np.ndarray | None:
        """The values behind the pixels shown, laid out as drawn (NaN in the gaps); None before any."""
        return layout(*self._shown)[0] if self._shown is not None else None

    def show_picture(self, picture: LayerPicture, activation: np.ndarray, mode: str, bar: bool = True) -> None:
        """Show finished pixels of ``activation``; ``bar=False`` leaves the colour bar's axis for :meth:`settle_bar`."""
        if self.plot is None:
            return
        self.grid, self.levels, self._shown = picture.grid, picture.levels, (activation, mode)
        self.image.setImage(picture.rgba, autoLevels=False)
        if bar:
            self.settle_bar()

    def settle_bar(self) -> None:
        """Bring the colour bar's axis to the shown levels (round levels: it rarely changes)."""
        if self.plot is not None and self.levels is not None and self.levels != self._bar_levels:
            self.bar.setLevels(self.levels)
            self._bar_levels = self.levels
            low, high = self.levels
            self.bar.axis.setTicks(bar_ticks(low, high, self.plot.height()))

    def on_screen(self) -> bool:
        """Whether any of the panel's image is inside the scroll area's viewport (and every ancestor)."""
        if self.plot is None or not self.plot.isVisible():
            return False
        window = self.window()
        rect = QRect(self.plot.mapTo(window, QPoint(0, 0)), self.plot.size())
        parent = self.plot.parentWidget()
        while parent is not None and not rect.isEmpty():
            rect = rect.intersected(QRect(parent.mapTo(window, QPoint(0, 0)), parent.size()))
            parent = parent.parentWidget()
        return not rect.isEmpty()

    def set_highlighted(self, on: bool) -> None:
        self.setStyleSheet(f"LayerPanel {{ border: 2px solid {HIGHLIGHT}; }}" if on else "")

    def index_at_scene(self, scene_pos) -> int | None:
        if self.grid is None:
            return None
        point = self.image.mapFromScene(scene_pos)
        return self.grid.index_at(point.y(), point.x())

    def unit_at_scene(self, scene_pos) -> Unit | None:
        """The unit under a scene position: (y, x, map) for maps, (i,) for a strip."""
        if self.grid is None:
            return None
        point = self.image.mapFromScene(scene_pos)
        if len(self.shape) == 3:
            found = self.grid.unit_at(point.y(), point.x())
            return None if found is None else (found[1], found[2], found[0])
        index = self.grid.index_at(point.y(), point.x())
        return None if index is None else (index,)

    def scene_pos_of(self, unit: Unit):
        """The scene position of a unit's centre (the inverse of :meth:`unit_at_scene`)."""
        y, x = self._unit_origin(unit)
        return self.image.mapToScene(x + 0.5, y + 0.5)

    def _unit_origin(self, unit: Unit) -> tuple[int, int]:
        assert self.grid is not None
        if len(unit) == 3:
            top, left = self.grid.origin(unit[2])
            return top + unit[0], left + unit[1]
        return divmod(unit[0], self.grid.cols)

    def set_marks(self, units: list[Unit], colour: str = HIGHLIGHT) -> None:
        """Outline these units on the mosaic (one cell each)."""
        if self.plot is None or self.grid is None:
            return
        box = self.image.getViewBox()
        while len(self._marks) < len(units):
            item = QGraphicsRectItem()
            item.setZValue(10)
            box.addItem(item, ignoreBounds=True)  # marks must never change the view range
            self._marks.append(item)
        for item, unit in zip(self._marks, units):
            y, x = self._unit_origin(unit)
            item.setRect(QRectF(x - 0.25, y - 0.25, 1.5, 1.5))
            item.setPen(pg.mkPen(colour, width=2, cosmetic=True))
            item.show()
        for item in self._marks[len(units):]:
            item.hide()

    def _on_scene_clicked(self, event) -> None:
        self.clicked.emit(self.name, self.index_at_scene(event.scenePos()))
        unit = self.unit_at_scene(event.scenePos())
        if unit is not None:
            self.unitClicked.emit(self.name, unit)

    def _on_scene_moved(self, scene_pos) -> None:
        unit = self.unit_at_scene(scene_pos)
        if unit != self._hovering:
            self._hovering = unit
            self.hovered.emit(self.name, unit)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Leave and self._hovering is not None:
            self._hovering = None
            self.hovered.emit(self.name, None)
        return False

    def mousePressEvent(self, event) -> None:  # a click on the heading selects the layer
        self.clicked.emit(self.name, None)
        super().mousePressEvent(event)


def bar_ticks(low: float, high: float, height: int) -> list | None:
    """The colour bar's numbers: pyqtgraph's own scale (None) on a tall panel; only the ends on a short one."""
    if height >= SHORT_BAR_PX:
        return None
    return [[(low, f"{low:.3g}"), (high, f"{high:.3g}")], []]


class FeatureMapsView(QScrollArea):
    """All layers, top to bottom, rebuilt when the model changes and refreshed on every result."""

    mapClicked = Signal(str, object)  # layer name, map/unit index or None
    unitClicked = Signal(str, object)  # layer name, Unit
    unitHovered = Signal(str, object)  # layer name, Unit or None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("feature_maps")
        self.setWidgetResizable(True)
        self._body = QWidget()
        self._layout = QVBoxLayout(self._body)
        self._layout.setSpacing(6)
        self._placeholder = QLabel("Feature maps appear here once the model has loaded.")
        self._layout.addWidget(self._placeholder)
        self._layout.addStretch(1)
        self.setWidget(self._body)
        self.panels: dict[str, LayerPanel] = {}
        self._mode = SHARED
        self._last: InferenceResult | None = None
        self._pictures: dict[str, LayerPicture] = {}
        self._stale: set[str] = set()  # panels holding an older result (out of sight when it came)
        self._sight: set[str] | None = None  # panels in sight; None: look again (scrolled, resized, shown)
        self.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        self._body.installEventFilter(self)  # panels laid out anew (a new model, a resize): look again

    @property
    def colour_mode(self) -> str:
        return self._mode

    def set_colour_mode(self, mode: str) -> None:
        self._mode = PER_MAP if mode == PER_MAP else SHARED
        if self._last is not None:
            self.show_result(self._last)

    def show_model(self, inspector: Inspector) -> None:
        """One panel per layer of a newly loaded model (its input layer has the input view)."""
        self.set_layers([(row.name, row.kind, row.output_shape, row.params) for row in inspector.ledger.rows
                         if row.kind != "InputLayer"])

    def shown_layer(self, name: str) -> str:
        """The layer whose panel shows ``name``'s values: a dropout's are its source's (recursively)."""
        order = list(self.panels)
        while name in self.panels and self.panels[name].plot is None and order.index(name) > 0:
            name = order[order.index(name) - 1]
        return name

    def set_layers(self, layers: list[tuple[str, str, tuple[int, ...], int]]) -> None:
        """Build one panel per layer from (name, kind, output shape, params)."""
        for panel in self.panels.values():
            panel.deleteLater()
        self.panels.clear()
        self._sight = None
        self._placeholder.hide()
        previous = None
        for name, kind, shape, params in layers:
            note = ""
            if shown_as_copy(kind):
                note = f"identity at inference: the same {shape_text(shape)} values as {previous}"
            panel = LayerPanel(name, kind, shape, params, note)
            panel.clicked.connect(self.mapClicked)
            panel.unitClicked.connect(self.unitClicked)
            panel.hovered.connect(self.unitHovered)
            self._layout.insertWidget(self._layout.count() - 1, panel)
            self.panels[name] = panel
            previous = name

    def show_result(self, result: InferenceResult, pictures: dict[str, LayerPicture] | None = None,
                    colour_mode: str | None = None, moving: bool = False) -> None:
        """Show a result; ``pictures`` drawn elsewhere in ``colour_mode`` are used when that is the mode shown.

        Panels out of sight are only marked stale; ``moving`` (the pointer is drawing) leaves
        colour-bar axes for :meth:`settle`.
        """
        self._last = result
        usable = pictures is not None and colour_mode == self._mode
        self._pictures = dict(pictures) if usable else {}
        self._stale = set()
        for state in result.layers:
            panel = self.panels.get(state.name)
            if panel is None or panel.plot is None:
                continue
            if state.name in self._in_sight():
                panel.show_picture(self._picture(state), state.activation, self._mode, bar=not moving)
            else:
                self._stale.add(state.name)

    def _picture(self, state: LayerState) -> LayerPicture:
        picture = self._pictures.get(state.name)
        if picture is None:  # not drawn by the worker (another colour mode, or shown directly)
            picture = self._pictures[state.name] = layer_picture(state.activation, self._mode, ACTIVATION_LUT)
        return picture

    def settle(self) -> None:
        """The pointer rests: bring the colour bars of the panels in sight up to date."""
        for panel in self.panels.values():
            if panel.name not in self._stale:
                panel.settle_bar()

    def _in_sight(self) -> set[str]:
        """Panels any part of which is on screen; looked up once per scroll, resize or show, not per frame."""
        if self._sight is None:
            self._sight = {name for name, panel in self.panels.items() if panel.on_screen()}
        return self._sight

    def _catch_up(self) -> None:
        """Show the newest result on stale panels that have come into sight."""
        self._sight = None
        if self._last is None or not self._stale:
            return
        for state in self._last.layers:
            panel = self.panels.get(state.name)
            if state.name in self._stale and panel is not None and state.name in self._in_sight():
                panel.show_picture(self._picture(state), state.activation, self._mode)
                self._stale.discard(state.name)

    def _on_scrolled(self, _: int) -> None:
        self._catch_up()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._body and event.type() in (QEvent.Type.Resize, QEvent.Type.LayoutRequest):
            self._catch_up()
        return False

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._catch_up()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._catch_up()

    def set_marks(self, marks: dict[str, list[Unit]]) -> None:
        """Outline units: {layer: units}; every other layer's marks are cleared."""
        for name, panel in self.panels.items():
            panel.set_marks(marks.get(name, []))

    def highlight_layer(self, name: str | None) -> None:
        for panel_name, panel in self.panels.items():
            panel.set_highlighted(panel_name == name)
        if name in self.panels:
            self.ensureWidgetVisible(self.panels[name], 0, 40)


if __name__ == "__main__":  # look at the panel alone, with random activations
    import sys

    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    view = FeatureMapsView()
    layers = [("conv2d", "Conv2D", (26, 26, 32), 320), ("dropout", "Dropout", (26, 26, 32), 0),
              ("dense", "Dense", (128,), 1179776)]
    view.set_layers(layers)
    rng = np.random.default_rng(0)
    states = tuple(LayerState(n, k, s, p, rng.random(s, dtype=np.float32)) for n, k, s, p in layers)
    view.show_result(InferenceResult(np.zeros((28, 28), np.float32), states, np.full(10, 0.1, np.float32), 0.0))
    view.resize(640, 700)
    view.show()
    sys.exit(app.exec())
