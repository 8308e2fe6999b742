"""A page built the first time it is shown, so pages nobody opens cost the start-up nothing."""

from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QVBoxLayout, QWidget


class LazyPage(QWidget):
    """Holds the place of a page in a tab widget; ``content()`` (or showing it) builds the page once."""

    def __init__(self, factory: Callable[[], QWidget], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._factory = factory
        self._content: QWidget | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    @property
    def built(self) -> bool:
        return self._content is not None

    def content(self) -> QWidget:
        if self._content is None:
            self._content = self._factory()
            self._layout.addWidget(self._content)
            if self.isVisible():  # a layout shows a new child of a visible parent only on the next loop pass
                self._content.show()
        return self._content

    def showEvent(self, event) -> None:
        self.content()
        super().showEvent(event)


if __name__ == "__main__":  # a label built only when its tab is opened
    import sys

    from PySide6.QtWidgets import QApplication, QLabel, QTabWidget

    app = QApplication(sys.argv)
    tabs = QTabWidget()
    tabs.addTab(QLabel("first page"), "First")
    tabs.addTab(LazyPage(lambda: QLabel("built when first shown")), "Second")
    tabs.show()
    sys.exit(app.exec())
