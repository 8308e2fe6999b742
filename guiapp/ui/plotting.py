"""pyqtgraph configured once for the whole app, and the colour maps the views share."""

from __future__ import annotations

import pyqtgraph as pg

pg.setConfigOptions(imageAxisOrder="row-major", antialias=True, background="#1e1e1e", foreground="#d0d0d0")

ACTIVATION_CMAP = pg.colormap.get("inferno")  # 0 is black, like the paper
DIVERGING_CMAP = pg.colormap.get("CET-D1")  # blue – white – red, for weights centred on zero
GREY_CMAP = pg.ColorMap([0.0, 1.0], [(0, 0, 0), (255, 255, 255)])
HIGHLIGHT = "#ffb000"


def image_box(widget: pg.GraphicsLayoutWidget, row: int = 0, col: int = 0) -> tuple[pg.ViewBox, pg.ImageItem]:
    """A locked-aspect, y-down ViewBox holding one ImageItem, without mouse panning."""
    box = widget.addViewBox(row=row, col=col, lockAspect=True, invertY=True, enableMouse=False)
    box.setMenuEnabled(False)
    image = pg.ImageItem()
    box.addItem(image)
    return box, image
