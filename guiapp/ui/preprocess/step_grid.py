"""The pictures of the preprocessing steps, titled: one row of four in a wide tab, two rows of two (or one
column) in a narrow one, so the Preprocessing tab never forces its width on the window.

Titles wrap; each picture is as tall as its column is wide (within limits), so the steps stay side by side
and readable at any width.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QSize
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from guiapp.ui.plotting import GREY_CMAP, image_view

MIN_STEP_PX = 90  # a step's picture at its narrowest
ROW_STEP_PX = 110  # each step needs this much width for all of them to stand in one row
STEP_HEIGHT_PX = (90, 190)  # a picture's height: its column's width, within these


class StepGrid(QWidget):
    """``count`` titled pictures (``titles``, ``plots``, ``images``), reflowed to the width they are given."""

    def __init__(self, count: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self.titles: list[QLabel] = []
        self.plots: list[pg.GraphicsLayoutWidget] = []
        self.images: list[pg.ImageItem] = []
        for _ in range(count):
            plot, image, _ = image_view(GREY_CMAP)
            plot.setMinimumWidth(MIN_STEP_PX)
            plot.setFixedHeight(STEP_HEIGHT_PX[1])
            title = QLabel()
            title.setWordWrap(True)
            self.titles.append(title)
            self.plots.append(plot)
            self.images.append(image)
        self.columns = 0
        self._place(count)

    def columns_for(self, width: int) -> int:
        """How many steps stand side by side in ``width`` pixels: all, two, or one."""
        count = len(self.plots)
        spacing = max(0, self._grid.horizontalSpacing())
        if width >= count * ROW_STEP_PX + (count - 1) * spacing:
            return count
        return 2 if width >= 2 * MIN_STEP_PX + spacing else 1

    def _place(self, columns: int) -> None:
        if columns == self.columns:
            return
        self.columns = columns
        for title, plot in zip(self.titles, self.plots):
            self._grid.removeWidget(title)
            self._grid.removeWidget(plot)
        for column in range(len(self.plots)):
            self._grid.setColumnStretch(column, 1 if column < columns else 0)
        for i, (title, plot) in enumerate(zip(self.titles, self.plots)):
            row, column = divmod(i, columns)
            self._grid.addWidget(title, 2 * row, column)
            self._grid.addWidget(plot, 2 * row + 1, column)
        self.updateGeometry()  # one row or more: the height the tab's scroll area gives it changes

    def minimumSizeHint(self) -> QSize:
        # As narrow as one column: the steps reflow rather than widen the tab.
        height = super().minimumSizeHint().height()
        return QSize(MIN_STEP_PX, height)

    def resizeEvent(self, event: QResizeEvent) -> None:
        width = event.size().width()
        self._place(self.columns_for(width))
        spacing = max(0, self._grid.horizontalSpacing())
        column_width = (width - (self.columns - 1) * spacing) // max(1, self.columns)
        height = int(min(STEP_HEIGHT_PX[1], max(STEP_HEIGHT_PX[0], column_width)))
        for plot in self.plots:
            if plot.height() != height:
                plot.setFixedHeight(height)
        super().resizeEvent(event)
