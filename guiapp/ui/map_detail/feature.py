"""The Selected map tab's door: the map clicked in the feature maps, large, following the drawing.

A map clicked while this tab is on show keeps it on show (the Trace unit tab, which a click also feeds, reads the
Qt property ``keepsMapClicks`` of the tab on show — see :mod:`guiapp.ui.trace.feature`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from guiapp.ui.feature import Door, Feature
from guiapp.ui.map_detail.map_detail import MapDetailView

KEEPS_MAP_CLICKS = "keepsMapClicks"  # the Trace unit tab's name for it (feature folders share no imports)

if TYPE_CHECKING:
    from guiapp.core.live.live_update import Update
    from guiapp.core.model.inference import Inspector


class MapDetailFeature(Feature):
    title = "Selected map"

    def __init__(self, door: Door) -> None:
        super().__init__(door)
        self.view = self.widget = MapDetailView()
        self.view.setProperty(KEEPS_MAP_CLICKS, True)
        door.state.mapSelected.connect(self._on_map_selected)

    def _on_map_selected(self, layer: str, index: int | None) -> None:
        if index is not None:
            self.view.show_map(layer, index)

    def model_changed(self, inspector: Inspector) -> None:
        self.view.show_model(inspector)

    def show_update(self, update: Update, moving: bool) -> None:
        self.view.show_result(update.result)
