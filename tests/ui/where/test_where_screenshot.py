"""`guiapp --screenshot PATH --where` when the tab fails: the line the window shows, and a non-zero exit."""

from __future__ import annotations

from PIL import Image

from guiapp.cli import main
from guiapp.ui.window_paths import WHERE_DIGITS_ENV


def test_a_where_tab_that_cannot_read_its_digits_fails_the_screenshot_with_its_line(qtbot, tmp_path, capsys,
                                                                                     monkeypatch):
    broken = tmp_path / "digits.npz"
    broken.write_bytes(b"PK\x03\x04 not a zip archive")
    monkeypatch.setenv(WHERE_DIGITS_ENV, str(broken))  # the command line's window reads these digits
    shot = tmp_path / "where.png"
    assert main(["--screenshot", str(shot), "--where"]) == 2
    out, err = capsys.readouterr()
    assert out == "", err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err
    assert lines[0].startswith(f"guiapp: {broken}: ")
    assert lines[0].endswith(f"(wrote {shot}, the window with this message)")
    assert Image.open(shot).size == (1560, 940)  # the window with the message is the picture
