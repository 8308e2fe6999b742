"""Start-up, measured in fresh processes: launch → window visible, → first prediction, peak memory.

    python benchmarks/startup.py [--runs 5]

Each run starts a new Python process that opens the real main window (offscreen),
loads MNIST test digit 0 at once, and reports when the window is first shown and when
the first prediction is on screen; the parent reads the child's peak resident memory
from the kernel (wait4). Prints median and spread over the runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from calibration import calibration_line
from harness import ROOT

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
        app.processEvents()  # paint it
        print(f"prediction {time.time() - t0:.4f}", flush=True)
        window.shutdown()
        app.quit()
    else:
        QTimer.singleShot(2, check)
check()
app.exec()
"""


def run_once(settings: Path) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen", "GUIAPP_T0": repr(time.time())}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(settings)], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True, env=env)
    out = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError(f"the window process failed with exit code {child.returncode}")
    times = {key: float(value) for key, value in (line.split() for line in out.splitlines())}
    times["peak_mb"] = usage.ru_maxrss / 1024  # kilobytes on Linux
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(calibration_line(), flush=True)
    with tempfile.TemporaryDirectory() as scratch:
        runs = [run_once(Path(scratch) / f"{i}.ini") for i in range(args.runs)]
    for key, label, unit in (("visible", "launch → window visible", "s"),
                             ("prediction", "launch → first prediction", "s"),
                             ("peak_mb", "peak resident memory", "MB")):
        values = [run[key] for run in runs]
        print(f"{label:<28} median {statistics.median(values):8.2f} {unit}   "
              f"min {min(values):8.2f} {unit}   max {max(values):8.2f} {unit}   ({len(values)} fresh processes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
