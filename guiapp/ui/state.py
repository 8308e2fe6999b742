"""What the user chose in the window, held once: views read it and listen, none keeps a copy.

A small QObject with one changed signal per field (napari's ``ViewerModel``, ndv's models, at the size
one window needs): a setter emits only when the value changes, so a view that redraws on a signal redraws
once per real change. It holds the loaded model and its class names; the choices that shape every
computation (preprocessing options, picture recipe and input range, colour mode, the Why tab's request),
read together into one frozen :class:`~guiapp.core.live.live_request.LiveRequest` by :meth:`request`; the
newest update shown; and what the user points at across features (a layer's map, a unit to trace, a class
to explain), so a feature hears of a click in another without either knowing the other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from guiapp.core.drawing.picture import PictureRecipe
from guiapp.core.drawing.preprocess import PreprocessOptions
from guiapp.core.live.layer_picture import SHARED
from guiapp.core.live.live_request import LiveRequest
from guiapp.core.live.live_update import ExplainRequest, Source

if TYPE_CHECKING:
    from guiapp.core.live.live_update import Update
    from guiapp.core.model.inference import Inspector


@dataclass(frozen=True)
class PictureChoice:
    """How pictures are fitted (None: the model's default recipe) and the input range (None: the model's own)."""

    recipe: PictureRecipe | None = None
    input_range: tuple[float, float] | None = None


class WindowState(QObject):
    """The window's model. Fields: ``inspector``, ``class_names``, ``options``, ``picture``, ``colour_mode``,
    ``explain``, ``update``; events: :meth:`select_map`, :meth:`pin_unit`, :meth:`hover_unit`,
    :meth:`explain_class`, :meth:`show_outlines`."""

    inspectorChanged = Signal(object)  # the new Inspector
    classNamesChanged = Signal(tuple)  # the new names, one per class
    optionsChanged = Signal(object)  # PreprocessOptions: how a drawing becomes the input
    pictureChanged = Signal(object)  # PictureChoice: how a picture is fitted, and the input range
    colourModeChanged = Signal(str)
    explainChanged = Signal(object)  # ExplainRequest | None: what the Why tab on screen asks for
    updateShown = Signal(object)  # the Update every view in sight now shows
    layerHighlighted = Signal(str)  # a layer pointed at (the ledger's row): its maps stand out
    mapSelected = Signal(str, object)  # layer, map index (None: the layer only) — a layer's maps clicked
    unitPinned = Signal(str, tuple)  # layer, unit: trace it
    unitHovered = Signal(str, object)  # layer, unit (None: the pointer left the layer)
    classChosen = Signal(int)  # a probability bar clicked: explain that class
    outlinesChanged = Signal(object)  # the traced unit (UnitTrace | None): outlined on the input and maps
    trainRequested = Signal(object)  # an Architecture to train (the explorer's "Train this network")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._inspector: Inspector | None = None
        self._class_names: tuple[str, ...] = ()
        self._options = PreprocessOptions()
        self._picture = PictureChoice()
        self._colour_mode = SHARED
        self._explain: ExplainRequest | None = None
        self.update: Update | None = None  # the newest update shown (set through :meth:`show_update`)
        self.trace: Any = None  # the unit traced (a UnitTrace), for the live views' outlines
        self.transient: set[Path] = set()  # training histories' networks shown by the Training page

    # ------------------------------------------------------------------ the model

    @property
    def inspector(self) -> Inspector | None:
        return self._inspector

    @inspector.setter
    def inspector(self, inspector: Inspector | None) -> None:
        """A new model brings its own class names. Both fields are set before either signal, so a listener
        of one reads the other current; the names go first, so a view rebuilt for the model finds its names."""
        if inspector is self._inspector:
            return
        self._inspector = inspector
        names_changed = self._store_names(inspector.class_names if inspector is not None else ())
        if names_changed:
            self.classNamesChanged.emit(self._class_names)
        self.inspectorChanged.emit(inspector)

    @property
    def class_names(self) -> tuple[str, ...]:
        return self._class_names

    @class_names.setter
    def class_names(self, names: Sequence[str]) -> None:
        """Rename the classes. The inspector takes them too (:class:`ValueError` on a wrong count, nothing
        changed): what reads the model itself — a trace, the preprocessing tab — says the same names."""
        names = tuple(str(name) for name in names)
        if self._inspector is not None and names != self._inspector.class_names:
            self._inspector.set_class_names(names)
        if self._store_names(names):
            self.classNamesChanged.emit(self._class_names)

    def _store_names(self, names: tuple[str, ...]) -> bool:
        if names == self._class_names:
            return False
        self._class_names = names
        return True

    # ------------------------------------------------------------------ what shapes each computation

    @property
    def options(self) -> PreprocessOptions:
        return self._options

    @options.setter
    def options(self, options: PreprocessOptions) -> None:
        if options != self._options:
            self._options = options
            self.optionsChanged.emit(options)

    @property
    def picture(self) -> PictureChoice:
        return self._picture

    @picture.setter
    def picture(self, choice: PictureChoice) -> None:
        if choice != self._picture:
            self._picture = choice
            self.pictureChanged.emit(choice)

    @property
    def input_range(self) -> tuple[float, float] | None:
        """The range the input is scaled to: the user's choice, else the model's (None before a model loads)."""
        if self._picture.input_range is not None:
            return self._picture.input_range
        return self._inspector.input_range if self._inspector is not None else None

    @property
    def colour_mode(self) -> str:
        return self._colour_mode

    @colour_mode.setter
    def colour_mode(self, mode: str) -> None:
        if mode != self._colour_mode:
            self._colour_mode = mode
            self.colourModeChanged.emit(mode)

    @property
    def explain(self) -> ExplainRequest | None:
        return self._explain

    @explain.setter
    def explain(self, request: ExplainRequest | None) -> None:
        if request != self._explain:
            self._explain = request
            self.explainChanged.emit(request)

    def request(self, source: Source, at_rest: bool = False) -> LiveRequest:
        """``source`` with every current choice, frozen: what the worker computes."""
        return LiveRequest(source, self._options, self._picture.recipe, self._picture.input_range,
                           self._colour_mode, self._explain, at_rest)

    # ------------------------------------------------------------------ what is shown, pointed at

    def show_update(self, update: Update) -> None:
        self.update = update
        self.updateShown.emit(update)

    def highlight_layer(self, layer: str) -> None:
        self.layerHighlighted.emit(layer)

    def select_map(self, layer: str, index: int | None = None) -> None:
        self.mapSelected.emit(layer, index)

    def pin_unit(self, layer: str, unit: tuple[int, ...]) -> None:
        self.unitPinned.emit(layer, tuple(unit))

    def hover_unit(self, layer: str, unit: tuple[int, ...] | None) -> None:
        self.unitHovered.emit(layer, unit)

    def explain_class(self, target: int) -> None:
        self.classChosen.emit(int(target))

    def train(self, architecture: Any) -> None:
        self.trainRequested.emit(architecture)

    def is_transient(self, path: Path | None) -> bool:
        """Whether the model at ``path`` is a moment of a training run shown by the Training page, not one the
        user chose: not remembered as the last model, not searched for filter patches, not mapped."""
        return path is not None and path in self.transient

    def show_outlines(self, trace: Any) -> None:
        self.trace = trace
        self.outlinesChanged.emit(trace)
