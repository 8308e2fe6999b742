"""The Where tab and NaN: a model that computes NaN for the test digits gets the tab's one line (no NaN
distances, no map fitted on NaN, no cache of NaNs), and a drawing the model computes NaN for gets no neighbours
and no star on a map that is otherwise fine."""

from __future__ import annotations

import dataclasses

import numpy as np

from guiapp.core.live.live_update import NAN_ANSWER
from guiapp.core.where.cache import cache_path, map_path
from tests.ui.conftest import MODEL_TIMEOUT_MS

WHERE_LINE = ("The Where tab cannot compare digits through this model: the model computes NaN for the test digits "
              "(its layer conv1 holds NaN or infinite weights).")


def test_the_tab_says_the_model_computes_nan_for_the_test_digits(qtbot, nan_window, tmp_path_factory):
    window = nan_window
    window.tabs.setCurrentWidget(window.where.page)
    view = window.where.view
    qtbot.waitUntil(lambda: window.where.note is not None, timeout=MODEL_TIMEOUT_MS)
    assert window.where.note == WHERE_LINE and view.status.text() == WHERE_LINE
    assert view.neighbours.message == WHERE_LINE and view.map.message.text() == WHERE_LINE
    assert window.where.failure is None and window.where.settled  # said, not failed: --screenshot waits no more
    assert window.where.test_pass is None and window.where.points is None
    digits = window.where.worker.digits
    images = digits.images.astype(np.float32) / 255.0
    cache = tmp_path_factory.getbasetemp() / "where_cache"
    for path in (cache_path(window.inspector, images, digits.labels, cache),
                 map_path(window.inspector, images, digits.labels, cache)):
        assert not path.exists()
    window.load_sample(0)  # the window stays usable; the drawing gets no neighbours of NaN
    qtbot.waitUntil(lambda: window.last_update is not None
                    and window.last_update.drawing is window.canvas.drawing, timeout=MODEL_TIMEOUT_MS)
    assert view.neighbours.shown == () and view.neighbours.message == WHERE_LINE
    assert view.map.drawing_xy is None


def test_a_drawing_the_model_computes_nan_for_gets_no_neighbours_and_no_star(qtbot, window):
    window.tabs.setCurrentWidget(window.where.page)
    qtbot.waitUntil(lambda: window.where.points is not None, timeout=MODEL_TIMEOUT_MS)
    view = window.where.view
    window.load_sample(0)
    qtbot.waitUntil(lambda: window.last_update is not None and window.last_update.drawing is window.canvas.drawing
                    and view.neighbours.shown != (), timeout=MODEL_TIMEOUT_MS)
    assert view.map.drawing_xy is not None
    # The same update as a model overflowing on this one drawing would give it: every value NaN.
    update = window.last_update
    result = update.result
    layers = tuple(dataclasses.replace(state, activation=np.full_like(state.activation, np.nan))
                   for state in result.layers)
    nan = dataclasses.replace(result, layers=layers, probabilities=np.full_like(result.probabilities, np.nan))
    window.where.show_update(dataclasses.replace(update, result=nan), moving=False)
    assert view.neighbours.shown == () and view.neighbours.message == NAN_ANSWER
    assert view.map.drawing_xy is None
    window.where.show_update(update, moving=False)  # a drawing it computes again: its neighbours and star are back
    assert view.neighbours.shown != () and view.map.drawing_xy is not None
