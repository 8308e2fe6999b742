"""Where two networks differ on the test set: how often they agree, each one's accuracy per class, and the
digits on which they disagree (a click puts one on the canvas).

The view only shows a comparison it is given (guiapp.core.compare.test_set computes it).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFontMetrics, QIcon, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

import guiapp.ui.plotting  # noqa: F401  (pyqtgraph configured once, as in the app)
from guiapp.ui.compare.compute_bar import ComputeBar
from guiapp.ui.digit_list import digit_list
from guiapp.ui.digit_list import thumbnail as digit_thumbnail

MAX_SHOWN = 60  # thumbnails; the rest are counted
ICON_PX = 42  # 1.5× an MNIST digit: a dozen fit across, three rows in the view
ITEM_PAD, ITEM_SPACING = 12, 4
INDEX_ROLE = Qt.ItemDataRole.UserRole
BAR_W = 0.38  # each model's bar, in classes
COLOUR_A, COLOUR_B = "#4e79a7", "#f28e2b"  # Tableau blue and orange: apart for every common colour vision
CHART_W = 380
DIGITS = (1_000, 50, 10_000)  # default, least and most test digits
HEADROOM = 0.16  # of the y range, above 100%: room for the legend
FLOOR_STEP = 5.0  # the chart's y axis starts at a multiple of this many percent below the lowest bar
PROMPT = "Compute where the two networks differ on the MNIST test digits."


def percent(value: float) -> str:
    """'98.7%', or a dash when there was nothing to count."""
    return "–" if not np.isfinite(value) else f"{100 * value:.1f}%"


def headline(comparison: object) -> str:
    """'A and B agree on 98.7% of 1,000 test digits · A 99.1% right, B 98.9%'."""
    n = len(comparison.labels)
    return (f"A and B agree on {percent(comparison.agreement)} of {n:,} test digit{'' if n == 1 else 's'} · "
            f"A {percent(comparison.overall_a)} right, B {percent(comparison.overall_b)}")


def thumbnail(image: np.ndarray) -> QPixmap:
    """The digit at ICON_PX (grey, or RGB), without smoothing so each pixel stays a crisp square."""
    return digit_thumbnail(image, ICON_PX)


class TestSetView(QWidget):
    """Headline and Compute row; the per-class bars on the left, the disagreeing digits on the right."""

    __test__ = False  # a widget, not a pytest class
    digitChosen = Signal(int)  # a test-digit index
    computeRequested = Signal(int)  # test digits

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headline = QLabel(PROMPT)
        self.headline.setWordWrap(True)
        font = self.headline.font()
        font.setBold(True)
        self.headline.setFont(font)
        self.bar = ComputeBar("Compute", DIGITS)
        self.chart = pg.PlotWidget()
        self.chart.setMenuEnabled(False)
        self.chart.setMouseEnabled(x=False, y=False)
        self.chart.hideButtons()
        self.chart.setFixedWidth(CHART_W)
        self.chart.setLabel("left", "% right")
        self.chart.setLabel("bottom", "true class")
        self.chart.showGrid(y=True, alpha=0.25)
        self.legend = self.chart.addLegend(offset=(4, 2), colCount=2, brush="#1e1e1ecc")
        self.bars_a = pg.BarGraphItem(x=[], height=[], width=BAR_W, brush=COLOUR_A, pen=None, name="A")
        self.bars_b = pg.BarGraphItem(x=[], height=[], width=BAR_W, brush=COLOUR_B, pen=None, name="B")
        self.chart.addItem(self.bars_a)
        self.chart.addItem(self.bars_b)
        self.header = QLabel("")
        self.header.setWordWrap(True)
        self.list = digit_list(ICON_PX)
        self.list.itemClicked.connect(lambda item: self.digitChosen.emit(int(item.data(INDEX_ROLE))))
        right = QVBoxLayout()
        right.addWidget(self.header)
        right.addWidget(self.list, 1)
        body = QHBoxLayout()
        body.addWidget(self.chart)
        body.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.headline)
        layout.addWidget(self.bar)
        layout.addLayout(body, 1)
        self.shown: tuple[int, ...] = ()
        self.bar.clicked.connect(lambda: self.computeRequested.emit(self.bar.count))

    def show_comparison(self, comparison: object, images: np.ndarray, class_names: tuple[str, ...], name_a: str,
                        name_b: str) -> None:
        """``comparison``: labels, predicted_a/_b, agreement, accuracy_a/_b (per class), overall_a/_b,
        disagreements (indices into ``images``)."""
        names = tuple(class_names)
        self.headline.setText(headline(comparison))
        self.bar.show_message(f"A = {name_a} · B = {name_b}")
        self._show_bars(np.asarray(comparison.accuracy_a, float), np.asarray(comparison.accuracy_b, float), names,
                        name_a, name_b)
        self._show_digits(comparison, images, names)

    def _show_bars(self, a: np.ndarray, b: np.ndarray, names: tuple[str, ...], name_a: str, name_b: str) -> None:
        x = np.arange(len(a))
        heights_a, heights_b = np.nan_to_num(100 * a), np.nan_to_num(100 * b)
        self.bars_a.setOpts(x=x - BAR_W / 2, height=heights_a)
        self.bars_b.setOpts(x=x + BAR_W / 2, height=heights_b)
        self.legend.clear()
        self.legend.addItem(self.bars_a, f"A: {name_a}")
        self.legend.addItem(self.bars_b, f"B: {name_b}")
        finite = np.concatenate([heights_a[np.isfinite(a)], heights_b[np.isfinite(b)]])
        low = np.floor((finite.min() - 1) / FLOOR_STEP) * FLOOR_STEP if finite.size else 0.0
        # Differences of a tenth of a percent are the point: the axis starts near the lowest bar, and says so.
        self.chart.setYRange(max(low, 0.0), 100.0 + HEADROOM * (100.0 - max(low, 0.0)), padding=0)
        self.chart.setXRange(-0.6, len(a) - 0.4, padding=0)
        self.chart.getAxis("bottom").setTicks([[(float(k), n) for k, n in zip(x, names)]])
        self.chart.setLabel("left", f"% right (axis from {max(low, 0.0):.0f}%)")

    def _show_digits(self, comparison: object, images: np.ndarray, names: tuple[str, ...]) -> None:
        indices = np.asarray(comparison.disagreements, np.int64).ravel()
        kept = indices[:MAX_SHOWN]
        total, n = len(indices), len(comparison.labels)
        if total == 0:
            self.header.setText(f"They agree on every one of the {n:,} digits.")
        elif total > len(kept):
            self.header.setText(f"{total:,} digits on which they disagree: the first {len(kept)} "
                                f"({total - len(kept):,} more not shown) · click one to draw it")
        else:
            self.header.setText(f"{total:,} digit{'' if total == 1 else 's'} on which they disagree · "
                                "click one to draw it")

        def name(k: int) -> str:
            return names[k] if 0 <= k < len(names) else str(k)

        labels, a, b = (np.asarray(v, np.int64) for v in
                        (comparison.labels, comparison.predicted_a, comparison.predicted_b))
        captions = [f"{name(labels[i])}: A {name(a[i])}, B {name(b[i])}" for i in kept]
        fm = QFontMetrics(self.list.font())
        width = max(ICON_PX, max((fm.horizontalAdvance(c) for c in captions), default=0)) + ITEM_PAD
        cell = QSize(width, ICON_PX + fm.lineSpacing() + ITEM_PAD)
        self.list.setGridSize(cell)
        self.list.setUpdatesEnabled(False)
        self.list.clear()
        for index, caption in zip(kept, captions):
            item = QListWidgetItem(QIcon(thumbnail(images[index])), caption)
            item.setData(INDEX_ROLE, int(index))
            item.setToolTip(f"Test digit {index}: a {name(labels[index])}; A says {name(a[index])}, "
                            f"B says {name(b[index])} · click to draw it")
            item.setSizeHint(cell - QSize(ITEM_SPACING, ITEM_SPACING))
            self.list.addItem(item)
        self.list.setCurrentRow(-1)
        self.list.setUpdatesEnabled(True)
        self.shown = tuple(int(i) for i in kept)

    def show_progress(self, done: int, total: int) -> None:
        self.bar.show_progress(done, total)

    def show_message(self, text: str) -> None:
        """``text`` in the status line; what is shown stays."""
        self.bar.show_message(text)

    def clear(self, text: str = PROMPT) -> None:
        """Forget the comparison (a new model): ``text`` in its place."""
        self.headline.setText(text)
        self.bars_a.setOpts(x=[], height=[])
        self.bars_b.setOpts(x=[], height=[])
        self.list.clear()
        self.header.setText("")
        self.shown = ()
        self.bar.show_message("")


def sample_comparison(n: int = 1_000, wrong_a: int = 9, wrong_b: int = 11, seed: int = 0):
    """A made-up comparison of two nearly equal networks on ``n`` digits (for the demo and the tests)."""
    from types import SimpleNamespace

    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, n)
    a, b = labels.copy(), labels.copy()
    a[rng.choice(n, wrong_a, replace=False)] += 1
    b[rng.choice(n, wrong_b, replace=False)] += 3
    a, b = a % 10, b % 10

    def per_class(p: np.ndarray) -> np.ndarray:
        return np.array([np.mean(p[labels == k] == k) if np.any(labels == k) else np.nan for k in range(10)])

    return SimpleNamespace(labels=labels, predicted_a=a, predicted_b=b, agreement=float(np.mean(a == b)),
                           accuracy_a=per_class(a), accuracy_b=per_class(b), overall_a=float(np.mean(a == labels)),
                           overall_b=float(np.mean(b == labels)), disagreements=np.nonzero(a != b)[0])


def demo() -> TestSetView:
    """The view filled with a made-up comparison over blurred squares standing in for digits."""
    comparison = sample_comparison()
    rng = np.random.default_rng(2)
    images = (rng.random((len(comparison.labels), 28, 28)) * 60).astype(np.uint8)
    images[:, 6:22, 10:18] = 230
    view = TestSetView()
    view.show_comparison(comparison, images, tuple(str(k) for k in range(10)), "mnist_cnn", "mnist_cnn_63")
    view.computeRequested.connect(lambda n: view.show_progress(n // 3, n))
    view.digitChosen.connect(lambda i: view.show_message(f"test digit {i} chosen"))
    return view


if __name__ == "__main__":
    import sys

    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    window = demo()
    window.resize(900, 420)
    window.show()
    sys.exit(app.exec())
