"""The live pipeline in a child process gives exactly what it gives in this one."""

from __future__ import annotations

import os
import pickle
import signal

import numpy as np
import pytest

from guiapp import paths
from guiapp.core.drawing.preprocess import PreprocessOptions
from guiapp.core.drawing.strokes import Drawing, Stroke
from guiapp.core.errors import GuiappError
from guiapp.core.live.compute_process import (
    ComputeProcess,
    ComputeProcessError,
    RemoteComputeError,
)
from guiapp.core.live.live_request import LiveRequest
from guiapp.core.live.live_update import compute_update
from guiapp.core.model.inference import Inspector

LUT = np.stack([np.arange(256)] * 3 + [np.full(256, 255)], axis=1).astype(np.uint8)
SEVEN = Drawing(strokes=(Stroke(((60.0, 60.0), (200.0, 60.0), (120.0, 230.0)), 20.0),))


@pytest.fixture(scope="module")
def process():
    child = ComputeProcess(LUT)
    yield child
    child.close()


def test_an_update_pickles_whole():
    update = compute_update(Inspector.load(paths.DEFAULT_MODEL), SEVEN, lut=LUT)
    again = pickle.loads(pickle.dumps(update))
    assert again.result.predicted == update.result.predicted and set(again.pictures) == set(update.pictures)


def test_the_child_computes_exactly_what_this_process_does(process):
    process.load(paths.DEFAULT_MODEL)
    options = PreprocessOptions(crop=False)
    remote = process.compute(LiveRequest(SEVEN, options, at_rest=True))
    local = compute_update(Inspector.load(paths.DEFAULT_MODEL), SEVEN, options=options, reference=True, lut=LUT)
    assert remote.result.predicted == local.result.predicted == 7
    # The same engine and weights, but the child keeps BLAS to one thread: the sums may be split
    # differently, so the last bits may differ on some CPUs — the numbers agree, not their rounding.
    for ours, theirs in zip(remote.result.layers, local.result.layers, strict=True):
        np.testing.assert_allclose(ours.activation, theirs.activation, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(remote.reference.probabilities, local.reference.probabilities, rtol=1e-5, atol=1e-7)
    assert set(remote.pictures) == set(local.pictures) == {"conv2d", "conv2d_1", "max_pooling2d", "flatten",
                                                          "dense", "dense_1"}
    for name, picture in local.pictures.items():
        # colours from those numbers: a value on a level's edge may land one level over
        assert np.abs(remote.pictures[name].rgba.astype(int) - picture.rgba).max() <= 1, name
    # Growing the stroke point by point reuses the child's rasteriser state, bit for bit.
    longer = Drawing(strokes=(Stroke(SEVEN.strokes[0].points + ((110.0, 250.0),), 20.0),))
    np.testing.assert_array_equal(process.compute(LiveRequest(longer)).result.image,
                                  compute_update(Inspector.load(paths.DEFAULT_MODEL), longer).result.image)


def test_a_bad_model_is_a_user_error_and_the_child_keeps_serving(process, tmp_path):
    bad = tmp_path / "bad.keras"
    bad.write_bytes(b"not a model")
    with pytest.raises(GuiappError, match="bad.keras"):
        process.load(bad)
    process.load(paths.DEFAULT_MODEL)
    assert process.compute(LiveRequest(SEVEN)).result.predicted == 7


def test_a_drawing_that_fails_is_reported_and_the_child_keeps_serving(process):
    process.load(paths.DEFAULT_MODEL)
    with pytest.raises(RemoteComputeError, match="NaN"):
        process.compute(LiveRequest(Drawing(strokes=(Stroke(((1.0, float("nan")),)),))))
    assert process.compute(LiveRequest(SEVEN)).result.predicted == 7


def test_a_dead_child_is_reported_not_waited_for():
    child = ComputeProcess(LUT)
    child.wait_ready()
    os.kill(child.pid, signal.SIGKILL)
    with pytest.raises(ComputeProcessError):
        child.load(paths.DEFAULT_MODEL)
    child.close()


def test_a_stuck_child_is_given_up_on_not_waited_for_for_ever(monkeypatch):
    from guiapp.core.live import compute_process

    child = ComputeProcess(LUT)
    child.load(paths.DEFAULT_MODEL)
    monkeypatch.setattr(compute_process, "COMPUTE_TIMEOUT_S", 0.5)
    os.kill(child.pid, signal.SIGSTOP)  # alive, but silent: what a hung child looks like
    try:
        with pytest.raises(ComputeProcessError, match="did not answer"):
            child.compute(LiveRequest(SEVEN))
    finally:
        os.kill(child.pid, signal.SIGCONT)
        child.close()


def test_the_child_finds_a_counterfactual_and_says_a_bad_class_in_one_line(process):
    process.load(paths.DEFAULT_MODEL)
    found = process.counterfactual(LiveRequest(SEVEN), 1)
    assert found.target == 1 and found.changed.shape == found.original.shape == (28, 28)
    assert found.probabilities.shape == (10,)
    with pytest.raises(GuiappError):
        process.counterfactual(LiveRequest(SEVEN), 10)  # no class 10: the user's to read
    assert process.compute(LiveRequest(SEVEN)).result.predicted == 7


def test_new_weights_change_the_answer_and_none_brings_the_files_back(process):
    process.load(paths.DEFAULT_MODEL)
    network = Inspector.load(paths.DEFAULT_MODEL).engine.network  # the NumPy engine: Keras' weight order
    zeros = [np.zeros(v.shape, np.float32) for layer in network.layers for v in layer.variables]
    process.set_weights(zeros)
    flat = process.compute(LiveRequest(SEVEN)).result.probabilities
    np.testing.assert_allclose(flat, np.full(10, 0.1), atol=1e-6)  # every logit 0: a uniform answer
    with pytest.raises(RemoteComputeError, match="weight"):
        process.set_weights(zeros[:-1])  # one array short: refused, and the child goes on serving
    process.set_weights(None)
    assert process.compute(LiveRequest(SEVEN)).result.predicted == 7
