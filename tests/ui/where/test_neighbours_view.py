"""The nearest-digits strip: which index a click emits, what the vote says, when it repaints, its colours."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor

from guiapp.ui.plotting import HIGHLIGHT
from guiapp.ui.where.neighbours_view import FRAME, NeighboursView
from guiapp.ui.where.palette import label_colour

NAMES = tuple(str(i) for i in range(10))


@pytest.fixture(scope="module")
def digits(mnist_npz):
    data = np.load(mnist_npz)
    return data["x_test"], data["y_test"].astype(np.int64)


@pytest.fixture()
def view(qtbot, digits):
    widget = NeighboursView()
    qtbot.addWidget(widget)
    widget.set_digits(*digits)
    widget.set_class_names(NAMES)
    widget.resize(widget.sizeHint())
    widget.show()
    return widget


def _of(labels: np.ndarray, label: int, count: int) -> np.ndarray:
    return np.flatnonzero(labels == label)[:count]


def test_clicking_tile_3_emits_its_test_index(view, digits, qtbot):
    indices = np.array([12, 40, 7, 1234, 5, 99, 3000, 8])
    view.show_neighbours(indices, np.linspace(0.01, 0.1, 8), (4, 3), 4)
    assert view.shown == tuple(indices)
    with qtbot.waitSignal(view.neighbourClicked) as blocker:
        qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=view.tile_rect(3).center())
    assert blocker.args == [1234]
    assert digits[1][1234] == 8  # "an 8", not "a 8"
    assert view.tooltip_at(view.tile_rect(3).center()) == "Test digit 1234: an 8 · distance 0.049 · click to draw it"
    assert view.tooltip_at(view.tile_rect(0).center()).startswith("Test digit 12: a 9 · distance 0.010")
    emitted = []
    view.neighbourClicked.connect(emitted.append)
    gap = QPoint((view.tile_rect(3).right() + view.tile_rect(4).left()) // 2, view.tile_rect(3).center().y())
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=gap)
    qtbot.mouseClick(view, Qt.MouseButton.RightButton, pos=view.tile_rect(5).center())
    assert emitted == [] and view.tooltip_at(gap) == ""


def test_agreeing_vote(view, digits):
    view.show_neighbours(_of(digits[1], 7, 8), np.full(8, 0.03), (7, 8), 7)
    assert view.verdict == "Nearest test digits: 7 (8 of 8) — the network says 7 too"


def test_disagreeing_vote_uses_class_names(view, digits):
    view.set_digits(*digits)
    view.set_class_names(tuple(f"digit {i}" for i in range(10)))
    indices = np.concatenate([_of(digits[1], 4, 5), _of(digits[1], 9, 3)])
    view.show_neighbours(indices, np.linspace(0.05, 0.2, 8), (4, 5), 9)
    assert view.verdict == ("The network says digit 9, but its nearest test digits say digit 4 (5 of 8): "
                            "an interesting drawing")
    picture = view.grab().toImage()
    colours = {picture.pixelColor(x, y).name() for x in range(view.width())
               for y in range(view.tile_rect(0).top() - FRAME)}
    assert QColor(HIGHLIGHT).name() in colours  # the verdict is drawn in the highlight colour


def test_message_hides_the_tiles(view, digits):
    view.show_neighbours(_of(digits[1], 1, 8), np.full(8, 0.1), (1, 8), 1)
    assert len(view.shown) == 8
    view.show_message("Computing the test digits' features… 40%")
    assert view.shown == () and view.verdict == ""
    assert view.tooltip_at(QPoint(view.width() // 2, view.height() // 2)) == ""


def test_same_call_twice_does_not_repaint(view, digits, monkeypatch):
    updates = []
    monkeypatch.setattr(view, "update", lambda *args: updates.append(args))
    indices, distances = _of(digits[1], 2, 8), np.linspace(0.02, 0.09, 8)
    view.show_neighbours(indices, distances, (2, 8), 2)
    assert len(updates) == 1
    view.show_neighbours(indices.copy(), distances.copy(), (2, 8), 2)
    view.show_neighbours(indices, distances + 1e-5, (2, 8), 2)  # the same distances as shown ("0.020")
    assert len(updates) == 1
    view.show_neighbours(indices, distances + 0.01, (2, 8), 2)
    assert len(updates) == 2
    view.show_neighbours(indices, distances + 0.01, (2, 8), 3)
    assert len(updates) == 3 and "the network says" not in view.verdict


def test_tile_frame_has_the_label_colour(view, digits):
    labels = digits[1]
    indices = np.array([_of(labels, 3, 1)[0], _of(labels, 8, 1)[0]] + list(_of(labels, 5, 6)))
    view.show_neighbours(indices, np.full(8, 0.2), (5, 6), 5)
    picture = view.grab().toImage()
    for i, label in ((0, 3), (1, 8), (7, 5)):
        rect = view.tile_rect(i)
        frame = picture.pixelColor(rect.left() - 1, rect.center().y())
        assert frame.name() == QColor(label_colour(label)).name()
        corner = picture.pixelColor(rect.left() + 1, rect.top() + 1)  # MNIST's border is black background
        assert corner.name() == "#000000"


def test_tiles_shrink_with_the_width_but_not_below_28(view, digits):
    view.show_neighbours(_of(digits[1], 0, 8), np.full(8, 0.1), (0, 8), 0)
    assert view.tile_rect(0).width() == 56
    view.resize(400, view.height())
    assert 28 <= view.tile_rect(0).width() < 56
    assert view.tile_rect(7).right() < view.width()
    view.resize(120, view.height())
    assert view.tile_rect(0).width() == 28
