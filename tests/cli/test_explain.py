"""``guiapp explain``: heatmap PNGs and JSON per picture or drawing; one line per problem, exit code 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from guiapp.cli import main
from tests.models import png_declaring

SEVEN_STROKES = (((60.0, 60.0), (220.0, 60.0), (120.0, 240.0)),)  # the shipped model reads a 7
ONE_STROKES = (((140.0, 40.0), (140.0, 240.0)),)


def run_cli(capsys, *argv: object) -> tuple[int, str, str]:
    code = main(["explain", *map(str, argv)])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def no_nan(text: str) -> dict:
    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} in the JSON")

    return json.loads(text, parse_constant=refuse)


@pytest.fixture()
def seven(tmp_path, mnist) -> Path:
    """MNIST's first test digit (a 7) as a PNG."""
    assert mnist.y_test[0] == 7
    path = tmp_path / "seven.png"
    Image.fromarray(mnist.x_test[0]).save(path)
    return path


def strokes_file(path: Path, *drawings: tuple, extra_lines: tuple[str, ...] = ()) -> Path:
    from guiapp.core.drawing.stroke_file import drawing_to_json
    from guiapp.core.drawing.strokes import Drawing, Stroke

    lines = [json.dumps(drawing_to_json(Drawing(strokes=tuple(Stroke(s) for s in strokes)))) for strokes in drawings]
    path.write_text("\n".join([*lines, *extra_lines]) + "\n")
    return path


@pytest.fixture(scope="module")
def dense_model(tmp_path_factory) -> Path:
    """Flatten → Dense → Dense(softmax): no convolution layer for Grad-CAM."""
    from guiapp.core.model.backend import keras

    k = keras()
    init = k.initializers.GlorotUniform(seed=7)
    model = k.Sequential([k.Input((28, 28, 1)), k.layers.Flatten(),
                          k.layers.Dense(16, activation="relu", kernel_initializer=init),
                          k.layers.Dense(10, activation="softmax", kernel_initializer=init)], name="dense_only")
    path = tmp_path_factory.mktemp("dense") / "dense_only.keras"
    model.save(path)
    return path


def test_methods_agree_with_the_core():
    from guiapp.cli.explain import METHODS
    from guiapp.core.explain.attribution import METHODS as CORE

    assert METHODS == CORE


def test_json_for_an_mnist_digit_has_every_method(capsys, tmp_path, seven):
    out_dir = tmp_path / "maps"
    code, out, err = run_cli(capsys, seven, "--out", out_dir, "--json")
    assert code == 0 and err == ""
    report = no_nan(out)
    assert report["methods"] == ["gradient", "gradient-input", "gradcam", "ig", "occlusion"]
    [entry] = report["files"]
    assert entry["file"] == str(seven) and entry["blank"] is False and entry["contrast"] is None
    assert entry["predicted"] == entry["target"] == 7 and entry["class"] == "7"
    assert abs(sum(entry["probabilities"]) - 1) < 1e-3 and entry["probabilities"][7] > 0.9
    for method, found in entry["methods"].items():
        values = np.array(found["values"])
        assert values.shape == (28, 28) and np.isfinite(values).all()
        assert found["limit"] == pytest.approx(np.abs(values).max(), rel=1e-5)
        assert found["png"] == str(out_dir / f"seven-{method}-7.png")
        with Image.open(found["png"]) as png:
            assert png.format == "PNG" and png.width > 280 and png.height > 280
    ig = entry["methods"]["ig"]["completeness"]
    assert ig["gap_percent"] <= 5 and ig["steps"] >= 64
    assert ig["total"] == pytest.approx(np.sum(entry["methods"]["ig"]["values"]), rel=1e-3)
    assert np.array(entry["methods"]["occlusion"]["grid"]).shape == (13, 13)
    assert entry["methods"]["gradcam"]["layer"] == "conv2d_1"  # the last convolution layer
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(f"seven-{m}-7.png" for m in report["methods"])


def test_text_names_the_answer_the_pngs_and_the_completeness(capsys, tmp_path, seven):
    code, out, _ = run_cli(capsys, seven, "--method", "ig", "--method", "gradient", "--class", "1",
                           "--contrast", "7", "--out", tmp_path)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith(f"{seven}: 7 (") and "why 1 rather than 7" in lines[0]
    assert lines[1].split()[0] == "gradient" and lines[1].endswith(str(tmp_path / "seven-gradient-1-vs-7.png"))
    assert lines[2].startswith("  integrated gradients  colour limit ±") and lines[2].endswith("seven-ig-1-vs-7.png")
    assert "Σ attributions" in lines[3] and "gap" in lines[3] and len(lines) == 4


def test_strokes_files_are_explained_drawing_by_drawing(capsys, tmp_path):
    single = strokes_file(tmp_path / "single.jsonl", SEVEN_STROKES)
    several = strokes_file(tmp_path / "several.jsonl", ONE_STROKES, extra_lines=("{broken",))
    code, out, err = run_cli(capsys, "--strokes", single, several, "--method", "gradient", "--method", "occlusion",
                             "--out", tmp_path / "out", "--json")
    assert code == 2  # the broken line
    assert err.strip() == f"guiapp: {several} line 2: not JSON (Expecting property name enclosed in double quotes " \
                          "at column 2)"
    files = no_nan(out)["files"]
    assert [(f["file"], f["line"]) for f in files] == [(str(single), 1), (str(several), 1), (str(several), 2)]
    assert [f.get("target") for f in files] == [7, 1, None] and "not JSON" in files[2]["error"]
    for entry in files[:2]:
        assert entry["predicted"] == entry["target"]
        assert np.array(entry["methods"]["gradient"]["values"]).shape == (28, 28)
        assert np.array(entry["methods"]["occlusion"]["grid"]).shape == (13, 13)
    assert files[0]["methods"]["gradient"]["png"] == str(tmp_path / "out" / "single-gradient-7.png")
    assert files[1]["methods"]["gradient"]["png"] == str(tmp_path / "out" / "several-1-gradient-1.png")


@pytest.mark.parametrize(("option", "message"), [
    (("--class", "12"), "class 12 is out of range: this model has classes 0 to 9"),
    (("--contrast", "10"), "contrast class 10 is out of range: this model has classes 0 to 9"),
    (("--class", "3", "--contrast", "3"), "the contrast class is the target itself (3): choose another"),
    (("--layer", "dense"), ("--layer dense: not a convolution layer of this model (its convolution layers: "
                            "conv2d, conv2d_1)")),
])
def test_a_bad_request_is_one_line_before_anything_is_computed(capsys, tmp_path, seven, option, message):
    code, out, err = run_cli(capsys, seven, *option, "--out", tmp_path / "out")
    assert code == 2 and out == "" and err == f"guiapp: {message}\n"
    assert not (tmp_path / "out").exists()


def test_bad_files_are_one_line_each_and_the_good_ones_are_still_explained(capsys, tmp_path, seven, mnist):
    two = tmp_path / "two.png"
    Image.fromarray(mnist.x_test[1]).save(two)
    garbage = tmp_path / "garbage.png"
    garbage.write_bytes(b"\x89PNG\r\n\x1a\n not really")
    missing = tmp_path / "missing.png"
    bomb = png_declaring(tmp_path / "bomb.png", 20_000, 20_000)
    code, out, err = run_cli(capsys, seven, garbage, missing, bomb, two, "--method", "gradient",
                             "--out", tmp_path / "o")
    assert code == 2
    lines = err.splitlines()
    assert len(lines) == 3 and lines[0].startswith(f"guiapp: {garbage}: ")
    assert lines[1].startswith(f"guiapp: {missing}: no such file") and lines[2].startswith(f"guiapp: {bomb}: declares")
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == ["seven-gradient-7.png", "two-gradient-2.png"]
    assert [line.split(":")[0] for line in out.splitlines() if not line.startswith(" ")] == [str(seven), str(two)]


def test_a_blank_picture_has_nothing_to_explain(capsys, tmp_path):
    blank = tmp_path / "blank.png"
    Image.fromarray(np.full((40, 30), 255, np.uint8)).save(blank)
    code, out, err = run_cli(capsys, blank, "--out", tmp_path / "o")
    assert code == 0 and err == "" and out == f"{blank}: nothing to explain: the input is blank\n"
    code, out, err = run_cli(capsys, blank, "--out", tmp_path / "o", "--json")
    assert code == 0 and err == f"{blank}: nothing to explain: the input is blank\n"
    [entry] = no_nan(out)["files"]
    assert entry["blank"] is True and entry["methods"] == {} and np.isfinite(entry["probabilities"]).all()
    assert not (tmp_path / "o").exists()


def test_an_existing_png_is_refused_unless_forced(capsys, tmp_path, seven):
    mine = tmp_path / "seven-gradcam-7.png"
    mine.write_bytes(b"my own picture")
    code, out, err = run_cli(capsys, seven, "--method", "gradcam", "--out", tmp_path)
    assert code == 2 and out == ""
    assert err == f"guiapp: {mine}: already exists — pass --force to replace it\n"
    assert mine.read_bytes() == b"my own picture"
    code, out, _ = run_cli(capsys, seven, "--method", "gradcam", "--out", tmp_path, "--force")
    assert code == 0 and str(mine) in out
    with Image.open(mine) as png:
        assert png.format == "PNG"


def test_two_inputs_of_the_same_name_do_not_overwrite_each_other(capsys, tmp_path, seven):
    other = tmp_path / "b" / "seven.png"
    other.parent.mkdir()
    other.write_bytes(seven.read_bytes())
    code, _, err = run_cli(capsys, seven, other, "--method", "gradient", "--out", tmp_path / "o", "--force")
    assert code == 2 and "was just written for another input of the same name" in err
    assert [p.name for p in (tmp_path / "o").iterdir()] == ["seven-gradient-7.png"]


def test_a_model_without_convolution_skips_grad_cam_and_says_why(capsys, tmp_path, seven, dense_model):
    code, out, err = run_cli(capsys, seven, "--model", dense_model, "--out", tmp_path / "o", "--json")
    assert code == 0 and err == ""
    [entry] = no_nan(out)["files"]
    assert "needs a convolution layer" in entry["methods"]["gradcam"]["unavailable"]
    for method in ("gradient", "gradient-input", "ig", "occlusion"):
        assert np.array(entry["methods"][method]["values"]).shape == (28, 28)
    assert entry["methods"]["ig"]["completeness"]["gap_percent"] <= 5
    assert sorted(p.name.split("-", 1)[1] for p in (tmp_path / "o").iterdir()) == sorted(
        f"{m}-{entry['target']}.png" for m in ("gradient", "gradient-input", "ig", "occlusion"))
    code, out, _ = run_cli(capsys, seven, "--model", dense_model, "--method", "gradcam", "--method", "gradient",
                           "--out", tmp_path / "t")
    assert code == 0
    assert "Grad-CAM              does not apply: Grad-CAM needs a convolution layer" in out


def test_a_bad_model_file_is_one_line(capsys, tmp_path, seven):
    model = tmp_path / "model.keras"
    model.write_text("not a model")
    code, out, err = run_cli(capsys, seven, "--model", model, "--out", tmp_path / "o")
    assert code == 2 and out == "" and err.startswith(f"guiapp: {model}: not a Keras model") and err.count("\n") == 1


def test_out_must_be_a_folder(capsys, tmp_path, seven):
    code, _, err = run_cli(capsys, seven, "--out", seven)
    assert code == 2 and err == f"guiapp: {seven}: is a file, not a folder — give --out a folder for the PNGs\n"


def test_end_to_end_in_a_fresh_process(tmp_path, seven):
    done = subprocess.run([sys.executable, "-m", "guiapp", "explain", seven.name, "--method", "gradcam"],
                          check=False, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0 and "Traceback" not in done.stderr
    assert done.stdout.splitlines()[1].endswith("seven-gradcam-7.png")  # in the current folder by default
    with Image.open(tmp_path / "seven-gradcam-7.png") as png:
        assert png.format == "PNG"
    helped = subprocess.run([sys.executable, "-m", "guiapp", "--help"], check=False, capture_output=True, text=True,
                            timeout=300)
    assert "explain" in helped.stdout


def test_size_doubles_the_figure_and_a_bad_size_is_one_line(capsys, tmp_path, seven):
    sizes = {}
    for px in (400, 800):
        code, _, err = run_cli(capsys, "--size", str(px), "--method", "gradient", "--out",
                               tmp_path / str(px), seven)
        assert code == 0, err
        with Image.open(tmp_path / str(px) / "seven-gradient-7.png") as png:
            sizes[px] = png.size
    assert sizes[400][0] == 400 and sizes[800][0] == 800 and abs(sizes[800][1] - 2 * sizes[400][1]) <= 1
    code, out, err = run_cli(capsys, "--size", "90", seven)
    assert code == 2 and err == "guiapp: --size 90: the figure's width in pixels, from 200 to 4000\n" and out == ""
