"""Loss and accuracy while the network trains: every batch, a smoothed trend, and validation per epoch.

Batches arrive hundreds of times a second; they are appended to growing arrays and the
curves are redrawn at most every REFRESH_MS, with pyqtgraph clipping and downsampling
so that thousands of points stay cheap to draw.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QVBoxLayout, QWidget

from guiapp.core.training.history import MAX_STEP
from guiapp.ui.plotting import HIGHLIGHT

# Weight of each new batch in the moving average: the trend follows roughly the last 1/0.05 = 20 batches.
SMOOTHING = 0.05
REFERENCE_ACCURACY = 0.9925  # the shipped (seed) model's test accuracy: what a training run is measured against
REFRESH_MS = 1000  # while training: each redraw repaints four axes, and the trainer wants those cycles
INITIAL_CAPACITY = 1024
LABEL_POINTS = 8
AXIS_WIDTH = 52
PREFERRED_PLOT_HEIGHT = 1000  # both plots' left axes equally wide, so that their epochs line up
# Values are drawn clipped to ±MAX_DRAWN: pyqtgraph's range arithmetic overflows near ±1e308 ("range [nan, nan]")
# and its ticks lose their digits long before. No run that still learns comes near (the seed's loss starts at
# 2.3 and the Keras 2 cross-entropy cannot pass 16); a diverging one shows as a wall at the top.
MAX_DRAWN = 1e6

TRAIN_COLOUR = (90, 160, 255)
VALIDATION_COLOUR = "#5ad18c"
RAW_PEN = pg.mkPen((*TRAIN_COLOUR, 70), width=1)
SMOOTH_PEN = pg.mkPen(TRAIN_COLOUR, width=2.5)
REFERENCE_PEN = pg.mkPen("#a0a0a0", width=1, style=Qt.PenStyle.DashLine)
CURSOR_PEN = pg.mkPen(HIGHLIGHT, width=1.5)
VALIDATION_SYMBOL = {"pen": None, "symbol": "o", "symbolSize": 9, "symbolBrush": VALIDATION_COLOUR,
                     "symbolPen": pg.mkPen("#1e1e1e", width=1)}


def _drawable(values: Sequence[float] | np.ndarray) -> np.ndarray:
    """``values`` as float64, finite ones clipped to ±MAX_DRAWN; NaN and ∞ stay (breaks in the raw line, left
    out of the trend)."""
    array = np.asarray(values, np.float64)
    return np.where(np.isfinite(array), np.clip(array, -MAX_DRAWN, MAX_DRAWN), array)


class _Growing:
    """A column that grows by doubling: appending a batch copies only the batch, reading is a view."""

    def __init__(self) -> None:
        self._data = np.empty(INITIAL_CAPACITY, np.float64)
        self.size = 0

    def extend(self, values: np.ndarray) -> None:
        end = self.size + len(values)
        if end > len(self._data):
            bigger = np.empty(max(end, 2 * len(self._data)), np.float64)
            bigger[: self.size] = self._data[: self.size]
            self._data = bigger
        self._data[self.size : end] = values
        self.size = end

    def view(self) -> np.ndarray:
        return self._data[: self.size]

    def clear(self) -> None:
        self.size = 0


class _DebiasedAverage:
    """TensorBoard's debiased exponential moving average: dividing by 1 − (1−w)ⁿ keeps the first
    points from being dragged toward the average's zero start."""

    def __init__(self, weight: float = SMOOTHING) -> None:
        self.weight = weight
        self.x = _Growing()
        self.y = _Growing()
        self.clear()

    def clear(self) -> None:
        self._average = 0.0
        self._count = 0
        self.x.clear()
        self.y.clear()

    def extend(self, x: np.ndarray, values: np.ndarray) -> None:
        """Fold in ``values`` at ``x``; non-finite ones are left out (one NaN would poison every later point)."""
        keep = np.isfinite(values)
        x, values = x[keep], values[keep]
        smoothed = np.empty(len(values))
        decay = 1.0 - self.weight
        for i, value in enumerate(values):  # a few hundred at most per call: a plain loop is cheap enough
            self._average = decay * self._average + self.weight * value
            self._count += 1
            smoothed[i] = self._average / (1.0 - decay ** self._count)
        self.x.extend(x)
        self.y.extend(smoothed)


def _plot(canvas: pg.GraphicsLayoutWidget, row: int, label: str) -> pg.PlotItem:
    plot = canvas.addPlot(row=row, col=0)
    plot.setMenuEnabled(False)
    plot.hideButtons()
    plot.setMouseEnabled(x=True, y=False)  # the wheel zooms into epochs; y follows what is visible
    plot.setAutoVisible(y=True)
    plot.showGrid(x=True, y=True, alpha=0.15)
    for axis in ("left", "bottom"):  # no finest level: its dense grid doubled the time of each redraw
        plot.getAxis(axis).setStyle(maxTickLevel=1)
    plot.setLabel("left", label)
    plot.getAxis("left").setWidth(AXIS_WIDTH)
    return plot


def _curve(plot: pg.PlotItem, **style) -> pg.PlotDataItem:
    curve = plot.plot(**style)
    curve.setClipToView(True)
    curve.setDownsampling(auto=True, method="peak")
    return curve


class TrainingCurves(QWidget):
    """Training loss (top) and accuracy (bottom) against epochs, with a cursor for the history slider."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._batches_per_epoch = 1
        self._epochs = 1
        self._steps = _Growing()
        self._loss = _Growing()
        self._smooth_loss = _DebiasedAverage()
        self._smooth_accuracy = _DebiasedAverage()
        self._validation: list[tuple[float, float, float]] = []  # (x, accuracy, loss); NaN where not given
        self._validation_drawn = -1  # how many of them the symbols show
        self._dirty = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self._redraw_if_dirty)

        self.canvas = pg.GraphicsLayoutWidget()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.canvas)
        self.loss_plot = _plot(self.canvas, 0, "loss")
        self.accuracy_plot = _plot(self.canvas, 1, "accuracy (%)")
        self.accuracy_plot.setXLink(self.loss_plot)
        self.accuracy_plot.setLabel("bottom", "epoch")
        self.loss_plot.getAxis("bottom").setStyle(showValues=False)  # the plot below numbers the shared axis
        self.loss_plot.getAxis("bottom").setHeight(4)
        for plot in (self.loss_plot, self.accuracy_plot):
            # The layout shares space in proportion to preferred heights: equal large ones give the two
            # plots about equal data areas (stretch factors alone left the accuracy plot much smaller).
            plot.setPreferredHeight(PREFERRED_PLOT_HEIGHT)
        self.loss_plot.addLegend(offset=(-8, 8), labelTextSize="8pt")
        self.accuracy_plot.addLegend(offset=(-8, -8), labelTextSize="8pt")

        self.raw_loss_curve = _curve(self.loss_plot, pen=RAW_PEN, connect="finite", name="batch")
        self.smooth_loss_curve = _curve(self.loss_plot, pen=SMOOTH_PEN, name="smoothed")
        self.validation_loss_curve = self.loss_plot.plot(name="validation", **VALIDATION_SYMBOL)
        self.smooth_accuracy_curve = _curve(self.accuracy_plot, pen=SMOOTH_PEN, name="training (smoothed)")
        self.validation_accuracy_curve = self.accuracy_plot.plot(name="validation", **VALIDATION_SYMBOL)
        self.validation_label = pg.TextItem(color=VALIDATION_COLOUR, anchor=(1.0, -0.3))  # below: the trend runs level with it
        self.validation_label.setFont(QFont(self.font().family(), LABEL_POINTS))
        self.accuracy_plot.addItem(self.validation_label, ignoreBounds=True)
        # Label under the line: early in training the accuracy there is far below.
        # A horizontal InfiniteLine counts in the y auto-range, so the reference always stays in view.
        self.reference = pg.InfiniteLine(
            pos=100 * REFERENCE_ACCURACY, angle=0, pen=REFERENCE_PEN, movable=False,
            label=f"Keras example, 12 epochs: {100 * REFERENCE_ACCURACY:.2f}%",
            labelOpts={"position": 0.04, "color": "#b0b0b0", "anchors": [(0, -0.1), (0, -0.1)]},
        )
        self.accuracy_plot.addItem(self.reference)
        self.cursors = [pg.InfiniteLine(angle=90, pen=CURSOR_PEN, movable=False) for _ in range(2)]
        for plot, cursor in zip((self.loss_plot, self.accuracy_plot), self.cursors):
            plot.addItem(cursor, ignoreBounds=True)
            cursor.hide()
        self._cursor_x: float | None = None
        self.canvas.scene().sigMouseClicked.connect(self._on_clicked)
        self.reset(1, 1)

    # ----- data in
    def reset(self, batches_per_epoch: int, epochs: int) -> None:
        """Forget every point; the x axis spans the ``epochs`` about to be trained."""
        # Bounded like a history's index: a 400-digit count would overflow the float division of every step.
        self._batches_per_epoch = min(max(1, int(batches_per_epoch)), MAX_STEP)
        self._epochs = min(max(1, int(epochs)), MAX_STEP)
        for column in (self._steps, self._loss, self._smooth_loss, self._smooth_accuracy):
            column.clear()
        self._validation.clear()
        self._validation_drawn = -1
        self.set_cursor(None)
        self._reset_view()
        self.refresh()

    def add_batches(self, steps: Sequence[int], losses: Sequence[float], accuracies: Sequence[float]) -> None:
        """Append batches (global step numbers, their loss and accuracy); drawn at the next refresh."""
        x = np.asarray(steps, np.float64) / self._batches_per_epoch
        loss = _drawable(losses)
        self._steps.extend(x)
        self._loss.extend(loss)
        self._smooth_loss.extend(x, loss)
        self._smooth_accuracy.extend(x, 100.0 * _drawable(accuracies))
        self._mark_dirty()

    def add_epoch(self, step: int, val_accuracy: float | None, val_loss: float | None) -> None:
        """A validation result at the end of an epoch (``step``: the global step it was measured at)."""
        accuracy = np.nan if val_accuracy is None else float(_drawable(val_accuracy))
        loss = np.nan if val_loss is None else float(_drawable(val_loss))
        self._validation.append((step / self._batches_per_epoch, accuracy, loss))
        self._mark_dirty()

    def set_cursor(self, step: int | None) -> None:
        """Mark ``step`` in both plots (the history slider's position); None hides the mark."""
        self._cursor_x = None if step is None else step / self._batches_per_epoch
        for cursor in self.cursors:
            if self._cursor_x is None:
                cursor.hide()
            else:
                cursor.setValue(self._cursor_x)
                cursor.show()

    # ----- drawing
    def _mark_dirty(self) -> None:
        self._dirty = True
        if not self._timer.isActive():
            self._timer.start()

    def _redraw_if_dirty(self) -> None:
        if self._dirty:
            self.refresh()

    def refresh(self) -> None:
        """Hand every stored point to the curves now (the timer does this while training runs)."""
        self._dirty = False
        self.raw_loss_curve.setData(self._steps.view(), self._loss.view())
        self.smooth_loss_curve.setData(self._smooth_loss.x.view(), self._smooth_loss.y.view())
        self.smooth_accuracy_curve.setData(self._smooth_accuracy.x.view(), self._smooth_accuracy.y.view())
        if len(self._validation) == self._validation_drawn:
            return  # the epoch marks have not changed (they change once an epoch)
        self._validation_drawn = len(self._validation)
        x, accuracy, loss = self._validation_columns()
        has_loss, has_accuracy = np.isfinite(loss), np.isfinite(accuracy)
        self.validation_loss_curve.setData(x[has_loss], loss[has_loss])
        self.validation_accuracy_curve.setData(x[has_accuracy], 100.0 * accuracy[has_accuracy])
        if has_accuracy.any():
            last = np.flatnonzero(has_accuracy)[-1]
            self.validation_label.setText(f"{100.0 * accuracy[last]:.2f}%")
            self.validation_label.setPos(x[last], 100.0 * accuracy[last])
            self.validation_label.show()
        else:
            self.validation_label.hide()

    def _validation_columns(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        table = np.array(self._validation, np.float64).reshape(-1, 3)
        return table[:, 0], table[:, 1], table[:, 2]

    def _reset_view(self) -> None:
        self.loss_plot.setXRange(0, self._epochs, padding=0.02)
        for plot in (self.loss_plot, self.accuracy_plot):
            plot.enableAutoRange(y=True)

    def _on_clicked(self, event) -> None:
        if event.double():  # back to every epoch after zooming with the wheel
            self._reset_view()

    # ----- read-only views, for tests and the page
    def loss_points(self) -> tuple[np.ndarray, np.ndarray]:
        """(x in epochs, raw loss) of every batch added since the last reset."""
        return self._steps.view().copy(), self._loss.view().copy()

    def smoothed_loss(self) -> np.ndarray:
        """The smoothed loss, one value per batch whose loss was finite."""
        return self._smooth_loss.y.view().copy()

    def smoothed_accuracy(self) -> np.ndarray:
        """The smoothed training accuracy in %, one value per batch whose accuracy was finite."""
        return self._smooth_accuracy.y.view().copy()

    def validation_points(self) -> tuple[np.ndarray, np.ndarray]:
        """(x in epochs, validation accuracy as given, 0..1) of the epochs that had one."""
        x, accuracy, _ = self._validation_columns()
        keep = np.isfinite(accuracy)
        return x[keep], accuracy[keep]

    def cursor_x(self) -> float | None:
        return self._cursor_x
