"""Where the window's parts sit: the live page's three columns, and the pages built when first opened."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter, QTabWidget, QVBoxLayout, QWidget

from guiapp.ui.lazy_page import LazyPage

if TYPE_CHECKING:
    from guiapp.core.model.architectures import Architecture
    from guiapp.ui.explorer.explorer import ArchitectureExplorer
    from guiapp.ui.playground.playground import ConvPlayground

COLUMN_WIDTHS = (330, 640, 560)  # drawing and prediction · feature maps · tabs


def live_splitter(left: tuple[QWidget, ...], centre: tuple[QWidget, ...], tabs: QTabWidget) -> QSplitter:
    """The live page: the canvas column (its first widget centred, not stretched), the maps, the tabs.

    In the centre column the last widget takes the height the others leave.
    """
    left_column = QWidget()
    left_layout = QVBoxLayout(left_column)
    left_layout.addWidget(left[0], 0, Qt.AlignmentFlag.AlignHCenter)
    for widget in left[1:]:
        left_layout.addWidget(widget, 1)
    centre_column = QWidget()
    centre_layout = QVBoxLayout(centre_column)
    centre_layout.setContentsMargins(0, 0, 0, 0)
    for widget in centre[:-1]:
        centre_layout.addWidget(widget)
    centre_layout.addWidget(centre[-1], 1)
    splitter = QSplitter(Qt.Orientation.Horizontal)
    splitter.setObjectName("main_splitter")
    for widget in (left_column, centre_column, tabs):
        splitter.addWidget(widget)
    splitter.setSizes(list(COLUMN_WIDTHS))
    # Opaque, so a panel's repaint stops here: otherwise the tab widget's frame is repainted under
    # every live update (measured: event → painted median 20 ms instead of 6).
    splitter.setAutoFillBackground(True)
    return splitter


def _conv_playground() -> ConvPlayground:
    from guiapp.ui.playground.playground import ConvPlayground

    return ConvPlayground()




def playground_page() -> LazyPage:
    """The conv-arithmetic playground, built (and its module imported) when first opened."""
    return LazyPage(_conv_playground)


def explorer_page(train: Callable[[Architecture], None]) -> LazyPage:
    """The architecture explorer, built when first opened; it starts from the model last shown to it.
    Its "Train this network" calls ``train``."""

    def build() -> ArchitectureExplorer:
        from guiapp.ui.explorer.explorer import ArchitectureExplorer

        explorer = ArchitectureExplorer()
        explorer.trainRequested.connect(train)
        return explorer

    return LazyPage(build)
