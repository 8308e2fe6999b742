"""The Kernels tab's door: each convolution's filters, and the test-digit patches that excite them most.

The patch search takes a second or two of a slow host's CPU per model (then it comes from the cache): it
waits until the first prediction is on screen and the pointer rests, and until no training run needs the
cores. It reads MNIST's test digits, so it runs only for models that take them, and never for a training
run's passing network (a moment, not a choice).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from guiapp.ui.feature import Door, Feature
from guiapp.ui.kernels.filter_patches_view import SEARCHED_SHAPE
from guiapp.ui.kernels.kernels import KernelView
from guiapp.ui.kernels.patch_worker import start_patch_thread

if TYPE_CHECKING:
    from guiapp.core.explain.filter_patches import FilterPatches
    from guiapp.core.model.inference import Inspector


class KernelsFeature(Feature):
    title = "Kernels"

    def __init__(self, door: Door) -> None:
        super().__init__(door)
        self.view = self.widget = KernelView()
        self.patches: FilterPatches | None = None
        self._due: Inspector | None = None  # searched once the pointer first rests on this model
        self._closed = False
        door.state.mapSelected.connect(self._on_map_selected)
        self.patch_worker = None
        if door.samples is not None:
            self.patch_worker, _thread = start_patch_thread(self, door.samples, door.paths.filter_patches)
            self.patch_worker.progress.connect(self.view.set_patch_progress)
            self.patch_worker.ready.connect(self._on_patches_ready)
            self.patch_worker.failed.connect(lambda message: door.say(message, error=True))

    def _on_map_selected(self, layer: str, index: int | None) -> None:
        if index is not None:
            self.view.show_filter(layer, index)

    def model_changed(self, inspector: Inspector) -> None:
        self.view.show_model(inspector)
        self.patches = None
        searched = inspector.input_shape == SEARCHED_SHAPE and not self.door.state.is_transient(inspector.path)
        self._due = inspector if searched else None

    def settle(self) -> None:
        if self._due is None or self.patch_worker is None:
            return
        if self.door.state.update is None or self.door.busy():
            self.door.live.rest_later()  # no first prediction yet, or a run needs the cores: ask again later
        else:
            due, self._due = self._due, None
            self.patch_worker.start(due)

    def _on_patches_ready(self, inspector: Inspector, patches: FilterPatches) -> None:
        samples = self.door.samples
        if self._closed or inspector is not self.door.state.inspector or samples is None:
            return  # computed for a model that has since been replaced
        self.patches = patches
        self.view.set_patches(patches, samples.images / 255.0)

    def shutdown(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self.patch_worker is not None:
            self.patch_worker.shutdown()
