"""actions: Record demo (Ctrl+Shift+D, a key no other command has), Stop recording… (asks where; cancelled, the
recording goes on; the dialog asks before replacing a file), Replay demo…; a stranger's bad demo is refused in
one line naming the file, and ``guiapp --replay`` plays a good one."""

from __future__ import annotations

import json

import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFileDialog

from guiapp.core.demo import events as ev
from guiapp.core.demo.reader import HINT, read_demo
from guiapp.core.demo.writer import save_demo
from guiapp.ui.replay import actions
from guiapp.ui.replay.actions import controls, install, play
from tests.ui.conftest import MODEL_TIMEOUT_MS, VERTICAL_BAR_POINTS, draw


def _keys(window) -> list[str]:
    return [s.toString() for a in window.findChildren(type(install(window)[0])) for s in a.shortcuts()]


def test_record_and_stop_save_one_demo_file(qtbot, window, tmp_path):
    record, stop, replay = install(window)
    assert [a.text() for a in (record, stop, replay)] == ["Record demo", "Stop recording…", "Replay demo…"]
    assert install(window)[0] is record and controls(window) is controls(window)
    assert record.shortcut() == QKeySequence("Ctrl+Shift+D") and _keys(window).count("Ctrl+Shift+D") == 1
    acting = [s.toString() for a in window.actions() for s in a.shortcuts()]  # the keys that act now
    assert not stop.isEnabled() and "Space" not in acting and "Right" not in acting
    demos = controls(window)
    record.trigger()
    assert demos.recorder.recording and stop.isEnabled() and not record.isEnabled()
    assert demos.indicator.isVisible() and demos.indicator.text() == "● Recording 0:00"
    draw(qtbot, window.canvas, VERTICAL_BAR_POINTS)
    demos.ask_save_path = lambda: None  # the dialog cancelled: nothing stops, nothing is written
    stop.trigger()
    assert demos.recorder.recording and list(tmp_path.iterdir()) == []
    demos.ask_save_path = lambda: str(tmp_path / "bar.json")
    stop.trigger()
    assert not demos.recorder.recording and demos.indicator.isHidden() and record.isEnabled()
    demo = read_demo(tmp_path / "bar.json")
    assert [e.kind for e in demo.events] == ["model", "page", "tab", "clear", "stroke"]
    assert window.statusBar().currentMessage().startswith(f"Demo saved to {tmp_path / 'bar.json'}: 5 events")


def test_the_save_dialog_asks_before_replacing_a_file(qtbot, window, monkeypatch):
    asked = {}

    def dialog(*args, **kwargs):
        asked.update(args=args, kwargs=kwargs)
        return "", ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", dialog)
    assert controls(window)._save_dialog() is None
    options = asked["kwargs"].get("options", QFileDialog.Option(0))
    assert not options & QFileDialog.Option.DontConfirmOverwrite and asked["args"][1] == "Save the demo"
    assert asked["args"][2].endswith(".json")


@pytest.mark.parametrize(("text", "problem"), [
    ('{"format": "guiapp-demo", "version": 1, "events": [{"t": 0, "kind": "cle', "not JSON ("),
    ('{"format": "guiapp-demo", "version": 3, "events": []}',
     "is demo version 3 from a newer guiapp; this one reads version 1"),
    ('{"format": "guiapp-demo", "version": 1, "events": [{"t": 0, "kind": "page", "title": "Slides"}]}',
     'event 0 (page) shows the page "Slides", which this window does not have (its pages: Live network, '),
    ('{"format": "guiapp-demo", "version": 1, "events": [{"t": NaN, "kind": "clear"}]}',
     "event 0: t is nan — every number must be finite"),
])
def test_a_bad_demo_is_refused_in_one_line_naming_it(qtbot, window, tmp_path, text, problem):
    path = tmp_path / "stranger.json"
    path.write_text(text, encoding="utf-8")
    line = play(window, path)
    assert line.startswith(f"{path}: {problem}") and line.endswith(HINT) and "\n" not in line
    assert window.statusBar().currentMessage() == line and controls(window).player is None


def test_guiapp_replay_plays_a_demo_and_never_while_recording(qtbot, window, tmp_path):
    points = tuple((140.0, 45.0 + 10 * i) for i in range(20))
    demo = ev.Demo((ev.PageEvent(0.0, "Live network"), ev.ClearEvent(0.0),
                    ev.StrokeEvent(0.1, points, tuple(0.1 + 0.005 * i for i in range(20)))))
    path = save_demo(demo, tmp_path / "one.json")
    demos = controls(window)
    demos.start_recording()
    assert window.play_demo(path) == f"{path}: not replayed while a demo is being recorded — stop the recording first"
    demos._finish(None)
    assert window.play_demo(path) is None and demos.player is not None
    assert demos.indicator.text().startswith("▶ Replaying 0/3")
    qtbot.waitUntil(lambda: demos.player is None, timeout=MODEL_TIMEOUT_MS)
    assert len(window.canvas.drawing.strokes) == 1
    qtbot.waitUntil(lambda: window.last_update.drawing is window.canvas.drawing, timeout=MODEL_TIMEOUT_MS)
    assert window.last_result.predicted == 1  # the network answered the bar drawn
    assert json.loads(path.read_text(encoding="utf-8"))["events"][2]["points"][0] == [140.0, 45.0, 0.1]
    assert actions.RECORD_KEYS == ("Ctrl+Shift+D",)
