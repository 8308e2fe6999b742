"""pyqtgraph configured once for the whole app, and the colour maps the views share."""

from __future__ import annotations

import pyqtgraph as pg

pg.setConfigOptions(imageAxisOrder="row-major", antialias=True, background="#1e1e1e", foreground="#d0d0d0")

ACTIVATION_CMAP = pg.colormap.get("inferno")  # 0 is black, like the paper
DIVERGING_CMAP = pg.colormap.get("CET-D1")  # blue – white – red, for weights centred on zero
GREY_CMAP = pg.ColorMap([0.0, 1.0], [(0, 0, 0), (255, 255, 255)])
HIGHLIGHT = "#ffb000"
# The activation colours as a table, for pictures coloured off the GUI thread (core.layer_picture).
ACTIVATION_LUT = ACTIVATION_CMAP.getLookupTable(nPts=256, alpha=True).astype("uint8")
# Every map above and how it is read. Each stays readable for colour-blind viewers (deuteranopia, protanopia,
# tritanopia: lightness monotonic along the scale, neighbouring steps and a diverging map's ends apart), checked
# by simulation in tests/ui/test_plotting.py (guiapp.core.palettes; figures: benchmarks/palettes.py), so the
# projector theme keeps them.
CHECKED_MAPS = {"ACTIVATION_CMAP": (ACTIVATION_CMAP, "sequential"), "DIVERGING_CMAP": (DIVERGING_CMAP, "diverging"),
                "GREY_CMAP": (GREY_CMAP, "sequential")}


def image_view(
    cmap: pg.ColorMap, colour_bar: bool = False, link_bar: bool = True
) -> tuple[pg.GraphicsLayoutWidget, pg.ImageItem, pg.ColorBarItem | None]:
    """One image in a locked-aspect, y-down view without mouse panning; optionally a colour bar beside it
    (``link_bar``: the bar sets the image's levels; off for images given as finished RGBA pixels)."""
    plot = pg.GraphicsLayoutWidget()
    box = plot.addViewBox(row=0, col=0, lockAspect=True, invertY=True, enableMouse=False)
    box.setMenuEnabled(False)
    image = pg.ImageItem()
    image.setColorMap(cmap)
    box.addItem(image)
    bar = None
    if colour_bar:
        bar = pg.ColorBarItem(values=(0, 1), colorMap=cmap, interactive=False, width=12)
        if link_bar:
            bar.setImageItem(image)
        plot.addItem(bar, row=0, col=1)
    return plot, image, bar
