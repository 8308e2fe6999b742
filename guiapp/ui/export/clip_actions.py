"""Clips from the window itself: a recorded demo, or a training history, filmed in this window to a GIF or MP4.

The same loops as ``guiapp --replay DEMO --video OUT`` and ``guiapp --history DIR --video OUT``
(:mod:`guiapp.ui.export.clips`), run on the window as it is — its size, its presentation mode — with a
progress dialog that can cancel (no clip is written then). The demo plays on the canvas as *Replay demo…*
does: the drawing it leaves is undoable.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QProgressDialog

from guiapp.core.errors import GuiappError
from guiapp.ui.export.clips import film_demo, record_frames, snapshot_shown, snapshot_steps
from guiapp.ui.menus import make_action

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from guiapp.ui.main_window import MainWindow

CLIP_FILTER = "MP4 video (*.mp4);;Animated GIF (*.gif)"


class ClipActions(QObject):
    """File → *Film a demo…* and *Film a training history…* for ``window``."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.demo = make_action(window, "Film a demo…", self.film_demo_dialog, (),
                                "Replay a recorded demo in this window, every answer recomputed, and film it to an "
                                "MP4 or GIF with the recording's timing")
        self.history = make_action(window, "Film a training history…", self.film_history_dialog, (),
                                   "Show each snapshot of a training history on the Training page and film it to an "
                                   "MP4 or GIF, a frame per snapshot")

    def actions(self) -> list[QAction]:
        return [self.demo, self.history]

    # ------------------------------------------------------------------ dialogs

    def film_demo_dialog(self) -> None:
        demo, _ = QFileDialog.getOpenFileName(self._window, "Film a demo", "", "Demos (*.json)")
        out = self._ask_out("demo.mp4") if demo else None
        if out is not None:
            self.film_demo(Path(demo), out)

    def film_history_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self._window, "Film a training history")
        out = self._ask_out("training.mp4") if folder else None
        if out is not None:
            self.film_history(Path(folder), out)

    def _ask_out(self, name: str) -> Path | None:
        """Where the clip goes (the dialog asks before replacing a file)."""
        path, chosen = QFileDialog.getSaveFileName(self._window, "Save the clip as", name, CLIP_FILTER)
        if not path:
            return None
        out = Path(path)
        if out.suffix.lower() not in (".mp4", ".gif"):
            out = out.with_suffix(".gif" if "gif" in chosen.lower() else ".mp4")
        return out

    # ------------------------------------------------------------------ filming

    def film_demo(self, demo_path: Path, out: Path) -> str | None:
        """Film the demo at ``demo_path`` in the window to ``out``; the line the status bar shows, or None."""
        from guiapp.core.demo.reader import read_demo

        window = self._window
        try:
            demo = read_demo(demo_path, window.page_titles(), window.tab_titles())
            with self._progress(f"Filming {demo_path.name}…") as cancelled:
                frames, size = film_demo(window, demo, out, name=str(demo_path), overwrite=True, cancelled=cancelled)
        except GuiappError as exc:
            return self._failed(str(exc))
        return self._wrote(out, frames, size)

    def film_history(self, folder: Path, out: Path) -> str | None:
        """Film each snapshot of the history in ``folder`` on the Training page to ``out``."""
        from guiapp.core.training.history import TrainingHistory

        window = self._window
        try:
            count = len(TrainingHistory.open(folder).snapshots)
            if count == 0:
                raise GuiappError(f"{folder}: the history holds no snapshot yet — nothing to film")
            problem = window.open_history(folder)
            if problem:
                raise GuiappError(problem)
            page = window.pages.currentWidget()  # the Training page: opening a history shows it
            with self._progress(f"Filming {folder.name}…") as cancelled:
                def steps() -> Iterator[tuple[object, int]]:
                    for token in snapshot_steps(window, count):
                        if cancelled():
                            raise GuiappError(f"{folder}: filming cancelled; no clip written")
                        yield token

                frames, size = record_frames(window, steps(), snapshot_shown(window), out, widget=page,
                                             overwrite=True)
        except GuiappError as exc:
            return self._failed(str(exc))
        return self._wrote(out, frames, size)

    @contextmanager
    def _progress(self, text: str) -> Iterator[Callable[[], bool]]:
        """A modal busy dialog with Cancel while the clip is made; yields ``cancelled()``."""
        dialog = QProgressDialog(text, "Cancel", 0, 0, self._window)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.show()
        try:
            yield dialog.wasCanceled
        finally:
            dialog.close()
            dialog.deleteLater()

    def _failed(self, message: str) -> str:
        self._window.door.say(message, error=True)
        return message

    def _wrote(self, out: Path, frames: int, size: tuple[int, int]) -> None:
        self._window.door.say(f"wrote {out} ({frames} frames, {size[0]}×{size[1]})")
        return None


def install(window: MainWindow) -> list[QAction]:
    """The clip actions for the File menu (the object is the window's child: ``window.findChild(ClipActions)``)."""
    return ClipActions(window).actions()
