"""Every panel with a model other than MNIST's: a grey 40×32 one, and an RGB 64×48 one with 100 classes.

The panels are fed directly (``show_model`` then ``show_result``) with real results of
small generated Keras models run by the :class:`Inspector`, so each test reads what a
panel shows for that model: shapes, colours, names.
"""

from __future__ import annotations

import numpy as np
import pytest

from guiapp.core.explain.trace import Tracer
from guiapp.core.live.mosaic import grid_for
from guiapp.core.model.inference import Inspector
from tests.models import GREY_40x32, RGB_64x48, make_model

GREY_CLASSES = tuple(f"digit {i}" for i in range(10))
RGB_CLASSES = tuple(f"class_{i:02d}" for i in range(100))


@pytest.fixture(scope="module")
def grey(tmp_path_factory) -> Inspector:
    path = make_model(tmp_path_factory.mktemp("grey"), GREY_40x32, 10, classes_names=GREY_CLASSES)
    return Inspector.load(path)


@pytest.fixture(scope="module")
def rgb(tmp_path_factory) -> Inspector:
    path = make_model(tmp_path_factory.mktemp("rgb"), RGB_64x48, 100, classes_names=RGB_CLASSES)
    return Inspector.load(path)


@pytest.fixture(params=["grey", "rgb"])
def model(request):
    """(inspector, result of a seeded random picture) for each of the two models."""
    inspector = request.getfixturevalue(request.param)
    image = np.random.default_rng(7).random(inspector.image_shape, dtype=np.float32)
    return inspector, inspector.run(image)


def test_feature_maps_tile_any_channel_count(qtbot, model):
    from guiapp.ui.live.feature_maps import FeatureMapsView

    inspector, result = model
    view = FeatureMapsView()
    qtbot.addWidget(view)
    view.resize(700, 4000)  # every panel in sight
    view.show()
    view.show_model(inspector)
    qtbot.wait(20)
    view.show_result(result)
    assert list(view.panels) == ["conv1", "pool1", "conv2", "flatten", "dense"]
    for name in ("conv1", "pool1", "conv2"):
        h, w, c = result.layer(name).activation.shape
        assert view.panels[name].image_data.shape == grid_for(c, h, w, cols=min(8, c)).shape
    assert view.panels["dense"].image_data.size == inspector.num_classes
    np.testing.assert_allclose(np.nanmax(view.panels["conv2"].image_data), result.layer("conv2").activation.max())
    assert view.shown_layer("conv2") == "conv2"


def test_the_kernels_of_an_rgb_first_layer_are_shown_in_colour_and_per_channel(qtbot, rgb):
    from guiapp.ui.kernels.kernels import KernelView

    view = KernelView()
    qtbot.addWidget(view)
    view.show_model(rgb)
    first, second = view.panels["conv1"], view.panels["conv2"]
    assert first.colour and not second.colour
    # Every filter as one colour swatch: an RGBA mosaic of 4 tiles of 3×3, with real colour in it.
    assert first.colour_picture.shape == (*grid_for(4, 3, 3, cols=8).shape, 4)
    swatches = first.colour_picture[first.colour_picture[..., 3] == 255][:, :3].astype(int)
    assert np.abs(swatches[:, 0] - swatches[:, 1]).max() > 20  # red and green differ: not grey
    # The selected filter: its colour swatch beside the R, G and B planes (3 tiles of 3×3).
    view.show_filter("conv1", 2)
    assert first.selected == 2
    assert first.swatch_image.image.shape == (3, 3, 4)
    np.testing.assert_allclose(first.detail_image.image[:, :3], rgb.weights["conv1"].kernel[:, :, 0, 2])
    assert first.detail_image.image.shape == grid_for(3, 3, 3, cols=3).shape
    assert "R, G, B planes of filter 2" in first.bias_label.text()
    view.show_filter("pool1", 1)  # no kernels: nothing changes
    assert view.currentWidget() is first


def test_the_kernels_of_a_grey_model_are_one_diverging_mosaic(qtbot, grey):
    from guiapp.ui.kernels.kernels import KernelView

    view = KernelView()
    qtbot.addWidget(view)
    view.show_model(grey)
    first = view.panels["conv1"]
    assert first.colour_picture is None and not first.colour
    np.testing.assert_allclose(first.all_image.image[:3, :3], grey.weights["conv1"].kernel[:, :, 0, 0])


def test_the_network_input_view_takes_the_models_size_and_colours(qtbot, model):
    from guiapp.ui.live.input_view import NetworkInputView

    inspector, result = model
    view = NetworkInputView()
    qtbot.addWidget(view)
    view.show_model(inspector)
    h, w, c = inspector.input_shape
    assert f"{h}×{w}×{c} {'RGB' if c == 3 else 'grey'}" in view.title.text()
    view.show_result(result)
    assert view.image.shape == inspector.image_shape
    assert view._image.image.shape == ((h, w) if c == 1 else (h, w, 3))


def test_probabilities_name_the_classes_and_a_hundred_stay_legible(qtbot, rgb):
    from guiapp.ui.live.probabilities import SHOWN, ProbabilityView

    view = ProbabilityView()
    qtbot.addWidget(view)
    view.set_class_names(rgb.class_names)  # the window's state gives them
    view.show_model(rgb)
    probabilities = np.full(100, 0.5 / 98, np.float32)
    probabilities[[42, 7]] = [0.3, 0.2]
    result = rgb.run(np.ones(rgb.image_shape, np.float32))
    from dataclasses import replace

    view.show_result(replace(result, probabilities=probabilities))
    assert view.top_text == "class_42"
    names = view.bar_names()
    assert len(names) == SHOWN and names[:2] == ["class_42", "class_07"]
    assert view._rest.text() == f"+ 90 other classes: {1 - 0.5 - 8 * 0.5 / 98:.1%} together"


def test_probabilities_of_ten_classes_keep_the_class_order(qtbot, grey):
    from guiapp.ui.live.probabilities import ProbabilityView

    view = ProbabilityView()
    qtbot.addWidget(view)
    view.set_class_names(grey.class_names)  # the window's state gives them
    view.show_model(grey)
    result = grey.run(np.ones(grey.image_shape, np.float32))
    view.show_result(result)
    assert view.bar_names() == list(GREY_CLASSES)
    assert view.top_text == GREY_CLASSES[result.predicted] and not view._rest.isVisible()


def test_a_traced_unit_of_a_non_square_input_sees_inside_the_image(qtbot, grey):
    from guiapp.ui.trace.unit_trace import UnitTraceView

    view = UnitTraceView()
    qtbot.addWidget(view)
    view.show_model(grey)
    result = grey.run(np.random.default_rng(1).random(grey.image_shape, dtype=np.float32))
    view.show_result(result)
    view.pin("conv2", (16, 12, 3))  # the bottom-right unit of a 17×13 map
    trace = view.trace
    assert trace is not None and trace.shown == pytest.approx(float(result.layer("conv2").activation[16, 12, 3]))
    field = trace.field
    assert (field.top, field.left, field.bottom, field.right) == (32, 24, 40, 32)  # 8×8, ends at the image's edge
    assert "Receptive field: 8×8 input pixels (rows 32–39, columns 24–31)" in view.html


def test_a_traced_unit_of_an_rgb_input_names_its_colour_channels(rgb):
    from guiapp.core.explain.trace_text import trace_html

    result = rgb.run(np.random.default_rng(2).random(rgb.image_shape, dtype=np.float32))
    trace = Tracer.for_inspector(rgb).trace(result, "conv1", (61, 45, 0))
    assert trace.field.size == (3, 3) and trace.detail.window.shape == (3, 3, 3)
    text = trace_html(trace)
    assert "Per colour channel (R, G, B)" in text and "<small>G:</small>" in text


def test_the_selected_map_shows_any_models_map_and_kernel(qtbot, model):
    from guiapp.ui.map_detail.map_detail import MapDetailView

    inspector, result = model
    view = MapDetailView()
    qtbot.addWidget(view)
    view.show()
    view.show_model(inspector)
    view.show_map("conv1", 2)
    view.show_result(result)
    h, w, _ = result.layer("conv1").activation.shape
    np.testing.assert_array_equal(view.map_image.image, result.layer("conv1").activation[:, :, 2])
    assert view.map_image.image.shape == (h, w)
    channels = inspector.input_shape[2]
    assert view.kernel_image.image.shape == grid_for(channels, 3, 3, cols=channels).shape
    label = view.kernel_label.text()
    assert ("the R, G and B planes" in label) == inspector.is_rgb and "then relu" in label


def test_the_ledger_shows_any_models_shapes(qtbot, model):
    from guiapp.ui.ledger.ledger_view import LedgerView

    inspector, _ = model
    view = LedgerView()
    qtbot.addWidget(view)
    view.show_model(inspector)
    h, w, _ = inspector.input_shape
    conv1 = view.topLevelItem(0)
    assert conv1.text(0) == "conv1 (Conv2D)" and conv1.text(1) == f"(None, {h - 2}, {w - 2}, 4)"
    assert view.topLevelItem(view.topLevelItemCount() - 2).text(1) == f"(None, {inspector.num_classes})"
    assert f"Total params: {inspector.ledger.total_params:,}" in view.totals


def test_the_explorer_starts_from_the_opened_models_architecture(qtbot, model):
    from guiapp.ui.explorer.explorer import OPENED, ArchitectureExplorer

    inspector, _ = model
    explorer = ArchitectureExplorer()
    qtbot.addWidget(explorer)
    explorer.show_model(inspector)
    assert explorer.architecture.input_shape == inspector.input_shape
    assert [spec.name for spec in explorer.architecture.layers] == list(inspector.layer_names)
    assert explorer.ledger.total_params == inspector.ledger.total_params
    assert explorer.seed_box.itemData(0) == OPENED and explorer.undo_stack.count() == 0
    h, w, c = inspector.input_shape
    assert f"a {h}×{w}×{c} input: guiapp train trains 28×28×1 digit classifiers only" in explorer.status.text()
    explorer.load_seed("mnist_cnn")  # another seed, then back to the opened model: both undoable
    explorer.load_seed(OPENED)
    assert explorer.architecture == explorer.opened and explorer.undo_stack.count() == 2


def test_the_window_fans_an_rgb_hundred_class_model_out_to_every_panel(qtbot, store, window_paths, tmp_path):
    from guiapp.ui import MainWindow
    from guiapp.ui.kernels.filter_patches_view import NOT_SEARCHED
    from tests.ui.conftest import (
        MODEL_TIMEOUT_MS,
        VERTICAL_BAR_POINTS,
        draw,
        wait_settled,
    )

    path = make_model(tmp_path, RGB_64x48, 100, classes_names=RGB_CLASSES)
    window = MainWindow(path, settings=store, paths=window_paths)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.inspector is not None, timeout=MODEL_TIMEOUT_MS)
    try:
        draw(qtbot, window.canvas, VERTICAL_BAR_POINTS)
        wait_settled(qtbot, window)
        result = window.last_result
        assert result.image.shape == (64, 48, 3) and result.probabilities.shape == (100,)
        assert window.input_view.image.shape == (64, 48, 3)
        assert window.probabilities.top_text == RGB_CLASSES[result.predicted]
        assert window.probabilities.bar_names()[0] == RGB_CLASSES[result.predicted]
        assert window.kernel_view.panels["conv1"].colour_picture.shape[2] == 4
        assert window.kernel_view.panels["conv1"].patches.title.text() == NOT_SEARCHED
        assert window.ledger_view.topLevelItem(0).text(1) == "(None, 62, 46, 4)"
        # The explorer, built only now, starts from the model the window opened.
        assert window.explorer.architecture.input_shape == (64, 48, 3)
        assert window.explorer.ledger.total_params == window.inspector.ledger.total_params
        problem = window.worker.process_problem
        assert problem is None, problem
    finally:
        window.shutdown()
