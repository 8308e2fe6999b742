"""sanity: Adebayo's cascading randomisation on the Why tab's maps, ranked against the trained model's."""

from __future__ import annotations

import gc
import math

import numpy as np
import pytest

from guiapp import paths
from guiapp.core.compare import sanity
from guiapp.core.compare.sanity import (
    cascade,
    cascade_over,
    cascade_table,
    rank_correlation,
)
from guiapp.core.compare.twin import randomised_twin
from guiapp.core.explain import gradients
from guiapp.core.explain.attribution import GRADCAM, GRADIENT, METHODS, live_explanation
from guiapp.core.explain.gradients import source_for
from guiapp.core.model.inference import Inspector
from guiapp.core.model.inference_build import describe_chain
from guiapp.core.model.numpy_engine import Layer

TOP_DOWN = ("dense_1", "dense", "conv2d_1", "conv2d")


@pytest.fixture(scope="module")
def cnn() -> Inspector:
    return Inspector.load(paths.MODELS_DIR / "mnist_cnn.keras")


@pytest.fixture(scope="module")
def seven(mnist) -> np.ndarray:
    assert mnist.y_test[0] == 7
    return mnist.x_test[0].astype(np.float32) / 255


@pytest.fixture(scope="module")
def full(cnn, seven):
    steps = []
    found = cascade(cnn, seven, progress=lambda done, total: steps.append((done, total)))
    return found, steps


def test_every_method_starts_at_one_and_every_step_has_a_map(full):
    found, steps = full
    assert found.layers == TOP_DOWN and found.methods == METHODS and found.target == 7 and not found.problems
    assert steps[-1] == (5, 5) and len(steps) == 5
    for method in METHODS:
        assert len(found.maps[method]) == len(found.rank[method]) == 5
        assert found.maps[method][0].shape == (28, 28)
        assert found.rank[method][0] == 1.0


def test_the_gradient_map_loses_its_order_once_the_weights_are_random(full, cnn, seven):
    found, _ = full
    rho = found.rank[GRADIENT]
    assert rho[-1] < 0.85 and min(rho[1:]) < 0.85  # on |map|; trained vs itself is 1
    signed = cascade(cnn, seven, methods=[GRADIENT], signed=True)
    assert signed.signed and abs(signed.rank[GRADIENT][-1]) < 0.5
    np.testing.assert_array_equal(signed.maps[GRADIENT][-1], found.maps[GRADIENT][-1])  # same twins, same maps


def test_a_twin_gets_its_own_gradients_not_the_trained_model_s(cnn, seven):
    trained = source_for(cnn)
    twin = randomised_twin(cnn, 4)
    assert source_for(twin) is not trained
    mine = live_explanation(source_for(twin), seven, 7, methods=(GRADIENT,)).attributions[GRADIENT].values
    theirs = live_explanation(trained, seven, 7, methods=(GRADIENT,)).attributions[GRADIENT].values
    assert not np.allclose(mine, theirs, atol=1e-6)


def test_twins_leave_no_cache_behind(cnn, seven):
    source_for(cnn)
    gc.collect()
    before = len(gradients._SOURCES)
    cascade(cnn, seven, methods=[GRADIENT, GRADCAM])
    gc.collect()
    assert len(gradients._SOURCES) == before


def test_rank_correlation_on_absolute_or_signed_values():
    a = np.arange(16, dtype=np.float32).reshape(4, 4) - 7.5
    assert rank_correlation(a, a) == pytest.approx(1.0)
    assert rank_correlation(a, -a) == pytest.approx(1.0)  # the same places stand out
    assert rank_correlation(a, -a, signed=True) == pytest.approx(-1.0)
    assert math.isnan(rank_correlation(a, np.zeros_like(a)))  # constant: no order (and no warning)
    assert math.isnan(rank_correlation(a, np.full_like(a, np.nan)))


def test_the_summary_over_digits_and_its_table(cnn, mnist):
    images = mnist.x_test[:3].astype(np.float32) / 255
    calls = []
    summary = cascade_over(cnn, images, methods=[GRADIENT, GRADCAM], progress=lambda d, t: calls.append((d, t)))
    assert summary.digits == 3 and summary.layers == TOP_DOWN and calls[-1] == (15, 15)
    assert summary.rank[GRADIENT][0] == 1.0 and summary.spread[GRADIENT][0] == 0.0
    assert summary.rank[GRADIENT][-1] < 0.9
    table = cascade_table(summary).splitlines()
    assert table[0] == "| method | trained | −dense_1 | −dense | −conv2d_1 | −conv2d |"
    assert len(table) == 4 and table[2].startswith("| gradient | 1.00 | ")
    assert all(len(row.split("|")) == 8 for row in table)
    labelled = cascade_over(cnn, images[:1], labels=[1], methods=[GRADIENT])
    assert labelled.digits == 1 and labelled.rank[GRADIENT][0] == 1.0
    json = sanity.as_json(summary)
    assert json["digits"] == 3 and len(json["rank"][GRADIENT]) == 5 and json["rank_signed"] is False


def test_stopping_returns_none(cnn, seven, mnist):
    assert cascade(cnn, seven, methods=[GRADIENT], stopped=lambda: True) is None
    assert cascade_over(cnn, mnist.x_test[:2] / 255, methods=[GRADIENT], stopped=lambda: True) is None


def test_a_dense_only_model_says_why_grad_cam_is_missing(mnist):
    rng = np.random.default_rng(0)
    inspector = Inspector(*describe_chain("flat", (28, 28, 1), (
        Layer("Flatten", "flatten"),
        Layer("Dense", "out", {"units": 10}, (rng.normal(size=(784, 10)).astype(np.float32),
                                              np.zeros(10, np.float32))),
    )))
    found = cascade(inspector, mnist.x_test[0] / 255)
    assert found.layers == ("out",) and GRADCAM not in found.methods and "convolution" in found.problems[GRADCAM]
    assert all(len(found.rank[m]) == 2 for m in found.methods)


def test_bad_requests_are_refused_in_one_line(cnn, seven):
    no_weights = Inspector(*describe_chain("pool", (8, 8, 3), (Layer("GlobalAveragePooling2D", "gap"),)))
    cases = [
        (lambda: cascade(no_weights, np.random.default_rng(0).random((8, 8, 3))), "no layers with weights"),
        (lambda: cascade(cnn, np.zeros((28, 28), np.float32)), "blank"),
        (lambda: cascade(cnn, seven, methods=["lime"]), "unknown evidence method lime"),
        (lambda: cascade(cnn, seven, target=12), "class 12 is out of range"),
        (lambda: cascade_over(cnn, np.zeros((2, 28, 28), np.float32)), "blank"),
        (lambda: cascade_over(cnn, seven[None], labels=[1, 2]), "2 labels for 1 images"),
    ]
    for call, message in cases:
        with pytest.raises(ValueError, match=message) as caught:
            call()
        assert "\n" not in str(caught.value)
