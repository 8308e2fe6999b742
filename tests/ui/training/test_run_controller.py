"""run_controller: a run started from the form's settings, driven by the run controls, and what it reports put on
the curves, the progress bar and the status line; what the page decides is passed on as signals. The trainer is
the scripted stand-in of test_run.py (a real run: test_training_page.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from guiapp.core.child_process import Failed
from guiapp.core.model.architectures import ARCHITECTURES
from guiapp.core.training.trainer_process import (
    Batch,
    EpochEnded,
    Finished,
    Paused,
    Resumed,
    Snapshot,
    Started,
    Stopped,
    Weights,
)
from guiapp.ui.training import run as run_module
from guiapp.ui.training import run_controller as controller_module
from guiapp.ui.training.curves import TrainingCurves
from guiapp.ui.training.form import TrainingForm
from guiapp.ui.training.kernel_board import KernelBoard
from guiapp.ui.training.run_controller import RunController, run_name
from guiapp.ui.training.run_controls import RunControls
from tests.ui.training.test_run import ScriptedTrainer

NAME = "tiny-run"
STARTED = Started(batches_per_epoch=2, epochs=2, steps=4, history="h", conv=[("conv2d", 0), ("conv2d_1", 2)])


@pytest.fixture()
def scripted(monkeypatch):
    ScriptedTrainer.made = []
    monkeypatch.setattr(run_module, "TrainerProcess", ScriptedTrainer)
    monkeypatch.setattr(controller_module, "run_name", lambda arch: NAME)
    return ScriptedTrainer.made


@pytest.fixture()
def controller(qtbot):
    form, controls, curves, kernels = TrainingForm(), RunControls(), TrainingCurves(), KernelBoard()
    for widget in (form, controls, curves, kernels):
        qtbot.addWidget(widget)
    made = RunController(form, controls, curves, kernels)
    form.epochs.setValue(2)
    form.batch.setValue(64)
    return made


def _signals(controller: RunController) -> list[tuple]:
    seen: list[tuple] = []
    for name in ("starting", "layersKnown", "weights", "snapshotSaved", "modelTrained", "runEnded", "message"):
        getattr(controller, name).connect(lambda *args, name=name: seen.append((name, *args)))
    return seen


def _feed(controller: RunController, scripted, *messages) -> None:
    scripted[0].queue.extend(messages)
    controller.run.poll()


def test_a_run_is_named_by_its_network_and_the_second_it_started():
    arch = ARCHITECTURES["mnist_cnn"]
    assert run_name(arch, dt.datetime(2026, 11, 28, 12, 15, 30)) == "mnist_cnn-20261128-121530"


def test_start_asks_for_the_forms_run_and_fixes_the_form_while_it_goes(controller, scripted, tmp_path):
    seen = _signals(controller)
    controls, form = controller.controls, controller.form
    assert controls.start_button.isEnabled() and not controls.stop_button.isEnabled()
    controller.start(tmp_path, tmp_path / "digits.npz")
    (trainer,) = scripted
    request = trainer.request
    assert (request.out, request.history, request.data) == (tmp_path / f"{NAME}.keras", tmp_path / f"{NAME}.history",
                                                            tmp_path / "digits.npz")
    assert request.config == form.config() and request.config.epochs == 2 and request.config.batch_size == 64
    assert request.architecture == form.architecture().to_dict()
    assert seen == [("starting",)] and controller.running
    assert controls.status.text().startswith(f"Starting: {form.architecture().name}, 2 epochs of batches of 64, ")
    assert not controls.start_button.isEnabled() and controls.pause_button.isEnabled()
    assert not form.epochs.isEnabled()
    controller.start(tmp_path, None)  # one run at a time
    assert len(scripted) == 1


def test_what_the_run_reports_goes_on_the_curves_the_bar_and_the_status(controller, scripted, tmp_path):
    seen = _signals(controller)
    controller.start(tmp_path, None)
    _feed(controller, scripted, STARTED)
    assert seen[-1] == ("layersKnown", [("conv2d", 0), ("conv2d_1", 2)])
    assert (controller.controls.progress.minimum(), controller.controls.progress.maximum()) == (0, 4)
    _feed(controller, scripted, Batch(1, 2.0, 0.25, 0.5), Batch(2, 1.5, 0.5, 1.0))
    x, loss = controller.curves.loss_points()
    np.testing.assert_allclose(x, [0.5, 1.0])  # in epochs: two batches an epoch
    np.testing.assert_allclose(loss, [2.0, 1.5])
    assert controller.controls.progress.value() == 2
    assert controller.controls.status.text().startswith("batch 2 of 4 · loss 1.500")
    weights = [np.zeros((3, 3, 1, 4), np.float32)]
    _feed(controller, scripted, Weights(2, weights, None), Snapshot(2), EpochEnded(1, {"val_accuracy": 0.75,
                                                                                     "val_loss": 0.6}))
    names = [entry[0] for entry in seen]
    assert names[-3:] == ["snapshotSaved", "message", "weights"]  # the newest weights come after the poll's rest
    assert seen[-3][1] == tmp_path / f"{NAME}.history"
    assert seen[-2][1] == "Epoch 1: 75.00% of the test digits right"
    assert seen[-1][1] == 2 and [w.shape for w in seen[-1][2]] == [(3, 3, 1, 4)] and seen[-1][3] is None
    np.testing.assert_allclose(controller.curves.validation_points()[0], [1.0])  # epoch 1 ends at step 2
    _feed(controller, scripted, Finished(str(tmp_path / f"{NAME}.keras"), 0.9875))
    assert seen[-1] == ("modelTrained", str(tmp_path / f"{NAME}.keras"), 0.9875)
    assert not controller.running and controller.controls.start_button.isEnabled()
    assert controller.form.epochs.isEnabled()
    assert "98.75% on the test digits" in controller.controls.status.text()
    assert controller.controls.use_button.isVisibleTo(controller.controls)


def test_pause_resume_and_stop_go_to_the_run_and_the_buttons_wait_for_it(controller, scripted, tmp_path):
    seen = _signals(controller)
    controls = controller.controls
    controller.start(tmp_path, None)
    controls.pause_button.click()
    assert scripted[0].commands == ["pause"] and not controls.pause_button.isEnabled()
    _feed(controller, scripted, Paused(3))
    assert controls.pause_button.text() == "Resume" and controls.pause_button.isEnabled()
    assert controls.status.text() == "Paused after batch 3; Resume goes on from there."
    controls.pause_button.click()
    _feed(controller, scripted, Resumed(3))
    assert scripted[0].commands == ["pause", "resume"] and controls.pause_button.text() == "Pause"
    controls.stop_button.click()
    assert scripted[0].commands[-1] == "stop" and controls.status.text() == "Stopping after this batch…"
    _feed(controller, scripted, Batch(5, 1.0, 0.5, 2.0), Stopped(5))
    assert controls.status.text() == (f"Stopped after batch 5: no model was written; the history so far stays in "
                                      f"{tmp_path / f'{NAME}.history'}.")
    assert seen[-1] == ("runEnded", "training stopped: no model was written")
    assert controls.progress.value() == 5 and not controller.running and scripted[0].closed


def test_a_failure_is_said_as_text_never_as_markup(controller, scripted, tmp_path):
    seen = _signals(controller)
    controller.start(tmp_path, None)
    _feed(controller, scripted, Failed("cannot write <b>/nowhere</b>"))
    assert "cannot write &lt;b&gt;/nowhere&lt;/b&gt;" in controller.controls.status.text()
    assert seen[-1] == ("runEnded", "cannot write <b>/nowhere</b>") and not controller.running


def test_a_run_that_cannot_start_is_one_line_and_nothing_starts(controller, scripted, tmp_path):
    (tmp_path / f"{NAME}.history").mkdir()
    controller.start(tmp_path, None)
    assert scripted == [] and controller.run is None
    assert controller.controls.status.text() == (f"{tmp_path / f'{NAME}.history'}: already exists; wait a second "
                                                 "and start again")
    not_a_folder = tmp_path / "a file"
    not_a_folder.write_text("")
    controller.start(not_a_folder, None)
    assert scripted == [] and str(not_a_folder) in controller.controls.status.text()
    assert controller.controls.start_button.isEnabled()


def test_close_ends_the_runs_process_and_forget_lets_the_run_go(controller, scripted, tmp_path):
    controller.start(tmp_path, None)
    controller.close()
    assert scripted[0].closed
    controller.forget()
    assert controller.run is None and not controller.running
    controller.close()  # no run: nothing to do
    assert Path(tmp_path).is_dir()
