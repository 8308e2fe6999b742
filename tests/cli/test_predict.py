"""cli.predict (guiapp predict): pictures and stroke files classified, bad inputs one line each."""

from __future__ import annotations

import json

import numpy as np
from PIL import Image

from guiapp.cli import main
from guiapp.cli.predict import MAX_LISTED, spread


def _run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_spread_lists_every_class_or_the_likeliest():
    assert spread(["a", "b"], np.array([0.25, 0.75])) == "a:0.250 b:0.750"
    names = [f"c{i}" for i in range(12)]
    probabilities = np.linspace(0, 1, 12)
    text = spread(names, probabilities)
    assert text.startswith("c11:1.000 c10:0.909") and text.endswith("… (2 more classes)")
    assert text.count(":") == MAX_LISTED


def test_mnist_digits_as_png_and_npy(tmp_path, capsys, mnist):
    png, npy = tmp_path / "seven.png", tmp_path / "two.npy"
    Image.fromarray(mnist.x_test[0]).save(png)  # a 7
    np.save(npy, mnist.x_test[1])  # a 2
    code, out, _ = _run(capsys, "predict", "--json", png, npy)
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert [(row["top"], row["class"]) for row in rows] == [(7, "7"), (2, "2")]
    assert all(row["probability"] > 0.9 and not row["blank"] for row in rows)
    assert len(rows[0]["probabilities"]) == 10


def test_plain_output_and_a_blank_picture(tmp_path, capsys):
    blank = tmp_path / "blank.png"
    Image.fromarray(np.zeros((28, 28), np.uint8)).save(blank)
    code, out, err = _run(capsys, "predict", blank)
    assert code == 0 and out.startswith(f"{blank}: ") and "0:" in out and "9:" in out
    assert "the picture is blank (all one colour)" in err


def test_an_unreadable_file_is_one_line_and_the_others_still_classified(tmp_path, capsys, mnist):
    bad, good = tmp_path / "bad.png", tmp_path / "good.png"
    bad.write_bytes(b"not a picture")
    Image.fromarray(mnist.x_test[0]).save(good)
    code, out, err = _run(capsys, "predict", bad, good)
    assert code == 2
    assert err.startswith(f"guiapp: {bad}") and err.count("\n") == 1
    assert out.startswith(f"{good}: 7 (")


def test_strokes_one_line_per_drawing(tmp_path, capsys):
    strokes = tmp_path / "digits.jsonl"
    one = {"width": 280, "height": 280, "pen_width": 20, "strokes": [[[140, 45], [140, 235]]]}
    strokes.write_text(json.dumps(one) + "\nnot json\n")
    code, out, err = _run(capsys, "predict", "--strokes", strokes)
    assert code == 2
    assert out.startswith("line 1: 1 (")
    assert f"{strokes} line 2:" in err


def test_nothing_to_classify_or_both_kinds(capsys, tmp_path):
    code, _, err = _run(capsys, "predict")
    assert code == 2 and "nothing to classify" in err
    code, _, err = _run(capsys, "predict", "--strokes", tmp_path / "s.jsonl", tmp_path / "a.png")
    assert code == 2 and "either image files or --strokes FILE, not both" in err


def test_a_drawing_with_no_ink_is_classified_with_a_word_that_it_is_empty(tmp_path, capsys):
    """Strokes all erased (a test digit's strokes saved without it) or off the canvas: one line on stderr, as for a
    blank picture, the answer still given (exit 0), and "blank" in the JSON."""
    from guiapp.cli.predict import EMPTY_DRAWING

    strokes = tmp_path / "empty.jsonl"
    erased = {"strokes": [{"points": [[140, 45], [140, 235]], "width": 20, "erase": True}]}
    inked = {"strokes": [[[140, 45], [140, 235]]]}
    strokes.write_text(json.dumps(erased) + "\n" + json.dumps(inked) + "\n")
    code, out, err = _run(capsys, "predict", "--strokes", strokes)
    assert code == 0
    assert err == f"guiapp: {strokes} line 1: {EMPTY_DRAWING}\n"
    assert out.splitlines()[0].startswith("line 1: ") and out.splitlines()[1].startswith("line 2: 1 (")
    code, out, err = _run(capsys, "predict", "--json", "--strokes", strokes)
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [row["blank"] for row in rows] == [True, False] and err.count("\n") == 1
