"""compute_bar: the status line, progress and Compute button every Compare view starts with."""

from __future__ import annotations

import pytest

from guiapp.ui.compare.compute_bar import ComputeBar


@pytest.fixture()
def bar(qtbot):
    widget = ComputeBar("Compute", (500, 50, 10_000))
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_the_digits_count_keeps_its_range_and_default(bar):
    assert bar.count == 500
    bar.digits.setValue(20)
    assert bar.count == 50
    bar.digits.setValue(99_999)
    assert bar.count == 10_000
    assert ComputeBar("Run").count == 0 and ComputeBar("Run").digits is None


def test_progress_holds_the_button_until_the_last_step_and_a_message_ends_it(qtbot, bar):
    bar.show_progress(3, 10)
    assert bar.progress.isVisible() and bar.progress.value() == 3 and bar.progress.maximum() == 10
    assert not bar.button.isEnabled()
    bar.show_progress(10, 10)
    assert bar.button.isEnabled()
    bar.show_progress(2, 10)
    bar.show_message("the two models read different input sizes")
    assert not bar.progress.isVisible() and bar.button.isEnabled()
    assert bar.status.text() == "the two models read different input sizes"
    with qtbot.waitSignal(bar.clicked):
        bar.button.click()
