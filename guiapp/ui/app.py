"""Start the Qt application: the window, or a screenshot of it rendered offscreen."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from PySide6.QtCore import QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication

from guiapp.ui.settings import APPLICATION, ORGANIZATION

SCREENSHOT_TIMEOUT_S = 120


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


def run_window(model: Path | None) -> int:
    """Open the window and run until it is closed."""
    from guiapp.ui.main_window import MainWindow

    app = _application()
    window = MainWindow(model)
    window.show()
    return app.exec()


def take_screenshot(path: Path, sample: int, model: Path | None) -> int:
    """Render the window with MNIST test digit ``sample`` to ``path`` (PNG) and return an exit code."""
    import tempfile

    from PySide6.QtCore import QSettings

    from guiapp.core.atomic import atomic_path
    from guiapp.ui.main_window import MainWindow

    app = _application()
    with tempfile.TemporaryDirectory(prefix="guiapp-") as scratch:
        # A screenshot is not a session: it neither reads nor changes the user's saved layout.
        store = QSettings(str(Path(scratch) / "screenshot.ini"), QSettings.Format.IniFormat)
        window = MainWindow(model, settings=store)
        try:
            window.resize(1560, 940)
            window.show()
            window.load_sample(sample)
            target = window.canvas.drawing
            deadline = time.monotonic() + SCREENSHOT_TIMEOUT_S
            while not (window.last_update is not None and window.last_update.drawing is target):
                app.processEvents()
                if window.model_error:
                    print(f"guiapp: {window.model_error}", file=sys.stderr)
                    return 2
                if time.monotonic() > deadline:
                    print("guiapp: the model did not answer in time; no screenshot written", file=sys.stderr)
                    return 1
                time.sleep(0.005)
            for _ in range(3):  # let every view repaint with the result
                app.processEvents()
            with atomic_path(path) as tmp:
                if not window.grab().save(str(tmp), "PNG"):
                    print(f"guiapp: {path}: could not write the PNG", file=sys.stderr)
                    return 2
        finally:
            window.shutdown()
    print(f"wrote {path}")
    return 0
