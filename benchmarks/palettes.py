"""Which colour maps stay readable for colour-blind viewers: the app's and the candidates', with the figures.

    .venv/bin/python benchmarks/palettes.py

Each map is simulated for deuteranopia, protanopia and tritanopia (colorspacious) and measured in CAM02-UCS
(:mod:`guiapp.core.palettes` says how and what passes). Needs colorspacious; the app does not.
"""

from __future__ import annotations

import numpy as np

from guiapp.core.palettes import DIVERGING, SEQUENTIAL, check_palette, passes


def candidates() -> list[tuple[str, np.ndarray, str]]:
    """(name, table, kind): the app's shipped tables first, then the maps they were chosen among."""
    import pyqtgraph as pg

    from guiapp.core.explain import heatmap
    from guiapp.ui import plotting
    from guiapp.ui.explain.heat_panel import BAR_CMAP

    def table(cmap: pg.ColorMap) -> np.ndarray:
        return cmap.getLookupTable(nPts=255, alpha=False)

    why_paper = heatmap._palette(1.0)[:, :3]  # the Why overlay at full strength over white paper
    shipped = [("ACTIVATION_LUT", plotting.ACTIVATION_LUT, SEQUENTIAL),
               ("DIVERGING_CMAP", table(plotting.DIVERGING_CMAP), DIVERGING),
               ("GREY_CMAP", table(plotting.GREY_CMAP), SEQUENTIAL),
               ("Why bar (over black)", table(BAR_CMAP), DIVERGING),
               ("Why overlay (paper)", why_paper, DIVERGING)]
    others = [(name, table(pg.colormap.get(name)), kind) for name, kind in (
        ("inferno", SEQUENTIAL), ("viridis", SEQUENTIAL), ("cividis", SEQUENTIAL), ("magma", SEQUENTIAL),
        ("plasma", SEQUENTIAL), ("CET-D1", DIVERGING), ("CET-D1A", DIVERGING), ("CET-CBD1", DIVERGING),
        ("CET-D3", DIVERGING))]
    return shipped + others


def main() -> None:
    for name, table, kind in candidates():
        checks = check_palette(name, table, kind)
        for check in checks:
            print(check.line())
        print(f"{name}: {'PASSES' if passes(checks) else 'fails'}\n")


if __name__ == "__main__":
    main()
