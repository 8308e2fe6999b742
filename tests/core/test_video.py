"""Clips from frames: a GIF and an MP4 hold every frame at its size (an MP4's sides padded to even, never
stretched); a bad name, an existing file, a frame of another size, no frames or a missing ffmpeg are one line
and leave nothing behind."""

from __future__ import annotations

import imageio.v3 as iio
import numpy as np
import pytest

from guiapp.core import video
from guiapp.core.errors import GuiappError, OutputExistsError
from guiapp.core.video import VideoWriter, even_padded, write_video


def frames(count: int = 5, height: int = 31, width: int = 45) -> list[np.ndarray]:
    """Grey frames growing lighter, a red square in the top-left corner of each: every frame different."""
    out = []
    for i in range(count):
        frame = np.full((height, width, 3), (30 + 40 * i) % 250, np.uint8)
        frame[4:12, 4:12] = (255, 0, 0)
        out.append(frame)
    return out


def _mp4_frames(path):
    return iio.imread(path, plugin="FFMPEG")


def test_a_gif_holds_every_frame_at_its_size_and_loops(tmp_path):
    path = tmp_path / "clip.gif"
    assert write_video(path, iter(frames()), fps=5) == (5, (45, 31))
    back = iio.imread(path)
    assert back.shape[:3] == (5, 31, 45)
    assert iio.immeta(path)["loop"] == 0 and iio.immeta(path)["duration"] == 200
    assert np.abs(back[2, ..., :3].astype(int) - frames()[2]).mean() < 3  # palette rounding only
    assert [p.name for p in tmp_path.iterdir()] == ["clip.gif"]


def test_an_mp4_pads_odd_sides_to_even_without_stretching(tmp_path):
    path = tmp_path / "clip.mp4"
    assert write_video(path, iter(frames()), fps=5) == (5, (46, 32))
    back = _mp4_frames(path)
    assert back.shape == (5, 32, 46, 3)
    # The red square stays where it was (a stretched frame would move and grow it); the pad repeats the edge.
    red = back[0, ..., 0].astype(int) - back[0, ..., 1].astype(int) > 100
    rows, cols = np.nonzero(red)
    assert abs(rows.min() - 4) <= 1 and abs(rows.max() - 11) <= 1 and abs(cols.min() - 4) <= 1 and abs(cols.max() - 11) <= 1
    assert abs(int(back[4, 31, 45, 1]) - (30 + 160)) < 20


def test_an_mp4_streams_its_frames(tmp_path):
    """Each frame goes to ffmpeg as it comes: the writer never holds a list of them."""
    seen = []
    with VideoWriter(tmp_path / "clip.mp4", 10) as clip:
        for frame in frames(12, 20, 20):
            clip.add(frame)
            seen.append(clip.frames)
            assert not any(isinstance(v, list) and v for v in vars(clip).values())
    assert seen == list(range(1, 13))
    assert _mp4_frames(tmp_path / "clip.mp4").shape[0] == 12


def test_even_padded_adds_an_edge_row_and_column():
    frame = np.arange(3 * 5 * 3, dtype=np.uint8).reshape(3, 5, 3)
    padded = even_padded(frame)
    assert padded.shape == (4, 6, 3)
    assert np.array_equal(padded[:3, :5], frame) and np.array_equal(padded[3, :5], frame[2])
    assert even_padded(padded) is padded


@pytest.mark.parametrize("name", ["clip.avi", "clip", "clip.png"])
def test_an_unknown_suffix_is_refused(tmp_path, name):
    with pytest.raises(GuiappError) as caught:
        write_video(tmp_path / name, iter(frames()))
    assert "end it in .gif" in str(caught.value) and "\n" not in str(caught.value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("suffix", [".gif", ".mp4"])
def test_an_existing_file_is_kept_unless_overwriting(tmp_path, suffix):
    path = tmp_path / f"clip{suffix}"
    path.write_bytes(b"mine")
    with pytest.raises(OutputExistsError):
        write_video(path, iter(frames()))
    assert path.read_bytes() == b"mine"
    assert write_video(path, iter(frames(2)), overwrite=True)[0] == 2
    assert path.read_bytes() != b"mine"


@pytest.mark.parametrize("suffix", [".gif", ".mp4"])
def test_a_frame_of_another_size_is_one_line_and_nothing_is_written(tmp_path, suffix):
    path = tmp_path / f"clip{suffix}"
    with pytest.raises(GuiappError) as caught:
        write_video(path, iter([*frames(2), frames(1, 30, 45)[0]]))
    assert "frame 3 is 45×30, the first was 45×31" in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_no_frames_is_one_line_and_nothing_is_written(tmp_path):
    with pytest.raises(GuiappError, match="no frames to write"):
        write_video(tmp_path / "clip.mp4", iter([]))
    assert list(tmp_path.iterdir()) == []


def test_a_missing_ffmpeg_is_said_before_any_frame(tmp_path, monkeypatch):
    import imageio_ffmpeg

    def missing():
        raise RuntimeError("No ffmpeg exe could be found. Install ffmpeg on your system")

    monkeypatch.setattr(imageio_ffmpeg, "get_ffmpeg_exe", missing)
    with pytest.raises(GuiappError) as caught:
        VideoWriter(tmp_path / "clip.mp4")
    message = str(caught.value)
    assert "ffmpeg is missing" in message and "imageio-ffmpeg" in message and "\n" not in message
    assert write_video(tmp_path / "clip.gif", iter(frames(2)))[0] == 2  # a GIF needs no ffmpeg


@pytest.mark.parametrize("fps", [0, -1, float("nan"), 1000, "fast"])
def test_frames_per_second_out_of_range_are_refused(tmp_path, fps):
    with pytest.raises(GuiappError, match="frames per second"):
        VideoWriter(tmp_path / "clip.gif", fps)


def test_a_gif_too_long_to_hold_says_to_use_mp4(tmp_path, monkeypatch):
    monkeypatch.setattr(video, "GIF_MAX_BYTES", 3 * 31 * 45 * 3)
    with pytest.raises(GuiappError, match=r"too long for a GIF .* give an \.mp4 name"):
        write_video(tmp_path / "clip.gif", iter(frames(5)))
    assert list(tmp_path.iterdir()) == []


def test_wrong_frames_are_refused():
    with pytest.raises(ValueError, match="uint8"):
        VideoWriter.__new__(VideoWriter)._checked(np.zeros((4, 4, 3), np.float32))
