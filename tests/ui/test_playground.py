"""The conv-arithmetic playground: the seed's examples, flooring, errors, and Keras' own shapes."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from guiapp.ui.playground import ConvPlayground


@pytest.fixture()
def playground(qtbot):
    widget = ConvPlayground()
    qtbot.addWidget(widget)
    widget.resize(900, 640)
    widget.show()
    return widget


def test_starts_on_mnist_conv1(playground):
    assert playground.output_shape == (26, 26)
    assert "(28 + 0 − 3)/1 + 1 = 26" in playground.formula_text


@pytest.mark.parametrize("index, shape, numbers", [
    (0, (4, 4), "(4 + 2 − 3)/1 + 1 = 4"),
    (1, (3, 3), "(7 + 0 − 3)/2 + 1 = 3"),
    (2, (10, 11), "(31 + 4 − 5)/3 + 1 = 11"),
])
def test_the_seed_examples_are_one_click_away(qtbot, playground, index, shape, numbers):
    playground.example_box.activated.emit(index + 1)  # what choosing the entry does
    assert playground.output_shape == shape
    assert numbers in playground.formula_text


def test_typing_settings_updates_at_once(qtbot, playground):
    playground.padding_box.setCurrentText("same")
    playground.stride_spin.setValue(2)
    assert playground.output_shape == (14, 14)
    assert "P = 0.5 (0 top/left, 1 bottom/right)" in playground.formula_text
    playground.square.setChecked(False)
    playground.fw_spin.setValue(5)
    playground.padding_box.setCurrentText("0")
    assert playground.output_shape == (13, 12)


def test_a_floored_setting_names_what_is_never_visited(playground):
    playground.set_values(28, 28, 5, 5, 0, 2)
    assert playground.output_shape == (12, 12)
    assert "⌊11.5⌋ + 1 = 12" in playground.formula_text
    assert "input row 27 never covered" in playground.formula_text


def test_an_impossible_setting_says_why_and_recovers(playground):
    playground.set_values(5, 5, 7, 7, "valid", 1)
    assert playground.output_shape is None
    assert "a filter of size 7 does not fit the 5-wide input" in playground.formula_text
    playground.padding_box.setCurrentText("-2")
    assert "cannot be negative" in playground.formula_text
    playground.padding_box.setCurrentText("1")
    assert playground.output_shape == (1, 1) and playground.error is None


def test_stepping_the_filter_across(qtbot, playground):
    playground.load_example(1)  # 7×7, F 3, S 2 → 3×3
    playground.set_position(0, 0)
    for _ in range(8):
        qtbot.mouseClick(playground.forward, Qt.MouseButton.LeftButton)
    assert playground.position == (2, 2)
    assert playground.grid.window(*playground.position) == (4, 4, 7, 7)
    assert "padded rows 4–6, columns 4–6" in playground.position_label.text()
    qtbot.mouseClick(playground.forward, Qt.MouseButton.LeftButton)
    assert playground.position == (0, 0)  # wraps round
    playground.play.setChecked(True)
    qtbot.waitUntil(lambda: playground.position != (0, 0), timeout=3000)
    playground.play.setChecked(False)


def test_hovering_an_output_cell_moves_the_window_there(qtbot, playground):
    playground.load_example(0)  # 4×4 output
    picture = playground.picture
    cell, _, origin = picture._layout()
    target = QPointF(origin.x() + 2.5 * cell, origin.y() + 1.5 * cell)
    qtbot.mouseMove(picture, QPoint(int(target.x()), int(target.y())))
    qtbot.waitUntil(lambda: playground.position == (1, 2))


def _keras_shape(h, w, fh, fw, padding, stride):
    from guiapp.core.backend import keras

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
        padded_h = h + 2 * padding if isinstance(padding, int) else h
        padded_w = w + 2 * padding if isinstance(padding, int) else w
        if padding != "same" and (fh > padded_h or fw > padded_w):
            assert playground.output_shape is None and "does not fit" in playground.formula_text
            impossible += 1
            continue
        assert playground.output_shape == _keras_shape(h, w, fh, fw, padding, stride), (h, w, fh, fw, padding, stride)
        checked += 1
    assert checked > 150 and impossible > 0
