"""A model that computes NaN (a NaN weight, or finite weights whose products overflow float32) and the Where
tab's work: the pass refuses it in one line after its first chunk, with the same words as predict and the
window, writes no cache of NaNs, and neither a layer's features nor a t-SNE fit are made of NaN."""

from __future__ import annotations

import numpy as np
import pytest

from guiapp.core.model.inference import Inspector
from guiapp.core.where.atlas import fit_map
from guiapp.core.where.cache import load_or_run, load_pass
from guiapp.core.where.embedding import PASS_CHUNK, ComputesNaN, NoEmbedding, run_test_pass
from guiapp.core.where.layers import layer_features
from tests.models import poisoned_model

DIGITS = 2 * PASS_CHUNK  # two chunks: the refusal comes after the first
NAN_LINE = "the model computes NaN for the test digits (its layer conv1 holds NaN or infinite weights)"
OVERFLOW_LINE = "the model computes NaN for the test digits (its weights are finite, but their products overflow)"


@pytest.fixture(scope="module")
def poisoned(tmp_path_factory) -> dict[str, Inspector]:
    folder = tmp_path_factory.mktemp("poisoned")
    return {kind: Inspector.load(poisoned_model(folder, kind)) for kind in ("nan", "overflow")}


@pytest.fixture(scope="module")
def digits(mnist) -> tuple[np.ndarray, np.ndarray]:
    return mnist.x_test[:DIGITS].astype(np.float32) / 255.0, mnist.y_test[:DIGITS]


class _Counting:
    """An inspector whose batches are counted (everything else is the wrapped one's)."""

    def __init__(self, inspector: Inspector) -> None:
        self._inspector, self.digits = inspector, 0

    def batch_outputs(self, images, names, batch_size=None):
        self.digits += len(images)
        return self._inspector.batch_outputs(images, names, batch_size)

    def __getattr__(self, name):
        return getattr(self._inspector, name)


@pytest.mark.parametrize(("kind", "line"), [("nan", NAN_LINE), ("overflow", OVERFLOW_LINE)])
def test_the_pass_refuses_a_model_computing_nan_in_one_line_after_its_first_chunk(poisoned, digits, kind, line):
    images, labels = digits
    counted, reports = _Counting(poisoned[kind]), []
    with pytest.raises(ComputesNaN) as refused:
        run_test_pass(counted, images, labels, progress=lambda *a: reports.append(a))
    assert str(refused.value) == line
    assert isinstance(refused.value, NoEmbedding)  # the tab's "cannot compare digits through this model" door
    assert counted.digits == PASS_CHUNK and reports == []  # not 10,000 digits of NaN first


def test_no_cache_file_of_nans_is_written(poisoned, digits, tmp_path):
    images, labels = digits
    cache = tmp_path / "where"
    with pytest.raises(ComputesNaN, match="^the model computes NaN for the test digits"):
        load_or_run(poisoned["nan"], images, labels, cache)
    assert not cache.exists() or list(cache.iterdir()) == []


def test_a_layers_map_refuses_values_that_are_not_numbers(poisoned, digits):
    images, _ = digits
    with pytest.raises(ComputesNaN) as refused:
        layer_features(poisoned["nan"], images, "conv2")
    assert str(refused.value) == NAN_LINE


def test_the_map_is_never_fitted_on_nan():
    features = np.ones((50, 4), np.float32)
    features[7, 2] = np.nan
    with pytest.raises(ValueError, match="^the features to map are not all finite numbers$"):
        fit_map(features)


def test_a_cached_pass_with_nan_probabilities_is_not_used(tmp_path):
    """As an older guiapp wrote for a model whose last layer alone overflows: finite features, NaN answers."""
    labels = np.arange(20) % 10
    path = tmp_path / "where-old.npz"
    np.savez(path, features=np.ones((20, 8), np.float32), probabilities=np.full((20, 10), np.nan, np.float32),
             labels=labels.astype(np.int64), layer=np.array("dense"))
    assert load_pass(path, "dense", labels, 10) is None and not path.exists()  # removed: the pass runs again
