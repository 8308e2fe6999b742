"""layout.share_columns: a narrower window takes from the tabs first, then the canvas column, the maps last;
a wider one gives the maps half; a hidden column's width goes to the maps."""

from __future__ import annotations

from guiapp.ui.layout import COLUMN_WIDTHS, MIN_COLUMN_WIDTHS, share_columns


def test_the_designed_widths_fit_exactly():
    assert share_columns(COLUMN_WIDTHS, sum(COLUMN_WIDTHS), MIN_COLUMN_WIDTHS) == list(COLUMN_WIDTHS)


def test_a_narrower_window_takes_from_the_tabs_then_the_canvas_column():
    assert share_columns((330, 640, 560), 1270, MIN_COLUMN_WIDTHS) == [330, 640, 300]
    assert share_columns((330, 640, 560), 900, MIN_COLUMN_WIDTHS) == [220, 480, 200]
    assert share_columns((330, 640, 560), 700, MIN_COLUMN_WIDTHS) == [220, 400, 200]  # never below the minimums


def test_a_wider_window_gives_the_maps_half():
    assert share_columns((330, 640, 560), 1930, MIN_COLUMN_WIDTHS) == [430, 840, 660]


def test_widths_below_a_minimum_are_raised_to_it():
    assert share_columns((10, 10, 10), 820, MIN_COLUMN_WIDTHS) == list(MIN_COLUMN_WIDTHS)


def test_a_hidden_columns_width_goes_to_the_maps():
    assert share_columns((330, 640, 560), 1530, MIN_COLUMN_WIDTHS, (True, True, False)) == [330, 1200, 0]
    assert share_columns((330, 640, 560), 1530, MIN_COLUMN_WIDTHS, (True, False, True)) == [970, 0, 560]


def test_a_hidden_column_leaves_the_others_as_they_were_in_a_narrow_window():
    shown = share_columns((330, 640, 560), 1270, MIN_COLUMN_WIDTHS)
    hidden = share_columns((330, 640, 560), 1270, MIN_COLUMN_WIDTHS, (True, True, False))
    assert hidden == [shown[0], shown[1] + shown[2], 0]  # the canvas column keeps its width
