"""Hover units in the window: the numbers shown are the network's, they add up, and they follow the drawing."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication

from tests.core.explain.test_trace import TOL, numpy_forward
from tests.ui.conftest import draw, line, wait_settled


def _viewport_pos(panel, unit):
    return panel.plot.mapFromScene(panel.scene_pos_of(unit))


def hover(qtbot, window, layer, unit):
    """Move the pointer over ``unit``; the window is made large enough that one unit spans whole pixels."""
    if window.width() < 1500:
        window.resize(1600, 1000)
        qtbot.wait(50)
    panel = window.feature_maps.panels[layer]
    window.feature_maps.ensureWidgetVisible(panel)
    qtbot.wait(10)
    qtbot.mouseMove(panel.plot.viewport(), _viewport_pos(panel, unit))
    qtbot.waitUntil(lambda: window.trace_view.trace is not None and window.trace_view.trace.index == unit)
    return window.trace_view.trace


def leave(window, layer):
    viewport = window.feature_maps.panels[layer].plot.viewport()
    QApplication.sendEvent(viewport, QEvent(QEvent.Type.Leave))


def shown_text(window) -> str:
    return window.trace_view.html


@pytest.fixture()
def seven(qtbot, window):
    window.load_sample(0)  # the test set's first digit, a 7
    wait_settled(qtbot, window)
    return window, numpy_forward(window.last_result.image, window.inspector.weights)


def test_hovering_a_conv1_unit_shows_its_window_kernel_products_and_sum(qtbot, seven):
    window, ref = seven
    unit = (10, 12, 3)
    trace = hover(qtbot, window, "conv2d", unit)
    d = trace.detail
    image = window.last_result.image
    np.testing.assert_allclose(d.window[:, :, 0], image[10:13, 12:15])
    kernel = window.inspector.weights["conv2d"].kernel[:, :, 0, 3]
    np.testing.assert_allclose(d.products[:, :, 0], image[10:13, 12:15] * kernel, **TOL)
    np.testing.assert_allclose(d.products.sum() + d.bias, d.pre_activation)
    np.testing.assert_allclose(d.value, ref["conv2d"][unit], **TOL)
    text = shown_text(window)
    for number in (f"{d.total:+.4f}", f"{d.bias:+.4f}", f"{d.pre_activation:+.4f}", f"{d.value:.4f}",
                   f"{kernel[0, 0]:+.3f}", f"{d.products[1, 1, 0]:+.4f}"):
        assert number in text
    assert "3×3 input pixels (rows 10–12, columns 12–14)" in text
    # the receptive field is outlined on the 28×28 input and on the canvas
    assert window.input_view.fields[0][0].size == (3, 3)
    (rect, _), = window.canvas.outlines
    assert 0 <= rect.left() < rect.right() <= 280 and 0 <= rect.top() < rect.bottom() <= 280
    assert rect.width() == pytest.approx(3 / window.last_update.placement.scale_x)


def test_hovering_conv2_pool_and_dense_units(qtbot, seven):
    window, ref = seven
    y, x, c = (int(v) for v in np.argwhere(ref["conv2d_1"] > 0.5)[0])
    d = hover(qtbot, window, "conv2d_1", (y, x, c)).detail
    expected = (ref["conv2d"][y:y + 3, x:x + 3] * window.inspector.weights["conv2d_1"].kernel[:, :, :, c]).sum((0, 1))
    np.testing.assert_allclose(d.channel_sums, expected, **TOL)
    np.testing.assert_allclose(d.value, ref["conv2d_1"][y, x, c], **TOL)
    assert f"{d.channel_sums.sum():+.4f}" in shown_text(window)
    assert window.input_view.fields[0][0].size == (5, 5)

    py, px, pc = (int(v) for v in np.argwhere(ref["max_pooling2d"] > 0.5)[0])
    pool = hover(qtbot, window, "max_pooling2d", (py, px, pc))
    np.testing.assert_allclose(pool.detail.value, ref["max_pooling2d"][py, px, pc], **TOL)
    assert pool.detail.winner == np.unravel_index(np.argmax(ref["conv2d_1"][2 * py:2 * py + 2, 2 * px:2 * px + 2, pc]),
                                                  (2, 2))
    assert window.input_view.fields[0][0].size == (6, 6)
    assert f"{pool.detail.value:.4f}" in shown_text(window)

    unit = int(np.argmax(ref["dense"]))
    pool_box = window.feature_maps.panels["max_pooling2d"].image.getViewBox()
    range_before = pool_box.viewRange()
    dense = hover(qtbot, window, "dense", (unit,)).detail
    np.testing.assert_allclose(dense.value, ref["dense"][unit], **TOL)
    np.testing.assert_allclose(sum(c.product for c in dense.top) + dense.rest + dense.bias, dense.pre_activation)
    text = shown_text(window)
    assert f"{dense.pre_activation:+.4f}" in text and "max_pooling2d map" in text
    # the largest terms are outlined where they sit: in the max-pool maps and on the input
    marked = window.feature_maps.panels["max_pooling2d"]._marks
    assert sum(item.isVisible() for item in marked) == len(dense.top)
    assert pool_box.viewRange() == range_before  # marks never move the image under the pointer
    assert len(window.input_view.fields) == len(dense.top)  # a dense unit sees everything; its top inputs are outlined

    softmax = hover(qtbot, window, "dense_1", (7,)).detail
    np.testing.assert_allclose(softmax.value, ref["dense_1"][7], **TOL)
    assert "softmax" in shown_text(window)


def test_a_pinned_unit_follows_the_drawing_and_hover_returns_to_it(qtbot, window):
    window.canvas.clear()
    draw(qtbot, window.canvas, line((140, 40), (140, 240), 16))
    wait_settled(qtbot, window)
    window.resize(1600, 1000)
    qtbot.wait(50)
    panel = window.feature_maps.panels["conv2d"]
    unit = (12, 13, 0)
    pos = _viewport_pos(panel, unit)
    qtbot.mouseMove(panel.plot.viewport(), pos)
    # a real click through pyqtgraph's scene pins the unit and opens the trace tab
    qtbot.mousePress(panel.plot.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseRelease(panel.plot.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.waitUntil(lambda: window.trace_view.pinned == ("conv2d", unit))
    assert window.tabs.currentWidget() is window.trace_view
    before = window.trace_view.trace.value
    leave(window, "conv2d")
    assert window.trace_view.hovering is None and window.trace_view.trace.index == unit

    draw(qtbot, window.canvas, line((60, 140), (220, 140), 16))  # a cross: the unit's window changes
    wait_settled(qtbot, window)
    trace = window.trace_view.trace
    assert trace.layer == "conv2d" and trace.index == unit
    ref = numpy_forward(window.last_result.image, window.inspector.weights)
    np.testing.assert_allclose(trace.value, ref["conv2d"][unit], **TOL)
    np.testing.assert_allclose(trace.shown, window.last_result.layer("conv2d").activation[unit], **TOL)
    assert trace.value != pytest.approx(before)
    # the tab on screen catches up with the newest numbers (its text is re-laid out at most every 60 ms)
    qtbot.waitUntil(lambda: f"{window.trace_view.trace.value:.4f}" in window.trace_view.rendered_text())


def test_clearing_the_canvas_removes_canvas_outlines(qtbot, seven):
    window, _ = seven
    hover(qtbot, window, "conv2d", (5, 5, 0))
    assert window.canvas.outlines
    window.canvas.clear()
    wait_settled(qtbot, window)
    assert window.canvas.outlines == []  # a blank canvas has no placement to map the field onto
    assert window.input_view.fields  # the 28×28 input still shows where the unit looks
