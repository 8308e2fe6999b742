"""writer: a demo saved reads back identical, is never written over a file unless asked, and a demo the reader
would refuse is not written at all."""

from __future__ import annotations

import json

import pytest

from guiapp.core.demo import events as ev
from guiapp.core.demo.reader import DemoFileError, read_demo
from guiapp.core.demo.writer import demo_to_json, save_demo
from guiapp.core.drawing.strokes import Stroke
from guiapp.core.errors import OutputExistsError

DEMO = ev.Demo((
    ev.ModelEvent(0.0, "mnist_cnn.keras", True), ev.PageEvent(0.0, "Live network"), ev.TabEvent(0.0, "Ledger"),
    ev.ClearEvent(0.0),
    ev.StrokeEvent(0.5, ((140.25, 45.5), (140.0, 120.125), (139.75, 235.0)), (0.5, 0.5167, 0.75), 20.0),
    ev.StrokeEvent(1.0, ((100.0, 100.0), (110.0, 100.0)), (1.0, 1.1), 30.0, erase=True),
    ev.UndoEvent(1.5), ev.RedoEvent(1.6), ev.SampleEvent(2.0, 7), ev.ClassEvent(2.5, 3),
    ev.MapEvent(3.0, "conv2d", 5), ev.MapEvent(3.1, "dense", None), ev.TabEvent(3.5, "Why"),
    ev.DrawingEvent(4.0, (Stroke(((1.0, 2.0), (3.0, 4.0)), 2.0),)), ev.PageEvent(5.0, "Training"),
    ev.ModelEvent(6.0, "/somewhere/else.keras"),
))


def test_a_saved_demo_reads_back_identical(tmp_path):
    path = save_demo(DEMO, tmp_path / "demo.json")
    assert read_demo(path) == DEMO
    data = json.loads(path.read_text(encoding="utf-8"))
    assert (data["format"], data["version"], data["canvas"], data["duration"]) == ("guiapp-demo", 1, [280, 280], 6.0)
    assert data["events"][4]["points"][1] == [140.0, 120.125, 0.5167]  # x, y exactly; t to 0.1 ms
    assert data["events"][9] == {"t": 2.5, "kind": "class", "class": 3}
    assert [p.name for p in tmp_path.iterdir()] == ["demo.json"]  # no temporary file left beside it


def test_an_existing_file_is_never_written_over_unless_asked(tmp_path):
    path = tmp_path / "demo.json"
    path.write_text("mine", encoding="utf-8")
    with pytest.raises(OutputExistsError) as caught:
        save_demo(DEMO, path)
    assert str(caught.value).startswith(f"{path}: already exists")
    assert path.read_text(encoding="utf-8") == "mine"
    save_demo(DEMO, path, overwrite=True)
    assert read_demo(path) == DEMO


def test_a_demo_the_reader_would_refuse_is_not_written(tmp_path):
    late = ev.Demo((ev.ClearEvent(ev.MAX_DURATION + 1),))
    with pytest.raises(DemoFileError) as caught:
        save_demo(late, tmp_path / "late.json")
    assert str(caught.value).startswith(f"{tmp_path / 'late.json'}: not written: duration is 3601, outside 0 to 3600")
    assert not (tmp_path / "late.json").exists()
    assert demo_to_json(ev.Demo())["events"] == []
