"""What the window does for the Why tab: ask the worker while it is on screen, lay the chosen map over
the canvas, turn a clicked probability bar into a target, put a counterfactual on the canvas.

The tab is built the first time it is shown (a :class:`~guiapp.ui.lazy_page.LazyPage`: its five
maps cost the start-up 0.3 s otherwise); until then every call here is a no-op or a note for later.
The window makes the connections (all but the class names', which this object takes from the window's
state); this object holds the few decisions behind them, so the window does not reach into the tab.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QObject, QRectF, Slot
from PySide6.QtWidgets import QTabWidget

from guiapp.core.live.live_update import AS_IT_IS, PictureInput, Update
from guiapp.core.model.inference import Inspector
from guiapp.ui.lazy_page import LazyPage
from guiapp.ui.live.canvas import DrawingCanvas
from guiapp.ui.live.worker import InferenceWorker

if TYPE_CHECKING:
    from guiapp.core.explain.counterfactual import Counterfactual
    from guiapp.ui.state import WindowState
    from guiapp.ui.explain.explain_view import ExplainView


class ExplainWiring(QObject):
    """The Why tab's side of the window: ``tabs`` holds ``page``, and ``pages`` the page that holds ``tabs``;
    ``say`` puts a line in the status bar; ``state`` names the classes (the tab follows it).

    A QObject living in the GUI thread, so the worker's signals connected to its methods are queued
    here (a plain Python object's methods would run in the worker's thread, touching widgets there).
    """

    def __init__(self, page: LazyPage, tabs: QTabWidget, pages: QTabWidget, worker: InferenceWorker,
                 canvas: DrawingCanvas, say: Callable[[str], None], *, state: WindowState) -> None:
        super().__init__(tabs)
        self.page, self.tabs, self.pages, self.worker, self.canvas, self.say = page, tabs, pages, worker, canvas, say
        self.state = state
        state.classNamesChanged.connect(self._on_class_names)
        self._pending: tuple[int | None, int | None] | None = None  # asked for before a model was loaded

    @property
    def view(self) -> ExplainView | None:
        """The tab, once built (None before it was first shown)."""
        return cast("ExplainView", self.page.content()) if self.page.built else None

    @property
    def on_screen(self) -> bool:
        """The tab is the open one, on the page shown. The Training page borrows the canvas but not the tabs:
        there the Why tab may still be the open one, but nothing of it is on screen (no maps, no overlay)."""
        if self.tabs.currentWidget() is not self.page:
            return False
        shown_page = self.pages.currentWidget()
        return shown_page is not None and shown_page.isAncestorOf(self.tabs)

    def request_changed(self, *_args: object) -> None:
        """A tab or a page came on screen, or the tab's choices changed: tell the worker what to explain
        (None: the tab is not shown) — only when that changed, since the worker computes the drawing again
        (switching Ledger → Kernels asks nothing new)."""
        view = self.view if self.on_screen else None
        request = view.request if view is not None else None
        if request != self.worker.why:
            self.worker.set_why(request, self.canvas.drawing)

    def show(self, inspector: Inspector | None, target: int | None = None, contrast: int | None = None) -> str | None:
        """The tab on screen, explaining ``target`` (None: the answer) against ``contrast``; a class the model
        does not have is a one-line problem (returned). Without a model yet: once :meth:`model_loaded`."""
        if inspector is None:
            self._pending = (target, contrast)
            return None
        for value in (target, contrast):
            if value is not None and not 0 <= value < inspector.num_classes:
                return f"class {value} is out of range: this model has classes 0 to {inspector.num_classes - 1}"
        self.tabs.setCurrentWidget(self.page)  # builds it
        view = cast("ExplainView", self.page.content())
        view.set_target(target)
        view.set_contrast(contrast)
        if target is not None:
            view.counterfactual.set_target(target)
        return None

    def dress(self, view: ExplainView) -> None:
        """The tab just built: the classes named as the state names them now (it follows them from here)."""
        view.set_class_names(self.state.class_names)

    def _on_class_names(self, names: tuple[str, ...]) -> None:
        if self.view is not None:
            self.view.set_class_names(names)

    def model_loaded(self, inspector: Inspector) -> None:
        if self._pending is not None:
            pending, self._pending = self._pending, None
            self.show(inspector, *pending)

    def class_clicked(self, target: int) -> None:
        """A probability bar was clicked: explain that class (and offer to make the input one)."""
        self.tabs.setCurrentWidget(self.page)
        view = cast("ExplainView", self.page.content())
        view.set_target(target)
        view.counterfactual.set_target(target)

    def layer_clicked(self, layer: str) -> None:
        """A layer's maps were clicked: Grad-CAM on it, when it is a convolution."""
        if self.view is not None:
            self.view.set_layer(layer)

    def settle(self) -> None:
        if self.view is not None:
            self.view.settle()

    def show_update(self, update: Update | None, moving: bool) -> None:
        """The tab's maps for ``update`` (when it is on screen), and the chosen one over the canvas."""
        view = self.view if self.on_screen else None
        if view is not None and update is not None and update.explanation is not None:
            view.show_explanation(update.explanation, update.result.image, moving=moving)
        self.show_canvas_heat(update)

    def show_canvas_heat(self, update: Update | None) -> None:
        """The chosen evidence map over the canvas, where the network input's pixels come from."""
        view = self.view if self.on_screen else None
        method = view.canvas_method if view is not None else ""
        found = None
        if update is not None and update.explanation is not None and method:
            found = update.explanation.attributions.get(method)
        if found is None or update is None or update.placement is None:
            self.canvas.set_heat(None)
            return
        from guiapp.core.explain.heatmap import diverging_rgba

        height, width = found.values.shape
        top, left, bottom, right = update.placement.to_source(0, 0, height, width)
        self.canvas.set_heat(diverging_rgba(found.values, found.limit), QRectF(left, top, right - left, bottom - top))

    @Slot(object)
    def counterfactual_found(self, found: Counterfactual) -> None:
        if self.view is not None:
            self.view.counterfactual.show_counterfactual(found)

    @Slot(str)
    def counterfactual_failed(self, message: str) -> None:
        if self.view is not None:
            self.view.counterfactual.show_failure(message)

    def show_counterfactual(self, found: Counterfactual) -> None:
        """The changed input in every panel, as the network takes it, until the next stroke (Ctrl+Z: back)."""
        names = self.state.class_names
        name = f"what would make it a {names[found.target] if found.target < len(names) else found.target}"
        self.canvas.show_picture(PictureInput(found.changed, name, recipe=AS_IT_IS), "Show the change")
        self.say(f"{name}: every panel shows the changed input · Ctrl+Z goes back")
