"""canvas_column: the canvas square and as large as the room left by the others' minimums, the input and the
probabilities below it, none overlapping; too short a column scrolls; a hidden panel gives its room."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QWidget

from guiapp.ui.live.canvas import MIN_SIDE, DrawingCanvas
from guiapp.ui.live.canvas_column import CanvasColumn
from guiapp.ui.live.input_view import NetworkInputView
from guiapp.ui.live.probabilities import ProbabilityView


@pytest.fixture()
def column(qtbot):
    made = CanvasColumn(DrawingCanvas(), NetworkInputView(), ProbabilityView())
    qtbot.addWidget(made)
    made.show()
    return made


def _panels(column: CanvasColumn) -> list[QWidget]:
    layout = column.column_layout
    return [layout.canvas, *layout.others]


def _laid_out(qtbot, column: CanvasColumn, width: int, height: int) -> list[QRect]:
    column.resize(width, height)
    qtbot.waitUntil(lambda: column.viewport().size().height() > 0)
    qtbot.wait(20)
    return [panel.geometry() for panel in _panels(column) if panel.isVisible()]


@pytest.mark.parametrize("width, height", [(330, 600), (420, 960), (330, 460)])
def test_panels_stack_without_overlap_and_the_canvas_is_square(qtbot, column, width, height):
    canvas, picture, chart = _laid_out(qtbot, column, width, height)
    assert canvas.width() == canvas.height() >= MIN_SIDE
    assert canvas.bottom() < picture.top() and picture.bottom() < chart.top()
    assert chart.bottom() < column.body.height()
    view = column.column_layout.others[0]
    assert view.title.height() >= view.title.heightForWidth(view.title.width())  # the caption reads whole


def test_the_canvas_grows_with_the_column(qtbot, column):
    small = _laid_out(qtbot, column, 330, 600)[0]
    large = _laid_out(qtbot, column, 460, 1000)[0]
    assert large.width() > small.width() > MIN_SIDE


def test_a_column_shorter_than_its_panels_scrolls(qtbot, column):
    _laid_out(qtbot, column, 260, 250)
    assert column.verticalScrollBar().maximum() > 0
    assert column.body.height() >= column.body.minimumSizeHint().height()


def test_hidden_panels_give_the_canvas_their_room(qtbot, column):
    before = _laid_out(qtbot, column, 400, 560)[0]
    for panel in column.column_layout.others:
        panel.hide()
    column.column_layout.invalidate()
    (after,) = _laid_out(qtbot, column, 400, 560)
    assert after.width() > before.width()


@pytest.mark.parametrize("width, height", [(330, 600), (420, 960)])
def test_the_canvas_does_not_jump_when_the_first_answer_appears(qtbot, column, width, height):
    """The big digit (64 px) replaces the '–' placeholder: the column's layout must not move the canvas
    under the pen on the first stroke (seen under Xvfb: 298 → 280 px, 9 px to the right)."""
    from types import SimpleNamespace

    import numpy as np

    before = _laid_out(qtbot, column, width, height)[0]
    probabilities = np.full(10, 0.01, np.float32)
    probabilities[7] = 0.91
    image = np.zeros((28, 28), np.float32)
    image[10:18, 12:16] = 1.0
    column.column_layout.others[1].show_result(SimpleNamespace(probabilities=probabilities, image=image))
    after = _laid_out(qtbot, column, width, height)[0]
    assert after == before
