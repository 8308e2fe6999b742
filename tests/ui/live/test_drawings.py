"""Drawings as files in the window, the preprocessing steps and their switches."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from guiapp.core.drawing.preprocess import PreprocessOptions, drawing_to_network_input
from guiapp.core.drawing.stroke_file import read_drawings
from guiapp.core.drawing.strokes import rasterize
from tests.ui.conftest import MODEL_TIMEOUT_MS, draw, line, settled, wait_settled

SMALL_SEVEN_IN_A_CORNER = [*line((20, 20), (60, 20), 6), *line((60, 20), (40, 80), 8)[1:]]


def test_the_canvas_and_the_command_line_give_identical_inputs(qtbot, window, tmp_path):
    window.canvas.set_pen_width(14)
    draw(qtbot, window.canvas, line((70, 60), (210, 60), 15))
    draw(qtbot, window.canvas, [(210.4, 60.2), (170.7, 130.3), (131.1, 240.9)])
    wait_settled(qtbot, window)
    path = tmp_path / "seven.json"
    assert window.files.save(path)
    (entry,) = list(read_drawings(path))  # what `guiapp predict --strokes` reads
    assert entry.drawing.strokes == window.canvas.drawing.strokes
    np.testing.assert_array_equal(drawing_to_network_input(entry.drawing), window.last_result.image)  # bit for bit


def test_open_a_drawing_undoably_and_a_broken_file_changes_nothing(qtbot, window, tmp_path):
    draw(qtbot, window.canvas, line((140, 40), (140, 240), 12))
    wait_settled(qtbot, window)
    saved = tmp_path / "one.json"
    window.files.save(saved)
    window.canvas.clear()
    draw(qtbot, window.canvas, line((60, 140), (220, 140), 12))
    before = window.canvas.drawing
    assert window.files.open(saved)
    wait_settled(qtbot, window)
    assert window.last_result.predicted == 1
    window.menus.undo.trigger()
    assert window.canvas.drawing.strokes == before.strokes
    broken = tmp_path / "broken.json"
    broken.write_text('{"strokes": [[[1, NaN]]]}')
    assert not window.files.open(broken)
    assert isinstance(window.files.error_box, QMessageBox) and "nan" in window.files.error_box.text()
    assert window.canvas.drawing.strokes == before.strokes  # nothing lost
    window.files.error_box.close()


def test_export_png(qtbot, window, tmp_path):
    from PIL import Image

    draw(qtbot, window.canvas, line((140, 40), (140, 240), 12))
    path = tmp_path / "canvas.png"
    assert window.files.export(path)
    pixels = np.asarray(Image.open(path))
    np.testing.assert_array_equal(pixels, np.round(rasterize(window.canvas.drawing) * 255).astype(np.uint8))


def test_switching_steps_off_changes_the_input_and_says_what_the_full_recipe_gives(qtbot, window):
    window.canvas.set_pen_width(8)
    draw(qtbot, window.canvas, SMALL_SEVEN_IN_A_CORNER)
    wait_settled(qtbot, window)
    full = window.last_result
    window.tabs.setCurrentWidget(window.preprocess_view)
    view = window.preprocess_view
    assert view.stages.box[0] < 30 and view.stages.box[2] < 30  # the ink's box, top-left
    assert "cropping keeps only that box" in view.explanation.text()
    assert "still recognised" in view.explanation.text()

    view.crop_box.setChecked(False)
    qtbot.waitUntil(lambda: window.last_update.reference is not None)
    update = window.last_update
    assert update.stages.box == (0, 280, 0, 280)
    expected = drawing_to_network_input(window.canvas.drawing, options=PreprocessOptions(crop=False))
    np.testing.assert_array_equal(update.result.image, expected)
    np.testing.assert_array_equal(update.reference.image, full.image)
    np.testing.assert_allclose(update.reference.probabilities, full.probabilities, atol=1e-6)
    assert not np.allclose(update.result.probabilities, full.probabilities, atol=1e-3)
    assert "with every step on it says" in view.comparison.text()
    assert "without crop" in window.input_view.title.text()


    for box in (view.fit_box, view.centre_box):
        box.setChecked(False)
    qtbot.waitUntil(lambda: window.last_update.stages.final.sum() < full.image.sum() / 5)  # tiny, in a corner
    for box in (view.crop_box, view.fit_box, view.centre_box):
        box.setChecked(True)
    qtbot.waitUntil(lambda: window.last_update.reference is None)
    np.testing.assert_array_equal(window.last_result.image, full.image)


def test_the_reference_pass_waits_for_the_pointer_to_rest(qtbot, window):
    draw(qtbot, window.canvas, SMALL_SEVEN_IN_A_CORNER)
    window.tabs.setCurrentWidget(window.preprocess_view)
    window.preprocess_view.crop_box.setChecked(False)
    qtbot.waitUntil(lambda: settled(window) and window.last_update.reference is not None, timeout=MODEL_TIMEOUT_MS)
    shown: list = []
    window.resultShown.connect(shown.append)
    qtbot.mousePress(window.canvas, Qt.MouseButton.LeftButton, pos=window.canvas.to_widget(150, 150))
    for x in range(150, 230, 4):
        qtbot.mouseMove(window.canvas, window.canvas.to_widget(x, 160))
        qtbot.wait(3)
    during = list(shown)  # every update shown while the pen moved
    assert during and all(update.reference is None for update in during)
    qtbot.mouseRelease(window.canvas, Qt.MouseButton.LeftButton, pos=window.canvas.to_widget(226, 160))
    qtbot.waitUntil(lambda: settled(window) and window.last_update.reference is not None, timeout=MODEL_TIMEOUT_MS)
    full = drawing_to_network_input(window.canvas.drawing)
    np.testing.assert_array_equal(window.last_update.reference.image, full)
    window.resultShown.disconnect(shown.append)


@pytest.mark.parametrize("options, expected", [
    (PreprocessOptions(), "MNIST recipe"),
    (PreprocessOptions(False, False, False), "whole canvas downscaled"),
    (PreprocessOptions(True, False, True), "without fit 20×20"),
])
def test_option_labels(options, expected):
    assert options.label == expected
