"""A page built the first time it is shown, so pages nobody opens cost the start-up nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from PySide6.QtWidgets import QVBoxLayout, QWidget

if TYPE_CHECKING:
    from guiapp.core.model.inference import Inspector


@runtime_checkable
class ShowsModel(Protocol):
    """A page that follows the model open in the live page."""

    def show_model(self, inspector: Inspector) -> None: ...


class LazyPage(QWidget):
    """Holds the place of a page in a tab widget; ``content()`` (or showing it) builds the page once."""

    def __init__(self, factory: Callable[[], QWidget], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._factory = factory
        self._content: QWidget | None = None
        self._model: Inspector | None = None  # the model to give the page once it is built
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    @property
    def built(self) -> bool:
        return self._content is not None

    def content(self) -> QWidget:
        if self._content is None:
            self._content = self._factory()
            if self._model is not None and isinstance(self._content, ShowsModel):
                self._content.show_model(self._model)
            self._layout.addWidget(self._content)
            if self.isVisible():  # a layout shows a new child of a visible parent only on the next loop pass
                self._content.show()
        return self._content

    def show_model(self, inspector: Inspector) -> None:
        """Give the page a newly loaded model now, or when it is built (if it follows the model)."""
        self._model = inspector
        if isinstance(self._content, ShowsModel):
            self._content.show_model(inspector)

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
