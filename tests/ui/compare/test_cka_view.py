"""cka_view: the layer × layer CKA heatmap, its cells, the pair of maps and the drawing's line."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from guiapp.core.compare.cka import CkaMatrix
from guiapp.core.live.layer_picture import SHARED, layer_picture
from guiapp.ui.compare.cka_view import CELL_MAX, NO_VALUE, CkaView, demo, value_text
from guiapp.ui.plotting import ACTIVATION_LUT

ROWS = ("conv2d", "conv2d_1", "flatten", "dense")
COLS = ("conv2d", "max_pooling2d", "dense")


def matrix(values=None, rows=ROWS, cols=COLS, digits=500):
    if values is None:
        values = np.linspace(0, 1, len(rows) * len(cols)).reshape(len(rows), len(cols))
    return CkaMatrix(rows=rows, cols=cols, values=np.asarray(values, float), digits=digits)


@pytest.fixture()
def view(qtbot):
    widget = CkaView()
    qtbot.addWidget(widget)
    widget.resize(900, 420)
    widget.show()
    return widget


def test_the_title_counts_the_digits_and_each_cell_shows_its_value(view):
    values = np.array([[0.97, 0.5, 0.1], [0.8, 0.95, 0.2], [0.3, 0.6, 0.9], [0.05, 0.4, 0.99]])
    view.show_matrix(matrix(values, digits=1234), "mnist_cnn", "mnist_cnn_63")
    assert view.title.text().startswith("Linear CKA over 1,234 test digits (Kornblith et al. 2019): 1 = the same")
    assert view.matrix.rows == ROWS and view.matrix.cols == COLS
    assert [value_text(v) for v in values[0]] == ["0.97", "0.50", "0.10"]
    picture = view.matrix.grab().toImage()
    for r, c in ((0, 0), (3, 2), (1, 2)):
        corner = view.matrix.cell_rect(r, c).toRect().topLeft()
        fill = picture.pixelColor(corner.x() + 2, corner.y() + 2)  # off the printed number
        expected = ACTIVATION_LUT[round(values[r, c] * 255)]
        assert abs(fill.red() - int(expected[0])) <= 2 and abs(fill.green() - int(expected[1])) <= 2


def test_a_click_on_a_cell_emits_both_layer_names_and_outlines_it(qtbot, view):
    view.show_matrix(matrix(), "A", "B")
    centre = view.matrix.cell_rect(2, 1).center().toPoint()
    with qtbot.waitSignal(view.cellChosen) as caught:
        qtbot.mouseClick(view.matrix, Qt.MouseButton.LeftButton, pos=centre)
    assert caught.args == ["flatten", "max_pooling2d"]
    assert view.matrix.selected == (2, 1)
    rect = view.matrix.cell_rect(2, 1)
    edge = view.matrix.grab().toImage().pixelColor(int(rect.left()) - 1, int(rect.center().y()))
    assert edge == QColor("#ffb000")
    with qtbot.assertNotEmitted(view.cellChosen):  # off the matrix: nothing
        qtbot.mouseClick(view.matrix, Qt.MouseButton.LeftButton, pos=view.matrix.rect().bottomRight())


def test_nan_cells_show_a_dash_and_a_single_layer_still_works(qtbot, view):
    assert value_text(float("nan")) == "–" and value_text(1.0) == "1.00"
    values = np.array([[np.nan, 0.5], [0.2, np.nan], [1.0, 0.0], [0.3, 0.3]])
    view.show_matrix(matrix(values, cols=("a", "b")), "A", "B")
    nan_cell = view.matrix.cell_rect(0, 0).toRect().topLeft()
    assert view.matrix.grab().toImage().pixelColor(nan_cell.x() + 2, nan_cell.y() + 2) == NO_VALUE
    view.show_matrix(matrix([[1.0]], rows=("dense",), cols=("dense",), digits=50), "A", "A")
    assert view.matrix.selected is None  # a new shape drops the old choice
    assert view.matrix.cell_rect(0, 0).width() == CELL_MAX
    with qtbot.waitSignal(view.cellChosen) as caught:
        qtbot.mouseClick(view.matrix, Qt.MouseButton.LeftButton, pos=view.matrix.cell_rect(0, 0).center().toPoint())
    assert caught.args == ["dense", "dense"]
    assert "over 50 test digits" in view.title.text()


def test_the_pair_shows_both_pictures_or_says_why_not(view):
    picture = layer_picture(np.random.default_rng(0).random((12, 12, 8)), SHARED, ACTIVATION_LUT).rgba
    view.show_pair("A conv2d (12×12×8)", picture, "B dense: no drawing yet", None)
    assert view.pair_titles[0].text() == "A conv2d (12×12×8)" and view.pair_titles[1].text() == "B dense: no drawing yet"
    assert view.pair_images[0].image.shape == picture.shape
    assert view.pair_images[1].image is None


def test_the_drawings_own_similarity_is_a_line_under_the_matrix(view):
    view.set_drawing_similarity({("conv2d", "conv2d"): 0.934, ("dense", "dense"): float("nan")})
    assert view.drawing.text() == "the drawing: conv2d↔conv2d 0.93 · dense↔dense –"
    assert view.drawing.isVisible()
    view.set_drawing_similarity(None)
    assert not view.drawing.isVisible() and view.drawing.text() == ""


def test_compute_asks_for_the_chosen_digits_and_progress_and_messages_show(qtbot, view):
    assert view.bar.count == 500
    view.bar.digits.setValue(800)
    with qtbot.waitSignal(view.computeRequested) as caught:
        view.bar.button.click()
    assert caught.args == [800]
    view.show_progress(2, 8)
    assert view.bar.progress.isVisible() and view.bar.progress.value() == 2
    view.show_message("A and B read different input sizes")
    assert view.matrix.message == "A and B read different input sizes"  # no matrix yet: said in its place
    assert not view.bar.progress.isVisible()
    view.show_matrix(matrix(), "A", "B")
    view.clear()
    assert view.matrix.rows == () and view.pair_images[0].image is None


def test_the_demo_fills_every_part(qtbot):
    widget = demo()
    qtbot.addWidget(widget)
    assert len(widget.matrix.rows) == 8 and widget.pair_images[0].image is not None and widget.drawing.text()
