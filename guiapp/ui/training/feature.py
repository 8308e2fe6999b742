"""The Training page's door: lend it the drawing, run the drawing through the weights
the page shows, and list the trained model when a run finishes.

The drawing column (canvas, network input, probabilities) and the feature maps are the live page's
widgets; while the Training page is on screen they are docked in it (moved, not copied: one canvas,
one drawing, one undo stack) and go back when the page is left. The weights the page shows — the
run's newest, or a snapshot picked on the history bar — go to the live worker, which runs the same
network with them: the history folder's ``model.keras`` is loaded first if the live view shows
another network. That model is the page's preview, a moment of training, not a file the user chose:
it is not remembered as the last model, no filter-patch search runs on it, and when the page is left
the live view goes back to the model the user chose (:attr:`TrainingFeature.chosen`).

A finished run's model joins the Model menu and the page offers "Use this model": the live model (and
the one remembered for the next launch) changes only when the user takes it, there or from the menu.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

import numpy as np
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from guiapp.core.model.inference import Inspector
from guiapp.ui.feature import Door, Feature
from guiapp.ui.lazy_page import LazyPage

if TYPE_CHECKING:
    from guiapp.core.model.architectures import Architecture
    from guiapp.ui.training.training_page import TrainingPage

DOCK_WIDTHS = (300, 420)  # the drawing column · the feature maps, on the Training page


class TrainingFeature(Feature):
    """The Training page: built when first shown; trained models and histories go to the window's folder."""

    title = "Training"
    is_page = True

    def __init__(self, door: Door) -> None:
        super().__init__(door)
        self.page = self.widget = LazyPage(lambda: self.build_page(door.paths.trained_models))
        self.load_model, self.add_model, self.say = door.load_model, door.add_model, door.say
        door.state.trainRequested.connect(self.train_architecture)
        self._docked: list[QWidget] = []
        self.live_path: Path | None = None  # the model the worker runs (once loaded): the user's, or the page's
        self.chosen: Path | None = None  # the model the user chose for the live view: the last one not transient
        self._loading: Path | None = None  # a model this wiring asked for and that has not arrived
        self._pending: tuple[Path, list[np.ndarray]] | None = None  # weights waiting for a history's network
        self._same_network: dict[Path, Path] = {}  # trained model → the history's network it was trained from
        self.transient = door.state.transient  # histories' networks: not remembered as the last model
        self._replaced = False  # the worker runs weights other than its model file's

    @property
    def busy(self) -> bool:
        return self.running

    @property
    def running(self) -> bool:
        """A run is going (the window defers its own heavy work: the trainer needs both cores)."""
        view = self.view
        return view is not None and view.running

    @property
    def view(self) -> TrainingPage | None:
        return cast("TrainingPage", self.page.content()) if self.page.built else None

    # ------------------------------------------------------------------ the page

    def build_page(self, folder: Path) -> TrainingPage:
        """The page, when first shown: trained models and histories go to ``folder``."""
        from guiapp.ui.training.training_page import TrainingPage

        page = TrainingPage(folder)
        page.showWeights.connect(self.show_weights)
        page.modelTrained.connect(self.model_trained)
        page.useModel.connect(self.use_model)
        page.runEnded.connect(self.run_ended)
        page.message.connect(self.say)
        return page

    def _show_page(self) -> TrainingPage:
        self.door.show(self)
        return cast("TrainingPage", self.page.content())

    def train_architecture(self, arch: Architecture) -> None:
        """The explorer's "Train this network": the page, with that network chosen."""
        self._show_page().use_architecture(arch)

    def open_history_dialog(self, parent: QWidget) -> None:
        view = cast("TrainingPage", self.page.content())
        folder = QFileDialog.getExistingDirectory(parent, "Open a training history (a folder with history.json)",
                                                  str(view.folder))
        if folder:
            self.open_history(Path(folder))

    def open_history(self, folder: Path) -> bool:
        """Replay the history in ``folder`` on the page (False: it could not be opened; the page says why)."""
        view = self._show_page()
        opened = view.open_history(folder)
        if not opened:
            self.say(view.status.text())
        return opened

    # ------------------------------------------------------------------ docking

    def visibility_changed(self) -> None:
        """Coming on screen, the page borrows the drawing; leaving, it gives it back."""
        if self.on_screen:
            self.dock()
        else:
            self.undock()

    def dock(self) -> None:
        """Move the drawing column and the feature maps into the page (it is coming on screen)."""
        view = cast("TrainingPage", self.page.content())
        if self._docked:
            return
        self._docked = self.door.lend_drawing()
        for widget in self._docked:
            view.dock.addWidget(widget)
        view.dock.setSizes(list(DOCK_WIDTHS))
        view.refit()  # the drawing's minimum width decides whether three columns still fit
        view.show_current()  # the snapshot or the run's weights the page shows, through the drawing again

    def undock(self) -> None:
        """Put them back in the live page, where they were; the live page shows the user's model again."""
        if not self._docked:
            return
        self.door.take_back_drawing()
        self._docked = []
        if self.live_path in self.transient or self._loading in self.transient:
            self._restore_chosen()  # the page's preview stays on the page
        elif self._replaced:
            # A snapshot was shown through a model file: the live page shows the file's own weights again.
            self.door.live.set_weights(None)
        self._replaced = False

    def _restore_chosen(self) -> None:
        """The live view goes back to the model the user chose (none yet: it keeps what it shows)."""
        self._pending = None
        if self.chosen is not None and self._loading != self.chosen:
            self._loading = self.chosen
            self.load_model(self.chosen)

    # ------------------------------------------------------------------ weights

    def show_weights(self, model: str, weights: list[np.ndarray]) -> None:
        """Run the live drawing through ``weights`` of the network saved as ``model`` (a history's)."""
        network = Path(model)
        if not self._docked:  # the page is off screen: the live view keeps what it shows (even a model chosen
            return            # meanwhile); the page shows its weights again when it comes back (dock)
        if self._loading is None and self.live_path is not None and (
                self.live_path == network or self._same_network.get(self.live_path) == network):
            self.door.live.set_weights(weights)
            self._replaced = True
            return
        self._pending = (network, weights)
        if self._loading != network:
            self._loading = network
            self.transient.add(network)
            self.load_model(network)

    def model_changed(self, inspector: Inspector) -> None:
        """The worker now runs ``inspector``: the user's choice (unless it is a history's network), or the
        page's preview, which gets the weights waiting for it — or, if the page was left meanwhile, gives the
        live view back to the user's model."""
        path = inspector.path
        self.live_path = path
        if path == self._loading:
            self._loading = None
        view = self.view
        if path not in self.transient:
            self.chosen = path
            if view is not None:
                view.show_in_use(path)
        if self._pending is not None and self._pending[0] == path:
            _, weights = self._pending
            self._pending = None
            self.door.live.set_weights(weights)
            self._replaced = True
        elif path in self.transient and not self._docked:
            self._restore_chosen()
        elif self._docked and view is not None and path is not None and view.network_path() is not None \
                and self._same_network.get(path) == view.network_path():
            view.show_current()  # the model the page trained, taken: the page's snapshot through it again

    def model_trained(self, path: str, accuracy: float) -> None:
        """A run wrote ``path``: it joins the Model menu; the page offers it ("Use this model")."""
        model = Path(path)
        view = self.view
        if view is not None and view.history is not None:
            self._same_network[model] = view.history.model_path
        self.add_model(model)
        self.say(f"trained {model.name}: {accuracy:.2%} test accuracy — the Training page's \"Use this model\" "
                 "draws with it")

    def use_model(self, path: str) -> None:
        """The user takes the model just trained: the live view (and the next launch) uses it."""
        self.load_model(Path(path))

    def run_ended(self, message: str) -> None:
        """Stopped or failed: said. The page keeps its preview; the live page shows the user's model."""
        self.say(message)

    # ------------------------------------------------------------------ closing

    def confirm_close(self, parent: QWidget) -> bool:
        """Closing while a run goes asks first; yes stops it (nothing is written but the history so far)."""
        view = self.view
        if view is None or not view.running:
            return True
        answer = QMessageBox.question(
            parent, "Training is running",
            "A network is training. Stop it and quit?\n\nThe history so far stays in its folder; "
            "no model is written.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return False
        view.close_run()
        return True

    def shutdown(self) -> None:
        view = self.view
        if view is not None:
            view.close_run()
