"""The command line: the seed's table, evaluation, prediction, and one-line errors with exit code 2."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from guiapp.cli import main


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def guiapp_process(*argv: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "guiapp", *map(str, argv)], capture_output=True, text=True, timeout=300, **kwargs
    )


def test_help_lists_every_command():
    done = guiapp_process("--help")
    assert done.returncode == 0
    for command in ("train", "evaluate", "summary", "predict"):
        assert command in done.stdout
    for command in ("train", "evaluate", "summary", "predict"):
        sub = guiapp_process(command, "--help")
        assert sub.returncode == 0 and f"usage: guiapp {command}" in sub.stdout


def test_summary_of_the_seed_architecture(capsys):
    code, out, _ = run_cli(capsys, "summary", "--arch", "mnist_cnn")
    assert code == 0
    lines = out.splitlines()
    expected_rows = [
        ("conv2d (Conv2D)", "(None, 26, 26, 32)", "320"),
        ("conv2d_1 (Conv2D)", "(None, 24, 24, 64)", "18,496"),
        ("max_pooling2d (MaxPooling2D)", "(None, 12, 12, 64)", "0"),
        ("flatten (Flatten)", "(None, 9216)", "0"),
        ("dense (Dense)", "(None, 128)", "1,179,776"),
        ("dense_1 (Dense)", "(None, 10)", "1,290"),
    ]
    for name, shape, params in expected_rows:
        row = next(line for line in lines if line.startswith(name))
        assert shape in row and row.split()[-2] == params
    assert "Total params: 1,199,882" in lines
    assert "    params = (F·F·Cin + 1)·Cout = (3·3·32 + 1)·64 = 18,496" in lines


def test_summary_json_is_one_object_with_the_documented_keys(capsys):
    code, out, _ = run_cli(capsys, "summary", "--arch", "mnist_cnn_63", "--json")
    assert code == 0
    summary = json.loads(out)
    assert summary["total_params"] == 1181161 and summary["trainable_params"] == 1181161
    first = summary["layers"][0]
    assert {"name", "kind", "input_shape", "output_shape", "params", "formulas"} <= set(first)
    assert first["input_shape"] == [28, 28, 1] and first["output_shape"] == [26, 26, 32]
    assert summary["layers"][1]["params"] == 18207


def test_summary_of_the_shipped_model_matches_its_architecture(capsys):
    _, from_model, _ = run_cli(capsys, "summary", "--json")
    _, from_arch, _ = run_cli(capsys, "summary", "--arch", "mnist_cnn", "--json")
    model, arch = json.loads(from_model), json.loads(from_arch)
    assert model["layers"] == arch["layers"]
    assert model["total_params"] == 1199882


def test_evaluate_the_shipped_model_on_mnist(capsys, mnist_npz):
    code, out, _ = run_cli(capsys, "evaluate", "--data", mnist_npz, "--json")
    assert code == 0
    report = json.loads(out)
    assert report["samples"] == 10000
    from guiapp import paths
    from guiapp.core.model.modelcard import card_accuracy, read_card

    # what ships evaluates to what its card says; the pen-digit recipe (issue 24) costs MNIST about 0.1 point
    # (99.19% against the Keras example's 99.28%): a floor, not the seed's 99.2%
    assert report["accuracy"] == pytest.approx(card_accuracy(read_card(paths.DEFAULT_MODEL)), abs=2e-4)
    assert report["accuracy"] >= 0.991
    assert 0 < report["loss"] < 0.05
    confusion = np.array(report["confusion_matrix"])
    assert confusion.shape == (10, 10) and confusion.sum() == 10000
    assert np.trace(confusion) == round(report["accuracy"] * 10000)
    assert min(report["per_class_accuracy"]) > 0.97
    code, text, _ = run_cli(capsys, "evaluate", "--data", mnist_npz)
    assert code == 0 and "test accuracy" in text and "confusion matrix" in text


def test_predict_the_first_100_test_digits_saved_as_png(tmp_path, capsys, mnist):
    files = []
    for index in range(100):
        path = tmp_path / f"{index:03d}.png"
        Image.fromarray(mnist.x_test[index]).save(path)
        files.append(path)
    code, out, _ = run_cli(capsys, "predict", "--json", *files)
    assert code == 0
    results = [json.loads(line) for line in out.splitlines()]
    assert [r["file"] for r in results] == [str(f) for f in files]
    tops = np.array([r["top"] for r in results])
    assert (tops == mnist.y_test[:100]).mean() >= 0.99
    assert all(abs(sum(r["probabilities"]) - 1) < 1e-3 and len(r["probabilities"]) == 10 for r in results)


def test_predict_plain_output(tmp_path, capsys, mnist):
    path = tmp_path / "seven.png"
    Image.fromarray(mnist.x_test[0]).save(path)
    code, out, _ = run_cli(capsys, "predict", path)
    assert code == 0 and out.startswith(f"{path}: 7 (") and "0:0.0" in out


def test_one_unreadable_image_does_not_lose_the_others(tmp_path, capsys, mnist):
    good = tmp_path / "good.png"
    Image.fromarray(mnist.x_test[0]).save(good)
    bad = tmp_path / "bad.png"
    bad.write_text("not an image")
    code, out, err = run_cli(capsys, "predict", bad, good)
    assert code == 2
    assert out.startswith(f"{good}: 7")
    assert err.strip() == (f"guiapp: {bad}: not a picture (or not in a format guiapp reads) — give a PNG, JPG, BMP, "
                           "GIF, WebP or TIFF picture, or a .npy array of shape (H, W), (H, W, 1) or (H, W, 3)")


@pytest.fixture()
def non_image_model(tmp_path) -> Path:
    from guiapp.core.model.backend import keras

    k = keras()
    path = tmp_path / "tabular.keras"
    k.Sequential([k.Input((10,)), k.layers.Dense(10, activation="softmax")]).save(path)
    return path


def _bad_npz(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / f"{kind}.npz"
    arrays = dict(
        x_train=np.zeros((4, 28, 28), np.uint8), y_train=np.zeros(4, np.uint8),
        x_test=np.zeros((2, 28, 28), np.uint8), y_test=np.zeros(2, np.uint8),
    )
    if kind == "missing":
        del arrays["y_test"]
    elif kind == "shape":
        arrays["x_test"] = np.zeros((2, 28, 27), np.uint8)
    elif kind == "dtype":
        arrays["x_train"] = np.zeros((4, 28, 28), np.float32)
    np.savez(path, **arrays)
    return path


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("missing model", "no such model file"),
        ("text as model", "not a Keras model: neither a .keras archive (zip) nor an HDF5 .h5 file"),
        ("non-image model", "expects input 10, not an image (height × width × channels)"),
        ("npz missing arrays", "missing array(s) y_test"),
        ("npz wrong shape", "x_test has shape (2, 28, 27)"),
        ("npz wrong dtype", "x_train has dtype float32"),
        ("unreadable image", "not a picture"),
        ("existing output", "already exists — pass --force"),
    ],
)
def test_bad_input_gives_one_line_and_exit_code_2(tmp_path, capsys, case, message, request, mnist):
    png = tmp_path / "digit.png"
    Image.fromarray(mnist.x_test[0]).save(png)
    text_file = tmp_path / "notes.keras"
    text_file.write_text("hello")
    argv = {
        "missing model": ["predict", "--model", tmp_path / "nowhere.keras", png],
        "text as model": ["summary", "--model", text_file],
        "non-image model": ["predict", "--model", request.getfixturevalue("non_image_model"), png],
        "npz missing arrays": ["evaluate", "--data", _bad_npz(tmp_path, "missing")],
        "npz wrong shape": ["evaluate", "--data", _bad_npz(tmp_path, "shape")],
        "npz wrong dtype": ["train", "--data", _bad_npz(tmp_path, "dtype"), "--out", tmp_path / "x.keras"],
        "unreadable image": ["predict", text_file.with_suffix(".png")],
        "existing output": ["train", "--data", _bad_npz(tmp_path, "ok"), "--out", text_file],
    }[case]
    if case == "unreadable image":
        text_file.with_suffix(".png").write_text("hello")
    code, out, err = run_cli(capsys, *argv)
    assert code == 2
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("guiapp: ") and message in err
    if case == "existing output":
        assert text_file.read_text() == "hello"


def test_user_errors_show_no_traceback_and_no_tensorflow_noise(tmp_path):
    fake = tmp_path / "fake.keras"
    fake.write_text("hello")
    done = guiapp_process("summary", "--model", fake)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"guiapp: {fake}: not a Keras model: neither a .keras archive (zip) nor an HDF5 .h5 file — pass --model "
        "PATH to a .keras file, or train one with `guiapp train`"
    ]
    assert "Traceback" not in done.stderr


def test_normal_use_prints_no_tensorflow_log_lines(tmp_path, mnist):
    png = tmp_path / "d.png"
    Image.fromarray(mnist.x_test[0]).save(png)
    done = guiapp_process("predict", png)
    assert done.returncode == 0 and done.stdout.startswith(f"{png}: 7")
    assert done.stderr == ""


def test_train_from_the_command_line_and_ctrl_c(tmp_path, small_npz):
    out = tmp_path / "cli.keras"
    done = guiapp_process("train", "--data", small_npz, "--epochs", "1", "--out", out)
    assert done.returncode == 0, done.stderr
    assert "epoch 1/1" in done.stderr and "test accuracy" in done.stdout
    assert out.is_file() and out.with_suffix(".json").is_file()
    before = out.read_bytes(), out.with_suffix(".json").read_bytes()

    # Ctrl-C while training: exit 130, a clear line, and the existing model is untouched.
    process = subprocess.Popen(
        [sys.executable, "-m", "guiapp", "train", "--data", str(small_npz), "--epochs", "50",
         "--batch-size", "16", "--out", str(out), "--force"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 120
    line = "start"
    while line and not re.search(r"epoch\s+1/50", line) and time.monotonic() < deadline:
        line = process.stderr.readline()
    assert line, "the training process ended before its first epoch"
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130
    assert "training interrupted — nothing was written" in err and "Traceback" not in err
    assert (out.read_bytes(), out.with_suffix(".json").read_bytes()) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cli.json", "cli.keras"]


def test_screenshot_renders_the_window_with_a_sample(tmp_path):
    shot = tmp_path / "window.png"
    done = guiapp_process("--screenshot", shot, "--sample", "3", env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    with Image.open(shot) as image:
        assert image.size[0] >= 1200 and image.size[1] >= 700
    # never overwritten silently
    again = guiapp_process("--screenshot", shot, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert again.returncode == 2 and "already exists — pass --force" in again.stderr


def test_screenshot_with_a_broken_model_says_so(tmp_path):
    fake = tmp_path / "fake.keras"
    fake.write_text("no")
    done = guiapp_process("--screenshot", tmp_path / "s.png", "--model", fake,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 2 and "not a Keras model" in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr and "the window with this message" in lines[0]
    # The picture shows the window as a user would see it: usable, with the message in its banner.
    from PIL import Image

    picture = Image.open(tmp_path / "s.png")
    assert picture.size[0] > 1000 and len(picture.getcolors(1 << 20)) > 50


def test_model_given_before_or_after_the_command(capsys, non_image_model):
    for argv in (["--model", non_image_model, "summary"], ["summary", "--model", non_image_model]):
        code, _, err = run_cli(capsys, *argv)
        assert code == 2 and "expects input 10" in err, argv


def test_train_and_summarise_an_architecture_saved_from_the_explorer(tmp_path, capsys, small_npz):
    from guiapp.core.model import arch_edit
    from guiapp.core.model.architectures import ARCHITECTURES
    from guiapp.core.model.inference import Inspector

    small = arch_edit.set_setting(ARCHITECTURES["mnist_cnn"], 1, "filters", 8)
    small = arch_edit.set_setting(small, 5, "units", 16)
    path = arch_edit.save_architecture(small, tmp_path / arch_edit.default_file_name(small))
    assert arch_edit.suggested_model_path(path) == tmp_path / "mnist_cnn_edited.keras"
    assert arch_edit.suggested_model_path(tmp_path / "m.json") == tmp_path / "m_model.keras"  # its card ≠ m.json
    code, out, _ = run_cli(capsys, "summary", "--arch", path)
    assert code == 0 and "(3·3·32 + 1)·8 = 2,312" in out
    model_path = arch_edit.suggested_model_path(path)
    code, out, err = run_cli(capsys, "train", "--arch", path, "--data", small_npz, "--epochs", "1")
    assert code == 0, err
    card = json.loads(model_path.with_suffix(".json").read_text())
    assert card["architecture"]["layers"][1]["config"]["filters"] == 8
    inspector = Inspector.load(model_path)
    assert inspector.ledger.row("conv2d_1").params == 2_312
    assert inspector.ledger.row("dense").params == 16 * (12 * 12 * 8 + 1)


@pytest.mark.parametrize("content, message", [
    (None, "no such architecture file"),
    ("{broken", "not JSON"),
    ('{"name": "x", "layers": [{"kind": "Flatten"}, {"kind": "Dense", "config": {"units": 10}}]}',
     "cannot be trained: its last layer must use activation='softmax'"),
])
def test_train_refuses_a_bad_architecture_file_in_one_line(tmp_path, capsys, content, message):
    path = tmp_path / "arch.json"
    if content is not None:
        path.write_text(content)
    code, out, err = run_cli(capsys, "train", "--arch", path, "--out", tmp_path / "never.keras")
    assert code == 2 and out == ""
    assert err.startswith(f"guiapp: {path}: ") and message in err and err.count("\n") == 1
    assert not (tmp_path / "never.keras").exists()


def test_predict_strokes_one_line_per_drawing_with_per_line_errors(tmp_path, capsys):
    from guiapp.core.drawing.stroke_file import drawing_to_json
    from guiapp.core.drawing.strokes import Drawing, Stroke

    one = drawing_to_json(Drawing(strokes=(Stroke(((140.0, 40.0), (140.0, 240.0))),)))
    seven = drawing_to_json(Drawing(strokes=(Stroke(((60.0, 60.0), (220.0, 60.0), (120.0, 240.0))),)))
    lines = [json.dumps(one), "{broken", '{"width": 280, "height": 280, "strokes": []}',
             '{"strokes": [[[1, NaN]]]}', json.dumps(seven)]
    path = tmp_path / "d.jsonl"
    path.write_text("\n".join(lines) + "\n")
    code, out, err = run_cli(capsys, "predict", "--strokes", path, "--json")
    assert code == 2
    rows = [json.loads(line) for line in out.splitlines()]
    assert [row["line"] for row in rows] == [1, 2, 3, 4, 5]
    assert rows[0]["top"] == 1 and rows[4]["top"] == 7 and len(rows[4]["probabilities"]) == 10
    assert abs(sum(rows[0]["probabilities"]) - 1) < 1e-4
    assert "not JSON" in rows[1]["error"] and "strokes" in rows[2]["error"] and "nan" in rows[3]["error"]
    assert err.count("\n") == 3 and f"guiapp: {path} line 2: not JSON" in err
    code, out, _ = run_cli(capsys, "predict", "--strokes", path)
    assert out.splitlines()[0].startswith("line 1: 1 (") and out.splitlines()[1].startswith("line 5: 7 (")


def test_predict_strokes_thousands_of_drawings_in_one_batch_path(tmp_path, capsys, pendigits):
    from guiapp.core.drawing.stroke_file import drawing_to_json
    from guiapp.core.training.pendigits import pendigit_drawing

    points, labels = pendigits
    path = tmp_path / "pen.jsonl"
    path.write_text("".join(json.dumps(drawing_to_json(pendigit_drawing(p))) + "\n" for p in points[:2000]))
    code, out, _ = run_cli(capsys, "predict", "--strokes", path, "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(rows) == 2000
    accuracy = np.mean([row["top"] == label for row, label in zip(rows, labels[:2000])])
    assert accuracy > 0.6  # every model, even the seed's, reads most pen-drawn digits


def test_predict_needs_files_or_strokes(capsys):
    code, _, err = run_cli(capsys, "predict")
    assert code == 2 and "nothing to classify" in err
