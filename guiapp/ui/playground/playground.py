"""The conv-arithmetic playground: set H, W, F, P, S and watch the filter step across the padded input.

The result is ``OH = ⌊(H + 2P − F)/S⌋ + 1`` with the numbers filled in (from
:mod:`guiapp.core.arithmetic.conv_arithmetic`), and the picture is the seed article's figure
(:mod:`guiapp.core.arithmetic.conv_grid` says what to draw): padding cells shaded, the window
outlined at the current output position, input cells no position covers hatched
red, and the output grid beside it. An impossible setting shows why, never raises.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import (
    QHideEvent,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from guiapp.core.arithmetic.conv_arithmetic import Padding
from guiapp.core.arithmetic.conv_grid import (
    EXAMPLES,
    ConvGrid,
    Example,
    conv_grid,
    misfit,
    parse_padding,
)
from guiapp.ui.playground.conv_grid_picture import ERROR, GridPicture

MAX_SIZE = 64
MAX_FILTER = MAX_SIZE  # a filter larger than the input is allowed: the picture shows why it cannot work
MAX_STRIDE = 16
MAX_PADDING = 16  # more would only shrink the input to dots
STEP_MS = 450  # Play: one window position per step


def _spin(low: int, high: int, value: int, tip: str) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(low, high)
    spin.setValue(value)
    spin.setToolTip(tip)
    return spin


def _span(values: range, noun: str) -> str:
    """'row 3' or 'rows 3–5'."""
    return f"{noun} {values.start}" if len(values) == 1 else f"{noun}s {values.start}–{values.stop - 1}"


class ConvPlayground(QWidget):
    """Input size, filter, padding and stride in; output size, the formula with numbers and the picture out.

    Starts on MNIST's first convolution (28×28, F 3, valid → 26×26), the layer the rest of
    the app shows; the seed article's three examples are first in the examples list.
    """


    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("playground")
        self.grid: ConvGrid | None = None
        self.error: str | None = None
        self.formula_text = ""  # the result as plain text: the formula lines, or the reason it is impossible
        self.position = (0, 0)
        self.examples: tuple[Example, ...] = EXAMPLES
        self._updating = False

        self.height_spin = _spin(1, MAX_SIZE, 28, "H: input height")
        self.width_spin = _spin(1, MAX_SIZE, 28, "W: input width")
        self.fh_spin = _spin(1, MAX_FILTER, 3, "FH: filter height")
        self.fw_spin = _spin(1, MAX_FILTER, 3, "FW: filter width (follows FH while 'square' is ticked)")
        self.square = QCheckBox("square")
        self.square.setToolTip("One filter size F for both axes")
        self.square.setChecked(True)
        self.padding_box = QComboBox()
        self.padding_box.setEditable(True)
        self.padding_box.addItems(["valid", "same", "0", "1", "2", "3"])
        self.padding_box.setToolTip(f"P: rows/columns of zeros on each side (0–{MAX_PADDING}), or 'valid' / 'same'")
        self.stride_spin = _spin(1, MAX_STRIDE, 1, "S: stride, the step between window positions")
        self.example_box = QComboBox()
        self.example_box.addItem("Examples…")
        self.example_box.addItems([e.label for e in self.examples])
        controls = QGridLayout()
        fields = (("H", self.height_spin), ("W", self.width_spin), ("FH", self.fh_spin), ("FW", self.fw_spin),
                  ("", self.square), ("padding P", self.padding_box), ("stride S", self.stride_spin),
                  ("example", self.example_box))
        for column, (text, widget) in enumerate(fields):
            controls.addWidget(QLabel(text), 0, column)
            controls.addWidget(widget, 1, column)
        controls.setColumnStretch(len(fields), 1)  # keep the boxes at their natural width, on the left

        self.result = QLabel()
        self.result.setTextFormat(Qt.TextFormat.RichText)
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.picture = GridPicture()
        self.back, self.forward = QPushButton("◀"), QPushButton("▶")
        self.back.setToolTip("Previous window position")
        self.forward.setToolTip("Next window position")
        self.play = QPushButton("Play")
        self.play.setCheckable(True)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.count_label = QLabel()
        self.position_label = QLabel()
        self.position_label.setWordWrap(True)
        steps = QHBoxLayout()
        for widget in (self.back, self.play, self.forward):
            steps.addWidget(widget)
        steps.addWidget(self.slider, 1)
        steps.addWidget(self.count_label)
        self.timer = QTimer(self)
        self.timer.setInterval(STEP_MS)

        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.result)
        layout.addWidget(self.picture, 1)
        layout.addLayout(steps)
        layout.addWidget(self.position_label)

        for spin in (self.height_spin, self.width_spin, self.fh_spin, self.fw_spin, self.stride_spin):
            spin.valueChanged.connect(self._on_input_changed)
        self.padding_box.currentTextChanged.connect(self._on_input_changed)
        self.square.toggled.connect(self._on_input_changed)
        self.example_box.activated.connect(self._on_example_activated)
        self.back.clicked.connect(lambda: self.step(-1))
        self.forward.clicked.connect(lambda: self.step(1))
        self.play.toggled.connect(self._on_play_toggled)
        self.timer.timeout.connect(lambda: self.step(1))
        self.slider.valueChanged.connect(self._on_slider_value_changed)
        self.picture.positionPicked.connect(self.set_position)
        self.load_example(3)  # MNIST conv 1

    # ------------------------------------------------------------------ public API

    @property
    def output_shape(self) -> tuple[int, int] | None:
        """(OH, OW), or None while the setting is impossible."""
        return self.grid.output_shape if self.grid is not None else None

    def set_values(self, h: int, w: int, fh: int, fw: int, padding: Padding, stride: int) -> None:
        """Set every input at once (one recomputation); ValueError when a number is outside its box's range."""
        spins = ((self.height_spin, h, "H"), (self.width_spin, w, "W"), (self.fh_spin, fh, "FH"),
                 (self.fw_spin, fw, "FW"), (self.stride_spin, stride, "S"))
        for spin, value, name in spins:
            if not spin.minimum() <= value <= spin.maximum():
                raise ValueError(f"{name} = {value} is outside the playground's {spin.minimum()}–{spin.maximum()}")
        self._updating = True
        try:
            self.square.setChecked(fh == fw)
            for spin, value, _ in spins:
                spin.setValue(value)
            self.padding_box.setCurrentText(str(padding))
        finally:
            self._updating = False
        self._recompute()

    def load_example(self, index: int) -> None:
        """Set the ``index``-th example and start the window at the top left."""
        e = self.examples[index]
        self.position = (0, 0)
        self.set_values(e.height, e.width, e.filter_height, e.filter_width, e.padding, e.stride)

    def set_position(self, oy: int, ox: int) -> None:
        """Move the window to output (oy, ox), clamped to the output grid."""
        if self.grid is None:
            return
        oh, ow = self.grid.output_shape
        self.position = (min(max(oy, 0), oh - 1), min(max(ox, 0), ow - 1))
        self.slider.blockSignals(True)
        self.slider.setValue(self.position[0] * ow + self.position[1])
        self.slider.blockSignals(False)
        self._show_position()

    def step(self, delta: int) -> None:
        """Move the window ``delta`` positions on, row by row, wrapping at the end."""
        if self.grid is None:
            return
        ow = self.grid.cols.output
        self.set_position(*self.grid.position(self.position[0] * ow + self.position[1] + delta))

    # ------------------------------------------------------------------ handlers

    def _on_example_activated(self, index: int) -> None:
        if index > 0:
            self.load_example(index - 1)

    def _on_input_changed(self, *_: object) -> None:
        self.fw_spin.setEnabled(not self.square.isChecked())
        if self.square.isChecked() and self.fw_spin.value() != self.fh_spin.value():
            self.fw_spin.blockSignals(True)
            self.fw_spin.setValue(self.fh_spin.value())
            self.fw_spin.blockSignals(False)
        if not self._updating:
            self._recompute()

    def _on_play_toggled(self, on: bool) -> None:
        self.play.setText("Pause" if on else "Play")
        (self.timer.start if on else self.timer.stop)()

    def _on_slider_value_changed(self, index: int) -> None:
        if self.grid is not None:
            self.set_position(*self.grid.position(index))

    def hideEvent(self, event: QHideEvent) -> None:
        self.play.setChecked(False)  # no stepping on a page nobody sees
        super().hideEvent(event)

    # ------------------------------------------------------------------ internals

    def _settings(self) -> tuple[int, int, int, int, Padding, int]:
        """The inputs as numbers; ValueError when the padding text is not a padding."""
        padding = parse_padding(self.padding_box.currentText())
        if isinstance(padding, int) and padding > MAX_PADDING:
            raise ValueError(f"the playground draws padding up to {MAX_PADDING}, not {padding}")
        fw = self.fh_spin.value() if self.square.isChecked() else self.fw_spin.value()
        return (self.height_spin.value(), self.width_spin.value(), self.fh_spin.value(), fw, padding,
                self.stride_spin.value())

    def _recompute(self) -> None:
        try:
            settings = self._settings()
            grid = conv_grid(*settings)
        except ValueError as exc:
            self._show_impossible(str(exc))
            return
        self.grid, self.error = grid, None
        lines = grid.explanation()
        oh, ow = grid.output_shape
        self.formula_text = "\n".join([f"output {oh}×{ow}", *lines])
        body = "<br>".join(html.escape(line) for line in lines)
        self.result.setText(f"<p><b style='font-size:large'>output {oh}×{ow}</b><br><tt>{body}</tt></p>")
        for widget in (self.back, self.forward, self.play, self.slider):
            widget.setEnabled(True)
        self.slider.setRange(0, grid.positions - 1)
        self.set_position(*self.position)
        self._sync_example_box(settings)

    def _show_impossible(self, reason: str) -> None:
        """The reason in red in place of the result; the picture shows the misfit if there is one."""
        self.grid, self.error = None, reason
        self.formula_text = f"impossible: {reason}"
        self.result.setText(f"<p style='color:{ERROR.name()}'><b>Impossible:</b> {html.escape(reason)}</p>")
        self.play.setChecked(False)
        for widget in (self.back, self.forward, self.play, self.slider):
            widget.setEnabled(False)
        self.count_label.setText("")
        self.position_label.setText("")
        found = None
        try:
            found = misfit(*self._settings()[:5])
        except ValueError:
            pass  # the padding text itself is wrong: nothing to draw
        self.picture.set_impossible(found, reason)
        self._sync_example_box(None)

    def _sync_example_box(self, settings: tuple | None) -> None:
        """Show which example is loaded, or 'Examples…' once the inputs leave it."""
        def key(values: tuple) -> tuple:
            return (*values[:4], 0 if values[4] == "valid" else values[4], values[5])

        index = 0
        if settings is not None:
            index = next((i + 1 for i, e in enumerate(self.examples) if key((e.height, e.width, e.filter_height,
                          e.filter_width, e.padding, e.stride)) == key(settings)), 0)
        self.example_box.setCurrentIndex(index)

    def _show_position(self) -> None:
        grid = self.grid
        assert grid is not None
        oy, ox = self.position
        top, left, bottom, right = grid.window(oy, ox)
        rows, cols = grid.input_window(oy, ox)
        if not rows or not cols:
            seen = "only padding (zeros)"
        else:
            seen = f"input {_span(rows, 'row')}, {_span(cols, 'column')}"
            seen += " and padding" if len(rows) * len(cols) < (bottom - top) * (right - left) else ""
        self.count_label.setText(f"position {oy * grid.cols.output + ox + 1} of {grid.positions}")
        padded = grid.rows.total_padding or grid.cols.total_padding
        where = f" (padded rows {top}–{bottom - 1}, columns {left}–{right - 1})" if padded else ""
        self.position_label.setText(f"output ({oy}, {ox}) ← the window on {seen}{where}")
        self.picture.set_grid(grid, self.position)


if __name__ == "__main__":  # look at the playground alone
    import sys

    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    playground = ConvPlayground()
    playground.resize(900, 640)
    playground.show()
    sys.exit(app.exec())
