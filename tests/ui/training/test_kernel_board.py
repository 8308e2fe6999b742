"""The kernel board shows the convolutions' kernels as numbers tiled into pictures, and the selected filter."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from guiapp.core.live.mosaic import grid_for, symmetric_levels, tile
from guiapp.ui.kernels.kernels import overview_mosaic
from guiapp.ui.training.kernel_board import KernelBoard


@pytest.fixture()
def kernels():
    rng = np.random.default_rng(3)
    first = rng.normal(0, 0.2, (3, 3, 1, 32)).astype(np.float32)
    second = rng.normal(0, 0.1, (3, 3, 32, 64)).astype(np.float32)
    updates = (rng.normal(0, 1e-3, first.shape).astype(np.float32),
               rng.normal(0, 1e-4, second.shape).astype(np.float32))
    return first, second, updates


@pytest.fixture()
def board(qtbot, kernels):
    widget = KernelBoard()
    qtbot.addWidget(widget)
    widget.set_layers(("conv2d", "conv2d_1"))
    widget.set_kernels(*kernels)
    return widget


def _same(a: np.ndarray, b: np.ndarray) -> None:
    np.testing.assert_array_equal(np.isnan(a), np.isnan(b))
    np.testing.assert_array_equal(np.nan_to_num(a), np.nan_to_num(b))


def test_first_layer_is_one_mosaic_of_its_filters(board, kernels):
    first, second, _ = kernels
    _same(board.first_picture(), tile(first[:, :, 0, :], grid_for(32, 3, 3, cols=8)))
    assert board.first_picture().shape == (15, 31)
    _same(board.second_picture(), overview_mosaic(second)[0])
    assert board.first_view.image.levels == pytest.approx(symmetric_levels(first))
    heading = board.first_view.heading.text()
    assert "conv2d" in heading and "32 filters of 3×3×1 = 9 weights + 1 bias each" in heading
    assert f"±{np.abs(first).max():.3g}" in heading
    assert "64 filters of 3×3×32 = 288 weights" in board.second_view.heading.text()


def test_a_first_layer_with_channels_gets_the_overview(qtbot):
    board = KernelBoard()
    qtbot.addWidget(board)
    first = np.arange(3 * 3 * 3 * 8, dtype=np.float32).reshape(3, 3, 3, 8) - 100
    board.set_kernels(first, None)
    _same(board.first_picture(), overview_mosaic(first)[0])
    assert board.second_part.isHidden() and board.second_picture().size == 0


def test_selecting_a_filter_shows_its_slices(qtbot, board, kernels):
    second = kernels[1]
    with qtbot.waitSignal(board.filterSelected) as signal:
        board.select_filter(5)
    assert signal.args == [5] and board.selected == 5 and board.spin.value() == 5
    _same(board.detail_picture(), tile(second[:, :, :, 5], grid_for(32, 3, 3, cols=8)))
    assert board.detail_view.image.levels == pytest.approx(symmetric_levels(second))
    left = board.marker.rect().left()
    assert left == pytest.approx(5 * 4 - 0.5)  # the column of filter 5 (3 pixels and a gap each)


def test_the_spin_box_selects_a_filter(board, kernels):
    board.spin.setValue(17)
    assert board.selected == 17
    _same(board.detail_picture(), tile(kernels[1][:, :, :, 17], grid_for(32, 3, 3, cols=8)))


def test_clicking_a_column_of_the_overview_selects_its_filter(board, kernels):
    image = board.second_view.image
    _, x = board._second_grid.origin(9)
    y, _ = board._second_grid.origin(9 + 64 * 20)  # a tile in row 20 (input channel 20) of filter 9
    event = SimpleNamespace(scenePos=lambda: image.mapToScene(x + 1.5, y + 1.5))
    board._on_overview_clicked(event, image)
    assert board.selected == 9
    _same(board.detail_picture(), tile(kernels[1][:, :, :, 9], grid_for(32, 3, 3, cols=8)))


def test_updates_are_tiled_only_while_shown(board, kernels):
    first_update, second_update = kernels[2]
    assert board.update_pictures() == (None, None)
    assert board.first_update_view.isHidden()
    board.show_updates.setChecked(True)
    first_picture, second_picture = board.update_pictures()
    _same(first_picture, tile(first_update[:, :, 0, :], grid_for(32, 3, 3, cols=8)))
    _same(second_picture, overview_mosaic(second_update)[0])
    assert not board.first_update_view.isHidden()
    assert f"last update (±{np.abs(second_update).max():.2g})" == board.second_update_view.heading.text()
    assert board.second_update_view.image.levels == pytest.approx(symmetric_levels(second_update))
    board.show_updates.setChecked(False)
    assert board.update_pictures() == (None, None)
    assert board.first_update_view.isHidden()


def test_same_shapes_only_replace_the_images(board, kernels):
    first, second, updates = kernels
    images = [board.first_view.image, board.second_view.image, board.detail_view.image]
    plots = [board.first_view.plot, board.second_view.plot]
    board.select_filter(3)
    board.set_kernels(first * 2, second * -1, updates)
    assert [board.first_view.image, board.second_view.image, board.detail_view.image] == images
    assert [board.first_view.plot, board.second_view.plot] == plots
    _same(board.first_picture(), tile(2 * first[:, :, 0, :], grid_for(32, 3, 3, cols=8)))
    _same(board.detail_picture(), tile(-second[:, :, :, 3], grid_for(32, 3, 3, cols=8)))
    assert board.selected == 3


def test_a_narrower_second_layer_keeps_the_selection_in_range(board, kernels):
    board.select_filter(60)
    second = np.ones((3, 3, 32, 16), np.float32)
    board.set_kernels(kernels[0], second)
    assert board.selected == 15 and board.spin.maximum() == 15
    _same(board.second_picture(), overview_mosaic(second)[0])


def test_clear_empties_everything(board):
    board.show_updates.setChecked(True)
    board.clear()
    assert board.first_picture().size == 0 and board.second_picture().size == 0
    assert board.detail_picture().size == 0 and board.update_pictures() == (None, None)
    assert board.first_view.image.image is None
    assert board.first_view.heading.text() == "" and board.second_view.heading.text() == ""
