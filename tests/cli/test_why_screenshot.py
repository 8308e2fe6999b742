"""`guiapp --why`, `--make-it` and `--drawing`: the window opened on the Why tab, rendered offscreen."""

from __future__ import annotations

import os

import numpy as np
from PIL import Image

from guiapp import paths
from tests.cli.test_cli import guiapp_process

def offscreen() -> dict[str, str]:
    """The environment as the test has it now (its temporary XDG folders included), with Qt offscreen."""
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
SEVEN = paths.RESOURCES_DIR / "drawn_seven.json"


def test_a_drawn_seven_explained_against_a_one_with_a_counterfactual(tmp_path):
    shot = tmp_path / "why.png"
    done = guiapp_process("--screenshot", shot, "--drawing", SEVEN, "--why", "7:1", "--make-it", "1", env=offscreen())
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"wrote {shot}"
    pixels = np.asarray(Image.open(shot).convert("RGB")).astype(int)
    right = pixels[:, pixels.shape[1] // 2:]  # the tabs' column: the Why tab's evidence maps
    red = (right[..., 0] > 180) & (right[..., 1] < 90) & (right[..., 2] < 90)
    blue = (right[..., 2] > 180) & (right[..., 0] < 90)
    assert red.sum() > 200 and blue.sum() > 200  # evidence for and against, drawn


def test_a_class_the_model_does_not_have_is_one_line(tmp_path):
    done = guiapp_process("--screenshot", tmp_path / "x.png", "--drawing", SEVEN, "--why", "12", env=offscreen())
    assert done.returncode == 2
    assert done.stderr.strip() == "guiapp: class 12 is out of range: this model has classes 0 to 9"
    bad = guiapp_process("--screenshot", tmp_path / "y.png", "--why", "seven", env=offscreen())
    assert bad.returncode == 2 and "expected CLASS or CLASS:CONTRAST" in bad.stderr and "Traceback" not in bad.stderr


def test_a_broken_drawing_file_is_one_line_before_any_window(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"strokes": [[[1, 2], [3, "x"]]]')
    done = guiapp_process("--screenshot", tmp_path / "z.png", "--drawing", broken, env=offscreen())
    assert done.returncode == 2 and "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and str(broken) in lines[0]
    assert not (tmp_path / "z.png").exists()
