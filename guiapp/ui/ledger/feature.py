"""The Ledger tab's door: each layer's shape and parameters with their arithmetic, its row following the maps."""

from __future__ import annotations

from typing import TYPE_CHECKING

from guiapp.ui.feature import Door, Feature
from guiapp.ui.ledger.ledger_view import LedgerView

if TYPE_CHECKING:
    from guiapp.core.model.inference import Inspector


class LedgerFeature(Feature):
    title = "Ledger"

    def __init__(self, door: Door) -> None:
        super().__init__(door)
        self.view = self.widget = LedgerView()
        self.view.layerSelected.connect(door.state.highlight_layer)
        door.state.mapSelected.connect(lambda layer, _index: self.view.select_layer(layer))

    def model_changed(self, inspector: Inspector) -> None:
        self.view.show_model(inspector)
