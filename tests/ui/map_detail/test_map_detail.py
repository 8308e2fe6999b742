"""map_detail: one clicked map large, its value range, and the kernel that made it."""

from __future__ import annotations

import numpy as np
import pytest

from guiapp.ui.map_detail.map_detail import MapDetailView


@pytest.fixture()
def view(qtbot, shipped_inspector):
    widget = MapDetailView()
    qtbot.addWidget(widget)
    widget.show_model(shipped_inspector)
    widget.show()
    return widget


def test_a_conv_map_and_its_kernel(view, shipped_inspector, mnist):
    result = shipped_inspector.run(mnist.x_test[0])
    view.show_result(result)
    view.show_map("conv2d_1", 3)
    expected = result.layer("conv2d_1").activation[:, :, 3]
    assert view.title.text() == "<b>conv2d_1</b> (Conv2D) — map 3 of 64, 24×24"
    np.testing.assert_array_equal(view.map_image.image, expected)
    assert view.range_label.text() == (f"values {expected.min():.4f} … {expected.max():.4f}, "
                                       f"mean {expected.mean():.4f}")
    assert view.kernel_image.image.shape == (4 * 4 - 1, 8 * 4 - 1)  # 32 slices of 3×3, eight to a row
    bias = float(shipped_inspector.weights["conv2d_1"].bias[3])
    assert view.kernel_label.text() == (f"made by filter 3: 3×3×32 kernel (32 slices, one per input channel; "
                                        f"blue negative, red positive), bias {bias:+.4f}, then relu")


def test_a_dense_unit_has_no_kernel(view, shipped_inspector, mnist):
    view.show_map("dense", 5)
    view.show_result(shipped_inspector.run(mnist.x_test[1]))
    assert view.title.text() == "<b>dense</b> (Dense) — unit 5 of 128, 1×1"
    assert view.kernel_label.text() == "no kernel: this layer has no convolution weights"
    assert view.kernel_image.image is None


def test_hidden_it_waits_and_a_new_model_forgets_the_map(qtbot, shipped_inspector, mnist):
    view = MapDetailView()
    qtbot.addWidget(view)
    view.show_model(shipped_inspector)
    view.show_map("conv2d", 0)
    view.show_result(shipped_inspector.run(mnist.x_test[0]))
    assert view.map_image.image is None  # not drawn while hidden
    view.show()
    assert view.map_image.image.shape == (26, 26)  # drawn when shown
    view.show_model(shipped_inspector)
    assert (view.layer, view.index) == (None, None)


def test_the_selected_map_has_a_colour_bar_of_its_own_values(qtbot):
    """The bar spans the map's values in the map's colours, its numbers in the window's type; hidden until a map
    is shown."""
    from guiapp.core.model.inference import InferenceResult, LayerState, LayerWeights
    from guiapp.ui.map_detail.map_detail import MapDetailView
    from guiapp.ui.plotting import ACTIVATION_CMAP, DIVERGING_CMAP

    rng = np.random.default_rng(1)
    view = MapDetailView()
    qtbot.addWidget(view)
    view.resize(700, 450)
    view.show()
    assert not view.map_bar.isVisible() and not view.kernel_bar.isVisible()
    view.set_weights({"c": LayerWeights("c", "Conv2D", rng.normal(0, 0.1, (3, 3, 2, 4)), np.zeros(4, np.float32))})
    values = rng.random((12, 12, 4), dtype=np.float32) * 3.5 - 0.5
    state = LayerState("c", "Conv2D", (12, 12, 4), 76, values)
    view.show_result(InferenceResult(np.zeros((14, 14), np.float32), (state,), np.full(10, 0.1, np.float32), 0.0))
    view.show_map("c", 2)
    assert view.map_bar.isVisible() and view.kernel_bar.isVisible()
    np.testing.assert_allclose(view.map_bar.levels(), (values[:, :, 2].min(), values[:, :, 2].max()), rtol=1e-6)
    np.testing.assert_allclose(view.map_image.levels, view.map_bar.levels(), rtol=1e-6)
    assert view.map_bar.colorMap() is ACTIVATION_CMAP and view.kernel_bar.colorMap() is DIVERGING_CMAP
    assert view.map_bar.axis.style["tickFont"].pointSizeF() == view.font().pointSizeF()
    low, high = view.kernel_bar.levels()
    assert low == -high > -1
