"""A window killed outright (``kill -9``) leaves no process behind: every child ends on its own within seconds.

The real window runs in a process of its own (offscreen, temporary folders) with its compute process, a
training run started as the Training page starts it (from the GUI thread) and a map fitted as the Where tab
fits one (from a worker thread). Once the trainer is in ``fit`` and the map is being fitted, neither reads
its pipe: only their watchdogs can notice the window gone.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from tests.processes import alive as _alive
from tests.processes import children as _children
from tests.processes import command_line as _command_line
from tests.processes import wait_until as _wait_until

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 300  # the window, TensorFlow in the trainer, the first map progress, on a slow and busy host
ORPHAN_TIMEOUT_S = 5.0  # what the issue asks: no child outlives its killed window by more than this

_WINDOW = """
import sys, threading
import numpy as np
from pathlib import Path
from PySide6.QtWidgets import QApplication
from guiapp.core.model.architectures import get_architecture
from guiapp.core.training.trainer_process import RunRequest
from guiapp.core.training.training import TrainingConfig
from guiapp.core.where.map_process import fit_in_process
from guiapp.ui.main_window import MainWindow
from guiapp.ui.training.run import TrainingRun

folder, data = Path(sys.argv[1]), Path(sys.argv[2])
app = QApplication([])
window = MainWindow()
window.show()
said = set()
def say(word):
    if word not in said:
        said.add(word)
        print(word, flush=True)
run = TrainingRun(RunRequest(TrainingConfig(epochs=1000, batch_size=64), get_architecture("mnist_cnn").to_dict(),
                             folder / "m.keras", folder / "m.history", data=data), window)
run.batches.connect(lambda rows: say("training"))
run.start()
features = np.random.default_rng(0).random((6000, 16), dtype=np.float32)
threading.Thread(target=lambda: fit_in_process(features, progress=lambda done, total: say("mapping")),
                 daemon=True).start()
sys.exit(app.exec())
"""










def _spawned(pid: int) -> list[int]:
    return [child for child in _children(pid) if "spawn_main" in _command_line(child)]


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads the process tree from /proc")
@pytest.mark.parametrize("when", ["starting", "working"])
def test_a_window_killed_outright_leaves_no_child_alive(tmp_path, small_npz, when):
    """starting: the trainer still imports TensorFlow, reading nothing; working: it trains and the map is fitted."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_CACHE_HOME": str(tmp_path / "cache"), "XDG_DATA_HOME": str(tmp_path / "data")}
    err = (tmp_path / "stderr.txt").open("w")
    window = subprocess.Popen([sys.executable, "-c", _WINDOW, str(tmp_path), str(small_npz)], cwd=REPO, env=env,
                              stdout=subprocess.PIPE, stderr=err, text=True, start_new_session=True)
    children: set[int] = set()
    try:
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [lines.put(line.strip()) for line in window.stdout], daemon=True).start()
        wanted = {"training", "mapping"} if when == "working" else set()
        deadline, said = time.monotonic() + START_TIMEOUT_S, set()
        while not (said >= wanted and len(_spawned(window.pid)) == 3):
            assert window.poll() is None and time.monotonic() < deadline, \
                (said, (tmp_path / "stderr.txt").read_text()[-3000:])
            try:
                said.add(lines.get(timeout=0.2))
            except queue.Empty:
                pass
        children = _children(window.pid)  # compute, trainer, map, and multiprocessing's resource tracker
        assert len(_spawned(window.pid)) == 3, [_command_line(pid) for pid in children]

        os.kill(window.pid, signal.SIGKILL)
        window.wait(30)
        assert _wait_until(lambda: not any(_alive(pid) for pid in children), ORPHAN_TIMEOUT_S), \
            [_command_line(pid) for pid in children if _alive(pid)]
    finally:
        for pid in children:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        if window.poll() is None:
            os.killpg(window.pid, signal.SIGKILL)
        window.wait(60)
        err.close()
