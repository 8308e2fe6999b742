"""Stroke files: the documented format round-trips; every kind of bad line gets its own clear error."""

from __future__ import annotations

import json

import numpy as np
import pytest

from guiapp.core.drawing import stroke_file as sf
from guiapp.core.drawing.preprocess import drawing_to_network_input
from guiapp.core.drawing.strokes import Drawing, Stroke
from guiapp.core.errors import OutputExistsError

SEVEN = Drawing(strokes=(Stroke(((60.25, 60.5), (220.0, 61.0), (120.125, 240.75)), 20.0),))
MIXED = Drawing(strokes=(Stroke(((50.0, 50.0), (200.0, 200.0)), 14.0),
                         Stroke(((100.0, 100.0), (110.0, 120.0)), 30.0, erase=True)))


@pytest.mark.parametrize("drawing", [SEVEN, MIXED], ids=["plain", "widths-and-eraser"])
def test_a_saved_drawing_opens_identical(tmp_path, drawing):
    path = sf.save_drawing(drawing, tmp_path / "d.json")
    again = sf.load_drawing(path)
    assert again.strokes == drawing.strokes and (again.width, again.height) == (280, 280)
    np.testing.assert_array_equal(drawing_to_network_input(again), drawing_to_network_input(drawing))
    with pytest.raises(OutputExistsError):
        sf.save_drawing(drawing, path)


def test_the_documented_form_and_defaults():
    drawing = sf.drawing_from_json({"width": 280, "height": 280, "strokes": [[[1, 2], [3, 4]]]})
    assert drawing.strokes == (Stroke(((1.0, 2.0), (3.0, 4.0)), 20.0),)
    assert sf.drawing_to_json(SEVEN)["strokes"] == [[[60.25, 60.5], [220.0, 61.0], [120.125, 240.75]]]
    assert sf.drawing_to_json(MIXED)["strokes"][1] == {"points": [[100.0, 100.0], [110.0, 120.0]], "width": 30.0,
                                                       "erase": True}


BAD_LINES = [
    ("{not json", "not JSON"),
    ("[1, 2]", "a drawing is a JSON object"),
    ('{"width": 280, "height": 280}', 'missing the key "strokes"'),
    ('{"width": 280, "height": 280, "strokes": []}', '"strokes" is empty'),
    ('{"strokes": [[]]}', "stroke 0 has no points"),
    ('{"strokes": [[[1, NaN]]]}', "stroke 0, point 0: y is nan"),
    ('{"strokes": [[[1, 2], [Infinity, 2]]]}', "point 1: x is inf"),
    ('{"strokes": [[[1, 2], [5000, 2]]]}', "lies far outside the 280×280 canvas"),
    ('{"strokes": [[[1, 2, 3]]]}', "must be [x, y]"),
    ('{"strokes": [[["a", 2]]]}', "x must be a number"),
    ('{"width": -5, "strokes": [[[1, 2]]]}', "width must be a whole number of pixels"),
    ('{"pen_width": 0, "strokes": [[[1, 2]]]}', "pen_width must be from 0.5"),
    ('{"strokes": [{"points": [[1, 2]], "erase": "yes"}]}', "erase must be true or false"),
]


def test_every_bad_line_is_reported_and_the_good_ones_still_read(tmp_path):
    good = json.dumps(sf.drawing_to_json(SEVEN))
    lines = [good, *[text for text, _ in BAD_LINES], "", good]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines) + "\n")
    entries = list(sf.read_drawings(path))
    assert [e.number for e in entries] == [1, *range(2, 2 + len(BAD_LINES)), len(lines)]  # the blank line is skipped
    assert entries[0].drawing.strokes == SEVEN.strokes and entries[-1].drawing.strokes == SEVEN.strokes
    for entry, (_, message) in zip(entries[1:-1], BAD_LINES, strict=True):
        assert entry.drawing is None and message in entry.error, (entry.error, message)
        assert "\n" not in entry.error


def test_a_100_mb_line_is_refused_without_reading_it_whole(tmp_path):
    path = tmp_path / "huge.jsonl"
    with open(path, "wb") as handle:
        handle.write(b'{"strokes": [[' + b"[1, 2], " * (100 * 1024 * 1024 // 8) + b"[1, 2]]]}\n")
        handle.write((json.dumps(sf.drawing_to_json(SEVEN)) + "\n").encode())
    entries = list(sf.read_drawings(path))
    assert len(entries) == 2
    assert entries[0].error.startswith("longer than 8 MB")
    assert entries[1].drawing.strokes == SEVEN.strokes


def test_missing_and_unreadable_files(tmp_path):
    with pytest.raises(sf.StrokeFileError, match="no such stroke file"):
        list(sf.read_drawings(tmp_path / "nope.jsonl"))
    empty = tmp_path / "empty.json"
    empty.write_text("\n\n")
    with pytest.raises(sf.StrokeFileError, match="holds no drawing"):
        sf.load_drawing(empty)
    binary = tmp_path / "b.json"
    binary.write_bytes(b"\xff\xfe\x00garbage\n")
    with pytest.raises(sf.StrokeFileError, match="not UTF-8"):
        sf.load_drawing(binary)


def test_export_png_is_the_canvas_raster(tmp_path):
    from PIL import Image

    from guiapp.core.drawing.strokes import rasterize

    path = sf.export_png(SEVEN, tmp_path / "d.png")
    pixels = np.asarray(Image.open(path))
    assert pixels.shape == (280, 280) and pixels.dtype == np.uint8
    np.testing.assert_array_equal(pixels, np.round(rasterize(SEVEN) * 255).astype(np.uint8))
    with pytest.raises(OutputExistsError):
        sf.export_png(SEVEN, path)


def test_a_drawing_on_a_picture_is_not_saved_as_its_strokes_alone(tmp_path):
    """A loaded test digit under the strokes: a stroke file cannot hold it, so nothing is written (the strokes
    alone would be another drawing); an all-black picture underneath loses nothing and is saved."""
    digit = np.zeros((280, 280), np.float32)
    digit[100:180, 130:150] = 1.0
    on_digit = Drawing(strokes=SEVEN.strokes, background=digit)
    assert sf.holds_a_picture(on_digit) and not sf.holds_a_picture(SEVEN)
    with pytest.raises(sf.StrokeFileError, match=sf.ON_A_PICTURE):
        sf.save_drawing(on_digit, tmp_path / "d.json")
    assert not (tmp_path / "d.json").exists()
    black = Drawing(strokes=SEVEN.strokes, background=np.zeros((280, 280), np.float32))
    assert sf.load_drawing(sf.save_drawing(black, tmp_path / "b.json")).strokes == SEVEN.strokes
