"""Starting the window prints nothing and never imports TensorFlow for the shipped models."""

from __future__ import annotations

import os
import subprocess
import sys

WINDOW_PROCESS = r"""
import sys, time
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
from guiapp.ui import MainWindow
window = MainWindow(settings=QSettings(sys.argv[1], QSettings.Format.IniFormat))
window.show()
window.load_sample(0)
deadline = time.monotonic() + 120
while window.last_update is None or window.last_update.drawing is not window.canvas.drawing:
    app.processEvents()
    assert time.monotonic() < deadline, "no prediction"
    time.sleep(0.005)
print(window.inspector.engine.name, window.last_result.predicted, "tensorflow" in sys.modules,
      window.worker.process_problem is None, flush=True)
window.shutdown()
"""


def _env() -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen"}


def test_the_window_predicts_without_tensorflow_and_prints_nothing(tmp_path):
    done = subprocess.run([sys.executable, "-c", WINDOW_PROCESS, str(tmp_path / "s.ini")], capture_output=True,
                          text=True, timeout=300, env=_env())
    assert done.returncode == 0, done.stderr
    # MNIST test digit 0 is a 7; TensorFlow never loaded; the compute process did the work.
    assert done.stdout.split() == ["NumPy", "7", "False", "True"]
    noise = [line for line in done.stderr.splitlines() if "propagateSizeHints" not in line]  # offscreen plugin only
    assert noise == []


def test_screenshot_prints_only_what_it_wrote(tmp_path):
    png = tmp_path / "w.png"
    done = subprocess.run([sys.executable, "-m", "guiapp", "--screenshot", str(png)], capture_output=True,
                          text=True, timeout=300, env=_env())
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"wrote {png}" and done.stderr == ""
    assert png.stat().st_size > 10_000
