"""reader: a stranger's demo is refused — truncated, huge, NaN, a wrong version, an unknown page, a million
points, times going back, points far off the canvas, a FIFO — in one line naming the file and the problem."""

from __future__ import annotations

import json

import pytest

from guiapp.core.demo import events as ev
from guiapp.core.demo.reader import HINT, MAX_FILE_BYTES, DemoFileError, read_demo
from guiapp.core.demo.writer import demo_to_json
from tests.hostile_files import not_a_file

PAGES = ("Live network", "Conv arithmetic", "Architecture explorer", "Training")
TABS = ("Ledger", "Why", "Where")
GOOD = {"format": "guiapp-demo", "version": 1, "canvas": [280, 280], "events": [
    {"t": 0, "kind": "page", "title": "Live network"},
    {"t": 0.5, "kind": "stroke", "width": 20, "erase": False, "points": [[10, 10, 0.5], [20, 20.5, 0.6]]},
    {"t": 1, "kind": "tab", "title": "Why"}, {"t": 1.5, "kind": "class", "class": 3},
]}


def _write(tmp_path, data, name="demo.json") -> object:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def _refusal(path) -> str:
    with pytest.raises(DemoFileError) as caught:
        read_demo(path, PAGES, TABS)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(f"{path}: ") and message.endswith(f" — {HINT}")
    return message[len(f"{path}: "):-len(f" — {HINT}")]


def _with(**changes) -> dict:
    data = json.loads(json.dumps(GOOD))
    data.update(changes)
    return data


def _event(event: dict) -> dict:
    return _with(events=GOOD["events"] + [event])


def test_a_good_demo_is_read_with_its_strokes_timed(tmp_path):
    demo = read_demo(_write(tmp_path, GOOD), PAGES, TABS)
    assert [e.kind for e in demo.events] == ["page", "stroke", "tab", "class"]
    assert demo.events[1].points == ((10.0, 10.0), (20.0, 20.5)) and demo.events[1].times == (0.5, 0.6)
    assert demo.events[3] == ev.ClassEvent(1.5, 3) and demo.duration == 1.5


def test_a_truncated_file_is_refused(tmp_path):
    text = json.dumps(GOOD)
    assert _refusal(_write(tmp_path, text[: len(text) // 2])).startswith("not JSON (")
    assert "truncated" in _refusal(_write(tmp_path, text[:-1]))
    assert _refusal(_write(tmp_path, "")).startswith("not JSON (")


def test_a_huge_file_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.json"
    with open(path, "wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    assert _refusal(path) == "is 16,777,217 bytes, more than the 16,777,216 guiapp reads from such a file"


@pytest.mark.parametrize(("event", "problem"), [
    ({"t": 2, "kind": "stroke", "width": 20, "points": [[float("nan"), 1, 2]]},
     "event 4 (stroke), point 0: x is nan — every number must be finite"),
    ({"t": 2, "kind": "stroke", "width": 20, "points": [[1, 1, 1e999]]},
     "event 4 (stroke), point 0: t is inf — every number must be finite"),
    ({"t": float("nan"), "kind": "clear"}, "event 4: t is nan — every number must be finite"),
    ({"t": 1, "kind": "clear"}, "event 4: t 1 comes before the previous event's 1.5 — times never go back"),
    ({"t": 2, "kind": "stroke", "width": 20, "points": [[1, 1, 2.5], [2, 2, 2.25]]},
     "event 4 (stroke), point 1: t 2.25 comes before 2.5 — times never go back"),
    ({"t": 2, "kind": "stroke", "width": 20, "points": [[900, 1, 2]]},
     "event 4 (stroke), point 0: x is 900, outside -280 to 560"),
    ({"t": 4000, "kind": "undo"}, "event 4: t is 4000, outside 0 to 3600"),
    ({"t": 2, "kind": "page", "title": "Slides"},
     'event 4 (page) shows the page "Slides", which this window does not have (its pages: Live network, '
     "Conv arithmetic, Architecture explorer, Training)"),
    ({"t": 2, "kind": "tab", "title": "Kernels"}, 'event 4 (tab) shows the tab "Kernels", which this window does '
                                                  "not have (its tabs: Ledger, Why, Where)"),
    ({"t": 2, "kind": "class", "class": -1}, "event 4 (class): class is -1, outside 0 to 100000"),
    ({"t": 2, "kind": "sample", "index": 2.5}, "event 4 (sample): index must be a whole number, not 2.5"),
    ({"t": 2, "kind": "model", "path": "../../x.keras", "shipped": True},
     "event 4 (model): a shipped model is named by its file name alone, not '../../x.keras'"),
    ({"t": 2, "kind": "stroke", "width": 500, "points": [[1, 1, 2]]}, "event 4 (stroke): width is 500, outside 4 to 60"),
    ({"t": 2, "kind": "explode"}, "event 4 (explode): unknown kind 'explode' (known: stroke, drawing, sample, "
                                  "clear, undo, redo, page, tab, class, map, model)"),
    ("not an object", 'event 4 must be an object with "t" and "kind"'),
])
def test_each_bad_event_is_named_with_its_problem(tmp_path, event, problem):
    assert _refusal(_write(tmp_path, _event(event))) == problem


@pytest.mark.parametrize(("changes", "problem"), [
    ({"version": 2}, "is demo version 2 from a newer guiapp; this one reads version 1"),
    ({"version": "1"}, "its version must be a whole number (this guiapp reads version 1)"),
    ({"format": "guiapp-drawing"}, 'not a guiapp demo (a JSON object with "format": "guiapp-demo")'),
    ({"canvas": [560, 560]}, "was recorded on a 560×560 canvas; this guiapp's is 280×280"),
    ({"events": {}}, "events must be a list"),
    ({"events": [{"t": 0, "kind": "clear"}] * (ev.MAX_EVENTS + 1)}, "holds 20,001 events, more than the 20,000 a demo may"),
])
def test_a_wrong_version_or_frame_is_refused(tmp_path, changes, problem):
    assert _refusal(_write(tmp_path, _with(**changes))) == problem


def test_a_million_points_are_refused_by_count(tmp_path):
    stroke = {"t": 2, "kind": "stroke", "width": 20, "points": [[1, 1, 2]] * 1_000_000}
    path = _write(tmp_path, json.dumps(_event(stroke), separators=(",", ":")))
    assert path.stat().st_size < MAX_FILE_BYTES  # so the count, not the size, refuses it
    assert _refusal(path) == "more than 250,000 points in all"


def test_nesting_thousands_deep_is_refused(tmp_path):
    assert _refusal(_write(tmp_path, "[" * 200_000 + "]" * 200_000)) == "nested too deeply to be a demo"
    assert _refusal(_write(tmp_path, _event({"t": 2, "kind": "stroke", "width": 20, "points": [[[[1]]]]}))) == \
        "event 4 (stroke), point 0 must be [x, y, t]"


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_a_fifo_or_dev_zero_is_refused_at_once(tmp_path, kind):
    with not_a_file(kind, tmp_path / "demo.json") as (path, reason):
        assert _refusal(path) == reason


def test_titles_are_not_checked_when_the_caller_does_not_say_which_exist(tmp_path):
    demo = read_demo(_write(tmp_path, _event({"t": 2, "kind": "page", "title": "Slides"})))
    assert demo.events[-1] == ev.PageEvent(2.0, "Slides")
    assert demo_to_json(demo)["events"][-1] == {"t": 2.0, "kind": "page", "title": "Slides"}


def test_the_shipped_demo_reads_whole():
    """resources/demo_seven.json: a 7 drawn in one stroke, the Why tab explaining 1, a map clicked, a test digit."""
    from guiapp import paths

    demo = read_demo(paths.RESOURCES_DIR / "demo_seven.json", ("Live network",), ("Why", "Selected map"))
    kinds = [type(event) for event in demo.events]
    assert kinds.count(ev.StrokeEvent) == 1 and ev.ClassEvent in kinds and ev.MapEvent in kinds
    assert 10 < demo.duration < 20
