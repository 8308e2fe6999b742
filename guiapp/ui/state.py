"""What the user chose in the window, held once: views read it and listen, none keeps a copy.

A small QObject with one changed signal per field (napari's ``ViewerModel``, ndv's models, at the size
one window needs): a setter emits only when the value changes, so a view that redraws on a signal
redraws once per real change. Fields join as the window's copies move here (issue 22); the first two are
the ones whose copies went stale: the loaded model and its class names.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    from guiapp.core.model.inference import Inspector


class WindowState(QObject):
    """The window's model: ``inspector`` (the loaded model, None before one loads) and ``class_names``."""

    inspectorChanged = Signal(object)  # the new Inspector
    classNamesChanged = Signal(tuple)  # the new names, one per class

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._inspector: Inspector | None = None
        self._class_names: tuple[str, ...] = ()

    @property
    def inspector(self) -> Inspector | None:
        return self._inspector

    @inspector.setter
    def inspector(self, inspector: Inspector | None) -> None:
        """A new model brings its own class names. Both fields are set before either signal, so a listener
        of one reads the other current; the names go first, so a view rebuilt for the model finds its names."""
        if inspector is self._inspector:
            return
        self._inspector = inspector
        names_changed = self._store_names(inspector.class_names if inspector is not None else ())
        if names_changed:
            self.classNamesChanged.emit(self._class_names)
        self.inspectorChanged.emit(inspector)

    @property
    def class_names(self) -> tuple[str, ...]:
        return self._class_names

    @class_names.setter
    def class_names(self, names: Sequence[str]) -> None:
        """Rename the classes. The inspector takes them too (:class:`ValueError` on a wrong count, nothing
        changed): what reads the model itself — a trace, the preprocessing tab — says the same names."""
        names = tuple(str(name) for name in names)
        if self._inspector is not None and names != self._inspector.class_names:
            self._inspector.set_class_names(names)
        if self._store_names(names):
            self.classNamesChanged.emit(self._class_names)

    def _store_names(self, names: tuple[str, ...]) -> bool:
        """Keep ``names``; True when they differ from the last ones."""
        if names == self._class_names:
            return False
        self._class_names = names
        return True
