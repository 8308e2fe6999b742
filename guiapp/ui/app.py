"""Start the Qt application: the window, or a screenshot of it rendered offscreen."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication

from guiapp.ui.close_on_signal import CloseOnSignal
from guiapp.ui.settings import APPLICATION, ORGANIZATION

if TYPE_CHECKING:
    from guiapp.ui.main_window import MainWindow

SCREENSHOT_TIMEOUT_S = 120
WHERE_TIMEOUT_S = 900  # a model's first pass and map: ~80 s here, a slow host 2.5–7× that


_QUIET = ("propagateSizeHints",)  # the offscreen platform's notice, printed for every window


def _message_handler(mode: QtMsgType, context: object, message: str) -> None:
    if not any(part in message for part in _QUIET):
        print(message, file=sys.stderr)


def _application() -> QApplication:
    qInstallMessageHandler(_message_handler)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    return app


def display_problem(env: Mapping[str, str] = os.environ) -> str | None:
    """Why Qt could not open a window here (Linux, X11), in one line; None when it can.

    Qt itself aborts the process with several lines and a core dump in both cases.
    """
    if not sys.platform.startswith("linux"):
        return None
    platform = env.get("QT_QPA_PLATFORM", "")
    if platform and not platform.startswith("xcb"):
        return None  # offscreen, wayland, …: the user chose
    if not platform and env.get("WAYLAND_DISPLAY"):
        return None
    if not env.get("DISPLAY"):
        return ("there is no display to open the window on (DISPLAY is not set) — run guiapp in a desktop "
                "session, or render it with `guiapp --screenshot PATH`")
    missing = missing_xcb_library()
    if missing:
        return (f"Qt cannot open a window: the system library {missing} is missing — install your desktop's "
                f"X11 libraries (Debian/Ubuntu: sudo apt install {XCB_PACKAGES})")
    return None


XCB_PACKAGES = "libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxkbcommon-x11-0"


def missing_xcb_library() -> str | None:
    """The first shared library Qt's X11 plugin needs but cannot load, or None."""
    import ctypes
    import ctypes.util

    import PySide6

    plugin = Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    if not plugin.is_file():
        return None
    try:
        ctypes.CDLL(str(plugin))
    except OSError as exc:
        return missing_library_name(str(exc)) or "a library of Qt's xcb plugin"
    if ctypes.util.find_library("xcb-cursor") is None:  # loaded by the plugin at run time, Qt ≥ 6.5
        return "libxcb-cursor.so.0"
    return None


def missing_library_name(message: str) -> str | None:
    """'…/libqxcb.so: libxcb-icccm.so.4: cannot open shared object file…' → 'libxcb-icccm.so.4'."""
    parts = [part.strip() for part in message.split(":")]
    for before, after in zip(parts, parts[1:]):
        if after.startswith("cannot open shared object file"):
            return before
    return None


def run_window(model: Path | None, picture: Path | None = None, classes: Path | None = None,
               trust: bool = False, why: tuple[int | None, int | None] | None = None,
               drawing: Path | None = None, replay: tuple[Path, int | None] | None = None,
               where: tuple[int, int] | str | None = None) -> int:
    """Open the window (showing ``picture`` or ``drawing`` if given; the Why tab with ``why`` = (target,
    contrast); the Training page replaying ``replay`` = (history folder, snapshot or None: the last)) and
    run until it is closed."""
    from guiapp.core.errors import GuiappError
    from guiapp.ui.main_window import MainWindow
    from guiapp.ui.window_paths import WindowPaths

    problem = display_problem()
    if problem:
        raise GuiappError(problem)
    app = _application()
    # Ctrl-C in the terminal (or SIGTERM) closes the window as its close button does, from here on: one
    # that comes while the window is being built closes it as soon as it is up.
    with CloseOnSignal() as closer:
        window = MainWindow(model, paths=WindowPaths.from_environment(), trust_model=trust, class_names=classes)
        closer.close = window.close_without_asking
        window.show()
        if picture is not None:
            window.open_picture(picture)
        if drawing is not None:
            window.open_drawing(drawing)
        if why is not None:
            window.show_why(*why)
        if where is not None:
            problem = window.show_where(where)
            if problem:
                window.shutdown()
                raise GuiappError(problem)
        if replay is not None:
            window.open_history(*replay)
        return closer.exit_code(app.exec())


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
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        app.processEvents()
        time.sleep(0.005)
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
                    where: tuple[int, int] | str | None = None) -> int:
    """Render the window with MNIST test digit ``sample`` (or ``picture``, or ``drawing``) to ``path`` (PNG);
    an exit code.

    ``why`` = (target, contrast): with the Why tab on screen, every method computed; ``make_it``: and
    what would make the input that class, found; ``where``: the Where tab, "" on the map, (true, answer) on
    that confusion cell, a layer's name on its map, once the model's pass (and that map) are done or cached."""
    import tempfile

    from PySide6.QtCore import QSettings

    from guiapp.core.atomic import atomic_path
    from guiapp.ui.main_window import MainWindow
    from guiapp.ui.window_paths import WindowPaths

    app = _application()
    with tempfile.TemporaryDirectory(prefix="guiapp-") as scratch:
        # A screenshot is not a session: it neither reads nor changes the user's saved layout.
        store = QSettings(str(Path(scratch) / "screenshot.ini"), QSettings.Format.IniFormat)
        window = MainWindow(model, settings=store, paths=WindowPaths.from_environment(), trust_model=trust,
                            class_names=classes)
        # Nobody is there to answer a question: a model that runs code is refused (--trust-model loads it).
        window.never_trust()
        counterfactual_failure = None
        try:
            window.resize(1560, 940)
            window.show()
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
        finally:
            window.shutdown()
            # Gone from the screen now, not when the collector gets to its cycles (its features and door
            # refer to it): a caller in the same process — a test — may go on using the screen.
            window.hide()
            window.deleteLater()
    print(f"wrote {path}")
    return 0
