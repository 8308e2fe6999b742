"""The tabs beside the feature maps, each page in a scroll area of its own, so no page forces its width or
height on the window (the Preprocessing tab's four pictures, a long table): a page narrower than its
contents scrolls, a wider one fills the tab.

The scroll areas are the tab widget's business: :meth:`TabArea.widget`, :meth:`TabArea.currentWidget`,
:meth:`TabArea.indexOf` and :meth:`TabArea.setCurrentWidget` speak of the pages as they were added.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QTabWidget, QWidget


class TabPageScroll(QScrollArea):
    """One page, resized with the tab while it has room, scrolled when it has not."""

    def __init__(self, page: QWidget) -> None:
        super().__init__()
        self.setObjectName("tab_page_scroll")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setWidget(page)
        self.page = page


class TabArea(QTabWidget):
    """A tab widget whose pages are wrapped as they are added (``addTab`` and ``insertTab``)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tabs")
        self.setUsesScrollButtons(True)  # a narrow tab area scrolls its tab bar instead of widening

    def addTab(self, page: QWidget, *label) -> int:  # noqa: ANN002 — (title) or (icon, title), as QTabWidget's
        return super().addTab(TabPageScroll(page), *label)

    def insertTab(self, index: int, page: QWidget, *label) -> int:  # noqa: ANN002
        return super().insertTab(index, TabPageScroll(page), *label)

    def widget(self, index: int) -> QWidget | None:
        wrapper = super().widget(index)
        return wrapper.page if isinstance(wrapper, TabPageScroll) else wrapper

    def currentWidget(self) -> QWidget | None:
        return self.widget(self.currentIndex())

    def indexOf(self, page: QWidget) -> int:
        for index in range(self.count()):
            if self.widget(index) is page or super().widget(index) is page:
                return index
        return -1

    def setCurrentWidget(self, page: QWidget) -> None:
        index = self.indexOf(page)
        if index >= 0:
            self.setCurrentIndex(index)

    def scroll_of(self, page: QWidget) -> TabPageScroll | None:
        """The scroll area ``page`` sits in."""
        index = self.indexOf(page)
        wrapper = super().widget(index) if index >= 0 else None
        return wrapper if isinstance(wrapper, TabPageScroll) else None
