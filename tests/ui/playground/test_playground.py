"""The conv-arithmetic playground: the seed's examples, flooring, errors, stepping, and Keras' own shapes."""

from __future__ import annotations

import numpy as np
import pytest
from guiapp.ui.playground.playground import ConvPlayground
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor

from guiapp.core.arithmetic.conv_grid import PADDING, UNVISITED
from guiapp.ui.plotting import HIGHLIGHT


@pytest.fixture()
def playground(qtbot):
    widget = ConvPlayground()
    qtbot.addWidget(widget)
    widget.resize(900, 640)
    widget.show()
    return widget


def _example(playground, label_start: str) -> int:
    return next(i for i, e in enumerate(playground.examples) if e.label.startswith(label_start))


def test_starts_on_mnist_conv1(playground):
    assert playground.output_shape == (26, 26)
    assert "OH = OW = (H + 2P − F)/S + 1 = (28 + 0 − 3)/1 + 1 = 26" in playground.formula_text
    assert playground.example_box.currentText().startswith("MNIST conv 1")
    assert playground.position == (0, 0) and playground.error is None


@pytest.mark.parametrize("index, shape, numbers", [
    (0, (4, 4), ["OH = OW = (H + 2P − F)/S + 1 = (4 + 2 − 3)/1 + 1 = 4"]),
    (1, (3, 3), ["OH = OW = (H + 2P − F)/S + 1 = (7 + 0 − 3)/2 + 1 = 3"]),
    (2, (10, 11), ["OH = (H + 2P − F)/S + 1 = (28 + 4 − 5)/3 + 1 = 10",
                   "OW = (W + 2P − F)/S + 1 = (31 + 4 − 5)/3 + 1 = 11"]),
])
def test_the_seed_examples_are_one_click_away(playground, index, shape, numbers):
    playground.example_box.activated.emit(index + 1)  # what choosing the entry does
    assert playground.output_shape == shape
    assert playground.formula_text.splitlines()[1:] == numbers
    assert playground.example_box.currentIndex() == index + 1  # the box says which example is shown


def test_the_other_examples(playground):
    expected = {"MNIST conv 1": ((26, 26), "= 26"), "MNIST max-pool": ((12, 12), "(24 + 0 − 2)/2 + 1 = 12"),
                "Floored:": ((12, 12), "row and column 27 are never covered"),
                "Floored pool": ((12, 12), "row and column 24 are never covered"),
                "Stride > filter": ((4, 4), "jumps over input rows and columns 2, 5, 8, never covering them"),
                "'same'": ((3, 3), "P = 0.5")}
    for start, (shape, words) in expected.items():
        playground.load_example(_example(playground, start))
        assert playground.output_shape == shape and words in playground.formula_text, start


def test_typing_settings_updates_at_once(playground):
    playground.padding_box.setCurrentText("same")
    playground.stride_spin.setValue(2)
    assert playground.output_shape == (14, 14)
    assert "padding='same': P = 0.5 (0 top/left, 1 bottom/right), so that OH = OW = ⌈H/S⌉" in playground.formula_text
    assert playground.example_box.currentIndex() == 0  # no example any more
    playground.square.setChecked(False)
    assert playground.fw_spin.isEnabled()
    playground.fw_spin.setValue(5)
    playground.padding_box.setCurrentText("0")
    assert playground.output_shape == (13, 12)
    assert "OW = ⌊(W + 2P − F)/S⌋ + 1 = ⌊(28 + 0 − 5)/2⌋ + 1 = ⌊11.5⌋ + 1 = 12" in playground.formula_text
    playground.square.setChecked(True)  # linked again: FW follows FH
    assert playground.fw_spin.value() == 3 and playground.output_shape == (13, 13)


def test_a_floored_setting_names_what_is_never_visited(playground):
    playground.set_values(28, 28, 5, 5, "valid", 3)  # windows at 0, 3, …, 21 reach row 25
    assert playground.output_shape == (8, 8)
    assert "⌊(28 + 0 − 5)/3⌋ + 1 = ⌊7.667…⌋ + 1 = 8" in playground.formula_text
    assert ("23 is not divisible by 3: Keras floors 23/3 to 7, so input rows and columns 26–27 are never covered"
            " by any filter position") in playground.formula_text
    kinds = playground.picture._kinds
    assert (kinds[26:] == UNVISITED).all() and (kinds[:26, :26] != UNVISITED).all()


def test_same_padding_says_what_p_is(playground):
    playground.load_example(_example(playground, "'same'"))  # 6×6, F 3, S 2
    assert playground.output_shape == (3, 3)
    assert "P = 0.5 (0 top/left, 1 bottom/right)" in playground.formula_text
    assert "TensorFlow puts the odd padding row at the bottom and the odd column on the right" in playground.formula_text
    kinds = playground.picture._kinds
    assert kinds.shape == (7, 7) and (kinds[6] == PADDING).all() and (kinds[0, :6] != PADDING).all()


def test_an_impossible_setting_says_why_and_recovers(playground):
    playground.play.setChecked(True)
    playground.set_values(5, 5, 7, 7, "valid", 1)
    assert playground.output_shape is None
    assert playground.error == "a filter of size 7 does not fit the 5-wide input"
    assert playground.error in playground.formula_text and "#e53935" in playground.result.text()
    assert playground.picture.misfit is not None and playground.picture.misfit.padded_shape == (5, 5)
    assert not playground.play.isChecked() and not playground.forward.isEnabled() and not playground.slider.isEnabled()
    playground.step(1)
    playground.set_position(1, 1)  # nothing to step through: ignored, no exception
    for text, reason in (("-2", "cannot be negative"), ("two", "padding must be a whole number"),
                         ("40", "padding up to 16")):
        playground.padding_box.setCurrentText(text)
        assert reason in playground.error and playground.picture.misfit is None
    playground.padding_box.setCurrentText("1")
    assert playground.output_shape == (1, 1) and playground.error is None
    assert playground.forward.isEnabled() and playground.picture.grid is playground.grid


def test_set_values_refuses_numbers_the_boxes_cannot_hold(playground):
    with pytest.raises(ValueError, match="H = 100"):
        playground.set_values(100, 28, 3, 3, "valid", 1)
    assert playground.output_shape == (26, 26)  # unchanged


def test_stepping_the_filter_across(qtbot, playground):
    playground.load_example(1)  # 7×7, F 3, S 2 → 3×3
    for _ in range(8):
        qtbot.mouseClick(playground.forward, Qt.MouseButton.LeftButton)
    assert playground.position == (2, 2) and playground.slider.value() == 8
    assert playground.grid.window(*playground.position) == (4, 4, 7, 7)
    assert playground.position_label.text() == "output (2, 2) ← the window on input rows 4–6, columns 4–6"
    assert playground.count_label.text() == "position 9 of 9"
    qtbot.mouseClick(playground.forward, Qt.MouseButton.LeftButton)
    assert playground.position == (0, 0)  # wraps round
    qtbot.mouseClick(playground.back, Qt.MouseButton.LeftButton)
    assert playground.position == (2, 2)
    playground.slider.setValue(5)
    assert playground.position == (1, 2)
    playground.play.setChecked(True)
    qtbot.waitUntil(lambda: playground.position != (1, 2), timeout=3000)
    playground.play.setChecked(False)
    assert playground.play.text() == "Play" and not playground.timer.isActive()


def test_the_last_position_of_a_padded_input_shows_the_padding(playground):
    playground.load_example(0)  # 4×4, F 3, P 1 → 4×4
    playground.step(-1)  # from the first position back round to the last
    assert playground.position == (3, 3) and playground.grid.window(3, 3) == (3, 3, 6, 6)
    assert playground.position_label.text() == (
        "output (3, 3) ← the window on input rows 2–3, columns 2–3 and padding (padded rows 3–5, columns 3–5)")


def test_the_picture_shows_the_window_and_the_output_cell(qtbot, playground):
    playground.load_example(0)
    playground.set_position(1, 2)
    picture = playground.picture
    cell, origin, out = picture._geometry()
    image = picture.grab().toImage()
    ratio = image.devicePixelRatio()

    def colour(x: float, y: float) -> QColor:
        return image.pixelColor(int(x * ratio), int(y * ratio))

    assert colour(out.x() + 2.5 * cell, out.y() + 1.5 * cell) == QColor(HIGHLIGHT)  # the output cell (1, 2)
    assert colour(out.x() + 0.5 * cell, out.y() + 0.5 * cell) != QColor(HIGHLIGHT)
    top, left = 1 * cell, 2 * cell  # the window's top-left corner in the padded grid: row 1, column 2
    assert colour(origin.x() + left, origin.y() + top + cell / 2) == QColor(HIGHLIGHT)  # its outline


def test_hovering_and_clicking_an_output_cell_move_the_window_there(qtbot, playground):
    playground.load_example(0)  # 4×4 output
    picture = playground.picture
    cell, _, out = picture._geometry()

    def at(r: int, c: int) -> QPoint:
        return QPoint(int(out.x() + (c + 0.5) * cell), int(out.y() + (r + 0.5) * cell))

    qtbot.mouseMove(picture, at(1, 2))
    qtbot.waitUntil(lambda: playground.position == (1, 2))
    qtbot.mouseClick(picture, Qt.MouseButton.LeftButton, pos=at(3, 0))
    assert playground.position == (3, 0)
    assert picture.output_cell_at(QPointF(out.x() - 5, out.y() + 5)) is None


def _keras_shape(h, w, fh, fw, padding, stride):
    from guiapp.core.model.backend import keras

    k = keras()
    shape = (1, h, w, 1)
    if isinstance(padding, int):
        shape = k.layers.ZeroPadding2D(padding).compute_output_shape(shape)
        padding = "valid"
    out = k.layers.Conv2D(1, (fh, fw), strides=stride, padding=padding).compute_output_shape(shape)
    return tuple(out[1:3])


def test_generated_settings_agree_with_keras(playground):
    rng = np.random.default_rng(11)
    checked = impossible = 0
    for _ in range(200):
        h, w = (int(v) for v in rng.integers(1, 40, 2))
        fh, fw = (int(v) for v in rng.integers(1, 8, 2))
        padding = [0, 1, 2, 3, "valid", "same"][int(rng.integers(6))]
        stride = int(rng.integers(1, 5))
        playground.set_values(h, w, fh, fw, padding, stride)
        pad = 0 if padding == "valid" else padding
        if padding != "same" and (fh > h + 2 * pad or fw > w + 2 * pad):
            assert playground.output_shape is None and "does not fit" in playground.formula_text
            impossible += 1
            continue
        assert playground.output_shape == _keras_shape(h, w, fh, fw, padding, stride), (h, w, fh, fw, padding, stride)
        checked += 1
    assert checked > 150 and impossible > 0
