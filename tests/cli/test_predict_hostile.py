"""``guiapp predict`` with any model and hostile input: one line per problem, exit code 2, the good files kept."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from guiapp.cli import main
from tests.models import GREY_40x32, RGB_64x48, make_model, npy_declaring, png_declaring

FRUIT = ["apple", "banana", "cherry", "date", "elderberry", "fig", "grape", "honeydew", "kiwi", "lemon"]


def run_cli(capsys, *argv: object) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


@pytest.fixture(scope="module")
def models(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("models")
    return {
        "grey40": make_model(folder, GREY_40x32, 10, classes_names=FRUIT),
        "rgb100": make_model(folder, RGB_64x48, 100, rescaling=True,
                             classes_names=[f"class {i:02d}" for i in range(100)]),
    }


@pytest.fixture()
def good(tmp_path, mnist) -> list[Path]:
    """Two readable pictures: an MNIST seven and two (grey PNG, colour JPEG)."""
    seven, two = tmp_path / "seven.png", tmp_path / "two.jpg"
    Image.fromarray(mnist.x_test[0]).save(seven)
    Image.fromarray(mnist.x_test[1]).convert("RGB").resize((90, 60)).save(two)
    return [seven, two]


def _hostile(tmp_path: Path, kind: str) -> Path:
    if kind == "bomb":
        return png_declaring(tmp_path / "bomb.png", 20_000, 20_000)
    if kind == "huge npy":
        return npy_declaring(tmp_path / "huge.npy", (100_000, 100_000))
    if kind == "zip npy":
        path = tmp_path / "archive.npy"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("inside.txt", "not an array")
        return path
    path = tmp_path / "text.png"
    path.write_text("not a picture")
    return path


@pytest.mark.parametrize(("kind", "message"), [
    ("bomb", "declares a picture of 400 megapixels, more than the 50 megapixels guiapp reads — scale it down first"),
    ("huge npy", "declares a 100000×100000 array (10,000 megapixels), more than the 50 megapixels guiapp reads"),
    ("zip npy", "a zip archive (an .npz?), not a .npy array"),
    ("text", "not a picture (or not in a format guiapp reads)"),
])
def test_a_hostile_file_alone_is_one_line_and_exit_2(tmp_path, capsys, kind, message):
    path = _hostile(tmp_path, kind)
    code, out, err = run_cli(capsys, "predict", path)
    assert code == 2 and out == ""
    assert err.splitlines() == [err.strip()] and err.startswith(f"guiapp: {path}: {message}")


def test_bad_files_do_not_abort_the_good_ones(tmp_path, capsys, good):
    bad = [_hostile(tmp_path, kind) for kind in ("bomb", "huge npy", "zip npy", "text")]
    files = [bad[0], good[0], bad[1], bad[2], good[1], bad[3]]
    code, out, err = run_cli(capsys, "predict", "--json", *files)
    assert code == 2
    results = [json.loads(line) for line in out.splitlines()]
    assert [r["file"] for r in results] == [str(p) for p in good]  # every good file, in order
    assert results[0]["class"] == "7" and results[0]["top"] == 7
    assert [line.split(": ")[1] for line in err.splitlines()] == [str(p) for p in bad]


def test_hostile_files_print_no_traceback_and_no_warning_in_a_real_process(tmp_path, good):
    bad = [_hostile(tmp_path, kind) for kind in ("bomb", "huge npy", "zip npy")]
    real_bomb = tmp_path / "real_bomb.png"
    Image.new("1", (20_000, 20_000)).save(real_bomb)  # a real, decodable 400-megapixel PNG
    done = subprocess.run([sys.executable, "-m", "guiapp", "predict", *map(str, [*bad, real_bomb, good[0]])],
                          check=False, capture_output=True, text=True, timeout=300)
    assert done.returncode == 2
    assert done.stdout.startswith(f"{good[0]}: 7 (")
    lines = done.stderr.splitlines()
    assert len(lines) == 4 and all(line.startswith("guiapp: ") for line in lines), done.stderr
    assert "400 megapixels" in lines[3]


def test_a_model_with_two_outputs(tmp_path, capsys, good):
    from guiapp.core.model.backend import keras

    k = keras()
    x = k.Input((28, 28, 1))
    flat = k.layers.Flatten()(x)
    path = tmp_path / "two_heads.keras"
    k.Model(x, [k.layers.Dense(10, activation="softmax")(flat), k.layers.Dense(3)(flat)]).save(path)
    code, out, err = run_cli(capsys, "predict", "--model", path, good[0])
    assert code == 2 and out == ""
    assert err.splitlines() == [(f"guiapp: {path}: has 2 outputs, expected one: the class probabilities — guiapp "
                                 "explains image classifiers: one input of height × width × 1 or 3 (8–512 pixels a "
                                 "side) and one output of 2 or more class scores")]


def test_a_blank_picture_is_classified_with_a_note(tmp_path, capsys, good):
    white = tmp_path / "white.png"
    Image.new("RGB", (200, 120), (255, 255, 255)).save(white)
    code, out, err = run_cli(capsys, "predict", white, good[0])
    assert code == 0
    assert out.splitlines()[0].startswith(f"{white}: ") and out.splitlines()[1].startswith(f"{good[0]}: 7 (")
    assert err.splitlines() == [(f"guiapp: {white}: the picture is blank (all one colour), so the network sees "
                                 "nothing — its answer is a guess")]
    code, out, _ = run_cli(capsys, "predict", "--json", white, good[0])
    blank, seven = (json.loads(line) for line in out.splitlines())
    assert code == 0 and blank["blank"] is True and seven["blank"] is False
    assert len(blank["probabilities"]) == 10


def test_class_names_from_the_card_replace_digits(capsys, models, good):
    code, out, _ = run_cli(capsys, "predict", "--model", models["grey40"], good[0])
    assert code == 0
    head, spread = out.strip().split("   ")
    names = [item.rsplit(":", 1)[0] for item in spread.split(" ")]
    assert names == FRUIT and head.split(": ")[1].split(" (")[0] in FRUIT


def test_a_hundred_classes_list_the_ten_likeliest(capsys, models, good):
    code, out, _ = run_cli(capsys, "predict", "--model", models["rgb100"], good[1])
    assert code == 0
    _, spread = out.strip().split("   ")
    assert spread.endswith("… (90 more classes)")
    listed = [float(p) for p in re.findall(r"class \d\d:([0-9.]+)", spread)]
    assert len(listed) == 10 and listed == sorted(listed, reverse=True)
    code, out, _ = run_cli(capsys, "predict", "--json", "--model", models["rgb100"], good[1])
    result = json.loads(out)
    assert len(result["probabilities"]) == 100 and result["class"] == f"class {result['top']:02d}"


@pytest.mark.parametrize("fit", ["pad", "crop", "digit"])
def test_fit_picks_the_recipe(capsys, models, good, fit):
    from guiapp.core.drawing.images import load_picture
    from guiapp.core.drawing.picture import PictureRecipe, picture_stages
    from guiapp.core.model.inference import Inspector

    inspector = Inspector.load(models["grey40"])
    picture = load_picture(good[1])  # 90×60, not the model's 40×32: each fit gives its own input
    expected = inspector.predict_probabilities(picture_stages(picture, inspector.input_shape,
                                                              PictureRecipe(fit)).final[np.newaxis])[0]
    code, out, _ = run_cli(capsys, "predict", "--json", "--fit", fit, "--model", models["grey40"], good[1])
    assert code == 0
    np.testing.assert_allclose(json.loads(out)["probabilities"], expected, atol=1e-5)


def test_fit_must_be_one_of_three(capsys, good):
    with pytest.raises(SystemExit) as info:
        main(["predict", "--fit", "squash", str(good[0])])
    assert info.value.code == 2 and "invalid choice: 'squash'" in capsys.readouterr().err


def test_strokes_name_their_classes_on_any_grey_model(tmp_path, capsys, models):
    path = tmp_path / "drawings.jsonl"
    path.write_text(json.dumps({"width": 280, "height": 280, "strokes": [[[140, 40], [140, 240]]]}) + "\n")
    code, out, _ = run_cli(capsys, "predict", "--strokes", path, "--model", models["grey40"])
    assert code == 0 and out.startswith("line 1: ")
    assert out.split(": ")[1].split(" (")[0] in FRUIT
    code, out, _ = run_cli(capsys, "predict", "--strokes", path, "--json")
    result = json.loads(out)
    assert result["class"] == str(result["top"]) == "1"


@pytest.fixture(scope="module")
def lambda_models(tmp_path_factory) -> list[Path]:
    """The same model with a Lambda layer (Python code in the file), as .keras and as legacy .h5."""
    from guiapp.core.model.backend import keras

    k = keras()
    model = k.Sequential([
        k.Input((28, 28, 1)),
        k.layers.Lambda(lambda t: 1.0 - t),
        k.layers.Flatten(),
        k.layers.Dense(10, activation="softmax", kernel_initializer=k.initializers.GlorotUniform(seed=3)),
    ])
    folder = tmp_path_factory.mktemp("lambda")
    paths = [folder / "code.keras", folder / "code.h5"]
    for path in paths:
        model.save(path)
    return paths


@pytest.mark.parametrize("which", [0, 1], ids=[".keras", ".h5"])
def test_a_model_that_runs_code_needs_trust(capsys, lambda_models, good, which):
    path = lambda_models[which]
    code, out, err = run_cli(capsys, "predict", "--model", path, good[0])
    assert code == 2 and out == ""
    assert err.splitlines() == [
        (f"guiapp: {path}: contains Python code (a Lambda layer) that would run as the model loads, so it was "
         "not loaded — pass --trust-model to load it anyway, if you trust where it came from")]
    code, out, err = run_cli(capsys, "predict", "--trust-model", "--json", "--model", path, good[0])
    assert code == 0 and err == ""
    result = json.loads(out)
    assert len(result["probabilities"]) == 10 and abs(sum(result["probabilities"]) - 1) < 1e-3


def test_every_command_that_loads_a_model_takes_trust_model(capsys, lambda_models):
    path = lambda_models[0]
    code, _, err = run_cli(capsys, "summary", "--model", path)
    assert code == 2 and "contains Python code (a Lambda layer)" in err and len(err.splitlines()) == 1
    code, out, _ = run_cli(capsys, "summary", "--json", "--model", path, "--trust-model")
    assert code == 0 and [layer["kind"] for layer in json.loads(out)["layers"]] == ["Lambda", "Flatten", "Dense"]
    code, _, err = run_cli(capsys, "evaluate", "--data", "nowhere.npz", "--trust-model")
    assert code == 2 and "nowhere.npz" in err  # the option is there; the data is checked first


def test_the_core_raises_a_distinct_error_the_window_can_ask_about(lambda_models):
    from guiapp.core.errors import ModelFileError, UnsafeModelError
    from guiapp.core.model.inference import Inspector

    for path in lambda_models:
        with pytest.raises(UnsafeModelError) as info:
            Inspector.load(path)
        assert isinstance(info.value, ModelFileError) and info.value.path == path
        assert info.value.reason.startswith("contains Python code (a Lambda layer) that would run as the model loads")
        assert str(info.value).endswith("— load it only if you trust where it came from")
        assert Inspector.load(path, trust=True).num_classes == 10


def test_a_long_library_message_is_cut_at_a_sentence_or_a_word():
    from guiapp.core.errors import short_reason

    keras_says = ("Requested the deserialization of a `Lambda` layer whose `function` is a Python lambda. This "
                  "carries a potential risk of arbitrary code execution and thus it is disallowed by default.")
    assert short_reason(ValueError(keras_says)) == (
        "Requested the deserialization of a `Lambda` layer whose `function` is a Python lambda.")
    cut = short_reason(ValueError("word " * 60))
    assert cut.endswith("word…") and len(cut) <= 160
    assert short_reason(ValueError("short\nsecond line")) == "short"
    assert short_reason(ValueError()) == "ValueError"


def test_classes_file_names_the_classes_of_every_command(tmp_path, capsys, models, good):
    names = tmp_path / "names.txt"
    names.write_text("\n".join(f"kind {i}" for i in range(10)), encoding="utf-8")
    code, out, _ = run_cli(capsys, "predict", "--model", models["grey40"], "--classes", names, "--json", good[0])
    assert code == 0
    answer = json.loads(out.splitlines()[0])
    assert answer["class"] == f"kind {answer['top']}"
    code, out, err = run_cli(capsys, "predict", "--model", models["grey40"], "--classes", tmp_path / "none.txt",
                             good[0])
    assert code == 2 and out == ""
    assert err.strip() == f"guiapp: {tmp_path / 'none.txt'}: no such file — give a text file with one class " \
        "name per line, or a JSON list of names, one per model output"
    short = tmp_path / "short.txt"
    short.write_text("a\nb\n", encoding="utf-8")
    code, _, err = run_cli(capsys, "summary", "--model", models["grey40"], "--classes", short)
    assert code == 2 and "names 2 classes; the model has 10" in err and len(err.strip().splitlines()) == 1


def test_a_screenshot_of_a_model_that_runs_code_refuses_it_instead_of_asking(tmp_path, lambda_models):
    """No one is there to answer the window's question: the code is not run, the picture shows why."""
    import os

    shot = tmp_path / "s.png"
    done = subprocess.run([sys.executable, "-m", "guiapp", "--screenshot", str(shot), "--model", str(lambda_models[0])],
                          capture_output=True, text=True, timeout=300, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 2 and shot.is_file()
    assert "contains Python code (a Lambda layer)" in done.stderr and "Traceback" not in done.stderr


def test_a_screenshot_of_the_colour_model_with_a_picture(tmp_path, good):
    import os

    from guiapp import paths

    shot = tmp_path / "rgb.png"
    done = subprocess.run([sys.executable, "-m", "guiapp", "--screenshot", str(shot), "--model",
                           str(paths.MODELS_DIR / "colour_digits.keras"), "--picture", str(good[1])],
                          capture_output=True, text=True, timeout=300, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    with Image.open(shot) as image:
        assert image.size[0] >= 1200 and len(image.convert("RGB").getcolors(1 << 22)) > 1000
    bad = subprocess.run([sys.executable, "-m", "guiapp", "--screenshot", str(tmp_path / "x.png"), "--picture",
                          str(tmp_path / "none.png")], capture_output=True, text=True, timeout=300,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert bad.returncode == 2 and bad.stderr.strip() == f"guiapp: {tmp_path / 'none.png'}: no such file — " \
        "give a PNG, JPG, BMP, GIF, WebP or TIFF picture, or a .npy array of shape (H, W), (H, W, 1) or (H, W, 3)"


def test_the_fits_predict_offers_are_the_recipes_fits():
    from guiapp.cli.predict import FITS
    from guiapp.core.drawing import picture

    assert FITS == picture.FITS
