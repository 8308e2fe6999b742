"""The class probabilities as bars with their values and names; the top class printed large.

A model with up to ``SHOWN`` classes gets a bar per class in class order. With more
(CIFAR-100, ImageNet) a hundred bars would be unreadable: the ``SHOWN`` likeliest are
drawn, largest first, and the rest are summed in one line. Digits stand under upright
bars; names (any longer than ``BIG_NAME_CHARS``, or more than ``SHOWN`` classes) would
collide there, so they get lying bars, one name per row. A blank canvas is no answer: its bars are drawn
but no number stands over them (a lone "12" above an empty chart reads as a prediction). An answer under
the measured threshold (guiapp/core/live/unsure.py) is said in words under the big one: "unsure — 4 or 9?",
on a line whose room is kept when it is hidden, so the layout does not jump as the answer firms up.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from guiapp.core.live.live_update import NAN_ANSWER, computes_nan
from guiapp.core.live.unsure import unsure_pair
from guiapp.core.model.inference import InferenceResult, Inspector
from guiapp.ui.live.unsure_line import UnsureLine
from guiapp.ui.plotting import HIGHLIGHT

SHOWN = 10  # bars drawn at most
MIN_LABEL_PX = 22  # room a bar's number needs ("100" in the label font)
CROWDED_LABELS = 3  # numbers shown at most when there is not room for all
CROWDED_SHARE = 0.2  # and only for bars this tall (besides the likeliest)
NAME_CHARS = 14  # a name longer than this is cut under its bar (the top label shows it whole)
BAR = "#5a7fa8"
LABEL_Y = 1.15  # the row of percentages (their middle), above the 100% line (upright bars)
LABEL_X = 1.04  # the column of percentages, right of the 100% line (lying bars)
VALUE_AXIS_PX = 42  # room for "100%" beside upright bars: an axis sized by its first draw dropped it
NAME_AXIS_PX = 96  # room for a name beside lying bars (names are cut to NAME_CHARS)
MIN_PLOT_HEIGHT = 110
NARROW_VIEW_PX = 260  # narrower than this, upright bars give up the 0–100 % axis for room
SIDE_PX, SIDE_SHARE = (72, 130), 0.35  # the column of the top class: its width, and its share of a narrow view
BIG_FONT_PX, SMALL_FONT_PX = 64, 26  # the top class: a digit large, a word smaller
BIG_NAME_CHARS = 3


def _short(name: str) -> str:
    return name if len(name) <= NAME_CHARS else name[:NAME_CHARS - 1] + "…"


def _spaced_labels(heights: np.ndarray) -> set[int]:
    """Bars to number when not all fit: the likeliest, then others of at least CROWDED_SHARE with no numbered
    neighbour (two numbers side by side would overlap)."""
    chosen: set[int] = set()
    for i in np.argsort(heights)[::-1].tolist():
        if chosen and (heights[i] < CROWDED_SHARE or i - 1 in chosen or i + 1 in chosen):
            continue
        chosen.add(i)
        if len(chosen) == CROWDED_LABELS:
            break
    return chosen


def shown_classes(probabilities: np.ndarray, shown: int = SHOWN) -> np.ndarray:
    """The classes given a bar: all of them in order, or the ``shown`` likeliest, likeliest first."""
    if probabilities.size <= shown:
        return np.arange(probabilities.size)
    top = np.argpartition(probabilities, -shown)[-shown:]
    return top[np.argsort(-probabilities[top], kind="stable")]


class ProbabilityView(QWidget):
    """Bars per class; clicking a bar emits ``classClicked`` with its class (the Why tab explains it)."""

    classClicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("probabilities")
        self._top = QLabel("–")
        self._top.setObjectName("top_class")
        self._top.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._top.setWordWrap(True)
        self._top.setMinimumWidth(SIDE_PX[0])
        big = QFont(self._top.font())
        big.setPixelSize(BIG_FONT_PX)
        big.setBold(True)
        # room for the big digit from the start: the first answer must not move the canvas under the pen
        self._top.setMinimumHeight(QFontMetrics(big).lineSpacing())
        self._confidence = QLabel("draw a digit")
        self._confidence.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._confidence.setWordWrap(True)  # "the model computes NaN for this input" in the top label's column
        self._unsure = UnsureLine()  # "unsure — 4 or 9?" when the top class is under UNSURE_BELOW
        self._rest = QLabel("")  # the classes without a bar, summed
        self._rest.setObjectName("other_classes")
        self._plot = pg.PlotWidget()
        self._plot.setMinimumHeight(MIN_PLOT_HEIGHT)
        self._plot.setMouseEnabled(False, False)
        self._plot.hideButtons()
        self._plot.setMenuEnabled(False)
        self._bars = pg.BarGraphItem(x=np.arange(SHOWN), height=np.zeros(SHOWN), width=0.7, brush=BAR)
        self.horizontal = False  # lying bars, names on the left
        self._plot.addItem(self._bars)
        # The percentages sit in one row above the bars: moving text items with every update
        # re-laid out the plot (3.4 ms of the GUI thread per update on a slow host); now a label is
        # touched only when its text changes, and the ticks only when the classes shown change.
        self._labels: list[pg.TextItem] = []
        for _ in range(SHOWN):
            label = pg.TextItem("", color="#d0d0d0")
            self._plot.addItem(label)
            self._labels.append(label)
        side = QVBoxLayout()
        heading = QLabel("<b>Prediction</b> (bars:&nbsp;%)")
        heading.setWordWrap(True)  # two lines in a narrow column, so the bars keep the width
        side.addWidget(heading)
        self._side = (heading, self._top, self._confidence, self._unsure)
        side.addWidget(self._top, 1)
        side.addWidget(self._confidence)
        side.addWidget(self._unsure)
        plot_column = QVBoxLayout()
        plot_column.addWidget(self._plot, 1)
        plot_column.addWidget(self._rest)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(side)
        layout.addLayout(plot_column, 1)
        self.class_names: tuple[str, ...] = ()
        self.shown: np.ndarray = np.zeros(0, np.intp)  # the class of each bar, left to right
        self.probabilities = np.zeros(SHOWN, np.float32)
        self._set_classes(tuple(str(i) for i in range(SHOWN)))
        self._plot.scene().sigMouseClicked.connect(self._on_click)
        self._plot.setToolTip("Click a bar to ask the Why tab why (or why not) this class")

    def resizeEvent(self, event) -> None:  # noqa: ANN001
        # A narrow view (a short window, a projector) gives the bars the width; the heading wraps.
        width = int(min(SIDE_PX[1], max(SIDE_PX[0], event.size().width() * SIDE_SHARE)))
        for label in self._side:
            label.setMaximumWidth(width)
        self._show_value_axis(event.size().width())
        super().resizeEvent(event)

    def _size_axis(self) -> None:
        """The left axis as wide as its longest label in the type shown now (zoomed, or the projector's)."""
        widest = self.fontMetrics().horizontalAdvance("100%") + 14
        self._plot.getAxis("left").setWidth(NAME_AXIS_PX if self.horizontal else max(VALUE_AXIS_PX, widest))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._size_axis()
        super().changeEvent(event)

    def _show_value_axis(self, width: int) -> None:
        """Upright bars in a narrow view drop the 0–100 % axis (each bar is numbered) so the digits under
        them do not run together; lying bars keep their names' axis."""
        self._plot.showAxis("left", self.horizontal or width >= NARROW_VIEW_PX)

    def set_class_names(self, names: tuple[str, ...]) -> None:
        """The classes, named (the window's state says so: a new model, or Model → Class names…)."""
        self._set_classes(names)

    def show_model(self, inspector: Inspector) -> None:
        """A newly loaded model: no answer yet (its classes came by :meth:`set_class_names`, before this)."""
        self._set_classes(self.class_names)

    def _set_classes(self, names: tuple[str, ...]) -> None:
        self.class_names = tuple(names)
        bars = min(SHOWN, len(names))
        self.horizontal = len(names) > SHOWN or max(len(name) for name in names) > BIG_NAME_CHARS
        self._orient(bars)
        self._texts = [""] * SHOWN
        for label in self._labels:
            label.setText("")
        self._brushes: list[str] = []
        self.shown = np.zeros(0, np.intp)
        self._set_shown(np.arange(bars))
        self.probabilities = np.zeros(len(names), np.float32)
        self._rest.setVisible(len(names) > SHOWN)
        self._rest.setText("")
        self._show_top("–", "draw something")

    def _orient(self, bars: int) -> None:
        """Upright bars (x: the classes) or lying ones (y: the classes, the likeliest on top)."""
        positions = np.arange(bars)
        values, names = ("bottom", "left") if self.horizontal else ("left", "bottom")
        self._plot.getAxis(values).setTicks([[(v, f"{v:.0%}") for v in (0, 0.5, 1.0)]])
        self._size_axis()
        self._show_value_axis(self.width())
        box = self._plot.getViewBox()
        box.invertY(self.horizontal)
        if self.horizontal:
            self._plot.setXRange(0, 1.3, padding=0)
            self._plot.setYRange(-0.6, bars - 0.4, padding=0)
            self._bars.setOpts(x=None, x0=0, y=positions, height=0.7, width=np.zeros(bars), brushes=[BAR] * bars)
        else:
            self._plot.setYRange(0, 1.3, padding=0)
            self._plot.setXRange(-0.9, bars - 0.1, padding=0)
            self._bars.setOpts(x0=None, y=None, x=positions, width=0.7, height=np.zeros(bars),
                               brushes=[BAR] * bars)
        self._plot.getAxis(names).setTicks([[]])
        for i, label in enumerate(self._labels):
            label.setAnchor((0.0, 0.5) if self.horizontal else (0.5, 0.5))
            label.setPos(*((LABEL_X, i) if self.horizontal else (i, LABEL_Y)))

    def _set_shown(self, classes: np.ndarray) -> None:
        if np.array_equal(classes, self.shown):
            return
        self.shown = classes
        axis = self._plot.getAxis("left" if self.horizontal else "bottom")
        axis.setTicks([[(i, _short(self.class_names[c])) for i, c in enumerate(classes)]])

    def class_at(self, x: float, y: float) -> int | None:
        """The class of the bar at plot coordinates (x, y), or None between bars."""
        position = y if self.horizontal else x
        index = int(round(position))
        if abs(position - index) > 0.45 or not 0 <= index < len(self.shown):
            return None
        return int(self.shown[index])

    def _on_click(self, event) -> None:  # noqa: ANN001 — pyqtgraph's MouseClickEvent
        point = self._plot.getViewBox().mapSceneToView(event.scenePos())
        clicked = self.class_at(point.x(), point.y())
        if clicked is not None:
            self.classClicked.emit(clicked)

    @property
    def top_text(self) -> str:
        return self._top.text()

    def bar_names(self) -> list[str]:
        """The class names under the bars, left to right (in full)."""
        return [self.class_names[c] for c in self.shown]

    def _show_top(self, text: str, confidence: str, pair: tuple[int, int] | None = None) -> None:
        if text != self._top.text():
            size = BIG_FONT_PX if len(text) <= BIG_NAME_CHARS else SMALL_FONT_PX
            self._top.setStyleSheet(f"font-size: {size}px; font-weight: bold; color: {HIGHLIGHT};")
            self._top.setText(text)
        if confidence != self._confidence.text():
            self._confidence.setText(confidence)
        self._unsure.say((self.class_names[pair[0]], self.class_names[pair[1]]) if pair else None)

    @property
    def unsure_text(self) -> str:
        """The words under the answer when the network is unsure; "" when they are hidden."""
        return self._unsure.shown_text

    @property
    def confidence_text(self) -> str:
        return self._confidence.text()

    def show_result(self, result: InferenceResult) -> None:
        probs = np.asarray(result.probabilities)
        if probs.size != len(self.class_names):  # a result of a model whose classes were not given
            self._set_classes(tuple(str(i) for i in range(probs.size)))
        self.probabilities = probs
        if computes_nan(probs):
            self._show_nan()
            return
        top = int(probs.argmax())
        blank = not result.image.any()  # a blank canvas: what the network says about nothing is no prediction
        self._set_shown(shown_classes(probs))
        heights = probs[self.shown]
        brushes = [HIGHLIGHT if c == top and not blank else BAR for c in self.shown]
        lengths = {"width" if self.horizontal else "height": heights}
        if brushes != self._brushes:
            self._bars.setOpts(brushes=brushes, **lengths)
            self._brushes = brushes
        else:
            self._bars.setOpts(**lengths)
        # Narrow upright bars: numbers on every bar would run into each other (a network early in training
        # gives every class about 10 %): only the likeliest few are labelled, the axis reads the rest.
        crowded = not self.horizontal and self._plot.getViewBox().width() < MIN_LABEL_PX * max(1, heights.size)
        labelled = set() if blank else _spaced_labels(heights) if crowded else set(range(heights.size))
        for i, (label, p) in enumerate(zip(self._labels, heights)):
            text = f"{p * 100:.0f}" if p >= 0.005 and i in labelled else ""
            if text != self._texts[i]:
                label.setText(text)
                self._texts[i] = text
        if probs.size > SHOWN:
            others = probs.size - SHOWN
            self._rest.setText(f"+ {others} other classes: {max(0.0, 1.0 - float(heights.sum())):.1%} together")
        if blank:
            self._show_top("–", "draw something")
        else:
            self._show_top(self.class_names[top], f"{probs[top]:.1%} sure", unsure_pair(probs))

    def _show_nan(self) -> None:
        """No answer, no bars: an argmax over NaN would name class 0, "nan% sure"."""
        bars = len(self.shown)
        self._bars.setOpts(brushes=[BAR] * bars, **{"width" if self.horizontal else "height": np.zeros(bars)})
        self._brushes = [BAR] * bars
        for i, label in enumerate(self._labels):
            if self._texts[i]:
                label.setText("")
                self._texts[i] = ""
        self._rest.setText("")
        self._show_top("NaN", NAN_ANSWER)


if __name__ == "__main__":  # a hundred classes: the ten likeliest and the rest summed
    import sys

    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    view = ProbabilityView()
    names = tuple(f"class_{i}" for i in range(100))
    view._set_classes(names)
    p = np.random.dirichlet(np.ones(len(names)) * 0.1).astype(np.float32)
    view.show_result(InferenceResult(np.ones((28, 28), np.float32), (), p, 0.0))
    view.show()
    sys.exit(app.exec())
