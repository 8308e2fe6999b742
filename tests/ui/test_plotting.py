"""plotting: pyqtgraph set up once for the whole app (row-major images, the dark background), the shared colour
maps, and one image in a locked, y-down view with an optional colour bar."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from guiapp.ui.plotting import (
    ACTIVATION_CMAP,
    ACTIVATION_LUT,
    DIVERGING_CMAP,
    GREY_CMAP,
    image_view,
)


def test_pyqtgraph_is_configured_for_row_major_images_on_the_dark_background():
    assert pg.getConfigOption("imageAxisOrder") == "row-major"
    assert pg.getConfigOption("background") == "#1e1e1e" and pg.getConfigOption("antialias")


def test_the_colour_maps_run_from_dark_to_light_and_through_white_for_weights():
    assert ACTIVATION_LUT.shape == (256, 4) and ACTIVATION_LUT.dtype == np.uint8
    np.testing.assert_array_equal(ACTIVATION_LUT[0, :3], ACTIVATION_CMAP.map(0.0, mode="byte")[:3])
    assert ACTIVATION_LUT[0, :3].sum() < 30 and ACTIVATION_LUT[-1, :3].sum() > 500  # black to near white
    assert (ACTIVATION_LUT[:, 3] == 255).all()
    assert tuple(GREY_CMAP.map(0.0, mode="byte")[:3]) == (0, 0, 0)
    assert tuple(GREY_CMAP.map(1.0, mode="byte")[:3]) == (255, 255, 255)
    low, middle, high = (DIVERGING_CMAP.map(v, mode="byte")[:3].astype(int) for v in (0.0, 0.5, 1.0))
    assert low[2] > low[0] and high[0] > high[2] and middle.min() > 200  # blue – white – red


def test_an_image_view_is_locked_y_down_and_not_panned(qtbot):
    plot, image, bar = image_view(GREY_CMAP)
    qtbot.addWidget(plot)
    box = image.getViewBox()
    assert bar is None and box.state["aspectLocked"] and box.yInverted()
    assert box.state["mouseEnabled"] == [False, False] and not box.menuEnabled()
    image.setImage(np.arange(6, dtype=np.float32).reshape(2, 3))
    assert (image.width(), image.height()) == (3, 2)  # row-major: 2 rows of 3


def test_a_colour_bar_sets_the_levels_only_when_linked(qtbot):
    plot, image, bar = image_view(ACTIVATION_CMAP, colour_bar=True)
    qtbot.addWidget(plot)
    image.setImage(np.linspace(0, 4, 12, dtype=np.float32).reshape(3, 4))
    bar.setLevels((1.0, 2.0))
    assert tuple(image.levels) == (1.0, 2.0)
    plot, pixels, free = image_view(ACTIVATION_CMAP, colour_bar=True, link_bar=False)  # finished RGBA pixels
    qtbot.addWidget(plot)
    pixels.setImage(np.zeros((2, 2, 4), np.uint8), levels=(0, 255))
    free.setLevels((0.0, 9.0))
    assert tuple(pixels.levels) == (0, 255) and tuple(free.levels()) == (0.0, 9.0)


def test_every_shipped_map_stays_readable_for_colour_blind_eyes():
    """Simulated deuteranopia, protanopia and tritanopia (colorspacious): lightness monotonic along the scale
    (from the middle out for a diverging map), neighbouring steps ΔE ≥ 5 and a diverging map's ends ΔE ≥ 20.
    The Why tab's maps too: its colour bar (over black) and its overlay at full strength (over white paper)."""
    from guiapp.core.explain.heatmap import _palette
    from guiapp.core.palettes import DIVERGING, MIN_ENDS, check_palette, passes
    from guiapp.ui.explain.heat_panel import BAR_CMAP
    from guiapp.ui.plotting import CHECKED_MAPS

    tables = {name: (cmap.getLookupTable(nPts=255, alpha=False), kind) for name, (cmap, kind) in CHECKED_MAPS.items()}
    tables["ACTIVATION_LUT"] = (ACTIVATION_LUT, "sequential")  # the table the live maps are coloured with
    tables["Why colour bar"] = (BAR_CMAP.getLookupTable(nPts=255, alpha=False), DIVERGING)
    tables["Why overlay"] = (_palette(1.0)[:, :3], DIVERGING)
    failures = {}
    for name, (table, kind) in tables.items():
        checks = check_palette(name, table, kind)
        if not passes(checks):
            failures[name] = [check.line() for check in checks if not check.passed]
        if kind == DIVERGING:
            assert min(check.ends for check in checks) > MIN_ENDS
    assert failures == {}
    assert set(CHECKED_MAPS) == {"ACTIVATION_CMAP", "DIVERGING_CMAP", "GREY_CMAP"}
