"""The Selected map tab's door, in the window: the state's map selection shows that map, large, and it follows the
drawing; a layer chosen without a map (a ledger row) changes nothing here."""

from __future__ import annotations

import numpy as np

from guiapp.ui.map_detail.feature import MapDetailFeature
from tests.ui.conftest import (
    MODEL_TIMEOUT_MS,
    VERTICAL_BAR_POINTS,
    draw,
    settled,
    wait_settled,
)


def test_a_map_selected_is_shown_and_follows_the_drawing(qtbot, window):
    detail = window.feature(MapDetailFeature)
    assert detail.title == "Selected map" and detail.widget is detail.view is window.map_detail
    window.tabs.setCurrentWidget(detail.widget)
    window.load_sample(0)
    wait_settled(qtbot, window)
    window.state.select_map("conv2d", 7)
    assert detail.view.title.text() == "<b>conv2d</b> (Conv2D) — map 7 of 32, 26×26"
    np.testing.assert_array_equal(detail.view.map_image.image, window.last_result.layer("conv2d").activation[:, :, 7])
    before = detail.view.map_image.image.copy()
    window.canvas.clear()
    draw(qtbot, window.canvas, VERTICAL_BAR_POINTS)
    qtbot.waitUntil(lambda: settled(window), timeout=MODEL_TIMEOUT_MS)
    shown = detail.view.map_image.image
    np.testing.assert_array_equal(shown, window.last_result.layer("conv2d").activation[:, :, 7])
    assert not np.array_equal(shown, before)
    window.state.select_map("dense")  # a layer, no map: the map shown stays
    assert detail.view.title.text().startswith("<b>conv2d</b>")
