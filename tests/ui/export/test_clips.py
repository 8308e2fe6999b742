"""Clips made offscreen: any stepped widget to a GIF, a step never shown is one line and no file, and a
training history to a GIF and an MP4 with one frame per snapshot at the size printed."""

from __future__ import annotations

import imageio.v3 as iio
import numpy as np
import pytest
from PySide6.QtWidgets import QLabel

from guiapp.core.errors import GuiappError
from guiapp.core.training.history import TrainingHistory
from guiapp.ui.export.clips import history_video, record_frames


@pytest.fixture()
def label(qtbot):
    widget = QLabel("")
    widget.setStyleSheet("font-size: 30px")
    widget.resize(161, 61)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_one_frame_per_step_of_the_widget_shown(label, tmp_path):
    def steps():
        for text in ("one", "two", "three"):
            label.setText(text)
            yield text

    frames, size = record_frames(label, steps(), lambda text: label.text() == text, tmp_path / "c.gif", fps=2)
    assert (frames, size) == (3, (161, 61))
    back = iio.imread(tmp_path / "c.gif")
    assert back.shape[:3] == (3, 61, 161)
    assert np.abs(back[0].astype(int) - back[1]).sum() > 0 and np.abs(back[1].astype(int) - back[2]).sum() > 0


def test_a_step_never_shown_is_one_line_and_no_clip(label, tmp_path):
    with pytest.raises(GuiappError, match="step 2 was not on screen"):
        record_frames(label, iter(["a", "b"]), lambda token: token == "a", tmp_path / "c.mp4", timeout_s=0.2)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("suffix", [".gif", ".mp4"])
def test_a_training_history_renders_one_frame_per_snapshot(history, tmp_path, capsys, suffix):
    snapshots = len(TrainingHistory.open(history).snapshots)
    assert snapshots >= 3
    out = tmp_path / f"training{suffix}"
    assert history_video(history, out, size=(1280, 720), fps=4) == 0
    line = capsys.readouterr().out.strip().splitlines()[-1]
    back = iio.imread(out, plugin="FFMPEG") if suffix == ".mp4" else iio.imread(out)
    height, width = back.shape[1:3]
    assert line == f"wrote {out} ({snapshots} frames, {width}×{height})"
    assert back.shape[0] == snapshots
    assert width >= 1280 and height >= 720 and (suffix == ".gif" or width % 2 == height % 2 == 0)
    # The network changes from snapshot to snapshot: so do the frames.
    assert np.abs(back[0, ..., :3].astype(int) - back[-1, ..., :3]).mean() > 0.2


def test_a_bad_clip_or_history_is_one_line_before_any_window(history, tmp_path, capsys):
    assert history_video(history, tmp_path / "training.avi") == 2
    assert "end it in .gif" in capsys.readouterr().err
    assert history_video(tmp_path, tmp_path / "training.gif") == 2
    err = capsys.readouterr().err
    assert "not a training history" in err and err.count("\n") == 1
    (tmp_path / "old.gif").write_bytes(b"mine")
    assert history_video(history, tmp_path / "old.gif") == 2
    assert "already exists" in capsys.readouterr().err and (tmp_path / "old.gif").read_bytes() == b"mine"
