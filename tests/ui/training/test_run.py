"""run: the window's end of a training run. What the trainer sent since the last poll becomes signals in order,
batches as one list, only the newest weights (and those before the end); the run's end stops the polling and
closes the process. The trainer here is a scripted stand-in: the real one is tests/core/training's."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest

from guiapp.core.child_process import Failed
from guiapp.core.training.trainer_process import (
    FINAL,
    Batch,
    EpochEnded,
    Evaluating,
    Finished,
    Paused,
    Resumed,
    RunRequest,
    Snapshot,
    Started,
    Stopped,
    Weights,
)
from guiapp.core.training.training import TrainingConfig
from guiapp.ui.training import run as run_module
from guiapp.ui.training.run import POLL_MS, TrainingRun


class ScriptedTrainer:
    """A TrainerProcess that hands out what the test queued (``queue``) and records the commands it is sent."""

    made: ClassVar[list[ScriptedTrainer]] = []

    def __init__(self, request: RunRequest) -> None:
        self.request = request
        self.queue: list = []
        self.commands: list[str] = []
        self.ended = self.closed = False
        ScriptedTrainer.made.append(self)

    def messages(self, limit: int = 1000) -> list:
        if self.ended:
            return []
        out = []
        while self.queue and len(out) < limit:
            message = self.queue.pop(0)
            out.append(message)
            if isinstance(message, FINAL):
                self.ended = True
                break
        return out

    def pause(self) -> None:
        self.commands.append("pause")

    def resume(self) -> None:
        self.commands.append("resume")

    def stop(self) -> None:
        self.commands.append("stop")

    def close(self, timeout: float = 10.0) -> None:
        self.closed = True


@pytest.fixture()
def scripted(monkeypatch):
    ScriptedTrainer.made = []
    monkeypatch.setattr(run_module, "TrainerProcess", ScriptedTrainer)
    return ScriptedTrainer.made


def request(tmp_path: Path) -> RunRequest:
    return RunRequest(TrainingConfig(epochs=1), {"name": "tiny"}, tmp_path / "tiny.keras", tmp_path / "tiny.history")


def _recorded(run: TrainingRun) -> list[tuple]:
    """Every signal the run emits, in order, with its payload."""
    seen: list[tuple] = []
    for name in ("started", "batches", "weights", "snapshot", "epochEnded", "paused", "resumed", "evaluating",
                 "finished", "stopped", "failed"):
        getattr(run, name).connect(lambda *args, name=name: seen.append((name, *args)))
    return seen


def _weights(step: int) -> Weights:
    return Weights(step, [np.full((2, 2), float(step), np.float32)], None)


def test_a_run_starts_its_trainer_and_polls_it(qtbot, scripted, tmp_path):
    run = TrainingRun(request(tmp_path))
    assert not run.running
    run.poll()  # nothing started: nothing to read
    run.start()
    (trainer,) = scripted
    assert trainer.request is run.request and run.running and run._timer.isActive()
    assert run._timer.interval() == POLL_MS
    trainer.queue.append(Batch(1, 2.3, 0.1, 0.5))
    qtbot.waitUntil(lambda: run.step == 1, timeout=5000)  # read by the timer, not by the test
    run.close()
    assert trainer.closed and not run._timer.isActive()


def test_messages_between_two_polls_come_in_order_batches_together_and_only_the_newest_weights(scripted, tmp_path):
    run = TrainingRun(request(tmp_path))
    seen = _recorded(run)
    run.start()
    scripted[0].queue.extend([
        Started(batches_per_epoch=2, epochs=1, steps=2, history="h", conv=[("conv", 0)]),
        Batch(1, 2.0, 0.25, 0.1), Batch(2, 1.5, 0.5, 0.2),
        _weights(1), _weights(2),  # the older weights are stale: never passed on
        Snapshot(2), EpochEnded(1, {"val_accuracy": 0.75}), Batch(3, 1.0, 0.75, 0.3),
    ])
    run.poll()
    names = [entry[0] for entry in seen]
    assert names == ["started", "batches", "snapshot", "epochEnded", "batches", "weights"]
    assert seen[0][1] == {"batches_per_epoch": 2, "epochs": 1, "steps": 2, "history": "h", "conv": [("conv", 0)]}
    assert seen[1][1] == [(1, 2.0, 0.25, 0.1), (2, 1.5, 0.5, 0.2)] and seen[4][1] == [(3, 1.0, 0.75, 0.3)]
    step, arrays, updates = seen[5][1:]
    assert step == 2 and float(arrays[0][0, 0]) == 2.0 and updates is None
    assert seen[3][1:] == (1, {"val_accuracy": 0.75}) and run.step == 3
    run.poll()  # nothing new: nothing said again
    assert len(seen) == 6


def test_pause_resume_and_stop_reach_the_trainer_only_while_it_runs(scripted, tmp_path):
    run = TrainingRun(request(tmp_path))
    run.pause()  # not started: nothing to send to
    seen = _recorded(run)
    run.start()
    trainer = scripted[0]
    run.pause()
    trainer.queue.append(Paused(7))
    run.poll()
    assert run.is_paused and seen == [("paused", 7)]
    run.resume()
    trainer.queue.append(Resumed(7))
    run.poll()
    assert not run.is_paused and seen[-1] == ("resumed", 7)
    run.stop()
    trainer.queue.append(Stopped(9))
    run.poll()
    assert trainer.commands == ["pause", "resume", "stop"]
    assert seen[-1] == ("stopped", 9) and not run.running and trainer.closed and not run._timer.isActive()
    run.stop()  # ended: nothing more is sent
    assert trainer.commands == ["pause", "resume", "stop"]


def test_the_last_weights_come_before_the_end(scripted, tmp_path):
    run = TrainingRun(request(tmp_path))
    seen = _recorded(run)
    run.start()
    scripted[0].queue.extend([_weights(5), Evaluating(), Finished("/m/tiny.keras", 0.9875),
                              Batch(6, 0.0, 1.0, 1.0)])  # nothing is read past the final message
    run.poll()
    assert [entry[0] for entry in seen] == ["evaluating", "weights", "finished"]
    assert seen[-1] == ("finished", "/m/tiny.keras", 0.9875) and seen[1][1] == 5
    assert not run.running and scripted[0].closed


def test_a_failed_run_says_why_in_one_line(scripted, tmp_path):
    run = TrainingRun(request(tmp_path))
    seen = _recorded(run)
    run.start()
    scripted[0].queue.extend([Batch(1, 2.0, 0.1, 0.1), Failed("the training process ended without a word")])
    run.poll()
    assert seen == [("batches", [(1, 2.0, 0.1, 0.1)]), ("failed", "the training process ended without a word")]
    assert not run.running and not run._timer.isActive()
