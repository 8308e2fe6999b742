"""The Where tab's door: start the model's one-time pass when the tab is first wanted,
place each drawing among the test digits while the tab is on screen, put a clicked test digit on the canvas.

The tab is built the first time it is shown (a :class:`~guiapp.ui.lazy_page.LazyPage`). The pass starts
then — or on a model switch once the tab exists — never at start-up: for the shipped models it is read from
the file shipped beside them (instant), for others 80 s of both cores the first time, for a tab the user may
never open. Per frame the tab costs one 10,000 × 128 product (the
neighbours: 0.2 ms alone, 1.3 ms beside a drawing loop), a weighted mean (the map point) and the map's
repaint; the strip of neighbours follows at most ten times a second while the pen moves, and nothing is
done while the tab is off screen.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, cast

import numpy as np
from PySide6.QtCore import Slot

from guiapp.core.live.live_update import AS_IT_IS, NAN_ANSWER, PictureInput, Update, computes_nan
from guiapp.core.model.inference import Inspector
from guiapp.core.where.atlas import METHOD, PLACEMENT, place
from guiapp.core.where.embedding import Neighbours, TestPass
from guiapp.core.where.layers import (
    PROJECTED_DIMS,
    LayerMap,
    layer_size,
    map_layers,
    projection,
)
from guiapp.ui.feature import Door, Feature
from guiapp.ui.lazy_page import LazyPage
from guiapp.ui.where.where_worker import FEATURES, start_where_thread

if TYPE_CHECKING:
    from guiapp.core.training.data import LabelledDigits
    from guiapp.ui.where.where_view import WhereView

SHOWN_NEIGHBOURS = 8
STRIP_EVERY_S = 0.1  # the neighbours' strip while the pen moves: ten times a second is enough to read
TRAINING_NOTE = ("This network is the Training page's, with weights that change as it trains: the Where tab "
                 "compares drawings through models saved to a file. Open one from the Model menu.")


class WhereFeature(Feature):
    """The Where tab. A QObject in the GUI thread, so the worker's signals connected to its slots are queued here."""

    title = "Where"

    def __init__(self, door: Door) -> None:
        super().__init__(door)
        self.state = door.state
        self.state.classNamesChanged.connect(self._on_class_names)
        self.page = self.widget = LazyPage(self._build)
        self.worker, _thread = start_where_thread(self, door.paths.where_cache)
        self.worker.data = door.paths.where_digits  # None: the MNIST copy shipped with guiapp
        self.worker.progress.connect(self._on_progress)
        self.worker.passReady.connect(self._on_pass)
        self.worker.mapReady.connect(self._on_map)
        self.worker.unavailable.connect(self._on_unavailable)
        self.worker.failed.connect(self._on_failed)
        self.worker.notice.connect(self._on_notice)
        self.worker.layerProgress.connect(self._on_layer_progress)
        self.worker.layerReady.connect(self._on_layer_ready)
        self.inspector: Inspector | None = None
        self.test_pass: TestPass | None = None
        self.digits: LabelledDigits | None = None
        self.neighbours: Neighbours | None = None
        self._started: Inspector | None = None  # the model whose pass was asked for
        self._note: str | None = None  # why there is nothing to show for this model
        self._last: Update | None = None
        self._cell: tuple[int, int] | None = None  # a confusion cell to open once the pass is there
        self._layer: str | None = None  # a layer whose map to show once the pass is there
        self._strip: tuple[object, ...] | None = None  # the neighbours, vote and answer the strip shows
        self._strip_at = 0.0  # when (time.monotonic) the strip last changed
        self.failure: str | None = None
        self.maps: dict[str, LayerMap] = {}  # the maps computed for this model, by layer
        self.chosen: str | None = None  # the layer whose map is on screen (or asked for)
        self._closed = False

    @property
    def points(self) -> np.ndarray | None:
        """The map of what the classifier reads (None until it is there)."""
        found = self.maps.get(self.test_pass.layer) if self.test_pass is not None else None
        return found.points if found is not None else None

    @property
    def note(self) -> str | None:
        """Why the tab has nothing to show for this model (None: it has, or will)."""
        return self._note

    @property
    def settled(self) -> bool:
        """The tab shows all it will for this model: the map (or why not)."""
        if self._note is not None or self.failure is not None:
            return True
        return self._cell is None and self._layer is None and self.points is not None and self.chosen in self.maps

    def show(self, target: tuple[int, int] | str | None = None, inspector: Inspector | None = None) -> str | None:
        """The tab on screen: on the map (``target`` None or ""), on confusion cell (true, answer) once the pass
        is there with its most confident digit on the canvas, or on a layer's map (its name). A cell or layer the
        model does not have is a one-line problem (returned)."""
        classes = inspector.num_classes if inspector is not None else None
        if isinstance(target, tuple) and classes is not None and not all(0 <= v < classes for v in target):
            return f"{target[0]}:{target[1]} is not a cell: this model's classes are 0 to {classes - 1}"
        if isinstance(target, str) and target and inspector is not None:
            layers = map_layers(inspector) if self._note is None else ()
            if target not in layers:
                return f"{target}: no map of that layer; this model's are {', '.join(layers) or 'none'}"
            self._layer = target
        self._cell = target if isinstance(target, tuple) else None
        self.door.show(self)
        self._open_cell()
        return None

    def _open_cell(self) -> None:
        if self._cell is not None and self.test_pass is not None and self.view is not None:
            cell, self._cell = self._cell, None
            self.view.open_cell(*cell)
            digits = self.test_pass.cell(*cell)
            if len(digits):
                self.load_digit(int(digits[0]))

    @property
    def view(self) -> WhereView | None:
        return cast("WhereView", self.page.content()) if self.page.built else None

    def _build(self) -> WhereView:
        from guiapp.ui.where.where_view import WhereView

        view = WhereView()
        view.set_class_names(self.state.class_names)
        view.digitChosen.connect(self.load_digit)
        view.layerChosen.connect(self.choose_layer)
        if self._note is not None:
            view.show_message(self._note)
        return view

    # ----------------------------------------------------------------- the model

    def _on_class_names(self, names: tuple[str, ...]) -> None:
        if self.view is not None:
            self.view.set_class_names(names)

    def model_changed(self, inspector: Inspector) -> None:
        """A new model: forget the last one's pass; start this one's if the tab has been opened (not for a
        training run's passing network: a moment of training, not a model file the user chose)."""
        training = self.state.is_transient(inspector.path)
        self.worker.cancel()
        self.inspector, self._started = inspector, None
        self.test_pass = self.digits = self.neighbours = None
        self.failure, self.maps, self.chosen = None, {}, None
        self._note = TRAINING_NOTE if training else None
        if self.view is not None:
            self.view.show_message(self._note or "Waiting for the model's pass over the test digits…")
        if self._note is None and (self.page.built or self.on_screen):
            self.start()

    def visibility_changed(self) -> None:
        """The tab came on screen: its pass starts (once per model), and it catches up with the drawing."""
        if not self.on_screen:
            return
        self.page.content()
        if self._started is not self.inspector and self._note is None:
            self.start()
        if self._last is not None:
            self.show_update(self._last, moving=False)

    def start(self) -> None:
        if self.inspector is None:
            return
        self._started = self.inspector
        self.worker.start(self.inspector)

    @Slot(str, int, int)
    def _on_progress(self, stage: str, done: int, total: int) -> None:
        if self.view is not None and self._started is self.inspector:
            self.view.show_progress(stage, done, total)

    @Slot(object, object, object)
    def _on_pass(self, inspector: Inspector, found: TestPass, digits: LabelledDigits) -> None:
        if inspector is not self.inspector:
            return  # computed for a model that has since been replaced
        self.test_pass, self.digits = found, digits
        self.neighbours = Neighbours(found.features, found.labels)
        view = cast("WhereView", self.page.content())
        view.show_pass(found, digits)
        self.chosen = found.layer
        view.set_layers([(layer, layer_size(inspector, layer)) for layer in map_layers(inspector)], found.layer)
        self._open_cell()
        if self._last is not None:
            self.show_update(self._last, moving=False)

    @Slot(object, object)
    def _on_map(self, inspector: Inspector, points: np.ndarray) -> None:
        if inspector is not self.inspector or self.test_pass is None:
            return
        self.maps[self.test_pass.layer] = LayerMap(self.test_pass.layer, self.neighbours, points, None)
        if self.chosen == self.test_pass.layer:
            self._show_map(self.test_pass.layer)
        if self._layer is not None:
            layer, self._layer = self._layer, None
            cast("WhereView", self.page.content()).select_layer(layer)
            self.choose_layer(layer)

    def choose_layer(self, layer: str) -> None:
        """The map of ``layer``: shown at once when computed, else computed (once per model and layer)."""
        self.chosen = layer
        if layer in self.maps:
            self._show_map(layer)
        elif self.inspector is not None and self.view is not None:
            self.view.show_map_message(layer, "")
            if layer != (self.test_pass.layer if self.test_pass is not None else None):
                self.worker.start_layer(self.inspector, layer)

    def _show_map(self, layer: str) -> None:
        found = self.maps[layer]
        view = cast("WhereView", self.page.content())
        size = layer_size(self.inspector, layer) if self.inspector is not None else 0
        projected = f", projected at random to {PROJECTED_DIMS}" if found.matrix is not None else ""
        view.show_map(found.points, f"{METHOD} of the {len(found.points):,} test digits' {size:,} values in {layer}"
                                    f"{projected} · the drawing (white star): {PLACEMENT.format(layer=layer)}")
        if self._last is not None:
            self.show_update(self._last, moving=False)

    @Slot(str, str, int, int)
    def _on_layer_progress(self, layer: str, stage: str, done: int, total: int) -> None:
        if layer == self.chosen and self.view is not None:
            step = "reading the test digits through the network" if stage == FEATURES else "placing them (t-SNE)"
            self.view.show_map_message(layer, f": {step}, {done / max(total, 1):.0%}")

    @Slot(object, str, object, object)
    def _on_layer_ready(self, inspector: Inspector, layer: str, features: np.ndarray, points: np.ndarray) -> None:
        if inspector is not self.inspector or self.test_pass is None:
            return
        matrix = projection(layer_size(inspector, layer))
        self.maps[layer] = LayerMap(layer, Neighbours(features, self.test_pass.labels), points, matrix)
        if layer == self.chosen:
            self._show_map(layer)

    @Slot(object, str)
    def _on_unavailable(self, inspector: Inspector, why: str) -> None:
        if inspector is self.inspector:
            self._note = why
            if self.view is not None:
                self.view.show_message(why)

    @Slot(object, str)
    def _on_notice(self, inspector: Inspector, line: str) -> None:
        if inspector is self.inspector:
            self.door.say(line)

    @Slot(object, str)
    def _on_failed(self, inspector: Inspector, message: str) -> None:
        if inspector is self.inspector:
            self.failure = message
            self.door.say(message, error=True)
            if self.view is not None:
                self.view.show_failure(message)

    # ----------------------------------------------------------------- the drawing

    def show_update(self, update: Update, moving: bool) -> None:
        """Place the drawing among the test digits (only while the tab is on screen)."""
        self._last = update
        view = self.view if self.on_screen else None
        if view is None or self.neighbours is None or self.test_pass is None:
            return
        if update.drawing.is_blank:
            self._strip = None
            view.show_blank()
            return
        try:
            feature = update.result.layer(self.test_pass.layer).activation
        except KeyError:
            return  # an update computed by the previous model, still on its way
        if computes_nan(feature):  # NaN distances would rank the digits at random: no neighbours, no star
            self._strip = None
            view.show_no_place(NAN_ANSWER)
            return
        indices, distances = self.neighbours.nearest(feature, SHOWN_NEIGHBOURS)
        answer = update.result.predicted
        vote = self.neighbours.vote(indices)
        shown = (tuple(indices.tolist()), vote, answer)
        now = time.monotonic()
        # While the pen moves the strip follows at most every STRIP_EVERY_S (its text costs 2–3 ms a paint),
        # and new distances alone wait for the rest; the map's point follows every frame.
        if not moving or (shown != self._strip and now - self._strip_at >= STRIP_EVERY_S):
            self._strip, self._strip_at = shown, now
            view.show_neighbours(indices, distances, vote, answer)
        chosen = self.maps.get(self.chosen) if self.chosen is not None else None
        if chosen is None:
            return
        if chosen.layer == self.test_pass.layer:  # the strip's own neighbours place it
            view.set_drawing(place(chosen.points, indices, distances), answer)
        else:
            activation = update.result.layer(chosen.layer).activation
            view.set_drawing(None if computes_nan(activation) else chosen.place(activation), answer)

    def settle(self) -> None:
        """The pointer rests: the strip catches up with the distances skipped while it moved."""
        if self._last is not None:
            self.show_update(self._last, moving=False)

    def load_digit(self, index: int) -> None:
        """Test digit ``index`` on the canvas, exactly as the network read it in the pass (Ctrl+Z: back)."""
        if self.digits is None or self.test_pass is None:
            return
        label, answered = int(self.test_pass.labels[index]), int(self.test_pass.predicted[index])
        names = self.state.class_names
        name = lambda k: names[k] if k < len(names) else str(k)
        read = f", read as {name(answered)}" if answered != label else ""
        text = f"test digit {index} (a {name(label)}{read})"
        image = self.digits.images[index].astype(np.float32) / 255.0
        self.door.show_picture(PictureInput(image, text, recipe=AS_IT_IS), "Load test digit")
        self.door.say(f"MNIST {text}: every panel shows it as the network read it · Ctrl+Z goes back")

    def shutdown(self) -> None:
        if self._closed:
            return
        self._closed = True
        self.worker.shutdown()

