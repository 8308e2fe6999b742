"""The Where child when its window is gone (closed or killed mid-map): it ends quietly, with no traceback.

The child's functions run here in the test's own process, on a pipe whose reading end is already closed,
as a killed window leaves it.
"""

from __future__ import annotations

import multiprocessing
import signal

import numpy as np
import pytest

from guiapp import paths
from guiapp.core.child_process import start_child
from guiapp.core.where import map_process


@pytest.fixture()
def orphaned_pipe(monkeypatch):
    """The child's end of a pipe nobody reads any more; the test process is not niced by the child's code."""
    monkeypatch.setattr(map_process, "_nice", lambda: None)
    reader, writer = multiprocessing.Pipe(duplex=False)
    reader.close()
    return writer


def test_a_failure_reported_to_a_window_that_is_gone_ends_quietly(orphaned_pipe, tmp_path, capsys):
    # The digits cannot be read: the child reports the failure, and finds nobody to report it to.
    map_process._where_child(orphaned_pipe, paths.DEFAULT_MODEL, False, tmp_path / "missing.npz", None, 0)
    assert capsys.readouterr().err == ""
    assert orphaned_pipe.closed


def test_progress_reported_to_a_window_that_is_gone_ends_the_fit_quietly(orphaned_pipe, capsys):
    features = np.random.default_rng(0).random((60, 4), dtype=np.float32)
    map_process._fit_child(orphaned_pipe, features, 0)
    assert capsys.readouterr().err == ""
    assert orphaned_pipe.closed


def _blocked_signals(conn) -> None:
    conn.send(signal.pthread_sigmask(signal.SIG_BLOCK, []))
    conn.close()


@pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="no signal masks on this platform")
def test_a_child_is_started_deaf_to_ctrl_c_and_the_parent_is_not():
    context = multiprocessing.get_context("spawn")
    reader, writer = context.Pipe(duplex=False)
    process = context.Process(target=_blocked_signals, args=(writer,), daemon=True)
    start_child(process)
    writer.close()
    assert reader.poll(120)
    assert signal.SIGINT in reader.recv()  # from its first instruction: Ctrl-C in the terminal is the window's
    process.join(60)
    assert process.exitcode == 0
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, [])
