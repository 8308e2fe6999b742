"""conv_grid_picture: the padded input drawn cell by cell (padding grey, input light, never covered red), the
filter's window and its output cell in the accent colour, an impossible setting drawn or said; hovering or
clicking an output cell picks it. (The playground around it: test_playground.py.)"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor

from guiapp.core.arithmetic.conv_grid import (
    INPUT,
    PADDING,
    UNVISITED,
    conv_grid,
    misfit,
)
from guiapp.ui.playground.conv_grid_picture import (
    ACCENT,
    BACKGROUND,
    CELL_RGB,
    OUTPUT_FILL,
    GridPicture,
    _ticks,
)


@pytest.fixture()
def picture(qtbot):
    widget = GridPicture()
    qtbot.addWidget(widget)
    widget.resize(640, 360)
    widget.show()
    return widget


def _colour_at(picture: GridPicture, x: float, y: float) -> QColor:
    image = picture.grab().toImage()
    ratio = image.devicePixelRatio()
    return image.pixelColor(int(x * ratio), int(y * ratio))


def _cell(kind: int) -> QColor:
    return QColor(*(int(v) for v in CELL_RGB[kind]))


def test_tick_labels_keep_their_distance_and_end_on_the_last_index():
    assert _ticks(28, 10.0, 20.0) == [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 27]  # 26 too close to 27
    assert _ticks(6, 30.0, 20.0) == [0, 1, 2, 3, 4, 5]  # room for every one
    assert _ticks(11, 4.0, 20.0) == [0, 5, 10]
    assert _ticks(1, 30.0, 20.0) == [0]


def test_padding_input_and_the_window_are_drawn_where_the_geometry_says(picture):
    grid = conv_grid(4, 4, 3, 3, padding=1)  # padded to 6×6, output 4×4
    picture.set_grid(grid, (1, 2))
    assert picture.grid is grid and picture.position == (1, 2)
    assert picture._kinds.shape == (6, 6) and picture._kinds[0, 0] == PADDING and picture._kinds[1, 1] == INPUT
    cell, origin, out = picture._geometry()
    assert out.x() > origin.x() + 6 * cell  # the output sits right of the padded input

    def at(r: float, c: float, corner: QPointF = origin) -> QColor:
        return _colour_at(picture, corner.x() + c * cell, corner.y() + r * cell)

    assert at(0.5, 0.5) == _cell(PADDING)  # a padding cell outside the window (rows 1–3, columns 2–4)
    assert at(4.3, 1.3) == _cell(INPUT)
    assert at(1.5, 2.5, out) == ACCENT  # the output cell (1, 2)
    assert at(3.5, 0.5, out) == OUTPUT_FILL
    window = at(2.5, 2.0)  # the window's left edge, in the padded grid (row 1 + …, column 2)
    assert window == ACCENT


def test_input_never_covered_is_hatched_red(picture):
    grid = conv_grid(5, 5, 2, 2, stride=2)  # windows at 0–1 and 2–3: row and column 4 never covered
    picture.set_grid(grid, (0, 0))
    assert grid.unvisited_rows() == [4] and picture._kinds[4, 0] == UNVISITED
    cell, origin, _ = picture._geometry()
    found = _colour_at(picture, origin.x() + 0.5 * cell, origin.y() + 4.5 * cell)
    assert found.red() > found.green() + 40  # red (the cell's colour, or its hatching)


def test_a_filter_larger_than_the_input_is_drawn_overhanging_it_and_no_cell_can_be_picked(picture):
    found = misfit(3, 3, 5, 5, 0)
    picture.set_impossible(found, "the 5×5 filter does not fit")
    assert picture.grid is None and picture._kinds.shape == (3, 3)
    assert picture._extent() == ((5, 5), (0, 0))  # the filter's size: it overhangs
    assert picture.output_cell_at(QPointF(300, 150)) is None
    cell, origin, _ = picture._geometry()
    tinted = _colour_at(picture, origin.x() + 1.5 * cell, origin.y() + 1.5 * cell)  # an input cell under the filter
    assert tinted.red() > tinted.green() + 20 and tinted.green() > 100  # light grey, tinted red
    picture.set_impossible(None, "padding must be a number")  # nothing to draw: the reason alone
    assert picture._kinds is None and picture.message == "padding must be a number"
    assert _colour_at(picture, 5, 5) == BACKGROUND


def test_hovering_or_clicking_an_output_cell_picks_it(qtbot, picture):
    picture.set_grid(conv_grid(4, 4, 3, 3, padding=1), (0, 0))
    cell, origin, out = picture._geometry()

    def centre(r: int, c: int) -> QPoint:
        return QPoint(int(out.x() + (c + 0.5) * cell), int(out.y() + (r + 0.5) * cell))

    assert picture.output_cell_at(QPointF(centre(2, 3))) == (2, 3)
    assert picture.output_cell_at(QPointF(out.x() + 4.5 * cell, out.y() + cell)) is None  # right of the output
    assert picture.output_cell_at(QPointF(origin.x() + cell, origin.y() + cell)) is None  # on the input
    with qtbot.waitSignal(picture.positionPicked) as picked:
        qtbot.mouseClick(picture, Qt.MouseButton.LeftButton, pos=centre(3, 1))
    assert picked.args == [3, 1]
    with qtbot.waitSignal(picture.positionPicked) as hovered:
        qtbot.mouseMove(picture, centre(2, 2))
    assert hovered.args == [2, 2]
    with qtbot.assertNotEmitted(picture.positionPicked, wait=50):
        qtbot.mouseMove(picture, centre(0, 0))  # the position it shows (the playground moves it): nothing new
