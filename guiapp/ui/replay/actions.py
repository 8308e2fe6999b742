"""The window's demo commands: Record demo (Ctrl+Shift+D), Stop recording (asks where to save), Replay demo…,
and while a demo plays, Space (pause, resume) and → (one event while paused); a status-bar indicator says
what is going on ("● Recording 0:12", "▶ Replaying 3/41 — Space pauses, → steps").

The window calls :func:`install` once and puts the actions it returns in the File menu; ``guiapp --replay
DEMO.json`` calls :func:`play`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QStandardPaths, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QLabel

from guiapp.core.demo import events as ev
from guiapp.core.demo.reader import DemoFileError, read_demo
from guiapp.core.demo.writer import save_demo
from guiapp.core.errors import GuiappError
from guiapp.ui.menus import make_action
from guiapp.ui.replay.player import DemoPlayer
from guiapp.ui.replay.recorder import DemoRecorder

RECORD_KEYS = ("Ctrl+Shift+D",)
FILTER = "guiapp demos (*.json);;All files (*)"
RECORDING_STYLE = "color: #d00000; font-weight: bold; padding: 0 6px"
REPLAY_STYLE = "color: #0050c0; font-weight: bold; padding: 0 6px"


def _default_name() -> str:
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
    return str(Path(folder) / time.strftime("guiapp-demo-%Y%m%d-%H%M.json"))


class DemoControls(QObject):
    """The recorder, the player of the moment, their actions and the indicator, for one window."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.setObjectName("demo_controls")
        self.window = window
        self.recorder = DemoRecorder(window)
        self.recorder.limitReached.connect(self._on_limit)
        self.recorder.noted.connect(window.door.say)
        self.player: DemoPlayer | None = None
        self.last_saved: Path | None = None
        # Where to save and what to open: dialogs, replaced by scripts and tests.
        self.ask_save_path: Callable[[], str | None] = self._save_dialog
        self.ask_open_path: Callable[[], str | None] = self._open_dialog
        self.indicator = QLabel("")
        self.indicator.setObjectName("demo_indicator")
        self.indicator.hide()
        window.statusBar().addPermanentWidget(self.indicator)
        self.record = make_action(window, "Record demo", self.start_recording, RECORD_KEYS,
                                  "Record what you do — strokes with their timing, pages, tabs, the class and map "
                                  "chosen, models, test digits — to replay it in the lecture")
        self.stop = make_action(window, "Stop recording…", self.stop_recording, (),
                                "Stop recording and save the demo as one JSON file")
        self.stop.setEnabled(False)
        self.replay = make_action(window, "Replay demo…", self.replay_dialog, (),
                                  "Play a recorded demo live: the network answers every step again "
                                  "(Space pauses, → steps one event)")
        # Only while a demo plays: added to the window then, so Space and → act normally otherwise.
        self.pause = QAction("Pause or resume the replay", window)
        self.pause.setShortcut("Space")
        self.pause.triggered.connect(self._on_pause)
        self.step = QAction("Step one event of the paused replay", window)
        self.step.setShortcut("Right")
        self.step.triggered.connect(self._on_step)
        self._clock = QTimer(self)
        self._clock.setInterval(1000)
        self._clock.timeout.connect(self._show_recording)

    def actions(self) -> list[QAction]:
        return [self.record, self.stop, self.replay]

    # ------------------------------------------------------------------ recording

    def start_recording(self) -> None:
        if self.recorder.recording:
            return
        if self.player is not None:
            self.player.stop("the replay stopped: a recording began")
        note = self.recorder.start()
        self.record.setEnabled(False)
        self.stop.setEnabled(True)
        self.indicator.setStyleSheet(RECORDING_STYLE)
        self.indicator.show()
        self._show_recording()
        self._clock.start()
        self.window.door.say(note or "Recording a demo: File → Stop recording… saves it")

    def _show_recording(self) -> None:
        self.recorder.check_limits()
        seconds = int(self.recorder.elapsed)
        if self.recorder.recording:
            self.indicator.setText(f"● Recording {seconds // 60}:{seconds % 60:02d}")

    def stop_recording(self) -> Path | None:
        """Ask where to save; cancelled: the recording goes on. The file is written atomically (the dialog
        asked before replacing one)."""
        if not self.recorder.recording:
            return None
        name = self.ask_save_path()
        if not name:
            return None
        return self._finish(Path(name) if Path(name).suffix else Path(name).with_suffix(".json"), overwrite=True)

    def _finish(self, path: Path | None, overwrite: bool = False) -> Path | None:
        demo = self.recorder.stop()
        self._clock.stop()
        self.indicator.hide()
        self.record.setEnabled(True)
        self.stop.setEnabled(False)
        if path is None:
            return None
        try:
            save_demo(demo, path, overwrite=overwrite)
        except (GuiappError, OSError) as exc:
            self.window.door.say(str(exc) if isinstance(exc, GuiappError) else f"{path}: not written ({exc})",
                                 error=True)
            return None
        self.last_saved = path
        self.window.door.say(f"Demo saved to {path}: {len(demo.events)} events, {demo.duration:.0f} s")
        return path

    def _on_limit(self, message: str) -> None:
        name = self.ask_save_path()
        self._finish(Path(name) if name else None, overwrite=True)
        self.window.door.say(message + ("" if name else " (not saved)"), error=True)

    def _save_dialog(self) -> str | None:
        name, _ = QFileDialog.getSaveFileName(self.window, "Save the demo", _default_name(), FILTER)
        return name or None

    # ------------------------------------------------------------------ replaying

    def replay_dialog(self) -> None:
        name = self.ask_open_path()
        if name:
            self.play_file(Path(name))

    def _open_dialog(self) -> str | None:
        name, _ = QFileDialog.getOpenFileName(self.window, "Replay a demo", str(self.last_saved or ""), FILTER)
        return name or None

    def play_file(self, path: Path, speed: float = 1.0) -> str | None:
        """Read ``path`` and play it live; a problem in one line (also said in the status bar)."""
        window = self.window
        if self.recorder.recording:
            problem = f"{path}: not replayed while a demo is being recorded — stop the recording first"
        else:
            try:
                demo = read_demo(path, window.page_titles(), window.tab_titles())
                problem = None
            except DemoFileError as exc:
                problem = str(exc)
        if problem is not None:
            window.door.say(problem, error=True)
            return problem
        self.play(demo, str(path), speed)
        return None

    def play(self, demo: ev.Demo, name: str, speed: float = 1.0) -> DemoPlayer:
        if self.player is not None:
            self.player.stop("the replay stopped: another began")
        player = self.player = DemoPlayer(self.window, demo, name, speed)
        player.progressed.connect(self._show_replay)
        player.skipped.connect(lambda line: self.window.door.say(line, error=True))
        player.finished.connect(lambda problem, p=player: self._on_finished(p, problem))
        self.window.addActions([self.pause, self.step])
        self.indicator.setStyleSheet(REPLAY_STYLE)
        self.indicator.show()
        player.start()
        return player

    def _show_replay(self, played: int, count: int) -> None:
        if self.player is None:
            return
        if self.player.paused:
            self.indicator.setText(f"❚❚ Paused {played}/{count} — Space resumes, → steps one event")
        else:
            self.indicator.setText(f"▶ Replaying {played}/{count} — Space pauses, → steps")

    def _on_pause(self) -> None:
        if self.player is not None:
            self.player.toggle()

    def _on_step(self) -> None:
        if self.player is not None:
            self.player.step()

    def _on_finished(self, player: DemoPlayer, problem: str | None) -> None:
        if player is not self.player:
            return
        self.player = None
        self.window.removeAction(self.pause)
        self.window.removeAction(self.step)
        self.indicator.hide()
        self.window.door.say(problem or f"{player.name}: replayed to the end", error=problem is not None)


def controls(window: Any) -> DemoControls:
    """The window's demo controls (made on first use)."""
    found = window.findChild(DemoControls, "demo_controls")
    return found if found is not None else DemoControls(window)


def install(window: Any) -> list[QAction]:
    """Record demo, Stop recording…, Replay demo…: for the File menu."""
    return controls(window).actions()


def play(window: Any, path: Path | str, speed: float = 1.0) -> str | None:
    """``guiapp --replay DEMO.json``: play the demo in ``window``; a problem in a line (None: it plays)."""
    return controls(window).play_file(Path(path), speed)
