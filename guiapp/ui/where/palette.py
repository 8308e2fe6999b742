"""One colour per true label, shared by the map, the neighbours' tiles and the legend (Tableau 10)."""

from __future__ import annotations

import numpy as np

LABEL_COLOURS = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                 "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac")
DRAWING_COLOUR = "#ffffff"  # the drawing's own point and frame: none of the labels' colours
MISTAKE_COLOUR = "#ff2020"


def label_colour(label: int) -> str:
    """The colour of ``label`` (labels past ten reuse the ten colours)."""
    return LABEL_COLOURS[int(label) % len(LABEL_COLOURS)]


def label_rgba(labels: np.ndarray) -> np.ndarray:
    """(N, 4) uint8 colours of ``labels``, opaque."""
    table = np.array([[int(c[i:i + 2], 16) for i in (1, 3, 5)] + [255] for c in LABEL_COLOURS], np.uint8)
    return table[np.asarray(labels, np.int64) % len(LABEL_COLOURS)]
