"""The one door every page and tab comes through: a :class:`Feature`, and the :class:`Door` it is given.

A feature is a folder under ``guiapp/ui/`` holding its views and one ``feature.py`` whose class says what the
window needs to know: its ``title``, its ``widget`` (often a :class:`~guiapp.ui.lazy_page.LazyPage`, built when
first shown), and what to do when a model loads, an update is shown while the pen moves or at rest, it comes on
or off screen, the window closes. The window registers features in one list (:mod:`guiapp.ui.features`) and
loops over them; adding a tab is one folder and one line there.

A feature reaches the rest of the window only through the :class:`Door`: the window's state (the model, the
choices, what the user points at), the live loop (ask for a counterfactual, run other weights), the status bar,
the window's folders, and a few verbs (show me, load this model, put this picture on the canvas). It never
holds another feature's widgets, and nobody outside its folder holds its own.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    import numpy as np
    from PySide6.QtCore import QRectF

    from guiapp.core.live.live_update import PictureInput, Update
    from guiapp.core.model.inference import Inspector
    from guiapp.core.training.data import Samples
    from guiapp.ui.live.live_loop import LiveLoop
    from guiapp.ui.state import WindowState
    from guiapp.ui.window_paths import WindowPaths


class Door(Protocol):
    """What the window offers every feature."""

    state: WindowState
    live: LiveLoop  # the drawing's loop: find_counterfactual, set_weights, rest_later, the current source
    paths: WindowPaths
    samples: Samples | None  # MNIST's test digits, as shipped (None if unreadable)

    def say(self, message: str, error: bool = False) -> None:
        """A line in the status bar."""

    def show(self, feature: Feature) -> None:
        """Bring ``feature`` on screen (its page, and its tab)."""

    def on_screen(self, feature: Feature) -> bool:
        """Whether ``feature``'s widget is the one shown (its tab open, on the page shown)."""

    def find(self, kind: type[Feature]) -> Feature | None:
        """The registered feature of that class (for the window's facade; features talk through the state)."""

    def load_model(self, path: Path, trust: bool = False) -> None:
        """Open ``path`` in the live view."""

    def add_model(self, path: Path) -> None:
        """List ``path`` in the Model menu (a model just trained)."""

    def show_picture(self, picture: PictureInput, undo_text: str) -> None:
        """Put ``picture`` on the canvas in place of the drawing (Ctrl+Z: back)."""

    def overlay(self, rgba: np.ndarray | None, rect: QRectF | None = None) -> None:
        """Lay ``rgba`` over the canvas at ``rect`` (None: nothing over it)."""

    def lend_drawing(self, maps: bool = True) -> list[QWidget]:
        """The drawing column and (``maps``) the feature maps, taken out of the live page (for a page that
        shows them)."""

    def take_back_drawing(self) -> None:
        """Put them back where they were."""

    def busy(self) -> bool:
        """Whether heavy work (a training run) needs the cores: defer what can wait."""


class Feature(QObject):
    """A page or a tab. Subclasses set ``title`` and ``widget`` and override what they need."""

    title = ""
    is_page = False  # True: a page of its own (beside "Live network"); False: a tab beside the maps

    def __init__(self, door: Door) -> None:
        super().__init__()
        self.door = door
        self.widget: QWidget  # set by each feature: its page or tab (often a LazyPage)
        door.state.inspectorChanged.connect(self._on_model)

    def _on_model(self, inspector: Inspector | None) -> None:
        if inspector is not None:
            self.model_changed(inspector)

    @property
    def on_screen(self) -> bool:
        return self.door.on_screen(self)

    @property
    def busy(self) -> bool:
        """Whether this feature's work needs the cores now (a training run): others defer theirs."""
        return False

    def model_changed(self, inspector: Inspector) -> None:
        """A new model is in the state (its class names are already there)."""

    def show_update(self, update: Update, moving: bool) -> None:
        """Show ``update`` (``moving``: the pen moves — skip what can wait for :meth:`settle`)."""

    def settle(self) -> None:
        """The pointer rests: do what was skipped while it moved."""

    def visibility_changed(self) -> None:
        """A page or tab was switched: this feature may have come on screen or gone off it."""

    def shutdown(self) -> None:
        """The window closes: stop background work (idempotent)."""


FeatureFactory = Callable[[Door], Feature]
