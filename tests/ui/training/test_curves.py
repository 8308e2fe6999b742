"""The training curves keep every batch, smooth the loss without a start-up bias, and mark the history cursor."""

from __future__ import annotations

import numpy as np
import pytest

from guiapp.ui.training.curves import REFERENCE_ACCURACY, SMOOTHING, TrainingCurves


@pytest.fixture()
def curves(qtbot):
    widget = TrainingCurves()
    qtbot.addWidget(widget)
    widget.reset(batches_per_epoch=100, epochs=3)
    return widget


def test_batches_are_kept_at_their_epoch(curves):
    curves.add_batches([1, 2, 3], [2.3, 2.1, 1.9], [0.1, 0.2, 0.3])
    curves.add_batches([150, 200], [1.0, 0.5], [0.7, 0.8])
    x, loss = curves.loss_points()
    np.testing.assert_allclose(x, [0.01, 0.02, 0.03, 1.5, 2.0])
    np.testing.assert_allclose(loss, [2.3, 2.1, 1.9, 1.0, 0.5])


def test_arrays_grow_past_their_first_capacity(curves):
    steps = np.arange(1, 3001)
    for start in range(0, 3000, 250):
        curves.add_batches(steps[start:start + 250], steps[start:start + 250] * 0.001, np.full(250, 0.5))
    x, loss = curves.loss_points()
    np.testing.assert_allclose(x, steps / 100)
    np.testing.assert_allclose(loss, steps * 0.001)


def test_smoothing_a_constant_gives_the_constant_from_the_first_point(curves):
    curves.add_batches(range(1, 51), [0.7] * 50, [0.9] * 50)
    np.testing.assert_allclose(curves.smoothed_loss(), np.full(50, 0.7), rtol=1e-12)
    np.testing.assert_allclose(curves.smoothed_accuracy(), np.full(50, 90.0), rtol=1e-12)


def test_smoothing_is_a_debiased_moving_average(curves):
    curves.add_batches([1, 2], [1.0, 3.0], [0.5, 0.5])
    w = SMOOTHING
    second = ((1 - w) * w * 1.0 + w * 3.0) / (1 - (1 - w) ** 2)
    np.testing.assert_allclose(curves.smoothed_loss(), [1.0, second])


def test_a_nan_loss_stays_out_of_the_smoothed_line(curves):
    curves.add_batches([1, 2, 3, 4], [1.0, np.nan, np.inf, 1.0], [0.5, 0.5, 0.5, 0.5])
    curves.refresh()
    smoothed = curves.smoothed_loss()
    assert smoothed.shape == (2,) and np.all(np.isfinite(smoothed))
    np.testing.assert_allclose(smoothed, [1.0, 1.0])
    _, y = curves.smooth_loss_curve.getData()
    assert np.all(np.isfinite(y))
    assert np.isnan(curves.loss_points()[1][1])  # the raw line still has it, as a break


def test_validation_points_sit_at_their_epoch(curves):
    curves.add_epoch(100, 0.981, 0.06)
    curves.add_epoch(200, None, 0.05)
    curves.add_epoch(300, 0.987, None)
    x, accuracy = curves.validation_points()
    np.testing.assert_allclose(x, [1.0, 3.0])
    np.testing.assert_allclose(accuracy, [0.981, 0.987])
    curves.refresh()
    loss_x, loss = curves.validation_loss_curve.getData()
    np.testing.assert_allclose(loss_x, [1.0, 2.0])
    np.testing.assert_allclose(loss, [0.06, 0.05])
    assert curves.validation_label.toPlainText() == "98.70%"
    assert curves.validation_label.pos().x() == pytest.approx(3.0)


def test_refresh_hands_the_data_to_the_curves(curves):
    curves.add_batches([10, 20], [2.0, 1.0], [0.3, 0.6])
    x, y = curves.raw_loss_curve.getData()
    assert x is None or len(x) == 0  # not drawn yet: the timer or refresh() does it
    curves.refresh()
    x, y = curves.raw_loss_curve.getData()
    np.testing.assert_allclose(x, [0.1, 0.2])
    np.testing.assert_allclose(y, [2.0, 1.0])
    x, y = curves.smooth_accuracy_curve.getData()
    np.testing.assert_allclose(x, [0.1, 0.2])
    np.testing.assert_allclose(y, curves.smoothed_accuracy())


def test_the_timer_redraws_what_was_added(qtbot, curves):
    curves.add_batches([5], [1.5], [0.4])
    qtbot.waitUntil(lambda: curves.raw_loss_curve.getData()[0] is not None
                    and len(curves.raw_loss_curve.getData()[0]) == 1)
    np.testing.assert_allclose(curves.raw_loss_curve.getData()[1], [1.5])


def test_cursor_follows_the_step_and_hides(curves):
    curves.set_cursor(250)
    assert curves.cursor_x() == pytest.approx(2.5)
    assert all(c.isVisible() and c.value() == pytest.approx(2.5) for c in curves.cursors)
    curves.set_cursor(None)
    assert curves.cursor_x() is None
    assert not any(c.isVisible() for c in curves.cursors)


def test_reset_forgets_everything_and_spans_the_epochs(curves):
    curves.add_batches([1, 2], [1.0, 0.9], [0.5, 0.6])
    curves.add_epoch(2, 0.9, 0.3)
    curves.set_cursor(1)
    curves.reset(batches_per_epoch=469, epochs=5)
    assert curves.loss_points()[0].size == 0 and curves.smoothed_loss().size == 0
    assert curves.validation_points()[0].size == 0 and curves.cursor_x() is None
    low, high = curves.loss_plot.viewRange()[0]
    assert low <= 0 and 5 <= high < 5.5
    curves.add_batches([469], [0.5], [0.9])
    assert curves.loss_points()[0][0] == pytest.approx(1.0)


def test_accuracy_range_includes_the_reference(qtbot, curves):
    curves.add_batches(range(1, 101), np.linspace(2, 1, 100), np.linspace(0.1, 0.5, 100))
    curves.refresh()
    curves.resize(600, 400)
    curves.show()
    qtbot.waitExposed(curves)
    box = curves.accuracy_plot.getViewBox()
    qtbot.waitUntil(lambda: box.viewRange()[1][1] >= 100 * REFERENCE_ACCURACY)
    low, high = box.viewRange()[1]
    assert low <= 10 and high >= 100 * REFERENCE_ACCURACY
    assert curves.reference.label.toPlainText() == "Keras example, 12 epochs: 99.25%"  # not "seed": two meanings
