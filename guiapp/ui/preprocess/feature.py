"""The Preprocessing tab's door: its steps shown for each update, its choices put in the window's state.

A step switched off, a picture recipe or an input range changed: the tab sets the state's ``options`` or
``picture``, and the live loop computes the drawing again with them (the tab never talks to the worker).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from guiapp.core.live.live_update import PictureInput, Update, computes_nan
from guiapp.ui.feature import Door, Feature
from guiapp.ui.preprocess.preprocess_view import PreprocessView
from guiapp.ui.state import PictureChoice

if TYPE_CHECKING:
    from guiapp.core.drawing.picture import PictureRecipe
    from guiapp.core.model.inference import Inspector


class PreprocessFeature(Feature):
    title = "Preprocessing"

    def __init__(self, door: Door) -> None:
        super().__init__(door)
        self.view = self.widget = PreprocessView()
        state = door.state
        state.classNamesChanged.connect(self.view.set_class_names)
        self.view.optionsChanged.connect(lambda options: setattr(state, "options", options))
        self.view.recipeChanged.connect(self._on_recipe)

    def _on_recipe(self, recipe: PictureRecipe, input_range: tuple[float, float] | None) -> None:
        self.door.state.picture = PictureChoice(recipe, input_range)

    def model_changed(self, inspector: Inspector) -> None:
        self.view.show_model(inspector)

    def show_update(self, update: Update, moving: bool) -> None:
        # The steps to the input still hold for a model computing NaN; its answer is not a number: none compared.
        nan = computes_nan(update.result.probabilities)
        shown, reference = (None, None) if nan else (update.result, update.reference)
        if isinstance(update.drawing, PictureInput):
            self.view.show_stages(update.stages, shown, reference, update.drawing.name)
        else:
            self.view.show_stages(update.stages, shown, reference)
