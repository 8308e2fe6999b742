"""cascade_view: the sanity check's grid of maps with ρ, and the cascade plot, one line per method."""

from __future__ import annotations

import math

import numpy as np
import pytest

from guiapp.core.compare.sanity import Cascade
from guiapp.ui.compare.cascade_view import (
    CascadeView,
    demo,
    map_picture,
    rho_text,
    sample_cascade,
    sample_image,
    step_names,
)


def cascade(layers=("dense_1", "dense"), methods=("gradient", "gradcam"), rank=None, problems=None) -> Cascade:
    yy, xx = np.mgrid[:28, :28].astype(np.float32)
    maps = {m: [np.exp(-((xx - 14) ** 2 + (yy - 14) ** 2) / (20.0 + 10 * s)) for s in range(len(layers) + 1)]
            for m in methods}
    if rank is None:
        rank = {m: [1.0] + [0.5 / (s + 1) for s in range(len(layers))] for m in methods}
    return Cascade(layers=tuple(layers), methods=tuple(methods), maps=maps, rank=rank, problems=problems or {})


@pytest.fixture()
def view(qtbot):
    widget = CascadeView()
    qtbot.addWidget(widget)
    widget.resize(900, 420)
    widget.show()
    return widget


def test_steps_and_rho_are_written_as_a_reader_says_them():
    assert step_names(("dense_1", "dense")) == ["trained", "\u2212dense_1", "\u2212dense"]
    assert (rho_text(0.4249), rho_text(-0.31), rho_text(float("nan")), rho_text(1.0)) == (
        "ρ 0.42", "ρ \u22120.31", "ρ –", "ρ 1.00")


def test_a_map_is_red_where_it_is_positive_over_the_input_and_scaled_to_its_own_maximum():
    values = np.zeros((28, 28), np.float32)
    values[10, 10], values[20, 20] = 1e-6, -1e-6  # tiny, yet full colour: each map scaled to its own max
    picture = map_picture(sample_image(), values)
    assert (picture.width(), picture.height()) == (28, 28)
    red, blue = picture.pixelColor(10, 10), picture.pixelColor(20, 20)
    assert red.red() > 150 and red.red() > red.blue() + 80
    assert blue.blue() > blue.red() + 80
    blank = map_picture(np.zeros((28, 28), np.uint8), np.full((28, 28), np.nan, np.float32))
    assert blank.pixelColor(5, 5).red() == blank.pixelColor(5, 5).blue()  # nothing to draw: the grey input only


def test_the_grid_has_a_row_per_method_a_column_per_step_and_rho_under_each(view):
    view.show_cascade(cascade(), sample_image())
    grid = view.grid
    assert grid.methods == ("gradient", "gradcam") and grid.steps == ["trained", "\u2212dense_1", "\u2212dense"]
    assert grid.texts["gradient"] == ["ρ 1.00", "ρ 0.50", "ρ 0.25"]
    assert all(len(grid.pictures[m]) == 3 for m in grid.methods)
    first, next_ = grid.cell_rect(0, 0), grid.cell_rect(0, 1)
    assert first.width() == first.height() >= 24 and next_.left() > first.right()
    assert view.rect().contains(view.grid.mapTo(view, grid.cell_rect(1, 2).bottomRight().toPoint()))
    centre = grid.cell_rect(0, 0).center().toPoint()
    colour = grid.grab().toImage().pixelColor(centre)
    assert colour.red() > colour.blue() + 50  # the positive map over the drawing: red at its centre


def test_the_plot_has_one_line_per_method_that_keeps_its_nan_gaps(view):
    c = sample_cascade()
    view.show_cascade(c, sample_image())
    assert set(view.curves) == set(c.methods) and len(view.legend.items) == len(c.methods)
    _, y = view.curves["occlusion"].getData()
    assert math.isnan(y[2]) and y[0] == pytest.approx(1.0)
    assert view.grid.texts["occlusion"][2] == "ρ –"
    labels = [text for _, text in view.plot.getAxis("bottom")._tickLevels[0]]
    assert len(labels) == len(c.layers) + 1
    view.show_cascade(cascade(), sample_image())  # again: the old lines go
    assert set(view.curves) == {"gradient", "gradcam"} and len(view.plot.listDataItems()) == 2


def test_a_method_without_maps_keeps_its_row_saying_why_and_has_no_line(view):
    problem = "Grad-CAM needs a convolution layer"
    c = cascade(methods=("gradient",), problems={"gradcam": problem})
    view.show_cascade(c, sample_image())
    assert view.grid.methods == ("gradient", "gradcam") and view.grid.problems == {"gradcam": problem}
    assert set(view.curves) == {"gradient"}


def test_a_single_layer_cascade_and_negative_rho(view):
    c = cascade(layers=("dense",), rank={"gradient": [1.0, -0.6], "gradcam": [1.0, float("nan")]})
    view.show_cascade(c, sample_image())
    assert view.grid.steps == ["trained", "\u2212dense"]
    assert view.grid.texts["gradient"] == ["ρ 1.00", "ρ \u22120.60"]
    low, high = view.plot.viewRange()[1]
    assert low < -0.6 and high >= 1.0
    assert view.bar.status.text().startswith("1 layer randomised from the top")


def test_run_progress_message_and_clear(qtbot, view):
    with qtbot.waitSignal(view.computeRequested):
        view.bar.button.click()
    view.show_progress(2, 6)
    assert view.bar.progress.isVisible() and not view.bar.button.isEnabled()
    view.show_message("Draw a digit first")
    assert view.grid.message == "Draw a digit first" and view.bar.button.isEnabled()
    view.show_cascade(cascade(), sample_image())
    view.clear()
    assert view.grid.methods == () and view.curves == {} and view.plot.listDataItems() == []


def test_the_demo_fills_every_part(qtbot):
    widget = demo()
    qtbot.addWidget(widget)
    assert len(widget.grid.methods) == 5 and len(widget.curves) == 5
