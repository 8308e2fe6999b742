"""The window's picture intake (:class:`~guiapp.ui.live.picture_intake.PictureIntake`) with files that are not files."""

from __future__ import annotations

import pytest

from guiapp.core.drawing.images import HINT
from guiapp.ui.live.canvas import DrawingCanvas
from guiapp.ui.live.picture_intake import PictureIntake
from tests.hostile_files import not_a_file


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_a_fifo_or_dev_zero_picture_fails_in_one_line_and_gives_no_picture(qtbot, tmp_path, kind):
    host = DrawingCanvas()
    qtbot.addWidget(host)
    intake = PictureIntake(host)
    ready, failed = [], []
    intake.pictureReady.connect(ready.append)
    intake.failed.connect(failed.append)
    with not_a_file(kind, tmp_path / "digit.png") as (path, reason):
        assert not intake.open_file(path)
    assert failed == [f"{path}: {reason} — {HINT}"] and ready == []
