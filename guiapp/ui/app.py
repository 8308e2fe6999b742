"""Start the Qt application and open the window (offscreen renders: :mod:`guiapp.ui.offscreen`)."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from PySide6.QtCore import QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication

from guiapp.ui.close_on_signal import CloseOnSignal
from guiapp.ui.settings import APPLICATION, ORGANIZATION

_QUIET = ("propagateSizeHints",)  # the offscreen platform's notice, printed for every window


def _message_handler(mode: QtMsgType, context: object, message: str) -> None:
    if not any(part in message for part in _QUIET):
        print(message, file=sys.stderr)


def application() -> QApplication:
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
               where: tuple[int, int] | str | None = None, *, demo: Path | None = None,
               present: bool = False, compare: tuple[str | None, str] | None = None) -> int:
    """Open the window (showing ``picture`` or ``drawing`` if given; the Why tab with ``why`` = (target,
    contrast); the Training page replaying ``replay`` = (history folder, snapshot or None: the last); playing
    the recorded ``demo``; in presentation mode if ``present``) and run until it is closed."""
    from guiapp.core.errors import GuiappError
    from guiapp.ui.main_window import MainWindow
    from guiapp.ui.window_paths import WindowPaths

    problem = display_problem()
    if problem:
        raise GuiappError(problem)
    app = application()
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
        if compare is not None:
            problem = window.show_compare(*compare)
            if problem:
                window.shutdown()
                raise GuiappError(problem)
        if present:
            window.presentation.enter()
        if demo is not None:
            problem = window.play_demo(demo)
            if problem:
                window.shutdown()
                raise GuiappError(problem)
        return closer.exit_code(app.exec())
