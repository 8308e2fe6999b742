"""Shared pieces of the window benchmarks: recorded strokes, replaying them, forcing a paint, statistics."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Callable

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

RECORDED = Path(__file__).with_name("recorded_strokes.json")


def recorded_drawings(count: int | None = None) -> list[dict]:
    """Pen-drawn digits as pointer positions (canvas pixels), one dict per digit."""
    drawings = json.loads(RECORDED.read_text())["drawings"]
    return drawings[:count] if count else drawings


def application():
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication(sys.argv[:1])


def paint_now(widget) -> None:
    """Render ``widget`` with its current state now, synchronously (every child, dirty or not).

    Qt paints asynchronously (QGraphicsScene delivers its changes through queued calls), so
    posting an update request alone paints nothing; grabbing renders the whole tree at once —
    an upper bound of the frame's cost.
    """
    widget.grab()


def replay(app, canvas, drawing: dict, interval_s: float, clock: dict | None = None,
           after_move: Callable[[], None] | None = None) -> int:
    """Press, move through every point at a steady pointer rate, release; the event loop keeps running.

    ``clock["event"]`` holds the time each input event was sent (read it in slots that the
    event triggers); ``after_move`` runs right after each move was handled. Returns the number
    of pointer events sent.
    """
    clock = clock if clock is not None else {}
    events = 0
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    for stroke in drawing["strokes"]:
        points = [QPoint(round(x), round(y)) for x, y in stroke]
        clock["event"] = time.perf_counter()
        QTest.mousePress(canvas, Qt.MouseButton.LeftButton, pos=points[0])
        events += 1
        for point in points[1:]:
            clock["event"] = time.perf_counter()
            deadline = clock["event"] + interval_s
            QTest.mouseMove(canvas, point)
            events += 1
            if after_move is not None:
                after_move()
            idle_until(app, deadline)
        clock["event"] = time.perf_counter()
        QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=points[-1])
        events += 1
    return events


_wake_timer = None


def idle_until(app, deadline: float) -> None:
    """Run the event loop until ``deadline`` as a real one runs: asleep until an event comes.

    (Spinning ``processEvents()`` instead keeps the GUI thread busy — and holding the GIL —
    all the time, which a window waiting for the next pointer event never does.)
    """
    global _wake_timer
    from PySide6.QtCore import QEventLoop, Qt, QTimer

    if _wake_timer is None:
        _wake_timer = QTimer()
        _wake_timer.setSingleShot(True)
        _wake_timer.setTimerType(Qt.TimerType.PreciseTimer)
    while (remaining := deadline - time.perf_counter()) > 0:
        _wake_timer.start(max(0, int(remaining * 1000)))  # wakes the loop at the deadline at the latest
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
    _wake_timer.stop()


def wait_until(app, condition: Callable[[], bool], timeout_s: float = 120.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not answer in time")
        app.processEvents()
        time.sleep(0.001)


def stats_ms(values: list[float]) -> dict[str, float]:
    arr = np.asarray(values, dtype=float) * 1000
    return {"median": float(np.median(arr)), "p95": float(np.percentile(arr, 95)), "max": float(arr.max()),
            "n": len(arr)}


def describe(label: str, values: list[float]) -> str:
    s = stats_ms(values)
    return f"{label:<44} median {s['median']:7.2f} ms   p95 {s['p95']:7.2f} ms   max {s['max']:7.2f} ms   (n={s['n']})"


class BusyCores:
    """``with BusyCores(n):`` — n processes spinning in pure Python for the whole block, as a
    screen-sharing call or a compile job would load a lecturer's laptop; started and stopped here."""

    def __init__(self, count: int) -> None:
        self.count = count
        self._children: list = []

    def __enter__(self) -> BusyCores:
        import subprocess

        for _ in range(self.count):
            self._children.append(subprocess.Popen([sys.executable, "-c", "while True: pass"]))
        time.sleep(0.2)  # let them get going
        return self

    def __exit__(self, *exc) -> None:
        for child in self._children:
            child.kill()
            child.wait()
        self._children.clear()


def rss_mb(pid: int | str = "self") -> float:
    """Resident memory of this process, or of process ``pid`` (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class PaintWatcher:
    """Times frames as Qt paints them: from an input event until every given view has painted since.

    Qt paints asynchronously, in the event loop; this wraps pyqtgraph's GraphicsView.paintEvent
    (every panel and plot here is one) to note when each view finished painting.
    """

    def __init__(self) -> None:
        import pyqtgraph as pg

        self.latencies: list[float] = []
        self.superseded = 0
        self._waiting: set[int] = set()
        self._t0: float | None = None
        original = pg.GraphicsView.paintEvent
        watcher = self

        def paint_event(view, event):
            original(view, event)
            watcher._painted(view)

        pg.GraphicsView.paintEvent = paint_event

    def expect(self, views: list, t0: float) -> None:
        """The state shown from now on came from an input event at ``t0``; wait for these (on-screen) views."""
        if self._t0 is not None:
            self.superseded += 1
        self._waiting, self._t0 = {id(v) for v in views}, (t0 if views else None)

    def _painted(self, view) -> None:
        if self._t0 is None:
            return
        self._waiting.discard(id(view))
        if not self._waiting:
            self.latencies.append(time.perf_counter() - self._t0)
            self._t0 = None

    def settle(self, app, timeout_s: float = 5.0) -> None:
        """Let the last expected frame paint."""
        deadline = time.monotonic() + timeout_s
        while self._t0 is not None and time.monotonic() < deadline:
            app.processEvents()


def _in_sight(widget):
    """``widget``'s rectangle in its window, and the part of it inside every ancestor (None: hidden)."""
    from PySide6.QtCore import QPoint, QRect

    if not widget.isVisible():
        return None
    window = widget.window()
    whole = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
    rect, parent = whole, widget.parentWidget()
    while parent is not None and not rect.isEmpty():
        rect = rect.intersected(QRect(parent.mapTo(window, QPoint(0, 0)), parent.size()))
        parent = parent.parentWidget()
    return whole, rect


def on_screen(widget) -> bool:
    """Whether any part of ``widget`` is inside every ancestor (e.g. not scrolled out of view)."""
    sight = _in_sight(widget)
    return sight is not None and not sight[1].isEmpty()


def wholly_on_screen(widget) -> bool:
    """Whether all of ``widget`` is inside every ancestor (nothing of it scrolled or clipped away)."""
    sight = _in_sight(widget)
    return sight is not None and sight[0] == sight[1]


def training_window(trained: Path, settings: Path):
    """The real window offscreen on the Training page, MNIST test digit 0 on its canvas; models it trains go to
    ``trained``. Returns (app, window, the page)."""
    from PySide6.QtCore import QSettings

    import dataclasses

    from guiapp.ui import MainWindow
    from guiapp.ui.training.feature import TrainingFeature
    from guiapp.ui.window_paths import WindowPaths

    app = application()
    paths = dataclasses.replace(WindowPaths.default(), trained_models=trained)
    window = MainWindow(settings=QSettings(str(settings), QSettings.Format.IniFormat), paths=paths)
    window.resize(1560, 940)
    window.show()
    wait_until(app, lambda: window.inspector is not None)
    window.load_sample(0)
    window.pages.setCurrentWidget(window.feature(TrainingFeature).widget)
    return app, window, window.training_view
