"""layer_settings: the selected layer's settings as editors; each edit reported as (key, value)."""

from __future__ import annotations

import pytest

from guiapp.core.model.architectures import ARCHITECTURES, LayerSpec
from guiapp.ui.explorer.layer_settings import LayerSettingsForm

SEED = ARCHITECTURES["mnist_cnn"].layers


@pytest.fixture()
def form(qtbot):
    widget = LayerSettingsForm()
    qtbot.addWidget(widget)
    return widget


def test_a_conv_layers_values_are_shown(form):
    form.show_layer(0, SEED[0])
    assert form.title.text() == "<b>conv2d</b> (Conv2D)"
    assert list(form.editors) == ["filters", "kernel_size", "strides", "padding", "activation"]
    assert form.editors["filters"].value() == 32
    (height, width), link = form.editors["kernel_size"]
    assert (height.value(), width.value(), link.isChecked()) == (3, 3, True)
    assert not width.isEnabled()  # linked: one number for both
    assert form.editors["activation"].currentText() == "relu"


def test_edits_are_reported_as_key_and_value(form, qtbot):
    form.show_layer(0, SEED[0])
    with qtbot.waitSignal(form.edited) as signal:
        form.editors["filters"].setValue(16)
    assert signal.args == ["filters", 16]
    (height, _), _link = form.editors["kernel_size"]
    with qtbot.waitSignal(form.edited) as signal:
        height.setValue(5)
    assert signal.args == ["kernel_size", (5, 5)]  # the '=' link keeps it square


def test_pool_stride_defaults_to_the_pool_size(form, qtbot):
    form.show_layer(2, SEED[2])
    (first, second), link = form.editors["strides"]
    assert link.text() == "= pool size" and link.isChecked()
    assert (first.value(), second.value(), first.isEnabled()) == (2, 2, False)
    with qtbot.waitSignal(form.edited) as signal:
        link.setChecked(False)
    assert signal.args == ["strides", (2, 2)]


def test_a_layer_with_nothing_to_set(form):
    form.show_layer(4, SEED[4])
    assert form.title.text() == "<b>flatten</b> (Flatten) — nothing to set"
    assert form.editors == {} and form.form.rowCount() == 0


def test_editors_are_kept_for_the_same_layer(form):
    form.show_layer(0, SEED[0])
    spin = form.editors["filters"]
    form.show_layer(0, LayerSpec("Conv2D", "conv2d", {**SEED[0].config, "filters": 8}))
    assert form.editors["filters"] is spin and spin.value() == 8
