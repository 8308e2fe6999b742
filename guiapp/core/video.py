"""Frames (RGB uint8 arrays, all one size) to an animated GIF or an MP4 clip, chosen by the file's suffix.

Written atomically (a temporary file beside the target, renamed at the end: an interrupted clip leaves nothing)
and never over an existing file unless asked. An MP4 streams its frames to ffmpeg (imageio-ffmpeg) one at a
time, so its memory does not grow with its length; its sides are rounded up to even numbers (H.264's yuv420p
needs that) by padding each frame with its own edge, never by stretching it. A GIF is written by Pillow at the
end (through imageio), so its frames are held until then: :data:`GIF_MAX_BYTES` bounds them, and a clip longer
than that is refused with one line that says to use MP4.
"""

from __future__ import annotations

import contextlib
import math
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import numpy as np

from guiapp.core.atomic import atomic_path, check_output_path
from guiapp.core.errors import GuiappError, file_problem, short_reason

__all__ = ["DEFAULT_FPS", "GIF_MAX_BYTES", "MAX_FPS", "MAX_SIDE", "SUFFIXES", "VideoWriter", "even_padded",
           "video_kind", "write_video"]

SUFFIXES = {".gif": "GIF", ".mp4": "MP4"}
DEFAULT_FPS = 4.0  # a training snapshot or a demo step is read, not watched flowing
MAX_FPS = 60.0
MIN_FPS = 0.1  # ten seconds a frame: slower than that is a slide show
MAX_SIDE = 8192  # pixels on a frame's side; a bigger one is a mistake, not a clip
GIF_MAX_BYTES = 1 << 30  # RGB bytes a GIF may hold before Pillow writes it (~350 frames of 1280×720)
MP4_QUALITY = 8  # imageio-ffmpeg's 0–10 scale: text and thin lines stay sharp
_FFMPEG_HINT = "install imageio-ffmpeg (pip install imageio-ffmpeg: it ships ffmpeg), or give a .gif name"


def video_kind(path: Path) -> str:
    """"GIF" or "MP4" for ``path``'s suffix; any other is refused with one line."""
    kind = SUFFIXES.get(Path(path).suffix.lower())
    if kind is None:
        raise GuiappError(file_problem(path, "is not a clip name this writer knows",
                                       "end it in .gif (an animated picture) or .mp4 (a video)"))
    return kind


def even_padded(frame: np.ndarray) -> np.ndarray:
    """``frame`` (H, W, 3) with a row and/or a column of its own edge added so both sides are even."""
    height, width = frame.shape[:2]
    pad = ((0, height % 2), (0, width % 2), (0, 0))
    return frame if not (height % 2 or width % 2) else np.pad(frame, pad, mode="edge")


def _checked_fps(fps: float) -> float:
    try:
        value = float(fps)
    except (TypeError, ValueError):
        value = math.nan
    if not (math.isfinite(value) and MIN_FPS <= value <= MAX_FPS):
        raise GuiappError(f"frames per second must be a number from {MIN_FPS:g} to {MAX_FPS:g}, not {fps!r}")
    return value


def _ffmpeg_exe(path: Path) -> str:
    """ffmpeg's path, or one line saying that it is missing."""
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError) as exc:
        raise GuiappError(file_problem(path, f"cannot write an MP4: ffmpeg is missing ({short_reason(exc, 80)})",
                                       _FFMPEG_HINT)) from None


class VideoWriter:
    """``with VideoWriter(path, fps) as video: video.add(frame) …``: the clip appears at ``path`` when the block
    ends without an error (nothing appears otherwise). :attr:`frames` and :attr:`size` (width, height, as
    written) say what it holds."""

    def __init__(self, path: Path | str, fps: float = DEFAULT_FPS, *, overwrite: bool = False,
                 loop: bool = True) -> None:
        self.path = Path(path)
        self.kind = video_kind(self.path)
        self.fps = _checked_fps(fps)
        self.loop = loop
        check_output_path(self.path, force=overwrite)
        self._ffmpeg = _ffmpeg_exe(self.path) if self.kind == "MP4" else None
        self.frames = 0
        self.size: tuple[int, int] | None = None  # (width, height) of the frames written
        self._source: tuple[int, int] | None = None  # (height, width) of the frames given
        self._stack: contextlib.ExitStack | None = None
        self._tmp: Path | None = None
        self._encoder: Any = None
        self._held = 0

    def __enter__(self) -> Self:
        self._stack = contextlib.ExitStack()
        self._tmp = self._stack.enter_context(atomic_path(self.path))
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        assert self._stack is not None
        try:
            if kind is None:
                self._finish()
        except BaseException as exc:  # the clip could not be finished: the temporary file goes
            self._abandon()
            self._stack.__exit__(type(exc), exc, exc.__traceback__)
            raise
        if kind is not None:
            self._abandon()
        self._stack.__exit__(kind, value, traceback)

    # ------------------------------------------------------------------ frames

    def add(self, frame: np.ndarray) -> None:
        """Append one frame: (H, W, 3) or (H, W, 4) uint8 (alpha is dropped), the first frame's size."""
        if self._tmp is None:
            raise RuntimeError("VideoWriter.add outside its with-block")
        rgb = self._checked(frame)
        if self.kind == "MP4":
            self._send(np.ascontiguousarray(even_padded(rgb)))
        else:
            self._held += rgb.nbytes
            if self._held > GIF_MAX_BYTES:
                raise GuiappError(file_problem(self.path, f"too long for a GIF ({self.frames} frames of "
                                               f"{rgb.shape[1]}×{rgb.shape[0]} fill {GIF_MAX_BYTES >> 20} MB)",
                                               "give an .mp4 name, or a smaller size"))
            self._gif().write(np.ascontiguousarray(rgb), duration=self._gif_duration_ms(),
                              **({"loop": 0} if self.loop else {}))
        self.frames += 1

    def _checked(self, frame: np.ndarray) -> np.ndarray:
        array = np.asarray(frame)
        if array.dtype != np.uint8 or array.ndim != 3 or array.shape[2] not in (3, 4):
            raise ValueError(f"a frame is (H, W, 3) uint8, not {array.shape} {array.dtype}")
        height, width = array.shape[:2]
        if not (0 < height <= MAX_SIDE and 0 < width <= MAX_SIDE):
            raise GuiappError(file_problem(self.path, f"a frame of {width}×{height} pixels is not one a clip takes",
                                           f"each side from 1 to {MAX_SIDE}"))
        if self._source is None:
            self._source = (height, width)
            self.size = (width + width % 2, height + height % 2) if self.kind == "MP4" else (width, height)
        elif self._source != (height, width):
            first_h, first_w = self._source
            raise GuiappError(file_problem(self.path, f"frame {self.frames + 1} is {width}×{height}, the first "
                                           f"was {first_w}×{first_h}", "every frame of a clip has one size"))
        return array[..., :3]

    def _gif_duration_ms(self) -> int:
        return max(10, round(1000.0 / self.fps / 10) * 10)  # GIF counts in hundredths of a second

    def _gif(self) -> Any:
        if self._encoder is None:
            import imageio.v3 as iio

            self._encoder = iio.imopen(self._tmp, "w", plugin="pillow", extension=".gif")
        return self._encoder

    def _send(self, frame: np.ndarray) -> None:
        if self._encoder is None:
            import imageio_ffmpeg

            assert self.size is not None
            self._encoder = imageio_ffmpeg.write_frames(
                str(self._tmp), self.size, fps=self.fps, codec="libx264", pix_fmt_out="yuv420p",
                quality=MP4_QUALITY, macro_block_size=2, ffmpeg_log_level="error")
            self._encoder.send(None)
        try:
            self._encoder.send(frame)
        except (OSError, RuntimeError) as exc:
            raise GuiappError(file_problem(self.path, f"ffmpeg stopped ({short_reason(exc, 120)})",
                                           _FFMPEG_HINT)) from None

    # ------------------------------------------------------------------ the end

    def _finish(self) -> None:
        if self.frames == 0:
            raise GuiappError(file_problem(self.path, "no frames to write", "nothing was recorded"))
        encoder, self._encoder = self._encoder, None
        try:
            encoder.close()  # a GIF is written now; ffmpeg finishes the MP4 and exits
        except (OSError, RuntimeError) as exc:
            raise GuiappError(file_problem(self.path, f"could not be finished ({short_reason(exc, 120)})",
                                           _FFMPEG_HINT if self.kind == "MP4" else "")) from None

    def _abandon(self) -> None:
        encoder, self._encoder = self._encoder, None
        if encoder is not None:
            held = getattr(encoder, "images_to_write", None)  # imageio's Pillow writer: close() would write them
            if isinstance(held, list):
                held.clear()
            with contextlib.suppress(Exception):
                encoder.close()


def write_video(path: Path | str, frames: Any, fps: float = DEFAULT_FPS, *, overwrite: bool = False,
                loop: bool = True) -> tuple[int, tuple[int, int]]:
    """Write ``frames`` (an iterable, consumed one at a time) to ``path``; (frame count, (width, height))."""
    with VideoWriter(path, fps, overwrite=overwrite, loop=loop) as video:
        for frame in frames:
            video.add(frame)
    assert video.size is not None
    return video.frames, video.size
