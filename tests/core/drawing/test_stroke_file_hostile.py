"""Hostile stroke files: numbers and nesting Python's parser refuses get a reason per line, the rest still read."""

from __future__ import annotations

import json

import pytest

from guiapp.core.drawing import stroke_file as sf
from guiapp.core.drawing.strokes import Drawing, Stroke

SEVEN = Drawing(strokes=(Stroke(((60.25, 60.5), (220.0, 61.0), (120.125, 240.75)), 20.0),))
GOOD = json.dumps(sf.drawing_to_json(SEVEN))

HOSTILE_LINES = [
    ("[" * 100_000 + "]" * 100_000, "nested too deeply to be a drawing"),
    ('{"strokes": [[[' + "1" * 5000 + ", 2]]]}", "holds a number with more than 4,300 digits"),
    ('{"strokes": [[[' + "1" * 4000 + ", 2]]]}", "stroke 0, point 0: x is a 4,000-digit number — far too large"),
    ('{"strokes": [[[1e999, 2]]]}', "stroke 0, point 0: x is inf — every number must be finite"),
    ('{"strokes": [[[1, -1e999]]]}', "stroke 0, point 0: y is -inf — every number must be finite"),
    ('{"strokes": [[[NaN, 2]]]}', "stroke 0, point 0: x is nan — every number must be finite"),
    ('{"width": ' + "9" * 4000 + ', "strokes": [[[1, 2]]]}', "width is a 4,000-digit number — far too large"),
    ('{"width": 1e999, "strokes": [[[1, 2]]]}', "width is inf — every number must be finite"),
    ('{"width": 500.5, "strokes": [[[1, 2]]]}', "width must be a whole number of pixels from 8 to 4096, not 500.5"),
    ('{"pen_width": NaN, "strokes": [[[1, 2]]]}', "pen_width is nan — every number must be finite"),
    ('{"strokes": [{"points": [[1, 2]], "width": ' + "7" * 400 + "}]}", "stroke 0: width is a 400-digit number"),
    ('{"strokes": [[[[[[[1, 2]]]]]]]}', "stroke 0, point 0 must be [x, y], not a list of 1"),
    ('{"strokes": [[["' + "x" * 1000 + '", 2]]]}', 'x must be a number, not "' + "x" * 30 + '…"'),
    ('{"strokes": [[' + "[1, 2], " * 100_000 + "[1, 2]]]}", "more than 100,000 points in one drawing"),
]


def test_every_hostile_line_gets_its_reason_and_the_good_lines_still_read(tmp_path):
    path = tmp_path / "hostile.jsonl"
    path.write_text("\n".join([GOOD, *[text for text, _ in HOSTILE_LINES], GOOD]) + "\n")
    entries = list(sf.read_drawings(path))
    assert [e.number for e in entries] == list(range(1, len(HOSTILE_LINES) + 3))
    assert entries[0].drawing.strokes == SEVEN.strokes and entries[-1].drawing.strokes == SEVEN.strokes
    for entry, (_, message) in zip(entries[1:-1], HOSTILE_LINES, strict=True):
        assert entry.drawing is None and message in entry.error, (entry.error, message)
        assert "\n" not in entry.error and len(entry.error) < 200


@pytest.mark.parametrize("content", ["", "\n\n  \n"], ids=["empty", "blank lines"])
def test_a_file_without_drawings_says_so(tmp_path, content):
    path = tmp_path / "none.jsonl"
    path.write_text(content)
    with pytest.raises(sf.StrokeFileError) as info:
        list(sf.read_drawings(path))
    assert str(info.value) == f"{path}: holds no drawings — {sf.HINT}"


def test_opening_a_hostile_drawing_in_the_window_gives_one_line(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(sf.StrokeFileError) as info:
        sf.load_drawing(path)
    assert str(info.value).startswith(f"{path}: nested too deeply to be a drawing")


def test_a_stroke_file_over_the_size_limit_is_refused_before_a_line_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(sf, "MAX_FILE_BYTES", 2 * len(GOOD))
    path = tmp_path / "many.jsonl"
    path.write_text(f"{GOOD}\n" * 3)
    with pytest.raises(sf.StrokeFileError) as info:
        next(sf.read_drawings(path))  # the first drawing is not even given
    size = path.stat().st_size
    assert str(info.value) == (f"{path}: is {size} bytes, more than the {2 * len(GOOD)} bytes guiapp reads from "
                               f"such a file — {sf.HINT}")


def test_no_more_than_the_limit_is_read_from_a_file_that_grows_even_inside_an_overlong_line(tmp_path, monkeypatch):
    """What ends the long-line skipper is the byte budget, not the end of the file (``/dev/zero`` has none)."""
    monkeypatch.setattr(sf, "MAX_LINE_BYTES", 10)
    monkeypatch.setattr(sf, "SKIP_BYTES", 7)
    monkeypatch.setattr(sf, "MAX_FILE_BYTES", 100)
    path = tmp_path / "grows.jsonl"
    path.write_bytes(b"x" * 1000)  # as if it grew to this after it was measured: the opening lets it through
    monkeypatch.setattr(sf, "open_regular", lambda p, limit: open(p, "rb"))  # noqa: SIM115 — closed by the reader
    with pytest.raises(sf.StrokeFileError) as info:
        list(sf.read_drawings(path))
    assert str(info.value) == f"{path}: grew past the 100 bytes guiapp reads from a stroke file while being read — " \
                              f"{sf.HINT}"
