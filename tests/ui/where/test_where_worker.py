"""The Where tab's worker: what it refuses, where its child reads the model from, and that only the latest
request's results come back."""

from __future__ import annotations

import numpy as np

from guiapp import paths
from guiapp.core.model.inference import Inspector
from guiapp.ui.where.where_worker import WhereWorker, _child_source, unsuitable
from tests.ui.conftest import MODEL_TIMEOUT_MS


def test_a_model_that_is_not_a_28_by_28_ten_class_one_is_refused_in_words(tmp_path):
    from tests.models import make_model

    seed = Inspector.load(paths.SEED_MODEL)
    assert unsuitable(seed, 10) is None
    colour = Inspector.load(make_model(tmp_path, (32, 32, 3), 4))
    problem = unsuitable(colour, 10)
    assert "32×32×3 pictures into 4 classes" in problem and "28×28 model of the 10 digits" in problem


def test_the_child_reads_the_bytes_the_window_checked_and_a_snapshot_stays_in_this_thread():
    seed = Inspector.load(paths.SEED_MODEL)
    assert _child_source(seed) is seed.model_file and seed.model_file is not None
    snapshot = seed.with_weights([np.zeros_like(w) for w in seed.keras_model().get_weights()])
    assert _child_source(snapshot) is None  # the child would load the file's weights, not the snapshot's


def test_a_cancelled_pass_sends_nothing_and_the_next_one_arrives(qtbot, tmp_path, mnist):
    digits = tmp_path / "digits.npz"
    np.savez(digits, x_test=mnist.x_test[:300], y_test=mnist.y_test[:300])
    worker = WhereWorker(tmp_path / "cache", digits)
    try:
        seed = Inspector.load(paths.SEED_MODEL)
        passes: list[object] = []
        worker.passReady.connect(lambda inspector, found, _digits: passes.append((inspector, found)))
        worker.start(seed)
        worker.cancel()
        drawn = Inspector.load(paths.DEFAULT_MODEL)
        with qtbot.waitSignal(worker.mapReady, timeout=MODEL_TIMEOUT_MS) as blocker:
            worker.start(drawn)
        inspector, points = blocker.args
        assert inspector is drawn and points.shape == (300, 2)
        assert [found_for for found_for, _ in passes] == [drawn]  # the cancelled model's pass never came
        assert passes[0][1].features.shape == (300, 128)
    finally:
        worker.shutdown()
