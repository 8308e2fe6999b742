"""The Where child when its window has closed its end of the pipe mid-map: it ends quietly, with no traceback.

The child's functions run here in the test's own process, on a pipe whose reading end is already closed,
as a window that closed mid-map leaves it. (A window killed outright: tests/core/test_child_process.py.)
"""

from __future__ import annotations

import multiprocessing

import numpy as np
import pytest

from guiapp import paths
from guiapp.core.child_process import Parent
from guiapp.core.where import map_process


@pytest.fixture()
def orphaned_parent(monkeypatch):
    """The child's end of a pipe nobody reads any more; the test process is not niced by the child's code."""
    monkeypatch.setattr(map_process, "_nice", lambda: None)
    reader, writer = multiprocessing.Pipe(duplex=False)
    reader.close()
    yield Parent(writer)
    writer.close()


def test_a_failure_reported_to_a_window_that_is_gone_ends_quietly(orphaned_parent, tmp_path, capsys):
    # The digits cannot be read: the child reports the failure, and finds nobody to report it to.
    assert map_process._where_child(orphaned_parent, paths.DEFAULT_MODEL, False, tmp_path / "missing.npz",
                                    None, 0) is None
    assert capsys.readouterr().err == ""


def test_progress_reported_to_a_window_that_is_gone_ends_the_fit_quietly(orphaned_parent, capsys, monkeypatch):
    reports = []
    real = map_process._reporter
    monkeypatch.setattr(map_process, "_reporter", lambda parent, stage: (
        lambda done, total: reports.append(done) or real(parent, stage)(done, total)))
    features = np.random.default_rng(0).random((60, 4), dtype=np.float32)
    assert map_process._fit_child(orphaned_parent, features, 0) is None
    assert len(reports) == 1  # the first report found the pipe broken, and the fit went no further
    assert capsys.readouterr().err == ""
