"""layer_pairs: A − B coloured red where A is larger, blue where B is, black where they agree; a row per position
with both shapes in its heading, a difference only where the shapes agree, the drawing's similarity shown."""

from __future__ import annotations

import numpy as np
import pytest

from guiapp.core.compare.pairing import pair_layers
from guiapp.core.drawing.strokes import Drawing, Stroke
from guiapp.core.live.layer_picture import SHARED, layer_picture
from guiapp.core.live.live_update import compute_update
from guiapp.core.model.inference import Inspector
from guiapp.ui.compare.layer_pairs import LayerPairsView, PairRow, difference_picture
from guiapp.ui.plotting import ACTIVATION_LUT
from tests.models import GREY_28, GREY_40x32, make_model

SEVEN = Drawing(strokes=(Stroke(((60.0, 60.0), (200.0, 60.0), (120.0, 230.0)), 20.0),))
RED, BLUE = (255, 50, 40), (40, 90, 255)


def close(colour, expected, tolerance=4) -> bool:
    return all(abs(int(c) - e) <= tolerance for c, e in zip(colour[:3], expected, strict=True))


def test_a_larger_is_red_b_larger_is_blue_and_equal_is_black():
    a = np.array([2.0, 0.0, 0.5, 1.0], np.float32)
    b = np.array([0.0, 2.0, 0.5, 0.0], np.float32)
    rgba, largest = difference_picture(a, b)
    assert largest == pytest.approx(2.0) and rgba.dtype == np.uint8 and rgba.shape[-1] == 4
    pixels = rgba.reshape(-1, 4)
    assert close(pixels[0], RED) and close(pixels[1], BLUE) and close(pixels[2], (0, 0, 0))
    assert 100 < pixels[3][0] < 255 and pixels[3][2] < 60  # half the largest: a darker red
    assert all(pixels[:4, 3] == 255)


def test_maps_are_laid_out_as_the_layers_mosaic():
    rng = np.random.default_rng(0)
    a, b = rng.random((6, 6, 5), dtype=np.float32), rng.random((6, 6, 5), dtype=np.float32)
    rgba, largest = difference_picture(a, b)
    assert rgba.shape == layer_picture(a, SHARED, ACTIVATION_LUT).rgba.shape
    assert largest == pytest.approx(float(np.abs(a - b).max()))
    same, nothing = difference_picture(a, a)
    assert nothing == 0.0 and np.all(same[..., :3][same[..., 3] > 0] <= 2)  # all black (the gaps transparent)


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pairs")
    a = Inspector.load(make_model(folder, GREY_28, 10, name="a", seed=1))
    b = Inspector.load(make_model(folder, GREY_28, 10, name="b", seed=2))
    wide = Inspector.load(make_model(folder, GREY_40x32, 10, name="wide", seed=3))
    updates = {name: compute_update(model, SEVEN, lut=ACTIVATION_LUT) for name, model in
               (("a", a), ("b", b), ("wide", wide))}
    return {"a": a, "b": b, "wide": wide}, updates


@pytest.fixture()
def view(qtbot):
    widget = LayerPairsView()
    qtbot.addWidget(widget)
    widget.resize(900, 2000)  # every row on screen
    widget.show()
    return widget


def test_rows_show_both_maps_and_their_difference(qtbot, view, models):
    inspectors, updates = models
    pairs = pair_layers(inspectors["a"], inspectors["b"])
    view.set_pairs(pairs)
    qtbot.waitUntil(lambda: all(row.on_screen for row in view.rows))
    assert [row.pair for row in view.rows] == list(pairs)
    view.show_updates(updates["a"], updates["b"], moving=False)
    row = view.row_of("conv1")
    assert row is view.row_of(layer_b="conv1") and row.on_screen
    assert "A conv1 26×26×4" in row.heading.text() and "B conv1 26×26×4" in row.heading.text()
    np.testing.assert_array_equal(row.images[0].image, updates["a"].pictures["conv1"].rgba)
    np.testing.assert_array_equal(row.images[1].image, updates["b"].pictures["conv1"].rgba)
    expected, largest = difference_picture(updates["a"].result.layer("conv1").activation,
                                           updates["b"].result.layer("conv1").activation)
    np.testing.assert_array_equal(row.images[2].image, expected)
    assert row.difference_max == pytest.approx(largest) and "largest |difference|" in row.notes[2].text()


def test_no_difference_where_the_shapes_differ_and_nothing_beside_a_missing_layer(qtbot, view, models):
    inspectors, updates = models
    pairs = pair_layers(inspectors["a"], inspectors["wide"])
    view.set_pairs(pairs)
    qtbot.waitUntil(lambda: all(row.on_screen for row in view.rows))
    view.show_updates(updates["a"], updates["wide"], moving=False)
    conv = view.row_of("conv1")
    assert not conv.pair.same_shape and not conv.images[2].isVisible()
    assert conv.notes[2].text() == "shapes differ (26×26×4 against 38×30×4): no difference"
    dense = view.row_of("dense")
    assert dense.pair.same_shape and dense.images[2].isVisible() and dense.difference_max is not None
    view.set_similarity({dense.pair.position: 0.5})
    assert "the drawing seen alike: +0.50" in dense.heading.text() and "seen alike" not in conv.heading.text()
    view.set_similarity({})
    assert "seen alike" not in dense.heading.text()
    view.show_updates(updates["a"], None, moving=False)  # B not yet answered
    assert dense.notes[1].text() == "computing…" and dense.notes[2].text() == "waiting for both"


def test_a_row_beside_nothing_says_so(qtbot, models):
    inspectors, _updates = models
    pair = pair_layers(inspectors["a"], inspectors["b"])[0]
    from dataclasses import replace

    row = PairRow(replace(pair, b=None, shape_b=None, kind_b=None))
    qtbot.addWidget(row)
    assert "B has no layer here" in row.heading.text()
    assert not row.pair.same_shape
