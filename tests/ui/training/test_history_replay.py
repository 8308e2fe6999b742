"""Replaying a stranger's history on the Training page: memory stays bounded however many snapshots are
visited, a damaged snapshot's line stays on screen (and is the screenshot's line, at once), and numbers no
plot can draw are clipped."""

from __future__ import annotations

import json
import os
import warnings

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication

from guiapp.core.training.history import INDEX, TrainingHistory
from guiapp.ui.training import history_bar as bar_module
from guiapp.ui.training.curves import MAX_DRAWN, TrainingCurves
from guiapp.ui.training.training_page import TrainingPage
from tests.core.training.test_history_hostile import make_history

SNAPSHOTS = 40  # more than the bar keeps


@pytest.fixture()
def page(qtbot, tmp_path):
    widget = TrainingPage(tmp_path / "trained")
    qtbot.addWidget(widget)
    return widget


def _drawn_without_a_warning(qtbot, widget, work=lambda: None) -> None:
    """Do ``work``, show ``widget`` and let it paint: no RuntimeWarning (overflow, invalid value) on the way,
    from our code or pyqtgraph's; pytest-qt fails the test on an exception raised while painting."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        work()
        widget.resize(600, 500)
        widget.show()
        qtbot.waitExposed(widget)
        for _ in range(3):
            QApplication.processEvents()
    assert [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)] == []


def test_the_bar_keeps_a_bounded_number_of_snapshots_however_many_are_visited(page, tmp_path, monkeypatch):
    folder = make_history(tmp_path / "h", tuple(range(SNAPSHOTS)), batches_per_epoch=SNAPSHOTS)
    assert page.open_history(folder)
    bar = page.history_bar
    for index in range(SNAPSHOTS):
        bar.choose(index)
        assert bar.kept <= bar_module.CACHE_SNAPSHOTS
    assert bar.kept == bar_module.CACHE_SNAPSHOTS
    # The ones shown last are kept: going back to them reads nothing.
    reads = []
    read = TrainingHistory.weights
    monkeypatch.setattr(TrainingHistory, "weights", lambda self, i: reads.append(i) or read(self, i))
    bar.choose(SNAPSHOTS - 2)
    assert reads == []
    bar.choose(0)  # long ago: read again
    assert reads == [0]


def test_the_bar_keeps_no_more_bytes_than_its_bound_but_always_the_one_shown(page, tmp_path, monkeypatch):
    folder = make_history(tmp_path / "h", tuple(range(10)), batches_per_epoch=10)
    one = sum(w.nbytes for w in TrainingHistory.open(folder).weights(0))
    monkeypatch.setattr(bar_module, "CACHE_BYTES", 3 * one)
    assert page.open_history(folder)
    for index in range(10):
        page.history_bar.choose(index)
    assert page.history_bar.kept == 3
    monkeypatch.setattr(bar_module, "CACHE_BYTES", one // 2)  # smaller than one snapshot
    page.history_bar.choose(0)
    assert page.history_bar.kept == 1


def test_a_damaged_last_snapshot_keeps_its_line_on_screen(page, tmp_path):
    folder = make_history(tmp_path / "h")
    last = folder / "snapshot-0000005.npz"
    last.write_bytes(last.read_bytes()[:100])
    assert page.open_history(folder)  # the history opens: the other snapshots are whole
    line = page.status.text()
    assert line.startswith(f"{last}: is not a whole snapshot (") and "\n" not in line
    assert page.snapshot_problem == line
    page.history_bar.choose(1)  # a whole one: the line is no longer true
    assert page.snapshot_problem is None
    assert page.status.text() == "History of tiny: 4 snapshots over 1 epoch. Drag the bar or press Play."


@pytest.mark.parametrize("big", [1e308, -1e308, 1e200])
def test_values_no_plot_can_draw_are_clipped(qtbot, big):
    widget = TrainingCurves()
    qtbot.addWidget(widget)
    widget.reset(batches_per_epoch=10, epochs=1)

    def add() -> None:
        widget.add_batches([1, 2, 3], [1.0, big, 2.0], [0.5, big, 0.25])
        widget.add_epoch(10, big, big)
        widget.refresh()

    _drawn_without_a_warning(qtbot, widget, add)
    _, loss = widget.loss_points()
    np.testing.assert_array_equal(loss, [1.0, np.sign(big) * MAX_DRAWN, 2.0])
    for plot in (widget.loss_plot, widget.accuracy_plot):
        assert np.isfinite(plot.viewRange()).all()


def test_a_400_digit_batches_per_epoch_does_not_overflow_the_curves(qtbot):
    widget = TrainingCurves()
    qtbot.addWidget(widget)
    widget.reset(batches_per_epoch=10**400, epochs=10**400)
    widget.add_batches([1, 2], [1.0, 0.5], [0.5, 0.6])
    widget.add_epoch(2, 0.5, 0.5)
    widget.refresh()
    x, _ = widget.loss_points()
    assert np.isfinite(x).all()


def test_a_history_whose_curve_holds_huge_values_opens_and_draws(page, qtbot, tmp_path):
    folder = make_history(tmp_path / "h")
    index = json.loads((folder / INDEX).read_text())
    index["curve"][1][1:] = [1e308, -1e308]
    index["snapshots"][3]["metrics"] = {"val_accuracy": 1e300, "val_loss": 1e11, "loss": 1e11}
    (folder / INDEX).write_text(json.dumps(index))
    _drawn_without_a_warning(qtbot, page, lambda: page.open_history(folder))
    assert page.history is not None
    for plot in (page.curves.loss_plot, page.curves.accuracy_plot):
        assert np.isfinite(plot.viewRange()).all()
    assert np.isnan(page.curves.loss_points()[1][1])  # no loss is 1e308: left out as it is read
    assert page.curves.validation_points()[0].size == 0  # nor is an accuracy of 1e300
    assert "loss 100000000000.000" in page.history_bar.label.text()  # 1e11 is (a diverging run's)


def test_the_screenshot_of_a_damaged_snapshot_says_the_pages_line_at_once(tmp_path):
    from tests.cli.test_cli import guiapp_process

    folder = make_history(tmp_path / "h")
    last = folder / "snapshot-0000005.npz"
    last.unlink()
    last.symlink_to("/dev/zero")
    shot = tmp_path / "s.png"
    done = guiapp_process("--screenshot", shot, "--history", folder, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    hint = "open a folder written by `guiapp train --history DIR` or the Training page"
    assert done.returncode == 2 and not shot.exists()
    assert done.stderr == f"guiapp: {last}: is a device, not a regular file — {hint}\n"
