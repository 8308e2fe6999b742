"""`guiapp --screenshot --make-it K` when no change can be found: the picture shows the panel's line, and the
command says it and exits 2 — a script must not take the picture for a change found."""

from __future__ import annotations

import numpy as np
from PIL import Image


def test_a_blank_picture_has_nothing_to_change_and_the_screenshot_says_so(qtbot, tmp_path, capsys):
    from guiapp.cli import main

    blank = tmp_path / "blank.png"
    Image.fromarray(np.zeros((28, 28), np.uint8)).save(blank)
    shot = tmp_path / "make_it.png"
    assert main(["--screenshot", str(shot), "--picture", str(blank), "--make-it", "3"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "Traceback" not in err
    assert err == (f"guiapp: --make-it 3: nothing to change: the input is blank (every pixel the same) "
                   f"(wrote {shot}, the window with this message)\n")
    assert Image.open(shot).size == (1560, 940)
