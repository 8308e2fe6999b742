"""How the Training page arranges its parts for the width it has: three columns, or two with tabs.

Wide (a 1280-pixel window and up): the settings (scrolling when short), the run controls and the curves
in a column, the kernel board in a second, and the docked drawing column and feature maps in the third.
Narrow (a 1920×1080 screen at ``QT_SCALE_FACTOR=2`` is 960×540): the run controls stay on top of one
column whose tabs hold the settings, the curves and the kernels; the docked drawing keeps the rest of the
width. Start shows the kernels tab there (the page is where they form from noise).

The page's minimum size is always the narrow arrangement's (:meth:`PageLayout.minimum`), so the window can
shrink to it whatever is shown; the arrangement follows the page's width (:meth:`PageLayout.fit`).
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QSplitter, QTabWidget, QVBoxLayout, QWidget

COLUMN_WIDTHS = (340, 500, 720)  # wide: settings and curves · kernels · the docked drawing column and maps
NARROW_LEFT = 280  # narrow: the tabbed column's width at first (the drawing takes the rest)
NARROW_KERNELS_HEIGHT = 520  # narrow: the kernel board scrolls in its tab rather than squeeze its pictures
QWIDGETSIZE_MAX = (1 << 24) - 1  # Qt's "no maximum"
SETTINGS_TAB, CURVES_TAB, KERNELS_TAB = "Settings", "Curves", "Kernels"
TAB_TIPS = {SETTINGS_TAB: "What the next run trains, and for how long",
            CURVES_TAB: "Loss and accuracy, batch by batch, and each epoch's validation",
            KERNELS_TAB: "The first two convolutions' kernels as training changes them"}


class PageLayout:
    """Owns the page's splitter and moves the settings, curves and kernels between the two arrangements."""

    def __init__(self, form: QWidget, controls: QWidget, curves: QWidget, kernels: QWidget, dock: QWidget) -> None:
        self.controls, self.curves, self.kernels, self.dock = controls, curves, kernels, dock
        #: The settings scroll when the column is short (a long note or a history's line under them).
        self.settings = _scroll_area("training_settings")
        self.settings.setWidget(form)
        self.settings.setMinimumWidth(form.minimumSizeHint().width() + self.settings.verticalScrollBar().sizeHint().width())
        self.kernel_scroll = _scroll_area("training_kernels", _KernelScroll)  # narrow: the kernels' tab
        self.tabs = QTabWidget()
        self.tabs.setObjectName("training_tabs")
        self.column = QWidget()
        self._column = QVBoxLayout(self.column)
        self._column.setContentsMargins(0, 0, 0, 0)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.column)
        self.splitter.addWidget(self.dock)
        self.wide: bool | None = None
        self.arrange(wide=False)

    def arrange(self, wide: bool) -> None:
        """Put the parts in the wide (three columns) or the narrow (tabs) arrangement."""
        if wide == self.wide:
            return
        self.wide = wide
        current = self.tabs.currentIndex()
        while self.tabs.count():
            self.tabs.removeTab(0)  # the pages stay (reparented below)
        if wide:
            self._column.addWidget(self.settings)
            self._column.addWidget(self.controls)
            self._column.addWidget(self.curves, 1)
            self._column.removeWidget(self.tabs)
            self.tabs.hide()  # kept a child of the column: never a window of its own
            self.kernel_scroll.takeWidget()
            self.kernels.setMinimumHeight(0)
            self.kernels.setMaximumHeight(QWIDGETSIZE_MAX)
            self.splitter.insertWidget(1, self.kernels)
            self.splitter.setSizes(list(COLUMN_WIDTHS))
            for widget in (self.settings, self.curves, self.kernels):
                widget.show()
        else:
            self._column.insertWidget(0, self.controls)
            self._column.insertWidget(1, self.tabs, 1)
            self.kernels.setFixedHeight(NARROW_KERNELS_HEIGHT)
            self.kernel_scroll.setWidget(self.kernels)
            for widget, name in ((self.settings, SETTINGS_TAB), (self.curves, CURVES_TAB),
                                 (self.kernel_scroll, KERNELS_TAB)):
                self.tabs.setTabToolTip(self.tabs.addTab(widget, name), TAB_TIPS[name])
            self.tabs.setCurrentIndex(max(0, current))
            self.tabs.show()
            total = max(sum(self.splitter.sizes()), 2 * NARROW_LEFT)
            self.splitter.setSizes([NARROW_LEFT, total - NARROW_LEFT])
        self.splitter.setStretchFactor(self.splitter.indexOf(self.dock), 1)  # extra width goes to the drawing

    def show_tab(self, name: str) -> None:
        """In the narrow arrangement, bring tab ``name`` up (the wide one shows every part)."""
        for index in range(self.tabs.count()):
            if self.tabs.tabText(index) == name:
                self.tabs.setCurrentIndex(index)

    def wide_width(self) -> int:
        """The width the three columns need (each part's minimum, the splitter's handles)."""
        column = max(_min_width(self.settings.widget()), _min_width(self.controls), _min_width(self.curves))
        return column + _min_width(self.kernels) + _min_width(self.dock) + 2 * self.splitter.handleWidth()

    def fit(self, width: int) -> None:
        """The arrangement for a splitter ``width`` pixels wide."""
        self.arrange(width >= self.wide_width())

    def _bar_width(self) -> int:
        return self.kernel_scroll.verticalScrollBar().sizeHint().width()

    def minimum(self) -> QSize:
        """The narrow arrangement's minimum size (the splitter's), whichever is shown."""
        bar = self.tabs.tabBar().sizeHint().height() + 6  # the tab bar and the pane's frame
        pages = [_min_size(widget) for widget in (self.settings, self.curves, self.kernel_scroll)]
        spacing = self._column.spacing()
        column_w = max(_min_width(self.controls), _min_width(self.kernels) + self._bar_width(),
                       max(size.width() for size in pages) + 6)
        column_h = _min_size(self.controls).height() + spacing + bar + max(size.height() for size in pages)
        dock = _min_size(self.dock)
        return QSize(column_w + self.splitter.handleWidth() + dock.width(), max(column_h, dock.height()))


class _KernelScroll(QScrollArea):
    """The kernel board at least :data:`NARROW_KERNELS_HEIGHT` high, else as high as the tab (its pictures'
    own size hint would make it three times that)."""

    def resizeEvent(self, event) -> None:  # noqa: N802 — Qt's name
        super().resizeEvent(event)
        if self.widget() is not None:
            self.widget().setFixedHeight(max(NARROW_KERNELS_HEIGHT, self.viewport().height()))


def _scroll_area(name: str, kind: type[QScrollArea] = QScrollArea) -> QScrollArea:
    """A frameless area scrolling up and down only, its content as wide as the area."""
    area = kind()
    area.setObjectName(name)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return area


def _min_size(widget: QWidget) -> QSize:
    """What a layout gives ``widget`` at least: its minimum size where set, else its hint."""
    return widget.minimumSizeHint().expandedTo(widget.minimumSize())


def _min_width(widget: QWidget) -> int:
    return _min_size(widget).width()
