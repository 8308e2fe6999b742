"""Drawings as JSON: the stroke file format, read one drawing per line with a clear error per bad line.

One drawing is one JSON object::

    {"width": 280, "height": 280, "pen_width": 20,
     "strokes": [[[x, y], [x, y], ...], ...]}

Points are canvas pixels, origin top-left, y down, in drawing order. ``pen_width`` (the
pen's diameter in canvas pixels) is optional and defaults to the app's 20. A stroke
may also be an object ``{"points": [[x, y], ...], "width": 14, "erase": true}`` (the
window saves this form when strokes differ in width or include the eraser). A stroke
file for ``guiapp predict --strokes`` holds one such object per line (JSON Lines);
the window's *Save drawing* writes one object.

Every drawing goes through :func:`~guiapp.core.drawing.strokes.rasterize` and the MNIST recipe
— the same code as the live canvas — so a file and the canvas give bit-identical inputs.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from guiapp.core.atomic import refuse_overwrite, write_text_atomic
from guiapp.core.drawing.strokes import (
    CANVAS_SIZE,
    DEFAULT_PEN_WIDTH,
    MAX_PEN_WIDTH,
    Drawing,
    Stroke,
)
from guiapp.core.errors import GuiappError, file_problem
from guiapp.core.files import FileRefused, human_size, open_regular

__all__ = [
    "HINT", "ON_A_PICTURE", "Line", "StrokeFileError", "drawing_from_json", "drawing_to_json", "export_png",
    "holds_a_picture", "load_drawing", "read_drawings", "save_drawing",
]

FORMAT = "guiapp-drawing"
MAX_CANVAS = 4096
MAX_POINTS = 100_000  # per drawing
MAX_LINE_BYTES = 8 * 1024 * 1024  # a longer line is refused without reading it all into memory
# A whole stroke file: a drawing is a few kB, so this is some 100,000 drawings for ``predict --strokes``.
# Anything larger is refused before a byte is read, and no more than this is read from a file that grows.
MAX_FILE_BYTES = 256 * 1024 * 1024
SKIP_BYTES = 1 << 20  # the rest of an over-long line is skipped this much at a time
OUTSIDE = 1.0  # points may leave the canvas by up to one canvas size (a stroke can run off the edge)
HINT = "see the stroke file format in the README (guiapp predict --help)"
# A loaded test digit is a picture under the strokes: a stroke file holds strokes only, and saving the strokes
# alone would give ``predict --strokes`` another drawing than the one on the canvas (often an empty one).
ON_A_PICTURE = "this drawing is on a test digit, which a stroke file cannot hold"


class StrokeFileError(GuiappError):
    """A drawing that cannot be read; the message says what is wrong with it."""


def _preview(value: Any) -> str:
    """A short description of any decoded JSON value, for a message (never the whole of a huge value)."""
    if isinstance(value, list):
        return f"a list of {len(value):,}"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, str):
        return json.dumps(value[:30] + ("…" if len(value) > 30 else ""), ensure_ascii=False)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**15:
        return f"a {len(str(abs(value))):,}-digit number"
    return repr(value) if isinstance(value, float) else json.dumps(value)  # nan, inf as Python shows them


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise StrokeFileError(f"{what} must be a number, not {_preview(value)}")
    try:
        number = float(value)
    except OverflowError:  # an integer beyond any float: 10**400
        raise StrokeFileError(f"{what} is {_preview(value)} — far too large") from None
    if not math.isfinite(number):  # NaN, or 1e999, which JSON reads as infinity
        raise StrokeFileError(f"{what} is {_preview(value)} — every number must be finite")
    return number


def _size(data: dict, key: str) -> int:
    value = data.get(key, CANVAS_SIZE)
    number = _number(value, key)
    if number != int(number) or not 8 <= number <= MAX_CANVAS:
        raise StrokeFileError(f"{key} must be a whole number of pixels from 8 to {MAX_CANVAS}, not {_preview(value)}")
    return int(number)


def _points(raw: Any, where: str, width: int, height: int) -> tuple[tuple[float, float], ...]:
    if not isinstance(raw, list) or not raw:
        raise StrokeFileError(f"{where} has no points — a stroke is a list of [x, y] points")
    points = []
    for j, point in enumerate(raw):
        if not isinstance(point, (list, tuple)) or len(point) != 2:
            raise StrokeFileError(f"{where}, point {j} must be [x, y], not {_preview(point)}")
        x = _number(point[0], f"{where}, point {j}: x")
        y = _number(point[1], f"{where}, point {j}: y")
        if not (-OUTSIDE * width <= x <= (1 + OUTSIDE) * width and -OUTSIDE * height <= y <= (1 + OUTSIDE) * height):
            raise StrokeFileError(
                f"{where}, point {j} ({x:g}, {y:g}) lies far outside the {width}×{height} canvas "
                "(points are canvas pixels, origin top-left)"
            )
        points.append((x, y))
    return tuple(points)


def drawing_from_json(data: Any) -> Drawing:
    """A :class:`Drawing` from one decoded JSON object; :class:`StrokeFileError` says what is wrong."""
    if not isinstance(data, dict):
        raise StrokeFileError('a drawing is a JSON object: {"width": 280, "height": 280, "strokes": [...]}')
    if "strokes" not in data:
        raise StrokeFileError("missing the key \"strokes\"")
    width, height = _size(data, "width"), _size(data, "height")
    pen = _number(data.get("pen_width", DEFAULT_PEN_WIDTH), "pen_width")
    if not 0.5 <= pen <= MAX_PEN_WIDTH * 4:
        raise StrokeFileError(f"pen_width must be from 0.5 to {MAX_PEN_WIDTH * 4:g} pixels, not {pen:g}")
    raw_strokes = data["strokes"]
    if not isinstance(raw_strokes, list) or not raw_strokes:
        raise StrokeFileError("\"strokes\" is empty — a drawing needs at least one stroke")
    strokes = []
    total = 0
    for i, raw in enumerate(raw_strokes):
        where = f"stroke {i}"
        stroke_width, erase = pen, False
        if isinstance(raw, dict):
            stroke_width = _number(raw.get("width", pen), f"{where}: width")
            if not 0.5 <= stroke_width <= MAX_PEN_WIDTH * 4:
                raise StrokeFileError(f"{where}: width must be from 0.5 to {MAX_PEN_WIDTH * 4:g}, not {stroke_width:g}")
            erase = raw.get("erase", False)
            if not isinstance(erase, bool):
                raise StrokeFileError(f"{where}: erase must be true or false")
            raw = raw.get("points")
        total += len(raw) if isinstance(raw, list) else 0
        if total > MAX_POINTS:  # before reading them
            raise StrokeFileError(f"more than {MAX_POINTS:,} points in one drawing")
        points = _points(raw, where, width, height)
        strokes.append(Stroke(points, stroke_width, erase))
    return Drawing(width, height, tuple(strokes))


def drawing_to_json(drawing: Drawing) -> dict[str, Any]:
    """The JSON object for ``drawing`` (strokes only: a loaded picture underneath is not strokes)."""
    widths = {stroke.width for stroke in drawing.strokes}
    plain = len(widths) <= 1 and not any(stroke.erase for stroke in drawing.strokes)
    pen = widths.pop() if len(widths) == 1 else DEFAULT_PEN_WIDTH
    data: dict[str, Any] = {"format": FORMAT, "width": drawing.width, "height": drawing.height, "pen_width": pen}
    if plain:
        data["strokes"] = [[list(p) for p in stroke.points] for stroke in drawing.strokes]
    else:
        data["strokes"] = [
            {"points": [list(p) for p in stroke.points], "width": stroke.width,
             **({"erase": True} if stroke.erase else {})}
            for stroke in drawing.strokes
        ]
    return data


def holds_a_picture(drawing: Drawing) -> bool:
    """The drawing has a picture under its strokes (a loaded test digit) that a stroke file cannot hold."""
    return drawing.background is not None and bool(np.asarray(drawing.background).any())


def save_drawing(drawing: Drawing, path: Path | str, *, force: bool = False) -> Path:
    """Write one drawing as JSON, atomically; refuses to overwrite unless ``force``, and refuses a drawing on a
    picture (:data:`ON_A_PICTURE`): its strokes alone are not what the canvas shows."""
    if holds_a_picture(drawing):
        raise StrokeFileError(ON_A_PICTURE)
    if not drawing.strokes:
        raise StrokeFileError("there are no strokes to save")
    path = Path(path)
    refuse_overwrite(path, force=force)
    write_text_atomic(path, json.dumps(drawing_to_json(drawing)) + "\n")  # floats round-trip exactly
    return path


def load_drawing(path: Path | str) -> Drawing:
    """Read a drawing saved by the window (or the first line of a stroke file)."""
    path = Path(path)
    for entry in read_drawings(path):
        if entry.error:
            raise StrokeFileError(file_problem(path, entry.error, HINT))
        return entry.drawing  # type: ignore[return-value]
    raise StrokeFileError(file_problem(path, "holds no drawing", HINT))


@dataclass(frozen=True)
class Line:
    number: int
    drawing: Drawing | None
    error: str | None


def read_drawings(path: Path | str) -> Iterator[Line]:
    """Each non-blank line of a JSON Lines stroke file: its drawing, or why it is not one.

    The file is opened through :func:`~guiapp.core.files.open_regular` (a FIFO or ``/dev/zero`` is
    refused at once) and never more than :data:`MAX_FILE_BYTES` of it is read.
    """
    path = Path(path)
    try:
        handle = open_regular(path, MAX_FILE_BYTES)
    except FileRefused as exc:
        reason = "no such stroke file" if exc.reason == "no such file" else exc.reason
        raise StrokeFileError(file_problem(path, reason, HINT)) from None
    with handle:
        number = drawings = 0
        budget = MAX_FILE_BYTES  # what may still be read: the file may grow while it is read

        def read_line(limit: int) -> bytes:
            nonlocal budget
            try:
                chunk = handle.readline(min(limit, budget + 1))
            except OSError as exc:
                raise StrokeFileError(file_problem(path, f"cannot be read ({exc.strerror or exc})", HINT)) from None
            budget -= len(chunk)
            if budget < 0:
                raise StrokeFileError(file_problem(
                    path, f"grew past the {human_size(MAX_FILE_BYTES)} guiapp reads from a stroke file while "
                          "being read", HINT))
            return chunk

        while True:
            chunk = read_line(MAX_LINE_BYTES + 1)
            if not chunk:
                if not drawings:  # an empty file would otherwise end with no output and no error
                    raise StrokeFileError(file_problem(path, "holds no drawings", HINT))
                return
            number += 1
            if len(chunk) > MAX_LINE_BYTES and not chunk.endswith(b"\n"):
                while True:  # skip the rest of the line a megabyte at a time (the budget ends it)
                    rest = read_line(SKIP_BYTES)
                    if not rest or rest.endswith(b"\n"):
                        break
                drawings += 1
                yield Line(number, None, f"longer than {MAX_LINE_BYTES // (1024 * 1024)} MB — one drawing per line")
                continue
            text = chunk.strip()
            if not text:
                continue
            drawings += 1
            yield _read_line(number, text)


def _read_line(number: int, text: bytes) -> Line:
    """One line's drawing, or why it is not one: whatever the line holds, this returns."""
    try:
        data = json.loads(text.decode("utf-8"))
    except UnicodeDecodeError:
        return Line(number, None, "not UTF-8 text")
    except json.JSONDecodeError as exc:
        return Line(number, None, f"not JSON ({exc.msg} at column {exc.colno})")
    except ValueError:  # Python refuses to turn a number of thousands of digits into an int
        return Line(number, None, f"holds a number with more than {sys.get_int_max_str_digits():,} digits")
    except RecursionError:
        return Line(number, None, "nested too deeply to be a drawing (lists within lists thousands deep)")
    try:
        return Line(number, drawing_from_json(data), None)
    except StrokeFileError as exc:
        return Line(number, None, str(exc))


def export_png(drawing: Drawing, path: Path | str, *, force: bool = False) -> Path:
    """The drawing as the canvas shows it (white ink on black, canvas size), as a PNG written atomically."""
    from PIL import Image

    from guiapp.core.atomic import atomic_path
    from guiapp.core.drawing.strokes import rasterize

    path = Path(path)
    refuse_overwrite(path, force=force)
    pixels = np.round(rasterize(drawing) * 255).astype(np.uint8)
    with atomic_path(path) as tmp:
        Image.fromarray(pixels, mode="L").save(tmp, format="PNG")
    return path
