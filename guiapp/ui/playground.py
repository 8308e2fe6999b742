"""The conv-arithmetic playground: set H, W, F, P, S and watch the filter step across the padded input.

The result line is ``OH = ⌊(H + 2P − F)/S⌋ + 1`` with the numbers filled in (from
:mod:`guiapp.core.conv_arithmetic`), and the picture is the seed article's figure:
padding cells shaded, the window outlined at the current output position, input
cells that no position covers marked red, and the output grid beside it.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from guiapp.core.conv_arithmetic import Padding
from guiapp.core.conv_grid import EXAMPLES, ConvGrid, Example, conv_grid, parse_padding
from guiapp.ui.plotting import HIGHLIGHT

MAX_SIZE = 64
MAX_FILTER = 15
MAX_STRIDE = 8
STEP_MS = 450  # Play: one window position per step
PADDING_FILL = QColor(90, 90, 90)
INPUT_FILL = QColor(225, 225, 225)
UNVISITED_FILL = QColor(229, 115, 115)
OUTPUT_FILL = QColor(190, 205, 230)
ACCENT = QColor(HIGHLIGHT)


class GridPicture(QWidget):
    """Padded input (left) and output (right); hovering or clicking an output cell moves the window there."""

    positionPicked = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(320, 200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)
        self.grid: ConvGrid | None = None
        self.position = (0, 0)
        self._kinds = None
        self._cell = 10.0
        self._output_origin = QPointF()

    def set_grid(self, grid: ConvGrid | None, position: tuple[int, int]) -> None:
        self.grid, self.position = grid, position
        self._kinds = grid.cell_kinds() if grid is not None else None
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(640, 340)

    def _layout(self) -> tuple[float, QPointF, QPointF]:
        """(cell size, input origin, output origin) for the current size."""
        assert self.grid is not None
        (ph, pw), (oh, ow) = self.grid.padded_shape, self.grid.output_shape
        margin, gap, title = 8.0, 40.0, 22.0
        cell = min((self.width() - 2 * margin - gap) / (pw + ow), (self.height() - margin - title) / max(ph, oh))
        cell = max(cell, 1.0)
        input_origin = QPointF(margin, title)
        output_origin = QPointF(margin + pw * cell + gap, title)
        return cell, input_origin, output_origin

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(30, 30, 30))
        if self.grid is None or self._kinds is None:
            painter.end()
            return
        grid = self.grid
        cell, origin, out_origin = self._layout()
        self._cell, self._output_origin = cell, out_origin
        borders = cell >= 6
        line = QPen(QColor(40, 40, 40), 1) if borders else Qt.PenStyle.NoPen
        fills = {0: PADDING_FILL, 1: INPUT_FILL, 2: UNVISITED_FILL}
        ph, pw = grid.padded_shape
        painter.setPen(line)
        for r in range(ph):
            for c in range(pw):
                painter.setBrush(fills[int(self._kinds[r, c])])
                painter.drawRect(QRectF(origin.x() + c * cell, origin.y() + r * cell, cell, cell))
        oh, ow = grid.output_shape
        oy, ox = self.position
        for r in range(oh):
            for c in range(ow):
                painter.setBrush(ACCENT if (r, c) == (oy, ox) else OUTPUT_FILL)
                painter.drawRect(QRectF(out_origin.x() + c * cell, out_origin.y() + r * cell, cell, cell))
        top, left, bottom, right = grid.window(oy, ox)
        window = QRectF(origin.x() + left * cell, origin.y() + top * cell, (right - left) * cell, (bottom - top) * cell)
        painter.setBrush(QColor(255, 176, 0, 70))
        painter.setPen(QPen(ACCENT, 3))
        painter.drawRect(window)
        # a line from the window to the output cell it produces
        painter.setPen(QPen(ACCENT, 1, Qt.PenStyle.DashLine))
        target = QPointF(out_origin.x() + (ox + 0.5) * cell, out_origin.y() + (oy + 0.5) * cell)
        painter.drawLine(window.center(), target)
        painter.setPen(QColor(230, 230, 230))
        rows, cols = grid.rows, grid.cols
        pad = f" + padding {rows.pad_before}/{rows.pad_after}" if rows.total_padding or cols.total_padding else ""
        painter.drawText(QPointF(origin.x(), 15), f"input {rows.size}×{cols.size}{pad} → {ph}×{pw}")
        painter.drawText(QPointF(out_origin.x(), 15), f"output {oh}×{ow}")
        painter.end()

    def output_cell_at(self, point: QPointF) -> tuple[int, int] | None:
        if self.grid is None:
            return None
        cell, _, out_origin = self._layout()
        r = int((point.y() - out_origin.y()) // cell)
        c = int((point.x() - out_origin.x()) // cell)
        oh, ow = self.grid.output_shape
        inside = point.x() >= out_origin.x() and point.y() >= out_origin.y()
        return (r, c) if inside and 0 <= r < oh and 0 <= c < ow else None

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        found = self.output_cell_at(event.position())
        if found is not None and found != self.position:
            self.positionPicked.emit(*found)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        found = self.output_cell_at(event.position())
        if found is not None:
            self.positionPicked.emit(*found)


def _spin(low: int, high: int, value: int, tip: str) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(low, high)
    spin.setValue(value)
    spin.setToolTip(tip)
    return spin


class ConvPlayground(QWidget):
    """Input size, filter, padding and stride in; output size, the formula with numbers and the picture out."""

    changed = Signal(object)  # the ConvGrid, or None when the setting is impossible

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("playground")
        self.grid: ConvGrid | None = None
        self.error: str | None = None
        self.position = (0, 0)
        self.examples: tuple[Example, ...] = EXAMPLES
        self._updating = False

        self.height_spin = _spin(1, MAX_SIZE, 28, "H: input height")
        self.width_spin = _spin(1, MAX_SIZE, 28, "W: input width")
        self.fh_spin = _spin(1, MAX_FILTER, 3, "FH: filter height")
        self.fw_spin = _spin(1, MAX_FILTER, 3, "FW: filter width")
        self.square = QCheckBox("square F×F")
        self.square.setChecked(True)
        self.padding_box = QComboBox()
        self.padding_box.setEditable(True)
        self.padding_box.addItems(["valid", "same", "0", "1", "2", "3"])
        self.padding_box.setToolTip("P: a number of rows/columns of zeros on each side, or 'valid' (0) / 'same'")
        self.stride_spin = _spin(1, MAX_STRIDE, 1, "S: stride, the step between window positions")
        controls = QGridLayout()
        for column, (text, widget) in enumerate((("H", self.height_spin), ("W", self.width_spin),
                                                 ("FH", self.fh_spin), ("FW", self.fw_spin),
                                                 ("padding P", self.padding_box), ("stride S", self.stride_spin))):
            controls.addWidget(QLabel(text), 0, column)
            controls.addWidget(widget, 1, column)
        controls.addWidget(self.square, 1, 6)

        self.example_box = QComboBox()
        self.example_box.addItem("Examples…")
        self.example_box.addItems([e.label for e in self.examples])
        self.example_box.activated.connect(self._on_example_chosen)
        controls.addWidget(self.example_box, 0, 6)

        self.result = QLabel()
        self.result.setTextFormat(Qt.TextFormat.RichText)
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.picture = GridPicture()
        self.back = QPushButton("◀")
        self.forward = QPushButton("▶")
        self.play = QPushButton("Play")
        self.play.setCheckable(True)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.position_label = QLabel()
        steps = QHBoxLayout()
        for widget in (self.back, self.play, self.forward):
            steps.addWidget(widget)
        steps.addWidget(self.slider, 1)
        steps.addWidget(self.position_label)
        self.timer = QTimer(self)
        self.timer.setInterval(STEP_MS)

        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.result)
        layout.addWidget(self.picture, 1)
        layout.addLayout(steps)

        for spin in (self.height_spin, self.width_spin, self.fh_spin, self.fw_spin, self.stride_spin):
            spin.valueChanged.connect(self._on_input_changed)
        self.padding_box.currentTextChanged.connect(self._on_input_changed)
        self.square.toggled.connect(self._on_input_changed)
        self.back.clicked.connect(lambda: self.step(-1))
        self.forward.clicked.connect(lambda: self.step(1))
        self.play.toggled.connect(self._on_play_toggled)
        self.timer.timeout.connect(lambda: self.step(1))
        self.slider.valueChanged.connect(self._on_slider)
        self.picture.positionPicked.connect(self.set_position)
        self.load_example(3)  # MNIST's first convolution: the 28×28 → 26×26 the window shows

    # ------------------------------------------------------------------ public API

    @property
    def output_shape(self) -> tuple[int, int] | None:
        return self.grid.output_shape if self.grid is not None else None

    @property
    def formula_text(self) -> str:
        """The result as plain text (the formula lines, or the error)."""
        return self.result.text()

    def set_values(self, h: int, w: int, fh: int, fw: int, padding: Padding, stride: int) -> None:
        self._updating = True
        try:
            self.square.setChecked(fh == fw)
            for spin, value in ((self.height_spin, h), (self.width_spin, w), (self.fh_spin, fh),
                                (self.fw_spin, fw), (self.stride_spin, stride)):
                spin.setValue(value)
            self.padding_box.setCurrentText(str(padding))
        finally:
            self._updating = False
        self._recompute()

    def load_example(self, index: int) -> None:
        e = self.examples[index]
        self.set_values(e.height, e.width, e.filter_height, e.filter_width, e.padding, e.stride)

    def set_position(self, oy: int, ox: int) -> None:
        if self.grid is None:
            return
        oh, ow = self.grid.output_shape
        self.position = (min(max(oy, 0), oh - 1), min(max(ox, 0), ow - 1))
        index = self.position[0] * ow + self.position[1]
        if self.slider.value() != index:
            self.slider.blockSignals(True)
            self.slider.setValue(index)
            self.slider.blockSignals(False)
        self._show_position()

    def step(self, delta: int) -> None:
        """Move the window ``delta`` positions on, row by row, wrapping at the end."""
        if self.grid is None:
            return
        oh, ow = self.grid.output_shape
        index = (self.position[0] * ow + self.position[1] + delta) % self.grid.positions
        self.set_position(*divmod(index, ow))

    # ------------------------------------------------------------------ internals

    def _on_example_chosen(self, index: int) -> None:
        if index > 0:
            self.load_example(index - 1)
        self.example_box.setCurrentIndex(0)

    def _on_input_changed(self, *_: object) -> None:
        if self.square.isChecked():
            self.fw_spin.setEnabled(False)
            if self.fw_spin.value() != self.fh_spin.value():
                self.fw_spin.blockSignals(True)
                self.fw_spin.setValue(self.fh_spin.value())
                self.fw_spin.blockSignals(False)
        else:
            self.fw_spin.setEnabled(True)
        if not self._updating:
            self._recompute()

    def _on_play_toggled(self, on: bool) -> None:
        self.play.setText("Pause" if on else "Play")
        (self.timer.start if on else self.timer.stop)()

    def _on_slider(self, index: int) -> None:
        if self.grid is not None:
            self.set_position(*self.grid.position(index))

    def _recompute(self) -> None:
        try:
            padding = parse_padding(self.padding_box.currentText())
            fw = self.fh_spin.value() if self.square.isChecked() else self.fw_spin.value()
            grid = conv_grid(self.height_spin.value(), self.width_spin.value(), self.fh_spin.value(), fw,
                             padding, self.stride_spin.value())
        except ValueError as exc:
            self.grid, self.error = None, str(exc)
            self.result.setText(f"<p style='color:#e53935'><b>Impossible:</b> {html.escape(self.error)}</p>")
            self.picture.set_grid(None, (0, 0))
            self.slider.setEnabled(False)
            self.position_label.setText("")
            self.changed.emit(None)
            return
        self.grid, self.error = grid, None
        oh, ow = grid.output_shape
        lines = "<br>".join(html.escape(line) for line in grid.explanation())
        self.result.setText(f"<p><b style='font-size:15px'>output {oh}×{ow}</b><br>"
                            f"<span style='font-family:monospace'>{lines}</span></p>")
        self.slider.setEnabled(True)
        self.slider.setRange(0, grid.positions - 1)
        self.position = (min(self.position[0], oh - 1), min(self.position[1], ow - 1))
        self.set_position(*self.position)
        self.changed.emit(grid)

    def _show_position(self) -> None:
        if self.grid is None:
            return
        oy, ox = self.position
        top, left, bottom, right = self.grid.window(oy, ox)
        rows, cols = self.grid.rows, self.grid.cols
        self.position_label.setText(
            f"output ({oy}, {ox}) ← padded rows {top}–{bottom - 1}, columns {left}–{right - 1}"
            f" · position {oy * cols.output + ox + 1} of {self.grid.positions}"
            + (f" (input rows {top - rows.pad_before}–{bottom - 1 - rows.pad_before})" if rows.total_padding else "")
        )
        self.picture.set_grid(self.grid, self.position)


if __name__ == "__main__":  # look at the playground alone
    import sys

    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    playground = ConvPlayground()
    playground.resize(900, 640)
    playground.show()
    sys.exit(app.exec())
