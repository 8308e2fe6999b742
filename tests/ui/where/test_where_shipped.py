"""The Where tab in the real window with the pass and map shipped beside the model: the shipped model's map is
shown without computing anything, and a file made for other weights is passed over with one line."""

from __future__ import annotations

import shutil
from dataclasses import replace

import numpy as np
import pytest

from guiapp import paths
from guiapp.core.where.shipped import shipped_path, write_shipped
from guiapp.ui.where import where_worker
from tests.ui.conftest import MODEL_TIMEOUT_MS, _opened

SMALL = 300


def _refuse(name: str, started: list[str]):
    def refuse(*_args, **_kwargs):
        started.append(name)
        raise AssertionError(f"{name} ran")

    return refuse


def test_the_shipped_models_map_is_shown_without_computing_anything(qtbot, store, window_paths, tmp_path,
                                                                      monkeypatch):
    started: list[str] = []
    for name in ("where_in_process", "fit_in_process", "load_or_run", "load_or_fit_map"):
        monkeypatch.setattr(where_worker, name, _refuse(name, started))
    cache = tmp_path / "where_cache"
    # As a user's window: MNIST's 10,000 test digits as shipped, not the tests' 1,000, and an empty cache.
    user = replace(window_paths, where_digits=None, where_cache=cache)
    opened = _opened(qtbot, store, user)
    window = next(opened)
    try:
        window.tabs.setCurrentWidget(window.where.page)
        qtbot.waitUntil(lambda: window.where.points is not None or window.where.failure is not None,
                        timeout=MODEL_TIMEOUT_MS)
        assert window.where.failure is None and started == []  # no child, no pass, no fit
        with np.load(shipped_path(paths.DEFAULT_MODEL)) as saved:
            shipped_points = saved["points"].astype(np.float32)
            shipped_features = saved["features"].astype(np.float32)
        np.testing.assert_array_equal(window.where.points, shipped_points)
        np.testing.assert_array_equal(window.where.view.map.points, shipped_points)  # on screen
        np.testing.assert_array_equal(window.where.test_pass.features, shipped_features)
        assert window.where.test_pass.features.shape == (10_000, 128)
        assert not cache.exists() or not any(cache.iterdir())  # nothing computed, so nothing cached
        assert "mistakes" in window.where.view.status.text()
    finally:
        next(opened, None)


@pytest.fixture()
def other_weights(tmp_path, mnist):
    """The seed model beside a shipped file made (for the same digits) from the drawn model: other weights."""
    digits = tmp_path / "digits.npz"
    np.savez(digits, x_test=mnist.x_test[:SMALL], y_test=mnist.y_test[:SMALL])
    drawn = tmp_path / "drawn" / "model.keras"
    drawn.parent.mkdir()
    shutil.copy(paths.DEFAULT_MODEL, drawn)
    written = write_shipped(drawn, digits, n_jobs=1)
    model = tmp_path / "model.keras"
    shutil.copy(paths.SEED_MODEL, model)
    shutil.copy(written, shipped_path(model))
    return model, digits


def test_a_file_for_other_weights_is_passed_over_with_one_line_and_the_tab_computes(qtbot, store, window_paths,
                                                                                      other_weights, tmp_path):
    model, digits = other_weights
    opened = _opened(qtbot, store, replace(window_paths, where_digits=digits, where_cache=tmp_path / "cache"), model)
    window = next(opened)
    try:
        lines: list[str] = []
        window.statusBar().messageChanged.connect(lines.append)
        window.tabs.setCurrentWidget(window.where.page)
        qtbot.waitUntil(lambda: window.where.points is not None, timeout=MODEL_TIMEOUT_MS)
        said = f"{model.parent.name}/model.where.npz was made for other weights than this model's: computing the map instead"
        assert lines.count(said) == 1
        assert window.where.points.shape == (SMALL, 2)
        with np.load(shipped_path(model)) as saved:  # computed, not the file's (the other model's) pass
            assert not np.allclose(window.where.test_pass.features, saved["features"].astype(np.float32),
                                   atol=1e-2)
        assert shipped_path(model).is_file()
    finally:
        next(opened, None)
