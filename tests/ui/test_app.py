"""app: without a display (or without Qt's X11 libraries) `guiapp` says so in one line instead of aborting.
(The screenshots it renders: tests/cli/test_cli.py and the tabs' *_screenshot tests.)"""

from __future__ import annotations

import os
import subprocess
import sys

from guiapp.ui import app
from guiapp.ui.app import XCB_PACKAGES, display_problem, missing_library_name


def test_no_display_is_one_clear_line_and_exit_code_2():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    done = subprocess.run([sys.executable, "-m", "guiapp"], capture_output=True, text=True, env=env, timeout=120,
                          check=False)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        ("guiapp: there is no display to open the window on (DISPLAY is not set) — run guiapp in a desktop "
         "session, or render it with `guiapp --screenshot PATH`")
    ]


def test_platforms_the_user_chose_are_trusted():
    if sys.platform.startswith("linux"):
        assert display_problem({}) is not None
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}) is None
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}) is None


def test_the_missing_library_is_named():
    message = ("/venv/PySide6/Qt/plugins/platforms/libqxcb.so: libxcb-icccm.so.4: "
               "cannot open shared object file: No such file or directory")
    assert missing_library_name(message) == "libxcb-icccm.so.4"
    assert missing_library_name("something else") is None


def test_a_missing_x11_library_is_named_with_the_packages_to_install(monkeypatch):
    if not sys.platform.startswith("linux"):
        return
    monkeypatch.setattr(app, "missing_xcb_library", lambda: "libxcb-icccm.so.4")
    assert display_problem({"DISPLAY": ":0"}) == (
        "Qt cannot open a window: the system library libxcb-icccm.so.4 is missing — install your desktop's X11 "
        f"libraries (Debian/Ubuntu: sudo apt install {XCB_PACKAGES})")
    assert display_problem({"DISPLAY": ":0", "QT_QPA_PLATFORM": "xcb"}).startswith("Qt cannot open a window")
    monkeypatch.setattr(app, "missing_xcb_library", lambda: None)
    assert display_problem({"DISPLAY": ":0"}) is None
