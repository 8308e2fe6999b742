"""The Selected map tab's door: the map clicked in the feature maps, large, following the drawing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from guiapp.ui.feature import Door, Feature
from guiapp.ui.map_detail.map_detail import MapDetailView

if TYPE_CHECKING:
    from guiapp.core.live.live_update import Update
    from guiapp.core.model.inference import Inspector


class MapDetailFeature(Feature):
    title = "Selected map"

    def __init__(self, door: Door) -> None:
        super().__init__(door)
        self.view = self.widget = MapDetailView()
        door.state.mapSelected.connect(self._on_map_selected)

    def _on_map_selected(self, layer: str, index: int | None) -> None:
        if index is not None:
            self.view.show_map(layer, index)

    def model_changed(self, inspector: Inspector) -> None:
        self.view.show_model(inspector)

    def show_update(self, update: Update, moving: bool) -> None:
        self.view.show_result(update.result)
