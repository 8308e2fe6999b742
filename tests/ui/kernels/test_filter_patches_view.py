"""filter_patches_view: a filter's top patches enlarged above the digits they come from, outlined, captioned."""

from __future__ import annotations

import numpy as np
import pytest

from guiapp.core.explain.filter_patches import LayerPatches
from guiapp.ui.kernels.filter_patches_view import GAP, NOT_SEARCHED, TILE, FilterPatchesView, patch_strip


def _layer(k=3) -> LayerPatches:
    """Two filters of a 3×3 conv, each with ``k`` patches from digits 0..k−1 (digit i is all i/10)."""
    values = np.array([[3.0, 2.0, 1.0][:k], [0.5, 0.4, 0.3][:k]])
    images = np.tile(np.arange(k), (2, 1))
    fields = np.tile(np.array([0, 0, 3, 3]), (2, k, 1))
    fields[0, 1] = [5, 6, 8, 9]
    patches = np.ones((2, k, 3, 3), np.float32)
    return LayerPatches("conv2d", values, images, images % 10, np.zeros((2, k, 2), int), fields, patches)


DIGITS = np.stack([np.full((28, 28), i / 10, np.float32) for i in range(3)])


def test_patch_strip_two_rows_of_tiles():
    strip = patch_strip(_layer(), 0, DIGITS)
    assert strip.shape == (2 * TILE + GAP, 3 * (TILE + GAP) - GAP)
    # A 3×3 patch enlarged 9× (27 pixels), centred in its 28-pixel tile.
    assert strip[0, 0] == 1.0 and np.isnan(strip[27, 0]) and np.isnan(strip[0, 27])
    assert strip[TILE + GAP, TILE + GAP] == pytest.approx(0.1)  # below patch 1: digit 1
    assert np.isnan(strip[TILE, 0])  # the gap between the rows


@pytest.fixture()
def view(qtbot):
    widget = FilterPatchesView()
    qtbot.addWidget(widget)
    return widget


def test_a_filter_is_shown_titled_captioned_and_outlined(view):
    view.set_patches(_layer(), DIGITS)
    assert view.image_data.shape == (59, 90)
    assert "What filter 0 of conv2d looks for" in view.title.text() and "3 3×3 patches" in view.title.text()
    assert view.caption.text() == "activations, largest first: 3.00 (a 0) · 2.00 (a 1) · 1.00 (a 2)"
    second = view._outlines[1].rect()
    assert (second.x(), second.y(), second.width(), second.height()) == (TILE + GAP + 6, TILE + GAP + 5, 3, 3)
    view.show_filter(1)
    assert view.caption.text().startswith("activations, largest first: 0.50 (a 0)")


def test_out_of_range_or_cleared_shows_nothing(view):
    view.set_patches(_layer(), DIGITS)
    view.show_filter(5)
    assert view.image_data is None and view.image.image is None
    view.set_searchable(False)
    assert view.title.text() == NOT_SEARCHED and view.layer is None


def test_progress_is_shown_only_while_searching(view):
    view.show()
    view.set_progress(3, 10)
    assert view.progress.isVisible() and view.progress.value() == 3 and view.progress.maximum() == 10
    view.set_progress(10, 10)
    assert not view.progress.isVisible()
