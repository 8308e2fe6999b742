"""The ten softmax outputs as bars with their values; the top class printed large."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from guiapp.core.inference import InferenceResult
from guiapp.ui.plotting import HIGHLIGHT

CLASSES = 10
BAR = "#5a7fa8"
LABEL_Y = 1.18  # the row of percentages, above the 100% line


class ProbabilityView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("probabilities")
        self._top = QLabel("–")
        self._top.setObjectName("top_class")
        self._top.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._top.setStyleSheet(f"font-size: 64px; font-weight: bold; color: {HIGHLIGHT};")
        self._top.setMinimumWidth(90)
        self._confidence = QLabel("draw a digit")
        self._confidence.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._plot = pg.PlotWidget()
        self._plot.setMinimumHeight(120)
        self._plot.setMouseEnabled(False, False)
        self._plot.hideButtons()
        self._plot.setMenuEnabled(False)
        self._plot.setYRange(0, 1.3, padding=0)
        self._plot.setXRange(-0.9, CLASSES - 0.1, padding=0)
        self._plot.getAxis("bottom").setTicks([[(i, str(i)) for i in range(CLASSES)]])
        self._plot.getAxis("left").setTicks([[(v, f"{v:.0%}") for v in (0, 0.5, 1.0)]])
        self._bars = pg.BarGraphItem(x=np.arange(CLASSES), height=np.zeros(CLASSES), width=0.7, brush=BAR)
        self._plot.addItem(self._bars)
        # The percentages sit in one row above the bars: moving ten text items with every update
        # re-laid out the plot (3.4 ms of the GUI thread per update on a slow host); now a label is
        # touched only when its text changes.
        self._labels = []
        for i in range(CLASSES):
            label = pg.TextItem("", anchor=(0.5, 1.0), color="#d0d0d0")
            label.setPos(i, LABEL_Y)
            self._plot.addItem(label)
            self._labels.append(label)
        self._texts = [""] * CLASSES
        self._brushes: list[str] = [BAR] * CLASSES
        side = QVBoxLayout()
        side.addWidget(QLabel("<b>Prediction</b> (bars: %)"))
        side.addWidget(self._top, 1)
        side.addWidget(self._confidence)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(side)
        layout.addWidget(self._plot, 1)
        self.probabilities = np.zeros(CLASSES, np.float32)

    @property
    def top_text(self) -> str:
        return self._top.text()

    def show_result(self, result: InferenceResult) -> None:
        probs = np.asarray(result.probabilities)
        self.probabilities = probs
        top = int(probs.argmax())
        blank = not result.image.any()  # a blank canvas: what the network says about nothing is no prediction
        brushes = [HIGHLIGHT if i == top and not blank else BAR for i in range(CLASSES)]
        if brushes != self._brushes:
            self._bars.setOpts(height=probs, brushes=brushes)
            self._brushes = brushes
        else:
            self._bars.setOpts(height=probs)
        for i, (label, p) in enumerate(zip(self._labels, probs, strict=True)):
            text = f"{p * 100:.0f}" if p >= 0.005 else ""
            if text != self._texts[i]:
                label.setText(text)
                self._texts[i] = text
        top_text, confidence = ("–", "draw a digit") if blank else (str(top), f"{probs[top]:.1%} sure")
        if top_text != self._top.text():
            self._top.setText(top_text)
        if confidence != self._confidence.text():
            self._confidence.setText(confidence)


if __name__ == "__main__":
    import sys

    from PySide6.QtWidgets import QApplication

    from guiapp.core.inference import InferenceResult as _Result

    app = QApplication(sys.argv)
    view = ProbabilityView()
    p = np.random.dirichlet(np.ones(CLASSES) * 0.3).astype(np.float32)
    view.show_result(_Result(np.zeros((28, 28), np.float32), (), p, 0.0))
    view.show()
    sys.exit(app.exec())
