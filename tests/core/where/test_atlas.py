"""The map of the network's view: digits the network sees alike sit together, a fitted digit is placed on
its own point, the map is cached by the model's content, and the fit in its own process can be stopped.

(The whole pass and map in their own process: test_map_process.py.)
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from guiapp import paths
from guiapp.core.model.inference import Inspector
from guiapp.core.where.atlas import Stopped, fit_map, label_agreement, place
from guiapp.core.where.cache import load_or_fit_map, map_path
from guiapp.core.where.embedding import Neighbours, run_test_pass
from guiapp.core.where.map_process import fit_in_process

DIGITS = 2000  # enough for the map's clusters; the 10,000 are measured in benchmarks/where.py


@pytest.fixture(scope="module")
def fitted(shipped_inspector, mnist):
    images, labels = mnist.x_test[:DIGITS].astype(np.float32) / 255, mnist.y_test[:DIGITS]
    found = run_test_pass(shipped_inspector, images, labels)
    reports = []
    points = fit_map(found.features, seed=0, n_jobs=2, progress=lambda *a: reports.append(a))
    return found, points, reports


def test_digits_sit_among_their_own_label_on_the_map(fitted):
    found, points, reports = fitted
    assert points.shape == (DIGITS, 2) and points.dtype == np.float32
    assert reports[-1] == (750, 750) and len(reports) == 30
    share = label_agreement(points, found.labels, k=10)
    among_own = float((share >= 0.9).mean())
    print(f"\n{among_own:.1%} of {DIGITS:,} digits have ≥ 9 of their 10 nearest map points with their label "
          f"(mean share {share.mean():.1%})")
    assert among_own >= 0.9


def test_a_digit_that_was_part_of_the_fit_is_placed_on_its_own_point(fitted):
    found, points, _ = fitted
    neighbours = Neighbours(found.features, found.labels)
    for i in (0, 17, 1234):
        indices, distances = neighbours.nearest(found.features[i], 8)
        assert indices[0] == i
        np.testing.assert_allclose(place(points, indices, distances), points[i], atol=1e-2)
    # A point between two digits: on the segment between their points, nearer the closer one.
    x, y = place(points, np.array([0, 1]), np.array([0.1, 0.3]))
    expected = (points[0] * 0.75 + points[1] * 0.25)
    np.testing.assert_allclose((x, y), expected, rtol=1e-4)


def test_a_cached_map_reloads_identical_and_follows_the_models_content(tmp_path, mnist, fitted):
    found, points, _ = fitted
    images, labels = mnist.x_test[:DIGITS].astype(np.float32) / 255, mnist.y_test[:DIGITS]
    model = tmp_path / "model.keras"
    shutil.copy(paths.DEFAULT_MODEL, model)
    inspector = Inspector.load(model)
    fits = []

    def fit(features):
        fits.append(len(features))
        return points

    first = load_or_fit_map(inspector, images, labels, found.features, tmp_path, fit)
    again = load_or_fit_map(inspector, images, labels, found.features, tmp_path, fit)
    assert fits == [DIGITS]  # the second came from the cache
    np.testing.assert_array_equal(again, first)
    path = map_path(inspector, images, labels, tmp_path)
    for damage in (path.read_bytes()[:300], b"garbage"):  # a damaged file is ignored and rebuilt
        path.write_bytes(damage)
        np.testing.assert_array_equal(load_or_fit_map(inspector, images, labels, found.features, tmp_path, fit),
                                      points)
    assert fits == [DIGITS] * 3
    shutil.copy(paths.MODELS_DIR / "mnist_cnn.keras", model)  # the same name, other content: fitted again
    other = Inspector.load(model)
    assert map_path(other, images, labels, tmp_path) != path
    load_or_fit_map(other, images, labels, found.features, tmp_path, fit)
    assert fits == [DIGITS] * 4


def test_the_fit_in_its_own_process_reports_progress_and_stops_when_asked(fitted):
    found, _, _ = fitted
    reports = []
    points = fit_in_process(found.features[:400], progress=lambda *a: reports.append(a))
    assert points.shape == (400, 2) and np.all(np.isfinite(points))
    assert reports[-1] == (750, 750)
    stopped = []
    with pytest.raises(Stopped):
        fit_in_process(found.features[:400], progress=lambda *a: stopped.append(a), should_stop=lambda: bool(stopped))
    assert len(stopped) < 30
