"""Model files, cards and class names from strangers on the command line: a FIFO or /dev/zero is one line and
exit 2 at once, a model declaring too many parameters one line before anything is built, and a card whose
optional field is nonsense a note — the model still predicts, exit 0."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from guiapp import paths
from guiapp.cli import main
from guiapp.core.model.class_names import HINT as NAMES_HINT
from guiapp.core.model.keras_engine import MODEL_HINT
from tests.hostile_files import FIFO_REASON, fifo, not_a_file

TIMEOUT = 120  # a reader that blocked on the FIFO would fail the test here instead of hanging it
HUGE = "1" + "0" * 400


def guiapp(*argv: object) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "guiapp", *map(str, argv)], capture_output=True, text=True,
                          timeout=TIMEOUT)


def run_cli(capsys, *argv: object) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture()
def seven(tmp_path, mnist) -> Path:
    path = tmp_path / "seven.png"
    Image.fromarray(mnist.x_test[0]).save(path)
    return path


@pytest.fixture()
def model(tmp_path) -> Path:
    path = tmp_path / "digits.keras"
    shutil.copy(paths.DEFAULT_MODEL, path)
    return path


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
@pytest.mark.parametrize("command", ["predict", "summary"])
def test_a_model_that_is_a_fifo_or_dev_zero_is_one_line_and_exit_2(tmp_path, seven, kind, command):
    path = tmp_path / "model.keras"
    argv = [command, "--model", path, *([seven] if command == "predict" else [])]
    with not_a_file(kind, path) as (_, reason):
        done = guiapp(*argv)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.splitlines() == [f"guiapp: {path}: {reason} — {MODEL_HINT}"]


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_class_names_from_a_fifo_or_dev_zero_are_one_line_and_exit_2(tmp_path, seven, kind):
    path = tmp_path / "names.txt"
    with not_a_file(kind, path) as (_, reason):
        done = guiapp("predict", "--classes", path, seven)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.splitlines() == [f"guiapp: {path}: {reason} — {NAMES_HINT}"]


def test_a_card_that_is_a_fifo_is_skipped_with_a_note(model, seven):
    card = model.with_suffix(".json")
    with fifo(card):
        done = guiapp("predict", "--model", model, seven)
    assert done.returncode == 0 and done.stdout.startswith(f"{seven}: 7 (")
    assert done.stderr.splitlines() == [
        f"guiapp: note: {card}: the model card {FIFO_REASON} — ignored: the model is used without it"]


def test_a_dense_70000_model_is_refused_in_one_line_before_it_is_built(tmp_path, capsys, seven):
    with zipfile.ZipFile(paths.DEFAULT_MODEL) as shipped:
        members = {name: shipped.read(name) for name in shipped.namelist()}
    config = json.loads(members["config.json"])
    next(layer for layer in config["config"]["layers"] if layer["config"].get("units") == 128)["config"]["units"] \
        = 70_000
    members["config.json"] = json.dumps(config).encode()
    bomb = tmp_path / "bomb.keras"
    with zipfile.ZipFile(bomb, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    expected = (f"guiapp: {bomb}: its config declares 645,908,826 parameters (dense alone 645,190,000), "
                "more than the 100,000,000 guiapp loads")
    for argv in (("summary", "--model", bomb), ("predict", "--model", bomb, seven)):
        code, out, err = run_cli(capsys, *argv)
        assert (code, out) == (2, "") and err.splitlines() == [expected]


@pytest.mark.parametrize("value", [f"[0, {HUGE}]", "[0, 1e400]", '"0..255"', "[[0], [255]]"])
def test_a_nonsense_input_range_in_the_card_is_a_note_and_the_model_predicts(capsys, model, seven, value):
    card = model.with_suffix(".json")
    card.write_text(f'{{"input_range": {value}}}', encoding="utf-8")
    code, out, err = run_cli(capsys, "predict", "--model", model, seven)
    assert code == 0 and out.startswith(f"{seven}: 7 (")
    assert err.splitlines() == [f'guiapp: note: {card}: "input_range" is not two numbers low < high within '
                                "±1,000,000 — ignored: the model is used without it"]
