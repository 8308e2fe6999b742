"""The Where tab: the drawing's nearest test digits on top; below, the map of the network's view or its mistakes.

The tab only shows what it is given (:mod:`guiapp.ui.where.feature` decides what and when). Every
digit on it — a neighbour, a point on the map, a thumbnail of a confusion cell — is clickable, and a
click comes out as one ``digitChosen(index)`` for the window to put on the canvas.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from guiapp.core.training.data import LabelledDigits
from guiapp.core.where.embedding import TestPass
from guiapp.ui.where.cell_digits_view import CellDigits
from guiapp.ui.where.confusion_view import ConfusionView
from guiapp.ui.where.map_view import MapView
from guiapp.ui.where.neighbours_view import NeighboursView
from guiapp.ui.where.where_worker import FEATURES, MAP

MAP_TAB, MISTAKES_TAB = 0, 1
CONFUSION_MIN = 240  # pixels a side: counts still readable in 10 × 10 cells
_WAIT_FOR_PASS = "The map follows once the test digits have been read through the network."


class WhereView(QWidget):
    """Neighbours, map and mistakes for one model's pass over the test digits."""

    digitChosen = Signal(int)  # a test digit clicked anywhere on the tab
    layerChosen = Signal(str)  # the layer whose map is asked for

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.neighbours = NeighboursView()
        self.map = MapView()
        self.confusion = ConfusionView()
        self.cells = CellDigits()
        self.confusion.setMinimumSize(CONFUSION_MIN, CONFUSION_MIN)  # the tab fits a 768-pixel-high screen
        mistakes = QSplitter(Qt.Orientation.Vertical)
        mistakes.addWidget(self.confusion)
        mistakes.addWidget(self.cells)
        mistakes.setSizes([380, 260])
        self.layer_choice = QComboBox()
        self.layer_choice.setToolTip("Draw the map of another layer's values: see where the network untangles "
                                     "the digits (each map is computed once per model and layer)")
        map_page = QWidget()
        map_layout = QVBoxLayout(map_page)
        map_layout.setContentsMargins(0, 0, 0, 0)
        chooser = QHBoxLayout()
        chooser.addWidget(QLabel("Map of"))
        chooser.addWidget(self.layer_choice, 1)
        map_layout.addLayout(chooser)
        map_layout.addWidget(self.map, 1)
        self.views = QTabWidget()
        self.views.addTab(map_page, "Map of the network's view")
        self.views.addTab(mistakes, "Mistakes")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.status)
        layout.addWidget(self.progress)
        layout.addWidget(self.neighbours)
        layout.addWidget(self.views, 1)
        self.test_pass: TestPass | None = None
        self.digits: LabelledDigits | None = None
        self.class_names: tuple[str, ...] = ()
        self.summary = ""  # what the pass found, in a line
        self.neighbours.neighbourClicked.connect(self.digitChosen)
        self.map.digitClicked.connect(self.digitChosen)
        self.cells.digitClicked.connect(self.digitChosen)
        self.confusion.cellClicked.connect(self.open_cell)
        self.layer_choice.activated.connect(lambda i: self.layerChosen.emit(self.layer_choice.itemData(i)))
        self.show_message("Load a model to compare drawings with the test digits.")

    # ----------------------------------------------------------------- states

    def show_message(self, text: str) -> None:
        """Nothing to compare with (no model, or one the tab cannot use): ``text`` says why, everywhere."""
        self.test_pass = self.digits = None
        self.summary = ""
        self.set_layers([], "")
        self.status.setText(text)
        self.progress.hide()
        self.neighbours.show_message(text)
        self.map.show_message(text)
        self.confusion.clear()
        self.cells.clear()

    def set_layers(self, layers: list[tuple[str, int]], current: str) -> None:
        """The layers a map can be drawn of, as (name, values per digit); ``current`` (what the classifier
        reads) chosen."""
        self.layer_choice.blockSignals(True)
        self.layer_choice.clear()
        for name, size in layers:
            role = " — what the classifier reads" if name == current else ""
            self.layer_choice.addItem(f"{name}{role} ({size:,} values)", name)
        self.select_layer(current)
        self.layer_choice.blockSignals(False)
        self.layer_choice.setEnabled(len(layers) > 1)

    def select_layer(self, name: str) -> None:
        """Show ``name`` as the chosen layer (no signal: the caller asks for its map)."""
        blocked = self.layer_choice.blockSignals(True)
        self.layer_choice.setCurrentIndex(max(0, self.layer_choice.findData(name)))
        self.layer_choice.blockSignals(blocked)

    def show_map_message(self, layer: str, progress: str) -> None:
        """A layer's map being drawn: ``progress`` is e.g. ": placing them (t-SNE), 35%" ("": just asked for)."""
        self.map.show_message(f"Drawing the map of {layer}{progress or '…'}\n(once per model and layer)")

    def set_drawing(self, xy: tuple[float, float] | None, answer: int | None = None) -> None:
        """The drawing's point on the map (None hides it)."""
        self.map.set_drawing(xy, answer)

    @property
    def map_layer(self) -> str | None:
        """The layer the map shows (or is asked for)."""
        return self.layer_choice.currentData()

    def show_progress(self, stage: str, done: int, total: int) -> None:
        share = done / total if total else 0.0
        if stage == FEATURES:
            text = f"Reading the {total:,} test digits through the network: {done:,} of {total:,}"
            self.neighbours.show_message(f"Computing the test digits' features… {share:.0%}")
            self.map.show_message(_WAIT_FOR_PASS)
        else:
            text = (f"{self.summary} · drawing the map of the network's view (t-SNE, once per model): {share:.0%}"
                    if self.summary else f"Drawing the map of the network's view (t-SNE, once per model): {share:.0%}")
            self.map.show_message(f"Drawing the map… {share:.0%}\n(about a minute, once per model; the neighbours "
                                  "and the mistakes are ready)")
        self.status.setText(text)
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.progress.show()

    def set_class_names(self, names: tuple[str, ...]) -> None:
        """The classes, named (from the window's state: a new model, or Model → Class names…): every part
        of the tab that says them says them again."""
        self.class_names = tuple(names)
        self.neighbours.set_class_names(self.class_names)
        self.map.set_class_names(self.class_names)
        if self.test_pass is not None and len(self.test_pass.confusion) == len(self.class_names):
            self.confusion.set_matrix(self.test_pass.confusion, self.class_names)
            if self.confusion.selected is not None and self.cells.shown and self.digits is not None:
                true, answered = self.confusion.selected
                self.cells.show_cell(true, answered, self.test_pass.cell(true, answered), self.digits.images,
                                     self.test_pass.probabilities, self.class_names)

    def show_pass(self, found: TestPass, digits: LabelledDigits) -> None:
        """The model's view of the digits: neighbours and mistakes can be shown from now on."""
        self.test_pass, self.digits = found, digits
        self.neighbours.set_digits(digits.images, found.labels)
        self.neighbours.show_message("Draw a digit: its nearest test digits in the network's view appear here.")
        self.confusion.set_matrix(found.confusion, self.class_names)
        self.cells.clear()
        right = int(np.trace(found.confusion))
        self.summary = (f"{self.count:,} MNIST test digits through {found.layer} ({found.features.shape[1]:,} "
                        f"values each): {right:,} read right, {self.count - right:,} mistakes")
        self.show_progress(MAP, 0, 1)  # until the map's first report (its neighbour search takes a while)

    def show_map(self, points: np.ndarray, method: str) -> None:
        if self.test_pass is None or self.digits is None:
            return
        self.map.set_map(points, self.test_pass.labels, self.test_pass.predicted, self.digits.images, method)
        self.status.setText(self.summary)
        self.progress.hide()

    def show_failure(self, text: str) -> None:
        self.progress.hide()
        self.status.setText(text)
        if self.test_pass is None:
            self.neighbours.show_message(text)
        self.map.show_message(text)

    @property
    def count(self) -> int:
        return len(self.digits.labels) if self.digits is not None else 0

    # ----------------------------------------------------------------- the drawing

    def show_neighbours(self, indices: np.ndarray, distances: np.ndarray, vote: tuple[int, int], answer: int) -> None:
        self.neighbours.show_neighbours(indices, distances, vote, answer)

    def show_no_place(self, text: str) -> None:
        """A drawing that cannot be placed (the model computes NaN for it): ``text`` where its neighbours go,
        and no point on the map."""
        if self.test_pass is not None:
            self.neighbours.show_message(text)
        self.set_drawing(None)

    def show_blank(self) -> None:
        """An empty canvas has no neighbours worth showing, and no point on the map."""
        if self.test_pass is not None:
            self.neighbours.show_message("Draw a digit: its nearest test digits in the network's view appear here.")
        self.set_drawing(None)

    def open_cell(self, true: int, answered: int) -> None:
        """The Mistakes view with one confusion cell's digits listed (true ``true`` read as ``answered``)."""
        if self.test_pass is None or self.digits is None:
            return
        self.views.setCurrentIndex(MISTAKES_TAB)
        self.confusion.select_cell(true, answered)
        self.cells.show_cell(true, answered, self.test_pass.cell(true, answered), self.digits.images,
                             self.test_pass.probabilities, self.class_names)
