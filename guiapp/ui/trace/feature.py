"""The Trace unit tab's door: the unit hovered or clicked in the maps, traced back to the input.

A unit clicked brings this tab up, unless the tab on show is one that answers map clicks itself (it sets the
Qt property :data:`KEEPS_MAP_CLICKS`: *Selected map*); then the unit is traced here without leaving it.
What the traced unit sees is put in the state (:meth:`~guiapp.ui.state.WindowState.show_outlines`): the live
page outlines it on the canvas, the input and the maps; a hovered unit's summary goes to the status bar.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QScrollArea, QTabWidget, QWidget

from guiapp.core.explain.trace import UnitTrace
from guiapp.core.explain.trace_text import trace_summary
from guiapp.ui.feature import Door, Feature
from guiapp.ui.trace.unit_trace import UnitTraceView

if TYPE_CHECKING:
    from guiapp.core.live.live_update import Update
    from guiapp.core.model.inference import Inspector


# A tab whose widget has this Qt property true stays on screen when a map is clicked (it shows the map itself).
KEEPS_MAP_CLICKS = "keepsMapClicks"


def tab_on_show_keeps_map_clicks(widget: QWidget) -> bool:
    """Whether the tab on show beside ``widget`` (in the same tab widget, on screen) answers map clicks itself."""
    tabs = widget.parentWidget()
    while tabs is not None and not isinstance(tabs, QTabWidget):  # a page may sit in a scroll area of the tabs
        tabs = tabs.parentWidget()
    if tabs is None:
        return False
    current = tabs.currentWidget()
    if isinstance(current, QScrollArea) and not current.property(KEEPS_MAP_CLICKS):
        current = current.widget()  # the page itself, inside the tab's scroll area
    return current is not None and current is not widget and current.isVisible() \
        and bool(current.property(KEEPS_MAP_CLICKS))


class TraceFeature(Feature):
    title = "Trace unit"

    def __init__(self, door: Door) -> None:
        super().__init__(door)
        self.view = self.widget = UnitTraceView()
        door.state.unitPinned.connect(self._on_pinned)
        door.state.unitHovered.connect(self.view.hover)
        self.view.traceChanged.connect(self._on_trace_changed)

    def _on_pinned(self, layer: str, unit: tuple[int, ...]) -> None:
        self.view.pin(layer, unit)
        if not tab_on_show_keeps_map_clicks(self.widget):
            self.door.show(self)

    def _on_trace_changed(self, trace: UnitTrace | None) -> None:
        self.door.state.show_outlines(trace)
        if trace is not None and self.view.hovering is not None:
            self.door.say(trace_summary(trace))

    def model_changed(self, inspector: Inspector) -> None:
        self.view.show_model(inspector)

    def show_update(self, update: Update, moving: bool) -> None:
        self.view.show_result(update.result, moving=moving)

    def settle(self) -> None:
        self.view.settle()
