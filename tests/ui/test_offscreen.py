"""The window offscreen for slides: a screenshot at the size asked (and in presentation mode), and a recorded
demo replayed to a GIF and an MP4, recomputed, at the size asked and with the recording's timing."""

from __future__ import annotations

import imageio.v3 as iio
import numpy as np
import pytest

from guiapp.core.demo import events as ev
from guiapp.core.demo.writer import save_demo
from guiapp.ui.export.clips import HOLD_END_S
from guiapp.ui.offscreen import replay_video, take_screenshot

FPS = 10.0


@pytest.fixture()
def demo(tmp_path):
    """A vertical bar drawn in 0.4 s, then the Why tab: the clip must show the bar grow and the tab come."""
    points = tuple((140.0, 50.0 + 9 * i) for i in range(21))
    times = tuple(0.2 + 0.02 * i for i in range(21))
    events = (ev.StrokeEvent(t=0.2, points=points, times=times, width=20.0), ev.TabEvent(t=1.0, title="Why"))
    return save_demo(ev.Demo(events=events), tmp_path / "bar.json")


def test_a_screenshot_at_the_size_asked_in_presentation_mode(tmp_path, window_paths, capsys):
    normal, present = tmp_path / "normal.png", tmp_path / "present.png"
    assert take_screenshot(normal, 0, None, size=(1280, 720)) == 0
    assert take_screenshot(present, 0, None, size=(1280, 720), present=True) == 0
    shots = [iio.imread(path)[..., :3].astype(int) for path in (normal, present)]
    assert [shot.shape[:2] for shot in shots] == [(720, 1280), (720, 1280)]
    # Presentation mode: no menu bar, toolbar or status bar, so the top and bottom rows differ.
    assert np.abs(shots[0][:20] - shots[1][:20]).mean() > 1
    assert np.abs(shots[0][-15:] - shots[1][-15:]).mean() > 1


def test_a_screenshot_of_the_compare_page_against_a_twin_and_a_bad_tab_or_twin_in_one_line(tmp_path, window_paths,
                                                                                          capsys):
    shot = tmp_path / "compare.png"
    assert take_screenshot(shot, 0, None, size=(1280, 720), compare=("twin:4", "layers")) == 0
    assert iio.imread(shot).shape[:2] == (720, 1280)
    assert take_screenshot(tmp_path / "x.png", 0, None, size=(1280, 720), compare=("twin:9", "layers")) == 2
    err = capsys.readouterr().err
    assert "twin:9" in err and "4 weighted layers" in err and not (tmp_path / "x.png").exists()


@pytest.mark.parametrize("suffix", [".mp4", ".gif"])
def test_a_demo_replays_to_a_clip_at_its_timing(demo, tmp_path, window_paths, capsys, suffix):
    out = tmp_path / f"demo{suffix}"
    assert replay_video(demo, out, (1280, 720), fps=FPS) == 0
    line = capsys.readouterr().out.strip().splitlines()[-1]
    # The last event at 1.0 s, then the last frame held: about (1.0 + HOLD_END_S) · FPS frames.
    frames = int(line.split("(")[1].split()[0])
    assert abs(frames - (1.0 + HOLD_END_S) * FPS) <= 2
    assert line == f"wrote {out} ({frames} frames, 1280×720)"
    if suffix == ".mp4":
        back = iio.imread(out, plugin="FFMPEG")
        assert back.shape == (frames, 720, 1280, 3)
    else:  # Pillow merges a frame equal to the one before into its duration: the clip's length is what counts
        back = iio.imread(out)
        assert back.shape[1:3] == (720, 1280)
        assert 3 <= back.shape[0] <= frames
    # The bar grows on the canvas (left column): the first frame and the last differ there.
    assert np.abs(back[0, 40:340, :330, :3].astype(int) - back[-1, 40:340, :330, :3]).mean() > 1


def test_a_demo_clip_that_cannot_be_written_is_one_line(demo, tmp_path, window_paths, capsys):
    (tmp_path / "old.mp4").write_bytes(b"mine")
    assert replay_video(demo, tmp_path / "old.mp4") == 2
    err = capsys.readouterr().err
    assert "already exists" in err and err.count("\n") == 1
    assert (tmp_path / "old.mp4").read_bytes() == b"mine"
