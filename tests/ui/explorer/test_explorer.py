"""The architecture explorer: edits through its controls, the ledger after each equals Keras'."""

from __future__ import annotations

import json

import pytest
from guiapp.ui.explorer.explorer import ArchitectureExplorer
from PySide6.QtCore import Qt

from guiapp.core.arithmetic.ledger import ledger_for_model
from guiapp.core.errors import ArchitectureError
from guiapp.core.model.architectures import build_model


@pytest.fixture()
def explorer(qtbot):
    widget = ArchitectureExplorer()
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    return widget


def assert_matches_keras(explorer):
    """The explorer's numbers are Keras' own, or Keras refuses the network the explorer calls invalid."""
    ledger = explorer.ledger
    if ledger.error:
        with pytest.raises(ArchitectureError):
            build_model(explorer.architecture)
        return
    keras_ledger = ledger_for_model(build_model(explorer.architecture))
    keras_rows = [row for row in keras_ledger.rows if row.kind != "InputLayer"]
    assert [(r.name, r.output_shape, r.params) for r in ledger.rows] == \
        [(r.name, r.output_shape, r.params) for r in keras_rows]
    assert ledger.total_params == keras_ledger.total_params


def test_the_seed_and_the_63_filter_question_through_the_controls(qtbot, explorer):
    assert explorer.ledger.total_params == 1_199_882
    assert_matches_keras(explorer)
    explorer.layer_list.setCurrentRow(1)  # conv2d_1, as a click on the list does
    spin = explorer._editors["filters"]
    spin.setValue(63)
    row = explorer.ledger.row("conv2d_1")
    assert row.params == 18_207
    assert "params = (F·F·Cin + 1)·Cout = (3·3·32 + 1)·63 = 18,207" in row.formulas
    assert "conv2d_1 18,496 → 18,207" in explorer.comparison.text()
    assert "18,207" in explorer.ledger_view.topLevelItem(1).text(2)
    assert_matches_keras(explorer)
    explorer.undo_stack.undo()
    assert explorer.ledger.row("conv2d_1").params == 18_496 and spin.value() == 64


def test_same_padding_and_one_more_pool_change_the_dense_layer(qtbot, explorer):
    for index in (0, 1):
        explorer.select_layer(index)
        box = explorer._editors["padding"]
        box.activated.emit(box.findText("same"))  # what choosing 'same' in the combo does
        assert_matches_keras(explorer)
    assert explorer.ledger.row("dense").params == (28 // 2 * 28 // 2 * 64 + 1) * 128  # 14·14·64 = 12,544 inputs
    explorer.select_layer(2)
    explorer.kind_box.setCurrentText("MaxPooling2D")
    qtbot.mouseClick(explorer.add_button, Qt.MouseButton.LeftButton)  # after max_pooling2d
    assert explorer.architecture.layers[3].name == "max_pooling2d_1"
    assert explorer.ledger.row("dense").params == (7 * 7 * 64 + 1) * 128
    assert "dense 1,179,776 → 401,536" in explorer.comparison.text()
    assert_matches_keras(explorer)
    explorer.set_layer_setting(6, "units", 64)  # the dense layer (index shifted by the new pool)
    assert explorer.ledger.row("dense").params == (7 * 7 * 64 + 1) * 64
    assert_matches_keras(explorer)
    explorer.remove_layer(3)
    assert [s.name for s in explorer.architecture.layers].count("max_pooling2d_1") == 0
    assert_matches_keras(explorer)


def test_stride_pool_and_dropout_edits(qtbot, explorer):
    explorer.set_layer_setting(0, "strides", (2, 2))
    assert explorer.ledger.row("conv2d").output_shape == (13, 13, 32)
    assert_matches_keras(explorer)
    explorer.set_layer_setting(2, "pool_size", (3, 3))
    assert_matches_keras(explorer)
    explorer.set_layer_setting(2, "strides", (1, 1))
    assert_matches_keras(explorer)
    explorer.set_layer_setting(3, "rate", 0.4)
    explorer.insert_layer(2, "BatchNormalization")
    explorer.insert_layer(0, "AveragePooling2D")
    assert_matches_keras(explorer)
    explorer.move_layer(0, 1)
    assert explorer.architecture.layers[1].kind == "AveragePooling2D"
    assert_matches_keras(explorer)


def test_an_impossible_edit_is_shown_where_it_breaks_and_undo_repairs_it(qtbot, explorer):
    explorer.select_layer(1)
    first, _ = explorer._editors["kernel_size"][0]
    first.setValue(30)  # the linked square kernel: 30×30 on a 26×26 input
    assert explorer.ledger.error == "conv2d_1: a filter of size 30 does not fit the 26-wide input"
    assert "Invalid" in explorer.status.text() and "conv2d_1" in explorer.status.text()
    assert explorer.layer_list.item(1).foreground().color() == Qt.GlobalColor.red
    assert explorer.ledger_view.topLevelItem(1).text(1) == "invalid"
    after = explorer.layer_list.item(2)  # not computed, not removed: said so, and greyed
    assert after.toolTip() == "not computed: a layer before is invalid"
    assert after.foreground().color() == explorer.palette().placeholderText().color()
    assert "removed" not in explorer.comparison.text() and "not computed" in explorer.comparison.text()
    assert_matches_keras(explorer)  # Keras refuses it too
    explorer.set_layer_setting(5, "units", 0)  # still usable: edits after the break are accepted
    explorer.select_layer(1)
    explorer._editors["kernel_size"][0][0].setValue(3)
    assert explorer.ledger.error is not None and "units must be at least 1" in explorer.ledger.error
    assert_matches_keras(explorer)
    qtbot.keyClick(explorer.layer_list, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # Ctrl+Z in the widget
    assert explorer.ledger.error is not None and explorer.ledger.error.startswith("conv2d_1")
    explorer.undo_stack.undo()  # units back to 128
    explorer.undo_stack.undo()  # kernel back to 3
    assert explorer.ledger.error is None and explorer.ledger.total_params == 1_199_882


def test_consecutive_spins_of_one_setting_are_one_undo_step(explorer):
    explorer.select_layer(5)
    for units in (129, 130, 131):
        explorer._editors["units"].setValue(units)
    assert explorer.undo_stack.count() == 1
    explorer.undo_stack.undo()
    assert explorer.ledger.row("dense").params == 1_179_776


def test_save_and_train_command(tmp_path, explorer):
    explorer.set_layer_setting(1, "filters", 63)
    path = explorer.save(tmp_path / "cnn63.json")
    data = json.loads(path.read_text())
    assert data["layers"][1]["config"]["filters"] == 63
    # the model's card (MODEL.json) must not replace the architecture file: cnn63.json → cnn63_model.keras
    command = f"guiapp train --arch {path} --out {tmp_path / 'cnn63_model.keras'}"
    assert command in explorer.status.text() and explorer.train_button.isEnabled()
    with pytest.raises(Exception, match="already exists"):
        explorer.save(path)
    explorer.set_layer_setting(7, "activation", "relu")
    assert "cannot be trained" in explorer.status.text() and "softmax" in explorer.status.text()
    assert not explorer.train_button.isEnabled()


def test_starting_again_from_another_seed(explorer):
    explorer.seed_box.activated.emit(explorer.seed_box.findText("same_padding_cnn"))
    assert explorer.architecture.name == "same_padding_cnn"
    assert explorer.ledger.total_params == 1_134_506
    assert_matches_keras(explorer)
    assert explorer.chart.shares[-3] == pytest.approx(100 * explorer.ledger.row("dense").share)
