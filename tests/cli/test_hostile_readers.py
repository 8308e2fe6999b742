"""Every file option on the command line refuses a FIFO or a ``/dev/zero`` symlink in one line, at once.

Run as real processes with a timeout: a reader that regressed to a plain ``open`` would block on the
pipe or spin on the zeros for ever, and must fail the test, not hang it.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from guiapp.core.drawing import images
from guiapp.core.drawing import stroke_file as sf
from guiapp.core.training import data, pendigits
from tests.hostile_files import not_a_file

TIMEOUT_SECONDS = 120  # generous for a slow machine; a refusal takes about a second (Python's start)
ARCH_HINT = "save one from the window's Architecture tab, or give a built-in name"
INIT_HINT = "--init takes a trained .keras model of the same architecture"

CASES = [  # (id, arguments with FILE for the hostile path, the file's name, the hint, kinds)
    ("predict --strokes", ["predict", "--strokes", "FILE"], "drawings.jsonl", sf.HINT, ("fifo", "dev-zero")),
    ("--drawing", ["--screenshot", "OUT", "--drawing", "FILE"], "drawing.json", sf.HINT, ("fifo", "dev-zero")),
    ("--picture", ["--screenshot", "OUT", "--picture", "FILE"], "digit.png", images.HINT, ("fifo",)),
    ("summary --arch", ["summary", "--arch", "FILE"], "net.json", ARCH_HINT, ("fifo",)),
    ("evaluate --data", ["evaluate", "--data", "FILE"], "mnist.npz", data._HINT, ("fifo",)),
    ("train --pendigits", ["train", "--pendigits", "FILE", "--out", "MODEL"], "pen.tra", pendigits._HINT, ("fifo",)),
    ("train --init", ["train", "--init", "FILE", "--out", "MODEL"], "start.keras", INIT_HINT, ("fifo", "dev-zero")),
]


@pytest.mark.parametrize(
    ("argv", "name", "hint", "kind"),
    [(argv, name, hint, kind) for _, argv, name, hint, kinds in CASES for kind in kinds],
    ids=[f"{case} {kind}" for case, *_, kinds in CASES for kind in kinds],
)
def test_a_fifo_or_dev_zero_is_one_line_and_exit_2(tmp_path, argv, name, hint, kind):
    path = tmp_path / name
    outputs = {"OUT": tmp_path / "out.png", "MODEL": tmp_path / "m.keras"}
    args = [str({"FILE": path, **outputs}.get(a, a)) for a in argv]
    run = [sys.executable, "-m", "guiapp", *args]
    with not_a_file(kind, path) as (_, reason):
        done = subprocess.run(run, capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
    assert done.returncode == 2 and done.stdout == "" and "Traceback" not in done.stderr
    assert done.stderr == f"guiapp: {path}: {reason} — {hint}\n"
    assert not any(out.exists() for out in outputs.values())  # refused before any work
