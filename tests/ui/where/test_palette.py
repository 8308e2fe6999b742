"""palette: one colour per true label, the same in the map, the tiles and the legend."""

from __future__ import annotations

import numpy as np

from guiapp.ui.where.palette import DRAWING_COLOUR, LABEL_COLOURS, label_colour, label_rgba


def test_ten_distinct_colours_reused_past_ten():
    assert len(set(LABEL_COLOURS)) == 10 and DRAWING_COLOUR not in LABEL_COLOURS
    assert label_colour(0) == "#4e79a7" and label_colour(13) == label_colour(3)


def test_rgba_matches_the_hex_colours():
    rgba = label_rgba(np.array([0, 1, 11]))
    assert rgba.shape == (3, 4) and rgba.dtype == np.uint8
    assert rgba[0].tolist() == [0x4E, 0x79, 0xA7, 255]
    assert rgba[2].tolist() == rgba[1].tolist() == [0xF2, 0x8E, 0x2B, 255]
