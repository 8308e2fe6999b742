"""steps: each event becomes the window's own verbs — a stroke as pointer press, moves and release on the canvas,
one undo entry; what this window or model lacks is skipped in a line; a missing model stops the replay; the pen,
the eraser and the trust question are given back."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from guiapp import paths
from guiapp.core.demo import events as ev
from guiapp.core.drawing.strokes import Stroke
from guiapp.ui.live.canvas import DrawingCanvas
from guiapp.ui.replay.steps import Session, StopReplay, model_path


class _Window:
    """What a Session uses of the window, with a real canvas."""

    def __init__(self) -> None:
        self.canvas = DrawingCanvas()
        self.canvas.resize(210, 210)  # shown smaller than its 280 canvas pixels: the pointer is scaled
        self.models = SimpleNamespace(ask_trust=None)
        self.inspector = SimpleNamespace(num_classes=10, layer_names=("conv2d", "dense"), path=None)
        self.last_result = None
        self.samples = None
        self.calls: list[tuple] = []
        self.state = SimpleNamespace(explain_class=lambda i: self.calls.append(("class", i)),
                                     select_map=lambda layer, i: self.calls.append(("map", layer, i)))
        self.model_error = None

    def show_page_titled(self, title: str) -> bool:
        self.calls.append(("page", title))
        return title == "Training"

    def show_tab_titled(self, title: str) -> bool:
        return False

    def load_model(self, path: Path) -> None:
        self.calls.append(("model", path))


def _play(session: Session, demo: ev.Demo) -> list[str | None]:
    return [action.run() for action in session.actions(demo)]


def test_a_stroke_is_drawn_on_the_canvas_as_a_pointer_would(qtbot):
    window = _Window()
    qtbot.addWidget(window.canvas)
    window.canvas.set_pen_width(12.0)
    window.canvas.set_eraser(True)
    session = Session(window, "d.json")
    assert window.models.ask_trust(Path("x.keras")) is False and not window.canvas.eraser()
    pen = ev.StrokeEvent(0.0, ((10.0, 20.0), (100.5, 120.25), (200.0, 30.0)), (0.0, 0.1, 0.2), 30.0)
    eraser = ev.StrokeEvent(1.0, ((50.0, 50.0), (60.0, 70.0)), (1.0, 1.5), 8.0, erase=True)
    actions = session.actions(ev.Demo((pen, eraser, ev.UndoEvent(1.2), ev.RedoEvent(2.0), ev.ClearEvent(2.0))))
    # press, a move per further point, release
    assert [(a.event, a.last) for a in actions] == [(0, False), (0, False), (0, False), (0, True), (1, False),
                                                    (1, False), (1, True), (2, True), (3, True), (4, True)]
    assert [a.time for a in actions] == [0.0, 0.1, 0.2, 0.2, 1.0, 1.5, 1.5, 1.5, 2.0, 2.0]  # never before the last
    for action in actions[:7]:
        assert action.run() is None
    strokes = window.canvas.drawing.strokes
    assert [(s.width, s.erase, len(s.points)) for s in strokes] == [(30.0, False, 3), (8.0, True, 2)]
    np.testing.assert_allclose(strokes[0].points, pen.points, rtol=1e-14)
    assert window.canvas.undo_stack.count() == 2  # one entry per stroke, as a user's
    for action in actions[7:]:
        action.run()
    assert window.canvas.drawing.strokes == () and window.canvas.undo_stack.undoText() == "Clear"
    session.close()
    assert window.canvas.pen_width() == 12.0 and window.canvas.eraser() and window.models.ask_trust is None


def test_what_this_window_or_model_lacks_is_skipped_in_a_line(qtbot):
    window = _Window()
    qtbot.addWidget(window.canvas)
    session = Session(window, "d.json")
    outcomes = _play(session, ev.Demo((
        ev.ClassEvent(0, 3), ev.ClassEvent(0, 12), ev.MapEvent(0, "conv2d", 4), ev.MapEvent(0, "conv9", None),
        ev.PageEvent(0, "Training"), ev.TabEvent(0, "Slides"), ev.SampleEvent(0, 5),
        ev.DrawingEvent(0, (Stroke(((1.0, 1.0), (5.0, 5.0))),)))))
    assert outcomes == [None, "class 12 skipped: this model has classes 0 to 9", None,
                        "the maps of conv9 skipped: this model has no such layer", None,
                        'tab "Slides" skipped: this window has none of that name',
                        "test digit 5 skipped: this guiapp has no test digits", None]
    assert window.calls == [("class", 3), ("map", "conv2d", 4), ("page", "Training")]
    assert window.canvas.drawing.strokes == (Stroke(((1.0, 1.0), (5.0, 5.0))),)
    assert window.canvas.undo_stack.undoText() == "Demo drawing"


def test_a_model_is_found_where_it_ships_and_a_missing_one_stops_the_replay(qtbot, tmp_path):
    window = _Window()
    qtbot.addWidget(window.canvas)
    session = Session(window, "d.json")
    assert model_path(ev.ModelEvent(0, paths.DEFAULT_MODEL.name, shipped=True)) == paths.DEFAULT_MODEL
    assert _play(session, ev.Demo((ev.ModelEvent(0, str(paths.DEFAULT_MODEL)),))) == ["wait for the model"]
    assert window.calls == [("model", paths.DEFAULT_MODEL)] and not session.model_ready()
    window.inspector = SimpleNamespace(num_classes=10, layer_names=(), path=paths.DEFAULT_MODEL)
    assert session.model_ready() and session.loading is None
    assert _play(session, ev.Demo((ev.ModelEvent(0, str(paths.DEFAULT_MODEL)),))) == [None]  # already shown

    broken = tmp_path / "broken.keras"
    broken.write_bytes(b"not a model")
    _play(session, ev.Demo((ev.ModelEvent(0, str(broken)),)))
    window.model_error = f"{broken}: not a Keras model"
    with pytest.raises(StopReplay, match=r"the model .*broken.keras could not be opened \(.*not a Keras model\) "
                                         "— the replay stopped there"):
        session.model_ready()
    with pytest.raises(StopReplay) as caught:
        _play(session, ev.Demo((ev.ModelEvent(0, str(tmp_path / "gone.keras")),)))
    assert str(caught.value) == f"d.json: the model {tmp_path / 'gone.keras'} is not on this computer — the replay " \
                                "stopped there"
