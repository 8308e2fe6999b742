"""test_set_view: agreement, per-class accuracy bars and the clickable digits on which two models disagree."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from guiapp.core.compare.test_set import TestComparison
from guiapp.ui.compare.test_set_view import (
    MAX_SHOWN,
    TestSetView,
    demo,
    headline,
    percent,
    sample_comparison,
)

NAMES = tuple(str(k) for k in range(10))


def comparison(labels, a, b) -> TestComparison:
    labels, a, b = (np.asarray(v, np.int64) for v in (labels, a, b))

    def per_class(p):
        return np.array([np.mean(p[labels == k] == k) if np.any(labels == k) else np.nan for k in range(10)])

    return TestComparison(labels=labels, predicted_a=a, predicted_b=b, agreement=float(np.mean(a == b)),
                          accuracy_a=per_class(a), accuracy_b=per_class(b), overall_a=float(np.mean(a == labels)),
                          overall_b=float(np.mean(b == labels)))


@pytest.fixture()
def view(qtbot):
    widget = TestSetView()
    qtbot.addWidget(widget)
    widget.resize(900, 420)
    widget.show()
    return widget


def test_the_headline_gives_agreement_and_both_accuracies():
    labels = np.arange(1000) % 10
    a, b = labels.copy(), labels.copy()
    a[:9] = (a[:9] + 1) % 10  # A wrong on 9
    b[5:16] = (b[5:16] + 2) % 10  # B wrong on 11, 4 of them where A was wrong too
    c = comparison(labels, a, b)
    assert headline(c) == "A and B agree on 98.4% of 1,000 test digits · A 99.1% right, B 98.9%"
    assert percent(float("nan")) == "–"


def test_each_disagreement_is_a_captioned_thumbnail_and_a_click_emits_its_index(qtbot, view):
    labels = np.array([7, 7, 3, 4, 9, 1])
    a = np.array([7, 7, 3, 4, 4, 1])
    b = np.array([1, 7, 5, 4, 4, 7])
    view.show_comparison(comparison(labels, a, b), np.zeros((6, 28, 28), np.uint8), NAMES, "mnist_cnn", "same_padding")
    assert view.shown == (0, 2, 5)
    assert [view.list.item(k).text() for k in range(3)] == ["7: A 7, B 1", "3: A 3, B 5", "1: A 1, B 7"]
    assert view.header.text() == "3 digits on which they disagree · click one to draw it"
    assert view.bar.status.text() == "A = mnist_cnn · B = same_padding"
    item = view.list.item(1)
    with qtbot.waitSignal(view.digitChosen) as caught:
        qtbot.mouseClick(view.list.viewport(), Qt.MouseButton.LeftButton, pos=view.list.visualItemRect(item).center())
    assert caught.args == [2]


def test_bars_give_each_models_accuracy_per_class_and_an_empty_class_draws_none(view):
    labels = np.array([0, 0, 0, 0, 1, 1])
    a = np.array([0, 0, 0, 1, 1, 1])  # class 0: 75%, class 1: 100%
    b = np.array([0, 0, 1, 1, 1, 0])  # class 0: 50%, class 1: 50%
    view.show_comparison(comparison(labels, a, b), np.zeros((6, 28, 28), np.uint8), NAMES, "A", "B")
    heights_a, heights_b = view.bars_a.opts["height"], view.bars_b.opts["height"]
    np.testing.assert_allclose(heights_a[:2], [75, 100])
    np.testing.assert_allclose(heights_b[:2], [50, 50])
    assert np.all(heights_a[2:] == 0) and len(heights_a) == 10  # no 2s…9s: no bar, not NaN
    assert np.all(view.bars_a.opts["x"] < view.bars_b.opts["x"])  # A left of B in every pair
    low, high = view.chart.viewRange()[1]
    assert low <= 50 and high >= 100
    assert [view.legend.items[k][1].text for k in range(2)] == ["A: A", "B: B"]


def test_many_disagreements_are_capped_and_counted_and_none_is_said(view):
    c = sample_comparison(n=2_000, wrong_a=60, wrong_b=60)
    total = len(c.disagreements)
    assert total > MAX_SHOWN
    view.show_comparison(c, np.zeros((2_000, 28, 28, 3), np.uint8), NAMES, "A", "B")  # colour digits too
    assert view.list.count() == MAX_SHOWN and view.shown == tuple(int(i) for i in c.disagreements[:MAX_SHOWN])
    assert view.header.text() == (f"{total:,} digits on which they disagree: the first {MAX_SHOWN} "
                                  f"({total - MAX_SHOWN:,} more not shown) · click one to draw it")
    same = np.arange(20) % 10
    view.show_comparison(comparison(same, same, same), np.zeros((20, 28, 28), np.uint8), NAMES, "A", "B")
    assert view.list.count() == 0 and view.shown == ()
    assert view.header.text() == "They agree on every one of the 20 digits."
    assert view.headline.text() == "A and B agree on 100.0% of 20 test digits · A 100.0% right, B 100.0%"


def test_compute_progress_message_and_clear(qtbot, view):
    assert view.bar.count == 1_000
    with qtbot.waitSignal(view.computeRequested) as caught:
        view.bar.button.click()
    assert caught.args == [1_000]
    view.show_progress(1, 4)
    assert view.bar.progress.isVisible()
    view.show_message("A has 10 classes, B 3: the answers cannot be compared")
    assert view.bar.status.text().startswith("A has 10 classes") and not view.bar.progress.isVisible()
    view.show_comparison(sample_comparison(), np.zeros((1000, 28, 28), np.uint8), NAMES, "A", "B")
    view.clear("Choose two models")
    assert view.headline.text() == "Choose two models" and view.list.count() == 0
    assert len(view.bars_a.opts["height"]) == 0


def test_the_demo_fills_every_part(qtbot):
    widget = demo()
    qtbot.addWidget(widget)
    assert widget.list.count() == len(widget.shown) > 0 and widget.headline.text().startswith("A and B agree")
