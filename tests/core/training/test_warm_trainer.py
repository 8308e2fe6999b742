"""A warm trainer: its child loads TensorFlow before it has a run, the run handed to it later goes in the same
process (one Ready, one pid: no second import), and the quick preset's settings train a tiny slice there."""

from __future__ import annotations

import time

from guiapp.core.training.presets import PRESETS
from guiapp.core.training.trainer_process import Batch, Finished, Ready, RunRequest, Started
from guiapp.core.training.warm_trainer import TrainerPool
from guiapp.core.model.architectures import get_architecture
from guiapp.core.model.modelcard import read_card

RUN_TIMEOUT_S = 300  # TensorFlow's import in a fresh process on a slow, busy host, then two tiny epochs


def _wait(condition, timeout_s=RUN_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_run_handed_to_the_warm_child_trains_the_quick_preset_in_that_process(tmp_path, small_npz):
    pool = TrainerPool()
    try:
        pool.warm()
        pool.warm()  # one spare is enough: asking again starts nothing
        assert pool.started == 1
        spare = pool.spare
        _wait(spare.check_ready)
        warm_pid = spare.pid
        assert spare.warmed_for > 0 and spare.alive
        request = RunRequest(PRESETS["quick"].config, get_architecture("mnist_cnn").to_dict(), tmp_path / "q.keras",
                             tmp_path / "q.history", data=small_npz)
        process, warm = pool.take(request)
        assert warm and process is spare and process.pid == warm_pid and pool.spare is None
        received: list = []

        def ended() -> bool:
            received.extend(process.messages())
            return process.ended

        _wait(ended)
        process.close()
    finally:
        pool.close()
    readies = [m for m in received if isinstance(m, Ready)]
    assert [m.pid for m in readies] == [warm_pid]  # TensorFlow was imported once, in the warm child
    kinds = [type(m) for m in received]
    assert kinds.index(Ready) < kinds.index(Started) < kinds.index(Batch)
    started = received[kinds.index(Started)]
    assert started.epochs == 2 and started.batches_per_epoch == 12  # 768 digits of the slice, in batches of 64
    assert isinstance(received[-1], Finished) and 0.0 <= received[-1].test_accuracy <= 1.0
    card = read_card(tmp_path / "q.keras")
    hyper = card["hyperparameters"]
    assert (hyper["epochs"], hyper["batch_size"], hyper["optimizer"], hyper["learning_rate"]) == (2, 64, "Adam", 0.001)
    assert card["epochs_completed"] == 2


def test_a_spare_never_given_a_run_ends_quietly_and_a_new_one_replaces_it(tmp_path):
    pool = TrainerPool()
    pool.warm()
    first = pool.spare
    pool.close()
    assert not first.alive and first.request is None and pool.spare is None
    pool.warm()
    assert pool.started == 2 and pool.spare is not first
    pool.close()
