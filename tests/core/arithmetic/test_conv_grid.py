"""The playground's picture arithmetic: padding cells, window positions, rows no window covers."""

from __future__ import annotations

import numpy as np
import pytest

from guiapp.core.arithmetic.conv_grid import (
    EXAMPLES,
    INPUT,
    PADDING,
    UNVISITED,
    conv_grid,
    misfit,
    parse_padding,
)


def _grid(label: str):
    e = next(e for e in EXAMPLES if e.label == label)
    return conv_grid(e.height, e.width, e.filter_height, e.filter_width, e.padding, e.stride)


def test_the_examples_give_the_seed_and_mnist_shapes():
    assert _grid("Seed: 4×4, F 3, P 1, S 1").output_shape == (4, 4)
    assert _grid("Seed: 7×7, F 3, P 0, S 2").output_shape == (3, 3)
    assert _grid("Seed: 28×31, F 5, P 2, S 3").output_shape == (10, 11)
    assert _grid("MNIST conv 1: 28×28, F 3, valid").output_shape == (26, 26)
    assert _grid("MNIST max-pool: 24×24, F 2, S 2").output_shape == (12, 12)
    assert _grid("Floored pool: 25×25, F 2, S 2").unvisited_rows() == [24]
    assert _grid("Stride > filter: 11×11, F 2, S 3").unvisited_cols() == [2, 5, 8]


def test_padding_cells_and_windows():
    grid = conv_grid(4, 4, 3, 3, 1, 1)
    kinds = grid.cell_kinds()
    assert kinds.shape == (6, 6)
    assert (kinds[0] == PADDING).all() and (kinds[:, -1] == PADDING).all() and (kinds[1:5, 1:5] == INPUT).all()
    assert grid.window(0, 0) == (0, 0, 3, 3)
    assert grid.window(3, 3) == (3, 3, 6, 6)
    assert grid.position(grid.positions - 1) == (3, 3)
    with pytest.raises(IndexError):
        grid.window(4, 0)


def test_the_input_under_the_window_excludes_padding():
    grid = conv_grid(4, 4, 3, 3, 1, 1)
    assert grid.input_window(0, 0) == (range(2), range(2))  # padded rows 0–2 = padding + input rows 0–1
    assert grid.input_window(3, 1) == (range(2, 4), range(3))
    same = conv_grid(6, 6, 3, 3, "same", 2)
    assert same.window(2, 2) == (4, 4, 7, 7) and same.input_window(2, 2) == (range(4, 6), range(4, 6))
    only_padding = conv_grid(2, 2, 1, 1, 2, 1)  # a 1×1 filter on the padding ring sees no input at all
    assert len(only_padding.input_window(0, 0)[0]) == 0


def test_flooring_names_the_rows_never_covered():
    grid = conv_grid(28, 28, 5, 5, 0, 2)
    assert grid.output_shape == (12, 12)
    assert grid.unvisited_rows() == [27] and grid.unvisited_cols() == [27]
    assert (grid.cell_kinds()[27] == UNVISITED).all() and (grid.cell_kinds()[:27, :27] == INPUT).all()
    assert grid.explanation() == [
        "OH = OW = ⌊(H + 2P − F)/S⌋ + 1 = ⌊(28 + 0 − 5)/2⌋ + 1 = ⌊11.5⌋ + 1 = 12",
        ("23 is not divisible by 2: Keras floors 23/2 to 11, so input row and column 27 are never covered"
         " by any filter position"),
    ]
    two_rows = conv_grid(28, 28, 3, 3, 0, 4)  # windows at 0, 4, …, 24 end at row 26: row 27 is floored away,
    assert two_rows.unvisited_rows() == [3, 7, 11, 15, 19, 23, 27]  # and the long stride skips every 4th row


def test_tail_and_gaps_are_told_apart_per_axis():
    # rows: (10 − 4)/3 exact; columns: a 2-wide filter stepping by 3 skips column 2, and 5–6 are floored away
    grid = conv_grid(10, 7, 4, 2, 0, 3)
    assert grid.unvisited_rows() == [] and grid.unvisited_cols() == [2, 5, 6]
    text = grid.explanation()
    assert "OW: 5 is not divisible by 3: Keras floors 5/3 to 1, so input columns 5–6 are never covered" \
        " by any filter position" in text
    assert "OW: the stride 3 is longer than the filter 2: the window jumps over input column 2, never covering it" \
        in text
    assert not any(line.startswith("OH:") for line in text)


def test_flooring_that_drops_only_padding_says_so():
    grid = conv_grid(5, 5, 2, 2, 1, 2)  # padded 7, windows at 0, 2, 4 cover 0–5: only the last padding row is left
    assert grid.unvisited_rows() == []
    assert grid.explanation()[-1].endswith("only padding is left out, every input row and column is still covered")


def test_same_padding_may_be_uneven():
    grid = conv_grid(7, 7, 3, 3, "same", 2)
    assert grid.output_shape == (4, 4)
    assert (grid.rows.pad_before, grid.rows.pad_after) == (1, 1)
    assert not any("TensorFlow" in line for line in grid.explanation())
    even = conv_grid(6, 6, 3, 3, "same", 2)
    assert (even.rows.pad_before, even.rows.pad_after) == (0, 1)
    assert (even.cell_kinds()[6] == PADDING).all() and (even.cell_kinds()[0, :6] == INPUT).all() and even.cell_kinds()[0, 6] == PADDING
    text = even.explanation()
    assert any("P = 0.5 (0 top/left, 1 bottom/right)" in line for line in text)
    assert "TensorFlow puts the odd padding row at the bottom and the odd column on the right" in text


def test_a_misfit_is_what_does_not_fit():
    m = misfit(5, 5, 7, 7, "valid")
    assert m is not None and m.padded_shape == (5, 5) and (m.cell_kinds() == INPUT).all()
    m = misfit(3, 8, 6, 2, 1)
    assert m is not None and m.padded_shape == (5, 10) and m.cell_kinds()[0, 0] == PADDING
    assert misfit(5, 5, 7, 7, 1) is None  # padded to 7: fits exactly
    assert misfit(5, 5, 7, 7, "same") is None
    with pytest.raises(ValueError, match="does not fit"):
        conv_grid(3, 8, 6, 2, 1, 1)


@pytest.mark.parametrize("text, expected", [("same", "same"), (" VALID ", "valid"), ("2", 2), ("0", 0)])
def test_parse_padding(text, expected):
    assert parse_padding(text) == expected


@pytest.mark.parametrize("text", ["-1", "two", "", "1.5"])
def test_parse_padding_rejects_with_a_reason(text):
    with pytest.raises(ValueError, match="padding"):
        parse_padding(text)


def test_every_covered_cell_is_inside_some_window():
    rng = np.random.default_rng(3)
    for _ in range(50):
        h, w, f, s, p = (int(v) for v in (rng.integers(3, 20), rng.integers(3, 20), rng.integers(1, 4),
                                          rng.integers(1, 5), rng.integers(0, 3)))
        grid = conv_grid(h, w, f, f, p, s)
        covered = np.zeros(grid.padded_shape, bool)
        for i in range(grid.positions):
            top, left, bottom, right = grid.window(*grid.position(i))
            covered[top:bottom, left:right] = True
        kinds = grid.cell_kinds()
        assert ((kinds == UNVISITED) == ((kinds != PADDING) & ~covered)).all()
        inside = kinds[grid.rows.pad_before:grid.rows.pad_before + h, grid.cols.pad_before:grid.cols.pad_before + w]
        lost_rows = set(np.flatnonzero((inside == UNVISITED).all(axis=1)).tolist())
        assert lost_rows == (set(grid.unvisited_rows()) if len(grid.unvisited_cols()) < w else set(range(h)))
