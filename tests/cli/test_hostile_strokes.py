"""``predict --strokes`` and ``train --arch`` with hostile files: a reason per bad line, the others classified."""

from __future__ import annotations

import json

import numpy as np
import pytest

from guiapp.cli import main
from guiapp.core.drawing import strokes
from guiapp.core.drawing.stroke_file import drawing_to_json
from guiapp.core.drawing.strokes import Drawing, Stroke


def _run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


ONE = json.dumps(drawing_to_json(Drawing(strokes=(Stroke(((140.0, 40.0), (140.0, 240.0))),))))


def _scribble(points: int = 3000) -> str:
    rng = np.random.default_rng(0)
    walk = np.abs((np.cumsum(rng.normal(0, 20, (points, 2)), axis=0) + 2048 + 4096) % 8192 - 4096)
    return json.dumps({"width": 4096, "height": 4096, "pen_width": 240, "strokes": [walk.tolist()]})


def test_predict_strokes_survives_hostile_lines_and_classifies_the_rest(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(strokes, "MAX_RASTER_WORK", 5_000_000)  # the scribble needs 200 M at full size
    lines = [ONE, "[" * 100_000 + "]" * 100_000, '{"strokes": [[[' + "1" * 5000 + ", 2]]]}",
             '{"strokes": [[[1e999, 2]]]}', _scribble(), ONE]
    path = tmp_path / "hostile.jsonl"
    path.write_text("\n".join(lines) + "\n")
    code, out, err = _run(capsys, "predict", "--strokes", path, "--json")
    assert code == 2 and "Traceback" not in err
    rows = [json.loads(line) for line in out.splitlines()]
    assert [row["line"] for row in rows] == [1, 2, 3, 4, 5, 6]
    assert rows[0]["top"] == rows[5]["top"] == 1 and len(rows[4]["probabilities"]) == 10
    assert "nested too deeply" in rows[1]["error"] and "4,300 digits" in rows[2]["error"]
    assert "x is inf" in rows[3]["error"]
    assert err.splitlines() == [f"guiapp: {path} line {n}: {rows[n - 1]['error']}" for n in (2, 3, 4)]


@pytest.mark.parametrize("content", ["", "\n   \n"], ids=["empty", "blank"])
def test_predict_strokes_on_a_file_without_drawings(tmp_path, capsys, content):
    path = tmp_path / "none.jsonl"
    path.write_text(content)
    code, out, err = _run(capsys, "predict", "--strokes", path)
    assert code == 2 and out == ""
    assert err.startswith(f"guiapp: {path}: holds no drawings — ") and err.count("\n") == 1


@pytest.mark.parametrize(("content", "message"), [
    ("[" * 100_000 + "]" * 100_000, "nested too deeply to be an architecture"),
    ('{"name": "x", "layers": [{"kind": "Dense", "config": {"units": ' + "1" * 5000 + "}}]}",
     "holds a number with more than 4,300 digits"),
    ('{"name": "x", "layers": [{"kind": "Dense", "config": {"units": 1e999}}]}',
     "layer 0 (Dense): cannot convert float infinity to integer"),
    ('{"name": "x", "layers": [{"kind": "Dense", "config": {"units": NaN}}]}',
     "layer 0 (Dense): cannot convert float NaN to integer"),
], ids=["nested", "5,000 digits", "1e999", "NaN"])
def test_train_and_summary_refuse_a_hostile_architecture_in_one_line(tmp_path, capsys, content, message):
    path = tmp_path / "hostile.json"
    path.write_text(content)
    for argv in (["train", "--arch", path, "--out", tmp_path / "never.keras"], ["summary", "--arch", path]):
        code, out, err = _run(capsys, *argv)
        assert code == 2 and out == "" and "Traceback" not in err
        assert err.startswith(f"guiapp: {path}: {message}" if message.startswith(("nested", "holds"))
                              else f"guiapp: {path}: ") and message in err and err.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hostile.json"]
