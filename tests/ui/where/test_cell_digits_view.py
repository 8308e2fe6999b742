"""cell_digits_view: one confusion cell's digits, most confident first; clicking one asks to draw it."""

from __future__ import annotations

import numpy as np
import pytest

from guiapp.ui.where.cell_digits_view import MAX_SHOWN, PROMPT, CellDigits, _article, _percent

NAMES = tuple(str(i) for i in range(10))


def _probabilities(n=5):
    p = np.full((n, 10), 0.001, np.float32)
    p[:, 9], p[:, 4] = 0.9, 0.09
    return p


@pytest.fixture()
def view(qtbot):
    widget = CellDigits()
    qtbot.addWidget(widget)
    return widget


def test_words_and_percentages():
    assert [_article(n) for n in ("4", "8", "11", "apple", "7")] == ["a 4", "an 8", "an 11", "an apple", "a 7"]
    assert (_percent(0.004), _percent(0.0), _percent(0.456)) == ("<1%", "0%", "46%")


def test_a_mistake_cell_lists_its_digits(view):
    images = np.zeros((5, 28, 28), np.uint8)
    view.show_cell(4, 9, np.array([3, 1]), images, _probabilities(), NAMES)
    assert view.header.text() == "True 4 read as 9: 2 digits"
    assert view.shown == (3, 1) and view.list.count() == 2
    item = view.list.item(0)
    assert item.text() == "#3\n9: 90% · 4: 9%"
    assert item.toolTip() == "Test digit 3: a 4, read as 9 (90%) · click to draw it"
    assert not item.icon().isNull()


def test_a_diagonal_cell_empty_and_many(view):
    view.show_cell(9, 9, np.array([0]), np.zeros((5, 28, 28), np.uint8), _probabilities(), NAMES)
    assert view.header.text() == "9s read as 9: 1 digit" and view.list.item(0).text() == "#0\n9: 90%"
    view.show_cell(2, 3, np.array([], np.int64), np.zeros((0, 28, 28), np.uint8), _probabilities(0), NAMES)
    assert view.header.text() == "No 2 was read as 3." and view.list.count() == 0
    many = MAX_SHOWN + 5
    view.show_cell(4, 9, np.arange(many), np.zeros((many, 28, 28), np.uint8), _probabilities(many), NAMES)
    assert view.header.text() == f"True 4 read as 9: the {MAX_SHOWN} most confident of {many:,} digits"
    assert len(view.shown) == MAX_SHOWN


def test_clicking_a_digit_emits_its_index_and_clear(view, qtbot):
    view.show_cell(4, 9, np.array([3, 1]), np.zeros((5, 28, 28, 3), np.uint8), _probabilities(), NAMES)
    with qtbot.waitSignal(view.digitClicked) as signal:
        view.list.itemClicked.emit(view.list.item(1))
    assert signal.args == [1]
    view.clear()
    assert view.header.text() == PROMPT and view.shown == () and view.list.count() == 0
