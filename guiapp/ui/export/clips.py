"""Clips of the window, made offscreen: one frame per step of a driver, e.g. a training history's snapshots.

:func:`record_frames` is the loop any clip uses: a *step driver* — an iterable whose iteration performs the
next step on the window (choose a snapshot, replay one event of a demo) and yields a token — a condition that
says when that step is wholly on screen, and a widget to grab. Each frame is written as it is grabbed
(:class:`~guiapp.core.video.VideoWriter`), so an MP4's memory does not grow with its length.
:func:`history_video` drives it over a training history, like ``guiapp --history DIR --video training.gif``.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtWidgets import QApplication, QWidget

from guiapp.core.atomic import check_output_path
from guiapp.core.errors import GuiappError
from guiapp.core.video import DEFAULT_FPS, VideoWriter, video_kind
from guiapp.ui.export.render import frame_rgb, widget_image

if TYPE_CHECKING:
    from guiapp.core.demo.events import Demo
    from guiapp.ui.main_window import MainWindow

T = TypeVar("T")
STEP_TIMEOUT_S = 120.0  # a step not on screen by then is a failure (a snapshot's network loads in seconds)
SETTLE_PASSES = 10  # event-loop passes after a step is shown: colour bars, curves and labels catch up
DEFAULT_SIZE = (1280, 720)  # a history clip's frames: a 720p slide


def _settle(app: QApplication) -> None:
    for _ in range(SETTLE_PASSES):
        app.processEvents()
        time.sleep(0.005)


def wait_for(condition: Callable[[], bool], timeout_s: float = STEP_TIMEOUT_S) -> bool:
    """Run the event loop until ``condition()`` holds (True) or ``timeout_s`` passes (False)."""
    app = QApplication.instance()
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        app.processEvents()
        time.sleep(0.005)
    return True


def record_frames(window: QWidget, steps: Iterable[T], wait_until: Callable[[T], bool], out_path: Path | str, *,
                  widget: QWidget | Callable[[], QWidget] | None = None, fps: float = DEFAULT_FPS, scale: int = 1,
                  overwrite: bool = False, timeout_s: float = STEP_TIMEOUT_S) -> tuple[int, tuple[int, int]]:
    """One frame of ``widget`` (default: the whole ``window``; a callable is asked each frame) per step.

    Iterating ``steps`` performs each step; ``wait_until(token)`` is polled with the event loop running until
    it holds. The clip goes to ``out_path`` (.gif or .mp4, atomically); (frames, (width, height)) as written.
    A step not shown within ``timeout_s`` is one line (GuiappError) and no clip is written.
    """
    app = QApplication.instance()
    with VideoWriter(out_path, fps, overwrite=overwrite) as video:
        for number, token in enumerate(steps, 1):
            if not wait_for(lambda: wait_until(token), timeout_s):
                raise GuiappError(f"step {number} was not on screen within {timeout_s:g} s; no clip written")
            _settle(app)
            target = widget() if callable(widget) else (widget or window)
            video.add(frame_rgb(widget_image(target, scale)))
    assert video.size is not None
    return video.frames, video.size


REPLAY_FPS = 15.0  # a replay's clip: smooth enough for a stroke, small enough for a slide
HOLD_END_S = 1.0  # the last frame held this long: the answer stays readable


def film_demo(window: MainWindow, demo: Demo, out_path: Path | str, fps: float = REPLAY_FPS, *, name: str = "demo",
              overwrite: bool = False, cancelled: Callable[[], bool] = lambda: False) -> tuple[int, tuple[int, int]]:
    """Replay ``demo`` in ``window`` — every answer recomputed — filming the window to ``out_path`` (.gif or .mp4,
    atomically); (frames, (width, height)) as written.

    The clip keeps the recording's timing: a frame every 1/``fps`` s of it (pointer moves faster than that are
    played and computed, not filmed), the last held :data:`HOLD_END_S`. ``cancelled()`` is asked at every
    step: True ends it with no clip. A step never shown, or a model missing, is one line (GuiappError).
    """
    from guiapp.ui.replay.driver import replay_steps, update_shown

    app = QApplication.instance()
    with VideoWriter(out_path, fps, overwrite=overwrite) as video:
        last = None
        for step in replay_steps(window, demo, name=name, stroke_points=True):
            if not wait_for(lambda: update_shown(window) or cancelled()) or cancelled():
                raise GuiappError(f"{name}: step {step.index + 1} " + (
                    "was not shown in time" if not cancelled() else "— filming cancelled") + "; no clip written")
            due = int(step.time * fps)  # the frame this step falls in
            if last is not None and video.frames > due and step.index + 1 < step.count:
                continue  # a frame of this moment is written: the next one films the newer state
            for _ in range(3):
                app.processEvents()
            while last is not None and video.frames < due:
                video.add(last)  # the recording paused: the picture stays
            last = frame_rgb(widget_image(window, 1))
            video.add(last)
        for _ in range(round(HOLD_END_S * fps) if last is not None else 0):
            video.add(last)
    return video.frames, video.size or (0, 0)


def snapshot_steps(window: MainWindow, count: int) -> Iterator[tuple[object, int]]:
    """Show each snapshot of the open history in turn; each yields (the worker before, its weights version)."""
    view = window.training_view
    for index in range(count):
        worker = window.worker
        before = worker.weights_version
        view.history_bar.choose(index)
        yield worker, before


def snapshot_shown(window: MainWindow) -> Callable[[tuple[object, int]], bool]:
    """The condition for :func:`snapshot_steps`: the drawing went through the chosen snapshot's weights (or the
    page shows why that snapshot cannot be shown: that line is the frame)."""
    target = window.canvas.drawing

    def shown(token: tuple[object, int]) -> bool:
        worker_before, before = token
        if window.training_view.snapshot_problem or window.model_error:
            return True
        worker, update = window.worker, window.last_update
        changed = worker is not worker_before or worker.weights_version > before
        return (changed and worker.weights_version > 0 and update is not None and update.drawing is target
                and update.weights_version == worker.weights_version)

    return shown


def history_video(history_dir: Path | str, out_path: Path | str, size: tuple[int, int] | None = None,
                  fps: float = DEFAULT_FPS, *, model: Path | None = None, sample: int = 0,
                  overwrite: bool = False, present: bool = False) -> int:
    """Render the Training page over each snapshot of ``history_dir`` to a GIF or MP4, offscreen; an exit code.

    ``size``: the frames' (width, height) (default 1280×720; the window's minimum size may make them larger);
    the live page shows MNIST test digit ``sample``. Prints "wrote PATH (N frames, W×H)", or one line on stderr.
    """
    from guiapp.core.training.history import TrainingHistory
    from guiapp.ui.offscreen import offscreen_window

    out_path = Path(out_path)
    try:  # before any window: the name, an existing file, the history
        video_kind(out_path)
        check_output_path(out_path, force=overwrite)
        count = len(TrainingHistory.open(Path(history_dir)).snapshots)
        if count == 0:
            raise GuiappError(f"{history_dir}: the history holds no snapshot yet — nothing to film")
    except GuiappError as exc:
        print(f"guiapp: {exc}", file=sys.stderr)
        return 2
    width, height = size or DEFAULT_SIZE
    with offscreen_window(model) as (app, window):
        try:
            if present:  # presentation mode's theme and type, at the size asked (not full screen)
                window.presentation.go_full_screen = False
                window.presentation.enter()
            window.resize(max(width, 1), max(height, 1))
            window.show()
            window.load_sample(sample)
            if not wait_for(lambda: window.model_error is not None or (
                    window.last_update is not None and window.last_update.drawing is window.canvas.drawing)):
                raise GuiappError("the model did not answer in time; no clip written")
            problem = window.model_error or window.open_history(Path(history_dir))
            if problem:
                raise GuiappError(problem)
            page = window.pages.currentWidget()  # the Training page: opening a history shows it
            _settle(app)
            window.resize(window.width() + width - page.width(), window.height() + height - page.height())
            _settle(app)
            frames, (w, h) = record_frames(window, snapshot_steps(window, count), snapshot_shown(window), out_path,
                                           widget=page, fps=fps, overwrite=overwrite)
        except GuiappError as exc:
            print(f"guiapp: {exc}", file=sys.stderr)
            return 2
    print(f"wrote {out_path} ({frames} frames, {w}×{h})")
    return 0
