"""Window fixtures: settings go to a temporary folder, never to the user's."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QSettings, Qt

from guiapp.ui.window_paths import WHERE_DIGITS_ENV, WindowPaths

MODEL_TIMEOUT_MS = 120_000
WHERE_DIGITS = 1000


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path):
    # QSettings(organisation, application) uses the native format, not the default one: redirect both.
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    for fmt in (QSettings.Format.IniFormat, QSettings.Format.NativeFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(tmp_path / "settings"))


@pytest.fixture(scope="session")
def patch_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("filter_patches")


@pytest.fixture(scope="session")
def where_digits(mnist, tmp_path_factory):
    """The Where tab's test digits in window tests: 1,000 of MNIST's (its map fits in seconds, not a minute)."""
    path = tmp_path_factory.mktemp("where") / "digits.npz"
    np.savez(path, x_test=mnist.x_test[:WHERE_DIGITS], y_test=mnist.y_test[:WHERE_DIGITS])
    return path


@pytest.fixture(scope="session")
def where_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("where_cache")


@pytest.fixture()
def window_paths(patch_cache, where_cache, where_digits, tmp_path) -> WindowPaths:
    """A window's caches (one per session: a model's patches and Where pass are computed once), the 1,000
    digits, and the test's own folder for what the Training page writes: never the user's."""
    return WindowPaths(filter_patches=patch_cache, where_cache=where_cache, where_digits=where_digits,
                       trained_models=tmp_path / "trained")


@pytest.fixture(autouse=True)
def _isolated_defaults(monkeypatch, where_digits):
    """A window built with the default paths (``guiapp --screenshot`` run in-process, ``MainWindow()``) finds
    them in temporary folders too: Qt's cache and data folders follow XDG_* (tests/conftest.py sets them for
    every test), the Where digits this variable."""
    monkeypatch.setenv(WHERE_DIGITS_ENV, str(where_digits))


@pytest.fixture()
def store(tmp_path) -> QSettings:
    return QSettings(str(tmp_path / "guiapp.ini"), QSettings.Format.IniFormat)


def _opened(qtbot, store, paths, model=None):
    """The window on ``model`` (the shipped one by default), shown, its model loaded; shut down after."""
    from guiapp.ui import MainWindow

    win = MainWindow(model, settings=store, paths=paths)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.inspector is not None, timeout=MODEL_TIMEOUT_MS)
    yield win
    problem = win.worker.process_problem
    win.shutdown()
    # Every drawing went to the compute process: a silent fall-back to the window's thread is a failure.
    assert problem is None, problem


@pytest.fixture()
def window(qtbot, store, window_paths):
    yield from _opened(qtbot, store, window_paths)


def draw(qtbot, canvas, points, button=Qt.MouseButton.LeftButton) -> None:
    """Press at the first point, move through the rest, release at the last (``points`` in canvas coordinates,
    the 280-pixel drawing's, wherever the canvas shows them: it grows with the window)."""
    qpoints = [canvas.to_widget(x, y) for x, y in points]
    qtbot.mousePress(canvas, button, pos=qpoints[0])
    for point in qpoints[1:]:
        qtbot.mouseMove(canvas, point)
    qtbot.mouseRelease(canvas, button, pos=qpoints[-1])


def line(a, b, steps: int = 12):
    return [(a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t) for t in np.linspace(0, 1, steps)]


def settled(window) -> bool:
    """The window shows the result of what is on the canvas now, in every feature, at rest: the pointer rests
    (what waits for it is done, and the tabs kept from a moving frame under load have the newest:
    guiapp/ui/frames.py) and nothing is left to compute or paint."""
    update = window.last_update
    return (update is not None and update.drawing is window.canvas.drawing and not window.live.moving
            and window.live.idle and not window.frames.budget.owed)


def wait_settled(qtbot, window) -> None:
    qtbot.waitUntil(lambda: settled(window), timeout=MODEL_TIMEOUT_MS)


VERTICAL_BAR_POINTS = line((140, 45), (140, 235), 20)


@pytest.fixture(scope="module")
def nan_model(tmp_path_factory):
    """A small 28×28 model whose conv1 holds a NaN weight: it computes NaN for every input."""
    from tests.models import poisoned_model

    return poisoned_model(tmp_path_factory.mktemp("nan"), "nan")


@pytest.fixture()
def nan_window(qtbot, store, window_paths, nan_model):
    """The window on :func:`nan_model`."""
    yield from _opened(qtbot, store, window_paths, nan_model)
