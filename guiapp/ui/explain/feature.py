"""The Why tab's door: explained only while on screen; a probability bar or a layer's maps choose what.

The tab is built the first time it is shown (a :class:`~guiapp.ui.lazy_page.LazyPage`: its five maps cost
the start-up 0.3 s otherwise). While it is on screen its request is the state's ``explain`` — the live loop
computes every update with it — and the chosen evidence map lies over the canvas; off screen the request is
None, so switching Ledger → Kernels asks nothing new. A counterfactual found is put on the canvas.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QRectF, QTimer

from guiapp.core.live.live_update import AS_IT_IS, PictureInput, Update
from guiapp.ui.feature import Door, Feature
from guiapp.ui.lazy_page import LazyPage

if TYPE_CHECKING:
    from guiapp.core.explain.counterfactual import Counterfactual
    from guiapp.core.model.inference import Inspector
    from guiapp.ui.explain.explain_view import ExplainView


# The tab is built this long after the window first rests on a model's frame, if the pen still rests and no
# training needs the cores (0.15–0.4 s of the GUI thread): its first open then only asks for maps. Start-up
# itself still pays nothing for it.
PREBUILD_AFTER_MS = 1000


class ExplainFeature(Feature):
    title = "Why"

    def __init__(self, door: Door) -> None:
        super().__init__(door)
        self.page = self.widget = LazyPage(self._build)
        self._prebuild = QTimer(self)
        self._prebuild.setSingleShot(True)
        self._prebuild.setInterval(PREBUILD_AFTER_MS)
        self._prebuild.timeout.connect(self._on_idle)
        self._pending: tuple[int | None, int | None] | None = None  # asked for before a model was loaded
        state = door.state
        state.classNamesChanged.connect(self._on_class_names)
        state.classChosen.connect(self.class_clicked)
        state.mapSelected.connect(lambda layer, _index: self.layer_clicked(layer))
        door.live.counterfactualFound.connect(self.counterfactual_found)
        door.live.counterfactualFailed.connect(self.counterfactual_failed)

    @property
    def view(self) -> ExplainView | None:
        """The tab, once built (None before it was first shown)."""
        return cast("ExplainView", self.page.content()) if self.page.built else None

    def _build(self) -> ExplainView:
        from guiapp.ui.explain.explain_view import ExplainView

        view = ExplainView()
        view.set_class_names(self.door.state.class_names)
        view.requestChanged.connect(self._on_request)
        view.canvasMethodChanged.connect(lambda _method: self.show_canvas_heat(self.door.state.update))
        view.counterfactual.findRequested.connect(self.door.live.find_counterfactual)
        view.counterfactual.showRequested.connect(self.show_counterfactual)
        return view

    def _on_request(self, *_args: object) -> None:
        self.request_changed()
        self.show_canvas_heat(self.door.state.update)

    def request_changed(self) -> None:
        """What to explain (None: the tab is not shown) goes to the state; the loop recomputes only on a change.

        A new request (the tab opened, a class or layer chosen) is asked for as a stroke is: the live maps at
        once (milliseconds), the at-rest ones once the loop rests. Asked at rest, the first maps waited for
        integrated gradients, occlusion and, the first time, TensorFlow's import beside them in the compute
        process: 2.5–5.4 s of "draw a digit" over a drawn 7 (``benchmarks/explain.py --first-open``).
        """
        view = self.view if self.on_screen else None
        request = view.request if view is not None else None
        if request is not None and request != self.door.state.explain:
            self.door.live.ask_live_first()  # without the at-rest methods now, with them once the loop rests
        self.door.state.explain = request

    def visibility_changed(self) -> None:
        self._on_request()

    def show(self, target: int | None = None, contrast: int | None = None) -> str | None:
        """The tab on screen, explaining ``target`` (None: the answer) against ``contrast``; a class the model
        does not have is a one-line problem (returned). Without a model yet: once it loads."""
        inspector = self.door.state.inspector
        if inspector is None:
            self._pending = (target, contrast)
            return None
        for value in (target, contrast):
            if value is not None and not 0 <= value < inspector.num_classes:
                return f"class {value} is out of range: this model has classes 0 to {inspector.num_classes - 1}"
        self.door.show(self)  # builds it
        view = cast("ExplainView", self.page.content())
        view.set_target(target)
        view.set_contrast(contrast)
        if target is not None:
            view.counterfactual.set_target(target)
        return None

    def make_it(self, target: int) -> None:
        """Search for what would make the input a ``target`` (the tab on screen); the answer arrives in the tab
        (:attr:`found` once it is there, or ``counterfactualFailed`` of the live loop)."""
        self.door.show(self)
        cast("ExplainView", self.page.content()).counterfactual.find(target)

    @property
    def found(self) -> Counterfactual | None:
        """The counterfactual the tab shows (None: none searched, or the input changed since)."""
        return self.view.counterfactual.found if self.view is not None else None

    def _on_class_names(self, names: tuple[str, ...]) -> None:
        if self.view is not None:
            self.view.set_class_names(names)

    def model_changed(self, inspector: Inspector) -> None:
        self.page.show_model(inspector)
        if self._pending is not None:
            pending, self._pending = self._pending, None
            self.show(*pending)

    def _on_idle(self) -> None:
        """Build the tab before it is first opened, while nobody draws (else a little later)."""
        if self.page.built:
            return
        if self.door.live.moving or self.door.busy():
            self._prebuild.start()
            return
        self.page.content()

    def shutdown(self) -> None:
        self._prebuild.stop()

    def class_clicked(self, target: int) -> None:
        """A probability bar was clicked: explain that class (and offer to make the input one)."""
        self.door.show(self)
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
        elif not self._prebuild.isActive():  # the window has shown a model's frame and rests: build soon
            self._prebuild.start()

    def show_update(self, update: Update, moving: bool) -> None:
        """The tab's maps for ``update`` (when it is on screen), and the chosen one over the canvas."""
        view = self.view if self.on_screen else None
        if view is not None and update.explanation is not None:
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
            self.door.overlay(None)
            return
        from guiapp.core.explain.heatmap import diverging_rgba

        height, width = found.values.shape
        top, left, bottom, right = update.placement.to_source(0, 0, height, width)
        self.door.overlay(diverging_rgba(found.values, found.limit), QRectF(left, top, right - left, bottom - top))

    def counterfactual_found(self, found: Counterfactual) -> None:
        if self.view is not None:
            self.view.counterfactual.show_counterfactual(found)

    def counterfactual_failed(self, message: str) -> None:
        if self.view is not None:
            self.view.counterfactual.show_failure(message)

    def show_counterfactual(self, found: Counterfactual) -> None:
        """The changed input in every panel, as the network takes it, until the next stroke (Ctrl+Z: back)."""
        names = self.door.state.class_names
        name = f"what would make it a {names[found.target] if found.target < len(names) else found.target}"
        self.door.show_picture(PictureInput(found.changed, name, recipe=AS_IT_IS), "Show the change")
        self.door.say(f"{name}: every panel shows the changed input · Ctrl+Z goes back")
