"""The confusion matrix view and the list of one cell's digits, with real MNIST digits."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor

import guiapp.ui.plotting  # noqa: F401  (pyqtgraph's settings first, as in the app)
from guiapp.ui.where.cell_digits_view import MAX_SHOWN, CellDigits
from guiapp.ui.where.confusion_view import BACKGROUND_RGB, ConfusionView

NAMES = tuple(str(k) for k in range(10))
BACKGROUND = QColor("#1e1e1e").rgb()


@pytest.fixture(scope="module")
def test_digits(mnist_npz):
    data = np.load(mnist_npz)
    return data["x_test"], data["y_test"].astype(np.int64)


def perturbed(labels: np.ndarray, wrong: int, seed: int = 0) -> np.ndarray:
    """The labels with exactly ``wrong`` of them moved to another class."""
    rng = np.random.default_rng(seed)
    answers = labels.copy()
    picked = rng.choice(len(labels), wrong, replace=False)
    answers[picked] = (labels[picked] + rng.integers(1, 10, wrong)) % 10
    return answers


def confusion(labels: np.ndarray, answers: np.ndarray) -> np.ndarray:
    matrix = np.zeros((10, 10), np.int64)
    np.add.at(matrix, (labels, answers), 1)
    return matrix


def fours_as_nines() -> np.ndarray:
    """982 true 4s: 12 read as 9, 1 as 6, the rest right; every other class all right."""
    matrix = np.diag(np.full(10, 1000))
    matrix[4] = 0
    matrix[4, 4], matrix[4, 9], matrix[4, 6] = 969, 12, 1
    return matrix


@pytest.fixture()
def view(qtbot):
    widget = ConfusionView()
    qtbot.addWidget(widget)
    widget.resize(480, 500)
    widget.show()
    widget.set_matrix(fours_as_nines(), NAMES)
    return widget


def test_a_click_at_a_cells_centre_emits_and_selects_that_cell(qtbot, view):
    centre = view.cell_rect(4, 9).center().toPoint()
    with qtbot.waitSignal(view.cellClicked) as caught:
        qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=centre)
    assert caught.args == [4, 9]
    assert view.selected == (4, 9)
    assert view.cell_at(view.cell_rect(0, 3).center()) == (0, 3)


def test_cells_are_square_inside_the_widget_and_scale_with_it(view):
    small = view.cell_rect(9, 9)
    assert small.width() == small.height() >= 25
    view.resize(800, 800)
    large = view.cell_rect(9, 9)
    assert large.width() > small.width()
    assert view.rect().contains(large.bottomRight().toPoint())


def test_select_cell_outlines_without_a_signal_and_clear_forgets_it(qtbot, view):
    with qtbot.assertNotEmitted(view.cellClicked):
        view.select_cell(2, 7)
    assert view.selected == (2, 7)
    picture = view.grab().toImage()
    rect = view.cell_rect(2, 7)
    edge = picture.pixelColor(int(rect.left()) - 2, int(rect.center().y()))
    assert (edge.red(), edge.green(), edge.blue()) == (255, 176, 0)  # the highlight, just outside the cell
    view.clear()
    assert view.selected is None and view.classes == 0 and view.caption == ""


def test_tooltip_gives_the_count_and_the_share_of_the_true_class(view):
    assert view.cell_tooltip(4, 9) == "true 4 read as 9: 12 digits (1.2% of the 982 4s)"
    assert view.cell_tooltip(4, 6) == "true 4 read as 6: 1 digit (0.1% of the 982 4s)"
    assert view.cell_tooltip(4, 4) == "true 4 read as 4: 969 digits (98.7% of the 982 4s)"


def test_counts_are_written_only_in_non_empty_cells_and_colours_tell_mistakes_from_right(view):
    picture = view.grab().toImage()

    def colours(true: int, answered: int) -> set[int]:
        rect = view.cell_rect(true, answered).adjusted(3, 3, -3, -3)
        return {picture.pixel(x, y) for x in range(int(rect.left()), int(rect.right()))
                for y in range(int(rect.top()), int(rect.bottom()))}

    assert colours(3, 8) == {BACKGROUND}  # empty: plain background, no "0"
    single = colours(4, 6)
    assert BACKGROUND not in single and len(single) > 2  # one mistake: a visible fill with its "1" on it
    assert len(colours(4, 9)) > 2
    fill = QColor(picture.pixel(view.cell_rect(4, 4).toRect().topLeft() + QPoint(3, 3)))
    assert fill.blue() > fill.red() and fill.blue() > fill.green()  # the right answers are blue


def test_caption_gives_the_accuracy_of_a_real_looking_matrix(view, test_digits):
    _, labels = test_digits
    view.set_matrix(confusion(labels, perturbed(labels, 79)), NAMES)
    assert view.caption == "9,921 of 10,000 right (99.21%) · click a cell to see its digits"


def test_the_same_matrix_again_changes_nothing_and_a_new_size_drops_the_selection(view):
    view.select_cell(4, 9)
    image = view._image
    view.set_matrix(fours_as_nines().copy(), NAMES)
    assert view._image is image and view.selected == (4, 9)
    view.set_matrix(np.eye(30, dtype=np.int64) * 7, tuple(f"c{k}" for k in range(30)))
    assert view.selected is None and view.classes == 30
    rect = view.cell_rect(29, 29)
    assert rect.width() == rect.height() and view.rect().contains(rect.center().toPoint())
    with pytest.raises(ValueError):
        view.set_matrix(np.zeros((3, 4), np.int64), ("a", "b", "c"))


@pytest.fixture()
def digits(qtbot):
    widget = CellDigits()
    qtbot.addWidget(widget)
    widget.resize(540, 320)
    widget.show()
    return widget


def probabilities_for(labels: np.ndarray, answers: np.ndarray) -> np.ndarray:
    """87% on the answer, 11% on the true class when they differ, the rest spread."""
    p = np.full((len(labels), 10), 0.02 / 8)
    rows = np.arange(len(labels))
    p[rows, labels] = 0.11
    p[rows, answers] = np.where(answers == labels, 0.98, 0.87)
    return p


def test_cell_digits_lists_the_cells_indices_in_order_with_their_confidence(digits, test_digits):
    images, labels = test_digits
    answers = labels.copy()
    cell = np.nonzero(labels == 4)[0][[5, 1, 30]]
    answers[cell] = 9
    digits.show_cell(4, 9, cell, images, probabilities_for(labels, answers), NAMES)
    assert digits.shown == tuple(int(i) for i in cell)
    assert digits.header.text() == "True 4 read as 9: 3 digits"
    first = digits.list.item(0)
    assert first.text() == f"#{cell[0]}\n9: 87% · 4: 11%"
    assert first.toolTip() == f"Test digit {cell[0]}: a 4, read as 9 (87%) · click to draw it"
    assert first.icon().availableSizes()[0].width() == 56


def test_cell_digits_caps_the_list_and_says_so(digits, test_digits):
    images, labels = test_digits
    fours = np.nonzero(labels == 4)[0]
    digits.show_cell(4, 4, fours, images, probabilities_for(labels, labels), NAMES)
    assert digits.list.count() == MAX_SHOWN == len(digits.shown)
    assert digits.shown == tuple(int(i) for i in fours[:MAX_SHOWN])
    assert digits.header.text() == f"4s read as 4: the {MAX_SHOWN} most confident of {len(fours)} digits"
    assert digits.list.item(0).text() == f"#{fours[0]}\n4: 98%"  # on the diagonal, one probability


def test_clicking_a_thumbnail_emits_its_test_digit_index(qtbot, digits, test_digits):
    images, labels = test_digits
    sevens = np.nonzero(labels == 7)[0][:10]
    digits.show_cell(7, 7, sevens, images, probabilities_for(labels, labels), NAMES)
    item = digits.list.item(3)
    with qtbot.waitSignal(digits.digitClicked) as caught:
        qtbot.mouseClick(digits.list.viewport(), Qt.MouseButton.LeftButton,
                         pos=digits.list.visualItemRect(item).center())
    assert caught.args == [int(sevens[3])]


def test_an_empty_cell_says_no_digit_was_read_that_way(digits, test_digits):
    images, labels = test_digits
    digits.show_cell(8, 1, np.zeros(0, np.int64), images, probabilities_for(labels, labels), NAMES)
    assert digits.header.text() == "No 8 was read as 1."
    assert digits.list.count() == 0 and digits.shown == ()
    digits.clear()
    assert digits.list.count() == 0 and "Click a cell" in digits.header.text()


def _lightness(rgb: np.ndarray) -> np.ndarray:
    """CIELAB L* of sRGB colours (…, 3) uint8: how strong a fill reads on the dark background."""
    c = np.asarray(rgb, float) / 255
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    y = linear @ np.array([0.2126, 0.7152, 0.0722])
    return np.where(y > (6 / 29) ** 3, 116 * np.cbrt(y) - 16, 903.3 * y)


def test_mistake_colours_grow_stronger_with_the_count_and_the_diagonal_stands_apart():
    """One mistake is the weakest red, the most-confused cell the strongest (it used to be the palest)."""
    matrix = np.diag(np.full(10, 900))
    counts = (1, 2, 3, 5, 8, 13, 21, 34, 55)
    for k, count in enumerate(counts):
        matrix[k, k + 1] = count
    rgb = ConfusionView._colours(matrix)
    mistakes = np.array([rgb[k, k + 1] for k in range(len(counts))])
    lightness = _lightness(mistakes)
    assert np.all(np.diff(lightness) > 0)  # strictly stronger with every larger count
    assert np.all(np.diff(mistakes[:, 0].astype(int)) > 0)  # and redder
    assert lightness[0] > _lightness(np.array(BACKGROUND_RGB)) + 5  # a single mistake still shows
    assert np.all(mistakes[:, 0] > mistakes[:, 2])  # mistakes are warm …
    diagonal = rgb[np.arange(10), np.arange(10)]
    assert np.all(diagonal[:, 2] > diagonal[:, 0])  # … the right answers cool: a hue apart, not a shade
    # 1 versus 8, as the issue saw them: the 8 is now the stronger.
    one_eight = ConfusionView._colours(np.array([[50, 1, 8], [0, 50, 0], [0, 0, 50]]))
    assert _lightness(one_eight[0, 2]) > _lightness(one_eight[0, 1])
