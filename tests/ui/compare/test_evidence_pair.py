"""evidence_pair: Spearman's ρ between two evidence maps (None when their grids differ, NaN when one is flat),
both maps shown for the class asked, and what is missing said in each panel."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from guiapp.core.explain.explanation import GRADIENT, GRADIENT_INPUT, INTEGRATED
from guiapp.ui.compare.evidence_pair import ANSWER, EvidencePair, rank_correlation

NAMES = tuple(str(k) for k in range(10))


def test_rank_correlation_of_identical_maps_is_one_and_of_reversed_ranks_minus_one():
    rng = np.random.default_rng(1)
    a = rng.random((28, 28))
    assert rank_correlation(a, a.copy()) == pytest.approx(1.0)
    assert rank_correlation(a, a ** 3 + 5) == pytest.approx(1.0)  # ranks, not values
    assert rank_correlation(a, -a) == pytest.approx(-1.0)


def test_rank_correlation_is_none_for_other_grids_and_nan_for_a_flat_map():
    a = np.random.default_rng(2).random((28, 28))
    assert rank_correlation(a, np.zeros((32, 32))) is None
    assert np.isnan(rank_correlation(a, np.zeros((28, 28))))
    assert np.isnan(rank_correlation(np.ones((28, 28)), a))


def update(values: dict[str, np.ndarray] | None, target: int = 7, unavailable: dict | None = None):
    shape = next(iter(values.values())).shape if values else (28, 28)
    image = np.zeros(shape, np.float32)
    if values is None:
        return SimpleNamespace(result=SimpleNamespace(image=image), explanation=None)
    attributions = {method: SimpleNamespace(values=v, limit=float(np.abs(v).max())) for method, v in values.items()}
    return SimpleNamespace(result=SimpleNamespace(image=image),
                           explanation=SimpleNamespace(attributions=attributions, unavailable=unavailable or {},
                                                       target=target))


@pytest.fixture()
def pair(qtbot):
    widget = EvidencePair()
    qtbot.addWidget(widget)
    widget.set_class_names(NAMES)
    widget.resize(900, 500)
    widget.show()
    return widget


def test_both_maps_are_shown_with_their_correlation(pair):
    rng = np.random.default_rng(3)
    a = rng.random((28, 28)).astype(np.float32)
    assert pair.chosen_method == GRADIENT_INPUT and pair.chosen_class == ANSWER
    pair.show_updates(update({GRADIENT_INPUT: a}), update({GRADIENT_INPUT: a}))
    assert pair.correlation == pytest.approx(1.0)
    assert pair.line.text() == "the two maps rank the pixels alike: Spearman ρ = +1.00"
    np.testing.assert_array_equal(pair.panels[0].values, a)
    pair.show_updates(update({GRADIENT_INPUT: a}), update({GRADIENT_INPUT: np.zeros((28, 28), np.float32)}))
    assert np.isnan(pair.correlation) and pair.line.text() == "a map is flat: no ranking to compare"
    pair.show_updates(update({GRADIENT_INPUT: a}), update({GRADIENT_INPUT: np.ones((32, 32), np.float32)}))
    assert pair.correlation is None and "differ in size" in pair.line.text()


def test_what_is_missing_is_said_in_its_panel(pair):
    a = np.random.default_rng(4).random((28, 28)).astype(np.float32)
    pair.show_updates(update({GRADIENT_INPUT: a}), None)
    assert pair.panels[1].values is None and pair.correlation is None and pair.line.text() == ""
    assert pair.panels[1].note.text() == "waiting for this model"
    pair.show_updates(update({GRADIENT_INPUT: a}), update(None))
    assert pair.panels[1].note.text() == "computing…"
    pair.method.setCurrentIndex(pair.method.findData(INTEGRATED))  # shown again with the other method
    assert "comes once the pen rests" in pair.panels[0].note.text() and pair.panels[0].values is None
    pair.show_updates(update({}, unavailable={INTEGRATED: "this model has no gradient"}), None)
    assert pair.panels[0].note.text() == "this model has no gradient"


def test_the_class_chosen_is_emitted_and_kept_when_names_change(qtbot, pair):
    with qtbot.waitSignal(pair.classChosen) as caught:
        pair.target.setCurrentIndex(pair.target.findData(3))
        pair.target.activated.emit(pair.target.currentIndex())
    assert caught.args == [3] and pair.chosen_class == 3
    pair.set_class_names(tuple("abcdefghij"))
    assert pair.chosen_class == 3 and pair.target.currentText() == "d"
    pair.set_class_names(("x", "y"))  # no class 3 any more: A's answer
    assert pair.chosen_class == ANSWER
    pair.method.setCurrentIndex(pair.method.findData(GRADIENT))
    assert pair.chosen_method == GRADIENT
