"""step_grid: the steps stand in one row when the tab is wide, two rows of two or one column when narrow;
the grid never asks for more than one column's width."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QVBoxLayout, QWidget

from guiapp.ui.preprocess.step_grid import MIN_STEP_PX, StepGrid


@pytest.mark.parametrize("width, columns", [(900, 4), (300, 2), (150, 1)])
def test_the_steps_reflow_to_the_width(qtbot, width, columns):
    tab = QWidget()  # as in the Preprocessing tab: laid out in a parent as narrow as the grid allows
    grid = StepGrid(4)
    QVBoxLayout(tab).addWidget(grid)
    qtbot.addWidget(tab)
    tab.resize(width, 900)
    tab.show()
    qtbot.waitUntil(lambda: grid.columns == columns)
    qtbot.waitUntil(lambda: len({plot.geometry().top() for plot in grid.plots}) == 4 // columns)  # rows
    assert all(plot.geometry().right() < width for plot in grid.plots)
    assert grid.minimumSizeHint().width() == MIN_STEP_PX
