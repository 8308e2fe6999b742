"""The playground's picture arithmetic: padding cells, window positions, rows no window covers."""

from __future__ import annotations

import numpy as np
import pytest

from guiapp.core.conv_grid import EXAMPLES, conv_grid, parse_padding


def test_seed_examples():
    shapes = {e.label: conv_grid(e.height, e.width, e.filter_height, e.filter_width, e.padding, e.stride).output_shape
              for e in EXAMPLES}
    assert shapes["Seed: 4×4, F 3, P 1, S 1"] == (4, 4)
    assert shapes["Seed: 7×7, F 3, P 0, S 2"] == (3, 3)
    assert shapes["Seed: 28×31, F 5, P 2, S 3"] == (10, 11)
    assert shapes["MNIST conv 1: 28×28, F 3, valid"] == (26, 26)
    assert shapes["MNIST max-pool: 24×24, F 2, S 2"] == (12, 12)


def test_padding_cells_and_windows():
    grid = conv_grid(4, 4, 3, 3, 1, 1)
    kinds = grid.cell_kinds()
    assert kinds.shape == (6, 6)
    assert (kinds[0] == 0).all() and (kinds[:, -1] == 0).all() and (kinds[1:5, 1:5] == 1).all()
    assert grid.window(0, 0) == (0, 0, 3, 3)
    assert grid.window(3, 3) == (3, 3, 6, 6)
    assert grid.position(grid.positions - 1) == (3, 3)
    with pytest.raises(IndexError):
        grid.window(4, 0)


def test_flooring_names_the_rows_never_covered():
    grid = conv_grid(28, 28, 5, 5, 0, 2)
    assert grid.output_shape == (12, 12)
    assert grid.unvisited_rows() == [27] and grid.unvisited_cols() == [27]
    assert (grid.cell_kinds()[27] == 2).all()
    assert "input row 27 never covered" in " ".join(grid.explanation())
    # rows: (10 − 4)/3 exact; columns: a 2-wide filter stepping by 3 skips columns 2 and 5, and 6 is floored away
    uneven = conv_grid(10, 7, 4, 2, 0, 3)
    assert uneven.unvisited_rows() == [] and uneven.unvisited_cols() == [2, 5, 6]
    assert "input columns 2, 5–6 never covered by any filter position (the stride is larger than the filter)" \
        in uneven.explanation()


def test_same_padding_may_be_uneven():
    grid = conv_grid(7, 7, 3, 3, "same", 2)
    assert grid.output_shape == (4, 4)
    assert (grid.rows.pad_before, grid.rows.pad_after) == (1, 1)
    even = conv_grid(6, 6, 3, 3, "same", 2)
    assert (even.rows.pad_before, even.rows.pad_after) == (0, 1)
    assert any("P = 0.5" in line for line in even.explanation())


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
                                          rng.integers(1, 4), rng.integers(0, 3)))
        grid = conv_grid(h, w, f, f, p, s)
        covered = np.zeros(grid.padded_shape, bool)
        for i in range(grid.positions):
            top, left, bottom, right = grid.window(*grid.position(i))
            covered[top:bottom, left:right] = True
        kinds = grid.cell_kinds()
        assert ((kinds == 2) == ((kinds != 0) & ~covered)).all()
