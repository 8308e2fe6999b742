"""unsure: the threshold under which the window says "unsure", and the runner-up it names."""

from __future__ import annotations

import numpy as np

from guiapp.core.live.unsure import UNSURE_BELOW, unsure, unsure_pair


def _digits(**shares):
    p = np.zeros(10)
    for digit, share in shares.items():
        p[int(digit[1:])] = share
    return p


def test_the_threshold_is_the_measured_one():
    assert UNSURE_BELOW == 0.7


def test_a_split_answer_is_unsure_and_names_the_runner_up():
    p = _digits(d4=0.55, d9=0.40, d1=0.05)
    assert unsure(p)
    assert unsure_pair(p) == (4, 9)


def test_a_clear_answer_is_sure():
    p = _digits(d7=0.99, d1=0.01)
    assert not unsure(p) and unsure_pair(p) is None


def test_the_threshold_is_strict_and_can_be_given():
    p = _digits(d3=0.7, d8=0.3)
    assert not unsure(p)
    assert unsure(p, below=0.71) and unsure_pair(p, below=0.71) == (3, 8)
    assert unsure(_digits(d3=0.69, d8=0.31))


def test_ties_go_to_the_lower_class_as_argmax_does():
    p = np.array([0.1, 0.45, 0.45])
    assert unsure_pair(p) == (int(p.argmax()), 2) == (1, 2)


def test_nothing_to_say_about_nan_or_a_single_class():
    assert not unsure(np.full(10, np.nan)) and unsure_pair(np.full(10, np.nan)) is None
    assert not unsure(np.array([0.3]))
    assert not unsure(np.zeros(0))


def test_a_batch_shaped_row_is_read_as_one_answer():
    assert unsure_pair(np.array([[0.2, 0.5, 0.3]])) == (1, 2)
