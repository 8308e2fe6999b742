"""The live window, measured: start-up in fresh processes, and live updates during a stroke.

    python benchmarks/live_window.py [--runs 5] [--moves 200]

(a) launch → window visible and (b) launch → first prediction shown (MNIST sample 0
loaded at start-up), over fresh processes; (c) live updates while a stroke is drawn:
the time from the pointer event to every panel showing that drawing's result, and how
many pointer moves were coalesced away. Runs offscreen.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

CHILD = r"""
import os, sys, time
t0 = float(os.environ["GUIAPP_T0"])
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
from guiapp.ui import MainWindow
window = MainWindow(settings=QSettings(sys.argv[1], QSettings.Format.IniFormat))
window.show()
window.load_sample(0)
target = window.canvas.drawing
QTimer.singleShot(0, lambda: print(f"visible {time.time() - t0:.4f}", flush=True))
def check():
    if window.last_update is not None and window.last_update.drawing is target:
        print(f"prediction {time.time() - t0:.4f}", flush=True)
        window.shutdown()
        app.quit()
    else:
        QTimer.singleShot(2, check)
check()
app.exec()
"""


def startup(runs: int, scratch: Path) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {"visible": [], "prediction": []}
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for run in range(runs):
        env["GUIAPP_T0"] = repr(time.time())
        out = subprocess.run([sys.executable, "-c", CHILD, str(scratch / f"s{run}.ini")],
                             capture_output=True, text=True, env=env, timeout=300, check=True).stdout
        for line in out.splitlines():
            key, value = line.split()
            times[key].append(float(value))
    return times


def live_updates(moves: int, interval_s: float, scratch: Path) -> tuple[list[float], int, int]:
    """Latencies (s) from pointer event to all panels updated, the number of moves, and of updates."""
    from PySide6.QtCore import QPoint, QSettings, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from guiapp.ui import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = MainWindow(settings=QSettings(str(scratch / "live.ini"), QSettings.Format.IniFormat))
    window.show()
    while window.inspector is None:
        app.processEvents()
        time.sleep(0.005)
    sent: dict[int, float] = {}
    latencies: list[float] = []
    window.canvas.drawingChanged.connect(lambda d: sent.__setitem__(id(d), time.perf_counter()))

    def on_update(update) -> None:
        started = sent.get(id(update.drawing))
        if started is not None:
            latencies.append(time.perf_counter() - started)

    window.resultShown.connect(on_update)
    # A spiral-like stroke through the canvas, sent at a steady pointer rate.
    angles = np.linspace(0, 4 * np.pi, moves)
    points = [QPoint(int(140 + (30 + 8 * a) * np.cos(a)), int(140 + (30 + 8 * a) * np.sin(a))) for a in angles]
    QTest.mousePress(window.canvas, Qt.MouseButton.LeftButton, pos=points[0])
    for point in points[1:]:
        deadline = time.perf_counter() + interval_s
        QTest.mouseMove(window.canvas, point)
        while time.perf_counter() < deadline:
            app.processEvents()
    QTest.mouseRelease(window.canvas, Qt.MouseButton.LeftButton, pos=points[-1])
    final = window.canvas.drawing
    while window.last_update is None or window.last_update.drawing is not final:
        app.processEvents()
    count = window.worker.inference_count
    window.shutdown()
    return latencies, moves + 1, count


def _ms(values: list[float]) -> str:
    arr = np.asarray(values) * 1000
    return f"median {np.median(arr):7.1f} ms   p95 {np.percentile(arr, 95):7.1f} ms   max {arr.max():7.1f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--moves", type=int, default=200)
    parser.add_argument("--interval-ms", type=float, default=8.0, help="time between pointer moves")
    args = parser.parse_args()

    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        times = startup(args.runs, Path(scratch))
        latencies, events, updates = live_updates(args.moves, args.interval_ms / 1000, Path(scratch))
    for key, label in (("visible", "launch → window visible"), ("prediction", "launch → first prediction")):
        values = times[key]
        print(f"{label:<28} median {statistics.median(values):6.2f} s   "
              f"min {min(values):6.2f} s   max {max(values):6.2f} s   ({len(values)} fresh processes)")
    print(f"{'live update (event → panels)':<28} {_ms(latencies)}   ({len(latencies)} updates)")
    print(f"pointer events {events}, updates computed {updates}, coalesced away {events - updates}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
