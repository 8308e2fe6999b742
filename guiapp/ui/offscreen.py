"""The window rendered offscreen, for scripts: a screenshot (and, from the same window, clips).

Nobody is there to answer a question: a model that runs code is refused unless trusted on the command
line, and a screenshot neither reads nor changes the user's saved layout.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from guiapp.ui.app import application

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from guiapp.ui.main_window import MainWindow

SCREENSHOT_TIMEOUT_S = 120
WHERE_TIMEOUT_S = 900  # a model's first pass and map: ~80 s here, a slow host 2.5–7× that
DEFAULT_SIZE = (1560, 940)


@contextmanager
def offscreen_window(model: Path | None, *, trust: bool = False,
                     classes: Path | None = None) -> Iterator[tuple[QApplication, MainWindow]]:
    """The window for a script, and the application: gone from the screen when the block ends.

    A script's window is not a session: it neither reads nor changes the user's saved layout (its settings
    live in a temporary folder). Nobody is there to answer a question: a model that runs code is refused
    unless ``trust`` (--trust-model) loads it.
    """
    import tempfile

    from PySide6.QtCore import QSettings

    from guiapp.ui.main_window import MainWindow
    from guiapp.ui.window_paths import WindowPaths

    app = application()
    with tempfile.TemporaryDirectory(prefix="guiapp-") as scratch:
        store = QSettings(str(Path(scratch) / "window.ini"), QSettings.Format.IniFormat)
        window = MainWindow(model, settings=store, paths=WindowPaths.from_environment(), trust_model=trust,
                            class_names=classes)
        window.never_trust()
        try:
            yield app, window
        finally:
            window.shutdown()
            # Gone from the screen now, not when the collector gets to its cycles (its features and door
            # refer to it): a caller in the same process — a test — may go on using the screen.
            window.hide()
            window.deleteLater()


def fit(app: QApplication, window: MainWindow, size: tuple[int, int], present: bool) -> None:
    """The window at ``size`` (at least its minimum), in presentation mode if ``present``."""
    if present:  # at the size asked, not full screen
        window.presentation.go_full_screen = False
        window.presentation.enter()
    window.resize(*size)
    app.processEvents()


def _explained(app: QApplication, window: MainWindow, why: tuple[int | None, int | None],
               make_it: int | None) -> tuple[str | None, str | None]:
    """Bring the Why tab up and wait for every method (and the counterfactual).

    Returns (a problem that leaves nothing to picture, the counterfactual's failure — shown in its panel,
    so the picture is taken, then said), each one line or None.
    """
    from guiapp.core.explain.counterfactual import NOTHING_TO_CHANGE

    if make_it is not None and not 0 <= make_it < (window.inspector.num_classes if window.inspector else 0):
        return f"--make-it {make_it}: not a class of this model", None
    problem = window.show_why(*why)
    if problem:
        return problem, None

    def done() -> bool:
        update = window.last_update
        found = update.explanation if update is not None else None
        if found is None or update.drawing is not window.canvas.drawing:
            return False
        return found.problem is not None or (
            {"ig", "occlusion"} <= set(found.attributions) and found.contrast == why[1]
            and (why[0] is None or found.target == why[0]))

    if not _wait(app, done):
        return "the Why tab's methods did not finish in time", None
    if make_it is not None:
        explanation = window.last_update.explanation
        if explanation is not None and explanation.blank:  # the panel offers no search from a blank input
            return None, f"--make-it {make_it}: {NOTHING_TO_CHANGE}"
        failures: list[str] = []
        window.live.counterfactualFailed.connect(failures.append)
        window.make_it(make_it)
        if not _wait(app, lambda: window.why.found is not None or bool(failures)):
            return "the counterfactual search did not finish in time", None
        if failures:
            return None, f"--make-it {make_it}: {failures[0]}"
    return None, None


def _wait(app: QApplication, condition: Callable[[], bool], timeout_s: float = SCREENSHOT_TIMEOUT_S) -> bool:
    from guiapp.ui.export.clips import wait_for

    if not wait_for(condition, timeout_s):
        return False
    for _ in range(20):  # the panels' repaints and the colour bars' numbers, once at rest
        app.processEvents()
        time.sleep(0.01)
    return True


def _nan_problem(window: MainWindow) -> str | None:
    """The line the window shows when the model computes NaN for the input on screen (None: it answers)."""
    from guiapp.core.live.live_update import computes_nan, nan_problem

    update = window.last_update
    if update is None or window.inspector is None or not computes_nan(update.result.probabilities):
        return None
    return nan_problem(window.inspector)


def take_screenshot(path: Path, sample: int, model: Path | None, picture: Path | None = None,
                    classes: Path | None = None, trust: bool = False,
                    why: tuple[int | None, int | None] | None = None, make_it: int | None = None,
                    drawing: Path | None = None, replay: tuple[Path, int | None] | None = None,
                    where: tuple[int, int] | str | None = None, size: tuple[int, int] = DEFAULT_SIZE,
                    present: bool = False, compare: tuple[str | None, str] | None = None) -> int:
    """Render the window with MNIST test digit ``sample`` (or ``picture``, or ``drawing``) to ``path`` (PNG);
    an exit code.

    ``why`` = (target, contrast): with the Why tab on screen, every method computed; ``make_it``: and
    what would make the input that class, found; ``where``: the Where tab, "" on the map, (true, answer) on
    that confusion cell, a layer's name on its map, once the model's pass (and that map) are done or cached;
    ``size``: the window's (width, height); ``present``: in presentation mode (as F5); ``compare`` = (partner,
    tab): the Compare page, once B answered and the tab shows its result."""
    from guiapp.core.atomic import atomic_path

    with offscreen_window(model, trust=trust, classes=classes) as (app, window):
        counterfactual_failure = None
        window.show()
        fit(app, window, size, present)
        if drawing is not None:
            if not window.open_drawing(drawing):
                return 2  # said in one line on the status bar; the CLI checked the file first
        elif picture is None:
            window.load_sample(sample)
        elif not window.open_picture(picture):
            return 2  # the intake said why, in one line, on the status bar; the CLI checked it first
        target = window.canvas.drawing
        deadline = time.monotonic() + SCREENSHOT_TIMEOUT_S
        while not (window.last_update is not None and window.last_update.drawing is target):
            app.processEvents()
            if window.model_error:
                break  # the window shows the problem: that is the picture
            if time.monotonic() > deadline:
                print("guiapp: the model did not answer in time; no screenshot written", file=sys.stderr)
                return 1
            time.sleep(0.005)
        if replay is not None and not window.model_error:
            problem = window.open_history(*replay)
            if problem:  # at once, the line the page shows: that snapshot's weights will never reach the worker
                print(f"guiapp: {problem}", file=sys.stderr)
                return 2
            worker = window.worker  # the drawing through the snapshot's weights (set once its network loaded)
            if not _wait(app, lambda: worker.weights_version > 0 and window.last_update is not None
                         and window.last_update.drawing is target
                         and window.last_update.weights_version == worker.weights_version):
                print("guiapp: the snapshot was not shown in time; no screenshot written", file=sys.stderr)
                return 1
        if (why is not None or make_it is not None) and not window.model_error:
            problem, counterfactual_failure = _explained(app, window, why or (None, None), make_it)
            if problem:
                print(f"guiapp: {problem}", file=sys.stderr)
                return 2
        if where is not None and not window.model_error:
            problem = window.show_where(where)
            if problem or not _wait(app, lambda: window.where.settled, WHERE_TIMEOUT_S):
                print(f"guiapp: {problem or 'the test digits were not compared in time'}", file=sys.stderr)
                return 2 if problem else 1
        if compare is not None and not window.model_error:
            problem = window.show_compare(*compare)
            from guiapp.ui.compare.feature import CompareFeature

            page = window.feature(CompareFeature)
            if problem or not _wait(app, lambda: page.settled, WHERE_TIMEOUT_S):
                print(f"guiapp: {problem or 'the comparison was not ready in time'}", file=sys.stderr)
                return 2 if problem else 1
        for _ in range(3):  # let every view repaint with the result (or the message)
            app.processEvents()
        with atomic_path(path) as tmp:
            if not window.grab().save(str(tmp), "PNG"):
                print(f"guiapp: {path}: could not write the PNG", file=sys.stderr)
                return 2
        # A Where tab that failed (its test digits or cache unreadable), or a model computing NaN for the
        # input, shows why: that is the picture, and the same line here, so a script does not take it for
        # the map or an answer.
        where_failure = window.where.failure if where is not None else None
        problem = (window.model_error or window.class_names_error or where_failure or _nan_problem(window)
                   or counterfactual_failure)
        if problem:
            print(f"guiapp: {problem} (wrote {path}, the window with this message)", file=sys.stderr)
            return 2
    print(f"wrote {path}")
    return 0


def replay_video(demo_path: Path, out_path: Path, size: tuple[int, int] = DEFAULT_SIZE, fps: float = 15.0,
                 *, model: Path | None = None, overwrite: bool = False, present: bool = False) -> int:
    """Replay the demo at ``demo_path`` offscreen, recomputing every step, to a GIF or MP4; an exit code.

    The clip keeps the recording's timing: a frame every 1/``fps`` s of it (pointer moves faster than that are
    played and computed, not filmed), the last one held a second
    (:func:`~guiapp.ui.export.clips.film_demo`). Prints "wrote PATH (N frames,
    W×H)", or one line on stderr.
    """
    from guiapp.core.atomic import check_output_path
    from guiapp.core.demo.reader import read_demo
    from guiapp.core.errors import GuiappError
    from guiapp.core.video import video_kind
    from guiapp.ui.export.clips import film_demo, wait_for

    with offscreen_window(model) as (app, window):
        try:
            video_kind(out_path)
            check_output_path(out_path, force=overwrite)
            demo = read_demo(demo_path, window.page_titles(), window.tab_titles())
            window.show()
            fit(app, window, size, present)
            if not wait_for(lambda: window.inspector is not None or window.model_error is not None):
                raise GuiappError("the model did not load in time; no clip written")
            frames, (width, height) = film_demo(window, demo, out_path, fps, name=str(demo_path),
                                                overwrite=overwrite)
        except GuiappError as exc:
            print(f"guiapp: {exc}", file=sys.stderr)
            return 2
    print(f"wrote {out_path} ({frames} frames, {width}×{height})")
    return 0
