"""The "Architecture explorer" page's door: built when first opened, starting from the model last loaded;
its "Train this network" goes to the state, which the Training page follows."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from guiapp.ui.feature import Door, Feature
from guiapp.ui.lazy_page import LazyPage

if TYPE_CHECKING:
    from guiapp.core.model.inference import Inspector
    from guiapp.ui.explorer.explorer import ArchitectureExplorer


class ExplorerFeature(Feature):
    title = "Architecture explorer"
    is_page = True

    def __init__(self, door: Door) -> None:
        super().__init__(door)
        self.page = self.widget = LazyPage(self._build)

    def _build(self) -> ArchitectureExplorer:
        from guiapp.ui.explorer.explorer import ArchitectureExplorer

        explorer = ArchitectureExplorer()
        explorer.trainRequested.connect(self.door.state.train)
        return explorer

    def model_changed(self, inspector: Inspector) -> None:
        self.page.show_model(inspector)

    @property
    def view(self) -> ArchitectureExplorer:
        return cast("ArchitectureExplorer", self.page.content())
