"""Writing a demo: the JSON :mod:`.reader` reads, written atomically and never over a file unless asked.

Floats are written as Python's ``repr`` (JSON's shortest round-trip form), so the strokes read back are
the very numbers recorded and replay to bit-identical inputs. Before a byte is written the JSON is read
back through the reader's checks: guiapp never writes a demo it would refuse to open.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from guiapp.core.atomic import write_text_atomic
from guiapp.core.demo.events import FORMAT, VERSION, Demo, DrawingEvent, Event, StrokeEvent
from guiapp.core.drawing.strokes import Stroke
from guiapp.core.errors import OutputExistsError, file_problem

__all__ = ["demo_to_json", "save_demo"]

TIME_DIGITS = 4  # times to a tenth of a millisecond: finer than any timer that replays them


def _stroke_json(stroke: Stroke) -> dict[str, Any]:
    return {"width": stroke.width, "erase": stroke.erase, "points": [[x, y] for x, y in stroke.points]}


def _event_json(event: Event) -> dict[str, Any]:
    data: dict[str, Any] = {"t": round(event.t, TIME_DIGITS), "kind": event.kind}
    if isinstance(event, StrokeEvent):
        data.update(width=event.width, erase=event.erase,
                    points=[[x, y, round(t, TIME_DIGITS)] for (x, y), t in zip(event.points, event.times)])
    elif isinstance(event, DrawingEvent):
        data["strokes"] = [_stroke_json(stroke) for stroke in event.strokes]
    else:
        for name in ("title", "index", "layer", "path", "shipped"):
            if hasattr(event, name):
                data["class" if name == "index" and event.kind == "class" else name] = getattr(event, name)
    return data


def demo_to_json(demo: Demo) -> dict[str, Any]:
    """The JSON object for ``demo`` (see :mod:`guiapp.core.demo.reader` for the format)."""
    return {"format": FORMAT, "version": VERSION, "canvas": list(demo.canvas),
            "duration": round(demo.duration, TIME_DIGITS), "events": [_event_json(e) for e in demo.events]}


def save_demo(demo: Demo, path: Path | str, *, overwrite: bool = False) -> Path:
    """Write ``demo`` to ``path`` atomically; an existing ``path`` is refused unless ``overwrite``
    (:class:`~guiapp.core.errors.OutputExistsError`), a demo the reader would refuse too (its one line)."""
    from guiapp.core.demo.reader import DemoFileError, demo_from_json

    path = Path(path)
    if not overwrite and (path.exists() or path.is_symlink()):
        raise OutputExistsError(file_problem(path, "already exists", "a demo is written over a file only when asked"))
    data = demo_to_json(demo)
    try:
        demo_from_json(data)
    except DemoFileError as exc:
        raise DemoFileError(file_problem(path, f"not written: {exc}")) from None
    write_text_atomic(path, json.dumps(data, separators=(",", ":")) + "\n")
    return path
