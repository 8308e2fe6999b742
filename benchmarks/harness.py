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
            while time.perf_counter() < deadline:
                app.processEvents()
        clock["event"] = time.perf_counter()
        QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=points[-1])
        events += 1
    return events


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


def rss_mb() -> float:
    """Resident memory of this process (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")
