"""Models that compute NaN (a NaN or an infinite weight, or finite weights whose products overflow float32):
`guiapp predict` and `guiapp explain` say so in one line per input and exit 2, never "0 (nan%)", a NaN
heatmap, or integrated gradients doubling their steps on a gap that is not a number."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from guiapp.cli import main
from tests.models import poisoned_model

NAN_LINE = "the model computes NaN for this input (its layer conv1 holds NaN or infinite weights)"
OVERFLOW_LINE = "the model computes NaN for this input (its weights are finite, but their products overflow)"
@pytest.fixture(scope="module")
def poisoned(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("poisoned")
    return {kind: poisoned_model(folder, kind) for kind in ("nan", "inf", "overflow")}


@pytest.fixture()
def seven(tmp_path, mnist) -> Path:
    path = tmp_path / "seven.png"
    Image.fromarray(mnist.x_test[0]).save(path)
    return path


def run_cli(capsys, *argv: object) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "Warning" not in err
    return code, out, err


@pytest.mark.parametrize(("kind", "line"), [("nan", NAN_LINE), ("inf", NAN_LINE), ("overflow", OVERFLOW_LINE)])
def test_predict_says_the_model_computes_nan_and_exits_2(capsys, poisoned, seven, kind, line):
    code, out, err = run_cli(capsys, "predict", "--model", poisoned[kind], seven)
    assert code == 2 and out == ""
    assert err == f"guiapp: {seven}: {line}\n"
    code, out, err = run_cli(capsys, "predict", "--model", poisoned[kind], "--json", seven)
    assert code == 2 and out == "" and err == f"guiapp: {seven}: {line}\n"


def test_predict_still_answers_for_a_healthy_model(capsys, seven):
    code, out, err = run_cli(capsys, "predict", seven)
    assert code == 0 and err == "" and out.startswith(f"{seven}: 7 (")


def test_predict_strokes_gives_each_nan_drawing_an_error(capsys, poisoned, tmp_path):
    from guiapp import paths

    strokes = tmp_path / "strokes.jsonl"
    one_line = json.dumps(json.loads((paths.RESOURCES_DIR / "drawn_seven.json").read_text()))
    strokes.write_text(one_line + "\n" + one_line + "\n")
    code, out, err = run_cli(capsys, "predict", "--model", poisoned["nan"], "--strokes", strokes, "--json")
    assert code == 2
    assert [json.loads(row) for row in out.splitlines()] == [{"line": 1, "error": NAN_LINE},
                                                             {"line": 2, "error": NAN_LINE}]
    assert err.splitlines() == [f"guiapp: {strokes} line {n}: {NAN_LINE}" for n in (1, 2)]


@pytest.mark.parametrize("kind", ["nan", "inf"])
def test_explain_writes_no_heatmap_of_nan(capsys, poisoned, seven, tmp_path, kind):
    out_dir = tmp_path / "maps"
    code, out, err = run_cli(capsys, "explain", "--model", poisoned[kind], "--out", out_dir, seven)
    assert code == 2 and out == ""
    assert err == f"guiapp: {seven}: {NAN_LINE}\n"
    assert not out_dir.exists() or list(out_dir.iterdir()) == []
    code, out, _ = run_cli(capsys, "explain", "--model", poisoned[kind], "--out", out_dir, "--json", seven)
    assert code == 2
    assert json.loads(out)["files"] == [{"file": str(seven), "error": f"{seven}: {NAN_LINE}"}]


class _NanSource:
    """A gradient source for a model that computes NaN: logits and gradients are all NaN, calls counted."""

    name = "test"
    input_shape = (28, 28, 1)
    num_classes = 10

    def __init__(self) -> None:
        self.images = 0

    def logits(self, images: np.ndarray) -> np.ndarray:
        return np.full((len(images), self.num_classes), np.nan, np.float32)

    def gradients(self, images, seeds, conv_layer=None, forward=None):
        from guiapp.core.explain.gradients import Gradients

        self.images += len(images)
        return Gradients(self.logits(images), np.full(images.shape, np.nan, np.float32))


def test_integrated_gradients_do_not_double_their_steps_on_a_gap_that_is_not_a_number():
    from guiapp.core.explain.attribution import IG_STEPS, integrated_gradients

    source = _NanSource()
    image = np.zeros((28, 28), np.float32)
    image[10:18, 12:16] = 1.0
    found = integrated_gradients(source, image, 7)
    assert found.check.steps == IG_STEPS and source.images == IG_STEPS  # one pass, not 64 + 128 + 256 + 512


def test_a_screenshot_of_a_model_computing_nan_shows_and_says_it(poisoned, tmp_path):
    import os

    from tests.cli.test_cli import guiapp_process

    shot = tmp_path / "nan.png"
    done = guiapp_process("--screenshot", shot, "--model", poisoned["nan"],
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == f"guiapp: {NAN_LINE} (wrote {shot}, the window with this message)\n"
    assert Image.open(shot).size == (1560, 940)
