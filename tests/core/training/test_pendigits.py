"""pendigits: the UCI pen-drawn digits read, refused when malformed, and drawn as one canvas stroke."""

from __future__ import annotations

import numpy as np
import pytest

from guiapp.core.drawing.strokes import CANVAS_SIZE
from guiapp.core.errors import DataFileError
from guiapp.core.training.pendigits import load_pendigits, pendigit_drawing, pendigit_points
from tests.conftest import PENDIGITS


def test_the_checked_in_slice_reads_as_2000_digits(pendigits):
    points, labels = pendigits
    assert points.shape == (2000, 8, 2) and labels.shape == (2000,)
    assert labels[:5].tolist() == [8, 2, 1, 4, 1]  # the file's first five lines
    assert points[0, 0].tolist() == [47, 100]
    assert points.min() >= 0 and points.max() <= 100
    assert sorted(set(labels.tolist())) == list(range(10))


@pytest.mark.parametrize(("text", "problem"), [
    ("1,2,3\n", "expected 17 numbers a line, found 3"),
    (",".join(["50"] * 16) + ",12\n", "labels must be the digits 0–9"),
    (",".join(["150"] * 16) + ",1\n", "coordinates must be numbers from 0 to 100"),
    ("hello, world\n", "not a pendigits table"),
])
def test_malformed_files_are_refused_in_one_line(tmp_path, text, problem):
    path = tmp_path / "bad.tra"
    path.write_text(text)
    with pytest.raises(DataFileError) as caught:
        load_pendigits(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and problem in message and "\n" not in message


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(DataFileError, match=str(tmp_path)):
        load_pendigits(tmp_path)


def test_points_go_into_the_canvas_y_down_with_a_margin():
    canvas = pendigit_points(np.array([[0.0, 0.0], [100.0, 100.0], [50.0, 50.0]]))
    np.testing.assert_allclose(canvas, [[40, 240], [240, 40], [140, 140]])
    np.testing.assert_allclose(pendigit_points(np.array([[0.0, 100.0]]), size=100, margin=0), [[0, 0]])


def test_a_pendigit_is_one_stroke_on_the_canvas():
    points, _ = load_pendigits(PENDIGITS)
    drawing = pendigit_drawing(points[0], pen_width=12.0)
    assert (drawing.width, drawing.height) == (CANVAS_SIZE, CANVAS_SIZE)
    assert len(drawing.strokes) == 1
    stroke = drawing.strokes[0]
    assert len(stroke.points) == 8 and stroke.width == 12.0
    assert stroke.points[0] == pytest.approx((40 + 47 * 2.0, 40.0))
