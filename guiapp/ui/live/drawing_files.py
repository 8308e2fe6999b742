"""Drawings as files: open and save strokes as JSON, export the canvas as a PNG.

A small controller (no widget of its own): it owns the three actions and their
dialogs, and talks to the canvas it is given. A file that cannot be read or written
gets a dialog saying why; the drawing on the canvas is never touched by a failure.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from guiapp.core.drawing.images import save_picture
from guiapp.core.drawing.stroke_file import ON_A_PICTURE, export_png, holds_a_picture, load_drawing, save_drawing
from guiapp.core.errors import GuiappError
from guiapp.core.live.live_update import PictureInput
from guiapp.ui.live.canvas import DrawingCanvas
from guiapp.ui.menus import make_action


class DrawingFiles:
    """Open drawing… (Ctrl+Shift+O), Save drawing… (Ctrl+S), Export PNG… (Ctrl+E) for one canvas."""

    def __init__(self, parent: QWidget, canvas: DrawingCanvas, report: Callable[[str], None]) -> None:
        self.parent, self.canvas, self.report = parent, canvas, report  # report(message): the status bar
        self.error_box: QMessageBox | None = None
        self.open_action = make_action(parent, "Open drawing…", self.open_dialog, ("Ctrl+Shift+O",),
                                       "Open strokes saved as JSON")
        self.save_action = make_action(parent, "Save drawing…", self.save_dialog, ("Ctrl+S",),
                                       "Save the strokes as JSON (guiapp predict --strokes reads them)")
        self.export_action = make_action(parent, "Export PNG…", self.export_dialog, ("Ctrl+E",),
                                         "Save the canvas as a picture")
        self.actions = [self.open_action, self.save_action, self.export_action]

    def _failed(self, title: str, exc: Exception) -> bool:
        self.error_box = QMessageBox(QMessageBox.Icon.Warning, title, str(exc), QMessageBox.StandardButton.Close,
                                     self.parent)
        self.error_box.open()
        return False

    def open(self, path: Path) -> bool:
        try:
            drawing = load_drawing(path)
        except (GuiappError, OSError) as exc:
            return self._failed("Drawing not opened", exc)
        self.canvas.load_drawing(drawing, f"Open {Path(path).name}")
        self.report(f"opened {path}: {len(drawing.strokes)} strokes")
        return True

    def refusal(self) -> str | None:
        """Why the drawing on show cannot be saved as strokes, in one line (None: it can)."""
        drawing = self.canvas.drawing
        if isinstance(drawing, PictureInput):
            return f"{drawing.name} is a picture, not strokes: {self._export_hint()} saves the picture"
        if holds_a_picture(drawing):  # strokes on a test digit: the file would hold the strokes alone
            return f"{ON_A_PICTURE}: {self._export_hint()} keeps it"
        return None

    def _export_hint(self) -> str:
        """The export action as the menu names it: ``Export PNG (Ctrl+E)``."""
        keys = self.export_action.shortcut().toString()
        name = self.export_action.text().replace("&", "").rstrip("…")
        return f"{name} ({keys})" if keys else name

    def save(self, path: Path) -> bool:
        """Save the strokes, replacing ``path`` (the file dialog has asked first)."""
        problem = self.refusal()
        if problem is not None:
            return self._failed("Drawing not saved", GuiappError(problem))
        drawing = self.canvas.drawing
        try:
            save_drawing(drawing, path, force=True)
        except (GuiappError, OSError) as exc:
            return self._failed("Drawing not saved", exc)
        self.report(f"saved {len(drawing.strokes)} strokes to {path}")
        return True

    def export(self, path: Path) -> bool:
        try:
            shown = self.canvas.drawing
            if isinstance(shown, PictureInput):
                save_picture(shown.picture, path, force=True)
            else:
                export_png(shown, path, force=True)
        except (GuiappError, OSError) as exc:
            return self._failed("Picture not saved", exc)
        self.report(f"exported the canvas to {path}")
        return True

    def open_dialog(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self.parent, "Open a drawing", "",
                                              "Drawings (*.json *.jsonl);;All files (*)")
        if name:
            self.open(Path(name))

    def save_dialog(self) -> None:
        problem = self.refusal()
        if problem is not None:  # said before a file is chosen, not after
            self._failed("Drawing not saved", GuiappError(problem))
            return
        name, _ = QFileDialog.getSaveFileName(self.parent, "Save the drawing", "drawing.json", "Drawings (*.json)")
        if name:
            self.save(Path(name))

    def export_dialog(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self.parent, "Export the canvas", "drawing.png", "PNG pictures (*.png)")
        if name:
            self.export(Path(name))
