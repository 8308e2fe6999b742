"""run_controls: Start, Pause/Resume and Stop as a run allows them; the model a run wrote offered for drawing."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from guiapp.ui.training.run_controls import NOT_STARTED, USE_MODEL, RunControls


@pytest.fixture()
def controls(qtbot):
    widget = RunControls()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_buttons_follow_the_run(controls):
    assert controls.status.text() == NOT_STARTED and not controls.use_button.isVisible()
    controls.set_running(False, can_start=True)
    assert (controls.start_button.isEnabled(), controls.pause_button.isEnabled()) == (True, False)
    controls.set_running(True, can_start=True)
    assert (controls.start_button.isEnabled(), controls.stop_button.isEnabled()) == (False, True)
    controls.wait_for_trainer()
    assert not controls.pause_button.isEnabled()
    controls.show_paused(1234, True)
    assert controls.pause_button.text() == "Resume" and controls.pause_button.isEnabled()
    assert controls.status.text() == "Paused after batch 1,234; Resume goes on from there."
    controls.show_paused(1234, False)
    assert controls.status.text() == "Resumed at batch 1,234."
    controls.show_stopping()
    assert not controls.stop_button.isEnabled() and controls.status.text() == "Stopping after this batch…"


def test_clicks_are_signals(controls, qtbot):
    controls.set_running(False, can_start=True)
    with qtbot.waitSignal(controls.startClicked):
        qtbot.mouseClick(controls.start_button, Qt.MouseButton.LeftButton)


def test_a_trained_model_is_offered_until_it_is_in_use(controls, qtbot, tmp_path):
    path = tmp_path / "net<1>.keras"
    controls.offer_trained(str(path), 0.9912)
    assert controls.use_button.isVisible() and controls.use_button.text() == USE_MODEL
    assert controls.status.text().startswith("Trained: <b>net&lt;1&gt;</b>, 99.12% on the test digits")
    with qtbot.waitSignal(controls.useModel) as signal:
        qtbot.mouseClick(controls.use_button, Qt.MouseButton.LeftButton)
    assert signal.args == [str(path)]
    controls.show_in_use(path)
    assert not controls.use_button.isEnabled() and controls.use_button.text() == f"{USE_MODEL} (in use)"
    assert controls.status.text().endswith("— the live view draws with it.")
    controls.show_in_use(Path("other.keras"))
    assert controls.use_button.isEnabled()
    controls.offer(None)
    assert not controls.use_button.isVisible() and controls.trained is None
