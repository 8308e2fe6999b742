"""The Kernels tab shows what each filter looks for, once the window has searched the shipped digits."""

from __future__ import annotations

import numpy as np

from guiapp.ui.kernels.filter_patches_view import patch_strip
from tests.ui.conftest import MODEL_TIMEOUT_MS


def test_each_filter_shows_its_favourite_patches(qtbot, window):
    qtbot.waitUntil(lambda: window.filter_patches is not None, timeout=MODEL_TIMEOUT_MS)
    patches = window.filter_patches
    assert patches.digits == 2000 and set(patches.layers) == {"conv2d", "conv2d_1"}
    digits = window.samples.images / 255.0
    window.tabs.setCurrentWidget(window.kernel_view)
    for layer, f in (("conv2d", 5), ("conv2d_1", 12), ("conv2d_1", 40)):
        window.kernel_view.show_filter(layer, f)
        view = window.kernel_view.panels[layer].patches
        np.testing.assert_array_equal(view.image_data, patch_strip(patches.layers[layer], f, digits))
        assert f"What filter {f} of {layer} looks for" in view.title.text()
        assert f"{patches.layers[layer].values[f, 0]:.2f}" in view.caption.text()


def test_clicking_a_map_selects_its_filter_and_patches(qtbot, window):
    qtbot.waitUntil(lambda: window.filter_patches is not None, timeout=MODEL_TIMEOUT_MS)
    window.state.select_map("conv2d_1", 7)
    assert window.kernel_view.panels["conv2d_1"].patches.filter == 7


def test_progress_is_shown_while_searching(qtbot):
    from guiapp.ui.kernels.filter_patches_view import FilterPatchesView

    view = FilterPatchesView()
    qtbot.addWidget(view)
    view.show()
    view.set_progress(640, 2000)
    assert view.progress.isVisible() and view.progress.value() == 640
    view.set_progress(2000, 2000)
    assert not view.progress.isVisible()


def test_each_tab_shows_the_layers_real_name(qtbot):
    """"conv2d_1" reads "conv2d_1", not "conv2d 1" (the "_" was clipped under a short tab) nor "conv2d1" with a
    shortcut underline (an "&" is Qt's shortcut marker)."""
    from PySide6.QtWidgets import QTabBar

    from guiapp.core.model.inference import LayerWeights
    from guiapp.ui.kernels.kernels import KernelView, tab_label

    rng = np.random.default_rng(0)
    names = ("conv2d", "conv2d_1", "a&b_c")
    view = KernelView()
    qtbot.addWidget(view)
    view.set_weights({name: LayerWeights(name, "Conv2D", rng.normal(0, 0.1, (3, 3, 1, 4)), np.zeros(4)) for name in names})
    view.resize(500, 300)
    view.show()
    bar = view.tabBar()
    assert [bar.tabText(i) for i in range(bar.count())] == ["conv2d", "conv2d_1", "a&&b_c"]  # shown as named
    assert [bar.tabToolTip(i) for i in range(bar.count())] == list(names)
    assert tab_label("a&b") == "a&&b"
    plain = QTabBar()
    qtbot.addWidget(plain)
    plain.addTab("conv2d_1")
    metrics = bar.fontMetrics()
    assert bar.tabRect(1).height() >= plain.tabSizeHint(0).height() + metrics.descent()  # room for the "_"
    assert view.panels["conv2d_1"].minimumSizeHint().width() < 400  # its captions wrap in a narrow tab
    view.show_filter("conv2d_1", 2)
    assert view.current_panel() is view.panels["conv2d_1"] and view.panels["conv2d_1"].selected == 2
