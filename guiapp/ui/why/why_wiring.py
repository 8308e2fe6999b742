"""What the window does for the Why tab: ask the worker while it is on screen, lay the chosen map over
the canvas, turn a clicked probability bar into a target, put a counterfactual on the canvas.

The window makes the connections (every one in ``main_window.py``); this object holds the few
decisions behind them, so the window does not reach into the tab.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QTabWidget

from guiapp.core.drawing.picture import PictureRecipe
from guiapp.core.explain.counterfactual import Counterfactual
from guiapp.core.live.live_update import PictureInput, Update
from guiapp.core.model.inference import Inspector
from guiapp.ui.live.canvas import DrawingCanvas
from guiapp.ui.live.worker import InferenceWorker
from guiapp.ui.why.why_view import WhyView

EXACT = PictureRecipe("crop")  # a picture at the input's size, taken as it is


class WhyWiring:
    """The Why tab's side of the window: ``tabs`` holds ``view``; ``say`` puts a line in the status bar."""

    def __init__(self, view: WhyView, tabs: QTabWidget, worker: InferenceWorker, canvas: DrawingCanvas,
                 say: Callable[[str], None]) -> None:
        self.view, self.tabs, self.worker, self.canvas, self.say = view, tabs, worker, canvas, say
        self._pending: tuple[int | None, int | None] | None = None  # asked for before a model was loaded

    @property
    def on_screen(self) -> bool:
        return self.tabs.currentWidget() is self.view

    def request_changed(self, *_args: object) -> None:
        """The tab came on screen or went, or its choices changed: tell the worker (None: not shown)."""
        self.worker.set_why(self.view.request if self.on_screen else None, self.canvas.drawing)

    def show(self, inspector: Inspector | None, target: int | None = None, contrast: int | None = None) -> str | None:
        """The tab on screen, explaining ``target`` (None: the answer) against ``contrast``; a class the model
        does not have is a one-line problem (returned). Without a model yet: once :meth:`model_loaded`."""
        if inspector is None:
            self._pending = (target, contrast)
            return None
        for value in (target, contrast):
            if value is not None and not 0 <= value < inspector.num_classes:
                return f"class {value} is out of range: this model has classes 0 to {inspector.num_classes - 1}"
        self.view.set_target(target)
        self.view.set_contrast(contrast)
        if target is not None:
            self.view.counterfactual.set_target(target)
        self.tabs.setCurrentWidget(self.view)
        return None

    def model_loaded(self, inspector: Inspector) -> None:
        if self._pending is not None:
            pending, self._pending = self._pending, None
            self.show(inspector, *pending)

    def class_clicked(self, target: int) -> None:
        """A probability bar was clicked: explain that class (and offer to make the input one)."""
        self.view.set_target(target)
        self.view.counterfactual.set_target(target)
        self.tabs.setCurrentWidget(self.view)

    def show_update(self, update: Update | None, moving: bool) -> None:
        """The tab's maps for ``update`` (when it is on screen), and the chosen one over the canvas."""
        if update is not None and update.explanation is not None and self.on_screen:
            self.view.show_explanation(update.explanation, update.result.image, moving=moving)
        self.show_canvas_heat(update)

    def show_canvas_heat(self, update: Update | None) -> None:
        """The chosen evidence map over the canvas, where the network input's pixels come from."""
        from guiapp.core.explain.heatmap import diverging_rgba

        method = self.view.canvas_method
        found = None
        if self.on_screen and update is not None and update.explanation is not None and method:
            found = update.explanation.attributions.get(method)
        if found is None or update is None or update.placement is None:
            self.canvas.set_heat(None)
            return
        height, width = found.values.shape
        top, left, bottom, right = update.placement.to_source(0, 0, height, width)
        self.canvas.set_heat(diverging_rgba(found.values, found.limit), QRectF(left, top, right - left, bottom - top))

    def show_counterfactual(self, found: Counterfactual) -> None:
        """The changed input in every panel, as the network takes it, until the next stroke (Ctrl+Z: back)."""
        names = self.view.class_names
        name = f"what would make it a {names[found.target] if found.target < len(names) else found.target}"
        self.canvas.show_picture(PictureInput(found.changed, name, recipe=EXACT), "Show the change")
        self.say(f"{name}: every panel shows the changed input · Ctrl+Z goes back")
