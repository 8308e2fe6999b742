"""Reading a demo from a stranger: every field checked, anything else refused in one line naming the file.

The format (one JSON object, written by :func:`~guiapp.core.demo.writer.save_demo`)::

    {"format": "guiapp-demo", "version": 1, "canvas": [280, 280], "duration": 12.5,
     "events": [{"t": 0.0, "kind": "page", "title": "Live network"},
                {"t": 1.2, "kind": "stroke", "width": 20, "erase": false, "points": [[x, y, t], ...]},
                {"t": 4.0, "kind": "sample", "index": 7}, {"t": 5.1, "kind": "class", "class": 3},
                {"t": 6.0, "kind": "map", "layer": "conv2d", "index": 5}, {"t": 7.0, "kind": "tab", "title": "Why"},
                {"t": 8.0, "kind": "model", "path": "mnist_cnn.keras", "shipped": true},
                {"t": 9.0, "kind": "undo"}, {"t": 9.5, "kind": "redo"}, {"t": 10.0, "kind": "clear"},
                {"t": 11.0, "kind": "drawing", "strokes": [{"width": 20, "erase": false, "points": [[x, y]]}]}]}

``t`` is seconds from the start, never decreasing from one event to the next; a stroke's points carry
their own times, never decreasing and not before the stroke's ``t``; points are canvas pixels (a stroke may
run off the canvas by one canvas' size, as the pen can). The file is at most :data:`MAX_FILE_BYTES`, holds at
most :data:`~guiapp.core.demo.events.MAX_EVENTS` events and :data:`~guiapp.core.demo.events.MAX_POINTS`
points, lasts at most :data:`~guiapp.core.demo.events.MAX_DURATION` seconds, and names only pages and tabs
the window has (when the caller says which it has).
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Collection
from pathlib import Path
from typing import Any

from guiapp.core.demo import events as ev
from guiapp.core.drawing.strokes import CANVAS_SIZE, MAX_PEN_WIDTH, MIN_PEN_WIDTH, Stroke
from guiapp.core.errors import GuiappError, file_problem
from guiapp.core.files import FileRefused, read_regular

__all__ = ["HINT", "MAX_FILE_BYTES", "DemoFileError", "demo_from_json", "read_demo"]

MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_CLASS = 100_000  # a class index; the model's own count is checked as the demo plays
MAX_SAMPLE = 10_000_000
MAX_MAP = 100_000
OUTSIDE = 1.0  # a point may lie off the canvas by up to one canvas size (a stroke can run off the edge)
HINT = "record a demo with File → Record demo (Ctrl+Shift+D)"


class DemoFileError(GuiappError):
    """A demo that will not be replayed; the message is one line."""


def _fail(reason: str) -> DemoFileError:
    return DemoFileError(reason)


def _number(value: Any, what: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _fail(f"{what} must be a number, not {type(value).__name__}")
    try:
        number = float(value)
    except OverflowError:
        raise _fail(f"{what} is a number far too large") from None
    if not math.isfinite(number):
        raise _fail(f"{what} is {number!r} — every number must be finite")
    if not low <= number <= high:
        raise _fail(f"{what} is {number:g}, outside {low:g} to {high:g}")
    return number


def _whole(value: Any, what: str, high: int) -> int:
    number = _number(value, what, 0, high)
    if number != int(number):
        raise _fail(f"{what} must be a whole number, not {number:g}")
    return int(number)


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value or len(value) > ev.MAX_TEXT:
        raise _fail(f"{what} must be a text of 1 to {ev.MAX_TEXT} characters")
    return value


def _list(value: Any, what: str) -> list:
    if not isinstance(value, list):
        raise _fail(f"{what} must be a list")
    return value


class _Reader:
    """Checks one decoded demo, event by event; each problem names the event."""

    def __init__(self, width: int, height: int, pages: Collection[str] | None, tabs: Collection[str] | None) -> None:
        self.width, self.height, self.pages, self.tabs = width, height, pages, tabs
        self.points = 0

    def point(self, raw: Any, where: str, timed: bool) -> tuple[float, float, float]:
        if not isinstance(raw, list) or len(raw) != (3 if timed else 2):
            raise _fail(f"{where} must be {'[x, y, t]' if timed else '[x, y]'}")
        x = _number(raw[0], f"{where}: x", -OUTSIDE * self.width, (1 + OUTSIDE) * self.width)
        y = _number(raw[1], f"{where}: y", -OUTSIDE * self.height, (1 + OUTSIDE) * self.height)
        t = _number(raw[2], f"{where}: t", 0, ev.MAX_DURATION) if timed else 0.0
        return x, y, t

    def counted(self, raw: Any, where: str) -> list:
        raw = _list(raw, f"{where}: points")
        if not raw:
            raise _fail(f"{where} has no points")
        self.points += len(raw)
        if self.points > ev.MAX_POINTS:  # counted before the points are read
            raise _fail(f"more than {ev.MAX_POINTS:,} points in all")
        return raw

    def pen(self, data: dict, where: str, low: float = MIN_PEN_WIDTH, high: float = MAX_PEN_WIDTH) -> tuple[float, bool]:
        width = _number(data.get("width"), f"{where}: width", low, high)
        erase = data.get("erase", False)
        if not isinstance(erase, bool):
            raise _fail(f"{where}: erase must be true or false")
        return width, erase

    def stroke(self, data: dict, t: float, where: str) -> ev.StrokeEvent:
        width, erase = self.pen(data, where)
        raw = self.counted(data.get("points"), where)
        points, times, last = [], [], t
        for j, item in enumerate(raw):
            x, y, when = self.point(item, f"{where}, point {j}", timed=True)
            if when < last:
                raise _fail(f"{where}, point {j}: t {when:g} comes before {last:g} — times never go back")
            points.append((x, y))
            times.append(when)
            last = when
        return ev.StrokeEvent(t, tuple(points), tuple(times), width, erase)

    def drawing(self, data: dict, t: float, where: str) -> ev.DrawingEvent:
        strokes = []
        for i, raw in enumerate(_list(data.get("strokes"), f"{where}: strokes")):
            if not isinstance(raw, dict):
                raise _fail(f"{where}, stroke {i} must be an object")
            # an opened stroke file may hold any pen its reader takes (stroke_file: 0.5 to 4× the widest)
            width, erase = self.pen(raw, f"{where}, stroke {i}", 0.5, MAX_PEN_WIDTH * 4)
            items = self.counted(raw.get("points"), f"{where}, stroke {i}")
            points = tuple(self.point(p, f"{where}, stroke {i}, point {j}", timed=False)[:2] for j, p in enumerate(items))
            strokes.append(Stroke(points, width, erase))
        return ev.DrawingEvent(t, tuple(strokes))

    def titled(self, data: dict, t: float, where: str, kind: str) -> ev.PageEvent | ev.TabEvent:
        title = _text(data.get("title"), f"{where}: title")
        known = self.pages if kind == "page" else self.tabs
        if known is not None and title not in known:
            listed = ", ".join(known)
            raise _fail(f"{where} shows the {kind} \"{title[:60]}\", which this window does not have "
                        f"(its {kind}s: {listed})")
        return (ev.PageEvent if kind == "page" else ev.TabEvent)(t, title)

    def event(self, data: Any, i: int, previous: float) -> ev.Event:
        where = f"event {i}"
        if not isinstance(data, dict):
            raise _fail(f"{where} must be an object with \"t\" and \"kind\"")
        t = _number(data.get("t"), f"{where}: t", 0, ev.MAX_DURATION)
        if t < previous:
            raise _fail(f"{where}: t {t:g} comes before the previous event's {previous:g} — times never go back")
        kind = data.get("kind")
        where = f"event {i} ({kind})" if isinstance(kind, str) and len(kind) < 20 else where
        if kind == "stroke":
            return self.stroke(data, t, where)
        if kind == "drawing":
            return self.drawing(data, t, where)
        if kind in ("page", "tab"):
            return self.titled(data, t, where, kind)
        if kind == "sample":
            return ev.SampleEvent(t, _whole(data.get("index"), f"{where}: index", MAX_SAMPLE))
        if kind == "class":
            return ev.ClassEvent(t, _whole(data.get("class"), f"{where}: class", MAX_CLASS))
        if kind == "map":
            index = data.get("index")
            return ev.MapEvent(t, _text(data.get("layer"), f"{where}: layer"),
                               None if index is None else _whole(index, f"{where}: index", MAX_MAP))
        if kind == "model":
            shipped = data.get("shipped", False)
            if not isinstance(shipped, bool):
                raise _fail(f"{where}: shipped must be true or false")
            path = _text(data.get("path"), f"{where}: path")
            if shipped and (Path(path).name != path or path in (".", "..")):
                raise _fail(f"{where}: a shipped model is named by its file name alone, not {path[:60]!r}")
            if "\0" in path:
                raise _fail(f"{where}: path holds a NUL character")
            return ev.ModelEvent(t, path, shipped)
        simple = {"clear": ev.ClearEvent, "undo": ev.UndoEvent, "redo": ev.RedoEvent}
        if kind in simple:
            return simple[kind](t)
        known = "stroke, drawing, sample, clear, undo, redo, page, tab, class, map, model"
        raise _fail(f"{where}: unknown kind {str(kind)[:30]!r} (known: {known})")


def demo_from_json(data: Any, pages: Collection[str] | None = None, tabs: Collection[str] | None = None) -> ev.Demo:
    """A :class:`~guiapp.core.demo.events.Demo` from decoded JSON; :class:`DemoFileError` says what is wrong.

    ``pages``, ``tabs``: the titles the window has (None: any title is taken)."""
    if not isinstance(data, dict) or data.get("format") != ev.FORMAT:
        raise _fail(f'not a guiapp demo (a JSON object with "format": "{ev.FORMAT}")')
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise _fail(f"its version must be a whole number (this guiapp reads version {ev.VERSION})")
    if version != ev.VERSION:
        newer = "a newer" if version > ev.VERSION else "an unknown"
        raise _fail(f"is demo version {version} from {newer} guiapp; this one reads version {ev.VERSION}")
    canvas = _list(data.get("canvas", [CANVAS_SIZE, CANVAS_SIZE]), "canvas")
    if len(canvas) != 2:
        raise _fail("canvas must be [width, height]")
    width, height = (_whole(v, "canvas size", 4096) for v in canvas)
    if (width, height) != (CANVAS_SIZE, CANVAS_SIZE):
        raise _fail(f"was recorded on a {width}×{height} canvas; this guiapp's is {CANVAS_SIZE}×{CANVAS_SIZE}")
    if "duration" in data:
        _number(data["duration"], "duration", 0, ev.MAX_DURATION)
    raw = _list(data.get("events"), "events")
    if len(raw) > ev.MAX_EVENTS:
        raise _fail(f"holds {len(raw):,} events, more than the {ev.MAX_EVENTS:,} a demo may")
    reader = _Reader(width, height, pages, tabs)
    events: list[ev.Event] = []
    for i, item in enumerate(raw):
        events.append(reader.event(item, i, events[-1].t if events else 0.0))
    return ev.Demo(tuple(events), (width, height))


def read_demo(path: Path | str, pages: Collection[str] | None = None, tabs: Collection[str] | None = None) -> ev.Demo:
    """The demo in the file at ``path``; :class:`DemoFileError` in one line naming the file and the problem."""
    path = Path(path)
    try:
        raw = read_regular(path, MAX_FILE_BYTES)
    except FileRefused as exc:
        raise DemoFileError(file_problem(path, "no such demo file" if exc.reason == "no such file" else exc.reason,
                                         HINT)) from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise DemoFileError(file_problem(path, "not UTF-8 text", HINT)) from None
    except json.JSONDecodeError as exc:
        where = "it ends too soon (truncated?)" if exc.pos >= len(raw.rstrip()) else f"at line {exc.lineno}"
        raise DemoFileError(file_problem(path, f"not JSON ({exc.msg}; {where})", HINT)) from None
    except ValueError:  # an integer of more digits than Python will convert
        raise DemoFileError(file_problem(path, f"holds a number of more than {sys.get_int_max_str_digits():,} "
                                               "digits", HINT)) from None
    except RecursionError:
        raise DemoFileError(file_problem(path, "nested too deeply to be a demo", HINT)) from None
    try:
        return demo_from_json(data, pages, tabs)
    except DemoFileError as exc:
        raise DemoFileError(file_problem(path, str(exc), HINT)) from None
