"""The "Live network" page: the canvas, the network input, the probabilities, the feature maps, the tabs.

It shows each update in its own widgets and turns what the user points at in them (a map, a unit, a
probability bar) into the state's events; what other features want of its widgets — a picture on the
canvas, a heat map over it, the drawing column lent to the Training page — they ask through the door,
which calls the verbs here. The tabs beside the maps are other features': the window adds them with
:meth:`LivePage.add_tab` (each in a scroll area of its own, :mod:`guiapp.ui.live.tab_area`).

Each panel can be hidden (presentation mode: :meth:`LivePage.set_panel_visible`); the others take its room.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from guiapp.core.explain.trace_text import trace_outlines
from guiapp.core.live.live_update import PictureInput, Update, computes_nan, nan_problem
from guiapp.ui.feature import Door, Feature
from guiapp.ui.layout import live_splitter
from guiapp.ui.live.canvas import DrawingCanvas
from guiapp.ui.live.canvas_column import CanvasColumn
from guiapp.ui.live.feature_maps import FeatureMapsView
from guiapp.ui.live.input_view import NetworkInputView
from guiapp.ui.live.probabilities import ProbabilityView
from guiapp.ui.live.tab_area import TabArea
from guiapp.ui.model_banner import ModelBanner

if TYPE_CHECKING:
    from collections.abc import Callable

    from guiapp.core.model.inference import Inspector
    from guiapp.ui.state import PictureChoice


class LivePage(Feature):
    """The live page. ``open_model`` is the banner's button (the Model → Open… dialog)."""

    title = "Live network"
    is_page = True

    def __init__(self, door: Door, open_model: Callable[[], None]) -> None:
        super().__init__(door)
        state = door.state
        self.canvas = DrawingCanvas()
        self.input_view = NetworkInputView()
        self.probabilities = ProbabilityView()
        self.feature_maps = FeatureMapsView()
        self.model_banner = ModelBanner(open_model)
        self.tabs = TabArea()
        self.canvas_column = CanvasColumn(self.canvas, self.input_view, self.probabilities)
        self.splitter = live_splitter(self.canvas_column, (self.model_banner, self.feature_maps), self.tabs)
        self.widget = self.splitter
        self.panels: dict[str, QWidget] = {"canvas": self.canvas, "input": self.input_view,
                                           "probabilities": self.probabilities, "feature_maps": self.feature_maps,
                                           "model_banner": self.model_banner, "tabs": self.tabs}
        self._hidden: set[str] = set()
        self._lent: list[QWidget] = []
        self._sizes: list[int] = []
        state.classNamesChanged.connect(self.probabilities.set_class_names)
        state.colourModeChanged.connect(self.feature_maps.set_colour_mode)
        state.optionsChanged.connect(lambda options: self.input_view.set_recipe(options.label))
        state.pictureChanged.connect(self._on_picture_choice)
        state.outlinesChanged.connect(self._on_outlines)
        state.layerHighlighted.connect(self.feature_maps.highlight_layer)
        state.mapSelected.connect(lambda layer, _index: self.feature_maps.highlight_layer(layer))
        self.feature_maps.mapClicked.connect(state.select_map)
        self.feature_maps.unitClicked.connect(state.pin_unit)
        self.feature_maps.unitHovered.connect(state.hover_unit)
        self.probabilities.classClicked.connect(state.explain_class)

    def add_tab(self, widget: QWidget, title: str) -> int:
        """Add another feature's page to the tabs beside the maps (in a scroll area: it never widens the window)."""
        return self.tabs.addTab(widget, title)

    # ------------------------------------------------------------------ panels shown

    def panel_visible(self, name: str) -> bool:
        """Whether the panel ``name`` (a key of :attr:`panels`) is shown when its page is."""
        if name not in self.panels:
            raise KeyError(f"no panel {name!r}; the panels are {', '.join(self.panels)}")
        return name not in self._hidden

    def set_panel_visible(self, name: str, visible: bool) -> None:
        """Show or hide one panel; the others take its room (hiding "tabs" gives the maps the width)."""
        if self.panel_visible(name) == visible:
            return
        (self._hidden.discard if visible else self._hidden.add)(name)
        if name == "model_banner":
            self.model_banner.set_suppressed(not visible)
            return
        self.panels[name].setVisible(visible)
        # A column with nothing left to show goes, and its width with it.
        column_shown = (not {"canvas", "input", "probabilities"} <= self._hidden,
                        "feature_maps" not in self._hidden, "tabs" not in self._hidden)
        for column, shown in zip((self.canvas_column, self.feature_maps.parentWidget(), self.tabs), column_shown):
            column.setVisible(shown)
        self.canvas_column.column_layout.invalidate()
        self.splitter.refit()

    def model_changed(self, inspector: Inspector) -> None:
        for view in (self.input_view, self.probabilities, self.feature_maps):
            view.show_model(inspector)

    def show_update(self, update: Update, moving: bool) -> None:
        result = update.result
        inspector = self.door.state.inspector
        if computes_nan(result.probabilities) and inspector is not None:
            # No answer: the probabilities say so, the status bar why (nan_problem reads the weights: 0.25 ms
            # for the shipped 1.2 M, and only for a model computing NaN).
            self.door.say(nan_problem(inspector), error=True)
        self.input_view.show_result(result)
        self.probabilities.show_result(result)
        self.feature_maps.show_result(result, update.pictures, update.colour_mode, moving=moving)
        if isinstance(update.drawing, PictureInput):
            self.input_view.set_recipe(update.stages.recipe.label, picture=True)
        else:
            self.input_view.set_recipe(self.door.state.options.label)

    def settle(self) -> None:
        self.feature_maps.settle()

    # ------------------------------------------------------------------ what the state and the door ask

    def _on_picture_choice(self, _choice: PictureChoice) -> None:
        value_range = self.door.state.input_range
        if value_range is not None:
            self.input_view.set_input_range(value_range)

    def _on_outlines(self, trace: object) -> None:
        """Outline what the traced unit sees: on the input, on the canvas and in the maps."""
        fields, marks = trace_outlines(trace, self.feature_maps.shown_layer) if trace is not None else ([], {})
        self.input_view.set_fields(fields)
        self.feature_maps.set_marks(marks)
        update = self.door.state.update
        placement = update.placement if update is not None else None
        outlines = []
        if placement is not None:
            for field, colour in fields:
                top, left, bottom, right = placement.to_source(field.top, field.left, field.bottom, field.right)
                outlines.append((QRectF(left, top, right - left, bottom - top), QColor(colour)))
        self.canvas.set_outlines(outlines)

    def show_picture(self, picture: PictureInput, undo_text: str) -> None:
        self.canvas.show_picture(picture, undo_text)

    def overlay(self, rgba: np.ndarray | None, rect: QRectF | None = None) -> None:
        if rgba is None:
            self.canvas.set_heat(None)
        else:
            self.canvas.set_heat(rgba, rect)

    def lend_drawing(self, maps: bool = True) -> list[QWidget]:
        """The drawing column and (``maps``) the feature maps, taken out (the splitter keeps the rest)."""
        if not self._lent:
            self._sizes = self.splitter.sizes()
            self._lent = [self.splitter.widget(0), self.splitter.widget(1)] if maps else [self.splitter.widget(0)]
        return list(self._lent)

    def take_back_drawing(self) -> None:
        if not self._lent:
            return
        for index, widget in enumerate(self._lent):
            self.splitter.insertWidget(index, widget)
        self._lent = []
        self.splitter.setSizes(self._sizes)

    @property
    def lent(self) -> bool:
        return bool(self._lent)
