"""Soak: many live updates in one window; resident memory must not grow.

    python benchmarks/soak.py [--updates 10000]

Replays the recorded strokes again and again, one pointer move at a time, waiting for
each drawing to be computed and shown (so every move is one update, none coalesced).
Prints resident memory (the window's process and its compute process) after the first
100 updates and after the last, and the count of inferences.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from calibration import calibration_line  # noqa: E402  (benchmarks/ is on sys.path)
from harness import application, recorded_drawings, rss_mb, wait_until


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=10_000)
    args = parser.parse_args()
    print(calibration_line(), flush=True)

    from PySide6.QtCore import QPoint, QSettings, Qt
    from PySide6.QtTest import QTest

    from guiapp.ui import MainWindow

    app = application()
    scratch = tempfile.TemporaryDirectory()
    window = MainWindow(settings=QSettings(str(Path(scratch.name) / "soak.ini"), QSettings.Format.IniFormat))
    window.resize(1560, 940)
    window.show()
    wait_until(app, lambda: window.inspector is not None)
    canvas, worker = window.canvas, window.worker

    def shown() -> bool:
        return window.last_update is not None and window.last_update.drawing is canvas.drawing

    start_count = worker.inference_count
    done = lambda: worker.inference_count - start_count  # noqa: E731
    after_100 = None
    started = time.perf_counter()
    drawings = recorded_drawings()
    while done() < args.updates:
        for drawing in drawings:
            for stroke in drawing["strokes"]:
                points = [QPoint(round(x), round(y)) for x, y in stroke]
                QTest.mousePress(canvas, Qt.MouseButton.LeftButton, pos=points[0])
                wait_until(app, shown)
                for point in points[1:]:
                    QTest.mouseMove(canvas, point)
                    wait_until(app, shown)
                    if after_100 is None and done() >= 100:
                        after_100, child_100 = rss_mb(), rss_mb(worker.compute_pid)
                    if done() >= args.updates:
                        break
                QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=points[-1])
                wait_until(app, shown)
            canvas.clear()
            wait_until(app, shown)
            if done() >= args.updates:
                break
    for _ in range(10):
        app.processEvents()
    final, child_final = rss_mb(), rss_mb(worker.compute_pid)
    seconds = time.perf_counter() - started
    window.shutdown()
    print(f"updates shown {done():,} (inferences {worker.inference_count:,}) in {seconds:.0f} s")
    print(f"resident memory after 100 updates {after_100:.1f} MB, after {done():,}: {final:.1f} MB "
          f"({(final - after_100) / after_100:+.2%}); compute process {child_100:.1f} MB → {child_final:.1f} MB "
          f"({(child_final - child_100) / child_100:+.2%})")
    print(f"undo stack: {canvas.undo_stack.count()} commands (strokes and clears kept for undo, by design)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
