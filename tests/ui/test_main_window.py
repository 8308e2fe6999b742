"""The live inspector, driven with real mouse events on the offscreen platform."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from guiapp.core.drawing.preprocess import drawing_to_network_input
from guiapp.core.drawing.strokes import rasterize
from guiapp.core.live.mosaic import grid_for
from guiapp.ui.explorer.feature import ExplorerFeature
from guiapp.ui.playground.feature import PlaygroundFeature
from tests.ui.conftest import MODEL_TIMEOUT_MS, draw, line, wait_settled

VERTICAL_BAR = line((140, 45), (140, 235), 20)


def test_a_vertical_bar_is_a_one_and_every_panel_follows(qtbot, window):
    draw(qtbot, window.canvas, VERTICAL_BAR)
    wait_settled(qtbot, window)
    result = window.last_result
    assert result.predicted == 1
    assert window.probabilities.top_text == "1"
    np.testing.assert_array_equal(window.probabilities.probabilities, result.probabilities)
    assert result.probabilities.shape == (10,) and result.probabilities.sum() == pytest.approx(1, abs=1e-5)
    assert window.input_view.image.shape == (28, 28) and window.input_view.image.max() > 0.9
    panels = window.feature_maps.panels
    for panel in panels.values():  # panels out of sight are updated when they scroll in
        window.feature_maps.ensureWidgetVisible(panel)
        qtbot.wait(1)
    assert panels["conv2d"].image_data.shape == grid_for(32, 26, 26, cols=8).shape == (107, 215)
    assert panels["conv2d_1"].image_data.shape == grid_for(64, 24, 24, cols=8).shape
    assert panels["max_pooling2d"].image_data.shape == grid_for(64, 12, 12, cols=8).shape
    assert panels["dropout"].plot is None and "identity at inference" in panels["dropout"].heading.text()
    assert panels["flatten"].image_data.shape == (72, 128)
    assert panels["dense"].image_data.shape == (1, 128)
    assert panels["dense_1"].image_data.shape == (1, 10)
    np.testing.assert_allclose(np.nanmax(panels["conv2d"].image_data), result.layer("conv2d").activation.max())


def test_panels_out_of_sight_wait_and_catch_up_when_scrolled_in(qtbot, window):
    maps, panels = window.feature_maps, window.feature_maps.panels
    maps.verticalScrollBar().setValue(0)
    draw(qtbot, window.canvas, VERTICAL_BAR)
    wait_settled(qtbot, window)
    result = window.last_result
    first, last = panels["conv2d"], panels["dense_1"]
    assert first.on_screen() and not last.on_screen()
    np.testing.assert_allclose(np.nanmax(first.image_data), result.layer("conv2d").activation.max())
    assert last.image_data is None  # never shown yet: nothing was computed for it
    maps.ensureWidgetVisible(last)
    qtbot.waitUntil(last.on_screen)
    np.testing.assert_allclose(last.image_data[0], result.layer("dense_1").activation, rtol=1e-6)
    # The pixels are the colour-mapped values, drawn in the worker thread.
    picture = window.last_update.pictures["dense_1"]
    np.testing.assert_array_equal(last.image.image, picture.rgba)
    assert picture.rgba.shape == (1, 10, 4) and picture.rgba.dtype == np.uint8


def test_updates_arrive_while_the_stroke_is_still_being_drawn(qtbot, window):
    canvas = window.canvas
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=QPoint(140, 45))
    for x, y in VERTICAL_BAR[1:12]:
        qtbot.mouseMove(canvas, QPoint(int(x), int(y)))
    qtbot.waitUntil(lambda: bool(window.last_update is not None and window.last_update.drawing.strokes
                                 and canvas._current is not None), timeout=MODEL_TIMEOUT_MS)
    assert canvas.undo_stack.count() == 0  # the stroke is not finished, yet it was computed
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=QPoint(140, 160))
    wait_settled(qtbot, window)
    assert canvas.undo_stack.count() == 1 and len(window.last_update.drawing.strokes) == 1


@pytest.mark.parametrize("index", [0, 1, 2, 3, 4])
def test_an_mnist_sample_is_recognised_as_its_label(qtbot, window, index):
    window.load_sample(index)
    wait_settled(qtbot, window)
    assert window.last_result.predicted == int(window.samples.labels[index])


def test_undo_restores_the_previous_prediction_and_redo_the_next(qtbot, window):
    draw(qtbot, window.canvas, VERTICAL_BAR)
    wait_settled(qtbot, window)
    one = window.last_result.probabilities.copy()
    draw(qtbot, window.canvas, line((60, 50), (140, 50), 10))  # a bar across the top: no longer a 1
    wait_settled(qtbot, window)
    changed = window.last_result.probabilities.copy()
    assert not np.allclose(changed, one)
    window.menus.undo.trigger()
    wait_settled(qtbot, window)
    np.testing.assert_allclose(window.last_result.probabilities, one, atol=1e-6)
    assert window.last_result.predicted == 1
    window.menus.redo.trigger()
    wait_settled(qtbot, window)
    np.testing.assert_allclose(window.last_result.probabilities, changed, atol=1e-6)


def test_clearing_resets_everything(qtbot, window):
    window.load_sample(0)
    wait_settled(qtbot, window)
    window.menus.clear.trigger()
    wait_settled(qtbot, window)
    assert window.canvas.drawing.is_blank
    assert window.last_result.image.sum() == 0 and window.input_view.image.sum() == 0
    assert window.probabilities.top_text == "–"  # no digit claimed for an empty canvas
    assert np.nanmax(window.feature_maps.panels["conv2d"].image_data) == pytest.approx(
        window.last_result.layer("conv2d").activation.max()
    )
    window.menus.undo.trigger()  # clearing is undoable too
    wait_settled(qtbot, window)
    assert window.last_result.predicted == 7


def test_keyboard_shortcuts(qtbot, window):
    canvas = window.canvas
    width = canvas.pen_width()
    qtbot.keyClick(canvas, Qt.Key.Key_BracketRight)
    assert canvas.pen_width() == width + 2
    qtbot.keyClick(canvas, Qt.Key.Key_BracketLeft)
    qtbot.keyClick(canvas, Qt.Key.Key_BracketLeft)
    assert canvas.pen_width() == width - 2
    assert window.menus.pen_slider.value() == round(width - 2)
    draw(qtbot, canvas, VERTICAL_BAR)
    qtbot.keyClick(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert canvas.drawing.is_blank
    qtbot.keyClick(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert len(canvas.drawing.strokes) == 1
    qtbot.keyClick(canvas, Qt.Key.Key_Delete)
    assert canvas.drawing.is_blank
    qtbot.keyClick(canvas, Qt.Key.Key_N)
    assert window.sample_index == 0 and canvas.drawing.background is not None
    qtbot.keyClick(canvas, Qt.Key.Key_E)
    assert canvas.eraser()


def test_the_right_button_erases(qtbot, window):
    window.load_sample(0)
    wait_settled(qtbot, window)
    ink_before = rasterize(window.canvas.drawing).sum()
    draw(qtbot, window.canvas, line((20, 85), (260, 85), 15), button=Qt.MouseButton.RightButton)
    wait_settled(qtbot, window)
    stroke = window.canvas.drawing.strokes[-1]
    assert stroke.erase and rasterize(window.canvas.drawing).sum() < ink_before - 100
    np.testing.assert_array_equal(window.last_result.image, drawing_to_network_input(window.canvas.drawing))


def test_clicking_a_map_shows_it_with_its_kernel(qtbot, window):
    window.load_sample(0)
    wait_settled(qtbot, window)
    window.state.select_map("conv2d_1", 5)
    detail = window.map_detail
    assert (detail.layer, detail.index) == ("conv2d_1", 5)
    assert detail.map_image.image is None  # its tab is hidden: nothing is drawn for it yet
    window.tabs.setCurrentWidget(detail)
    expected = window.last_result.layer("conv2d_1").activation[:, :, 5]
    np.testing.assert_array_equal(detail.map_image.image, expected)
    assert detail.kernel_image.image.shape == grid_for(32, 3, 3, cols=8).shape
    assert window.ledger_view.selected_layer() == "conv2d_1"
    assert window.kernel_view.panels["conv2d_1"].selected == 5


def test_a_click_on_the_mosaic_finds_the_map_under_the_pointer(qtbot, window):
    window.load_sample(0)
    wait_settled(qtbot, window)
    panel = window.feature_maps.panels["conv2d"]
    y, x = panel.grid.origin(11)
    scene_point = panel.image.mapToScene(QPointF(x + 10, y + 10))
    assert panel.index_at_scene(scene_point) == 11


def test_selecting_a_ledger_row_highlights_its_panel(qtbot, window):
    window.ledger_view.select_layer("dense")
    assert "border" in window.feature_maps.panels["dense"].styleSheet()
    assert window.feature_maps.panels["conv2d"].styleSheet() == ""


def test_per_map_colour_scale(qtbot, window):
    window.load_sample(0)
    wait_settled(qtbot, window)
    window.menus.per_map.trigger()
    data = window.feature_maps.panels["conv2d_1"].image_data
    assert np.nanmin(data) == 0.0 and np.nanmax(data) == pytest.approx(1.0)


def test_kernels_of_both_convolutions(window):
    panels = window.kernel_view.panels
    assert set(panels) == {"conv2d", "conv2d_1"}
    assert panels["conv2d"].all_image.image.shape == grid_for(32, 3, 3, cols=8).shape
    assert panels["conv2d_1"].all_image.image.shape == (32 * 4 - 1, 64 * 4 - 1)
    panels["conv2d_1"].select_filter(7)
    kernel = window.inspector.weights["conv2d_1"].kernel[:, :, :, 7]
    np.testing.assert_array_equal(panels["conv2d_1"].detail_image.image[:3, :3], kernel[:, :, 0])
    assert f"{window.inspector.weights['conv2d_1'].bias[7]:+.4f}" in panels["conv2d_1"].bias_label.text()


def test_the_playground_and_explorer_pages_and_their_keys(qtbot, window):
    from PySide6.QtCore import Qt

    assert not window.feature(PlaygroundFeature).page.built and not window.feature(ExplorerFeature).page.built
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.pages.currentWidget().content() is window.playground
    assert window.playground.output_shape == (26, 26)
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.pages.currentWidget().content() is window.explorer
    window.explorer.set_layer_setting(1, "filters", 63)
    strokes_before = len(window.canvas.drawing.strokes)
    window.explorer.layer_list.setFocus()
    qtbot.keyClick(window.explorer.layer_list, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.explorer.ledger.row("conv2d_1").params == 18_496  # the explorer's undo, not the canvas'
    assert len(window.canvas.drawing.strokes) == strokes_before
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.pages.currentWidget() is window.splitter
    assert window.menus.undo.shortcuts()  # the drawing's keys are back
