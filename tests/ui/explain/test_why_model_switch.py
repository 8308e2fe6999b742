"""The Why tab's maps after a model switch: each map drawn with its own levels, not the blank panel's."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from guiapp import paths
from guiapp.core.explain.attribution import GRADIENT, INTEGRATED, METHODS, OCCLUSION
from guiapp.core.explain.heatmap import diverging_rgba, overlay_on
from tests.ui.conftest import MODEL_TIMEOUT_MS, settled

OTHER_MODEL = paths.MODELS_DIR / "mnist_cnn.keras"
PIXEL_LEVELS = (0.0, 255.0)  # the composed map is uint8 RGB: shown as it is
ROUNDING = 1  # one step of 255 for pyqtgraph's rescaling


def _explained(window, *methods: str) -> bool:
    update = window.last_update
    return (settled(window) and update.explanation is not None
            and all(m in update.explanation.attributions for m in methods))


def _switch_to(window, qtbot, path) -> None:
    window.load_model(path)
    qtbot.waitUntil(lambda: window.inspector is not None and window.inspector.path is not None
                    and window.inspector.path.resolve() == path.resolve(), timeout=MODEL_TIMEOUT_MS)


def _rendered(item: pg.ImageItem) -> np.ndarray:
    """The item's pixels as pyqtgraph paints them: (H, W, 3) uint8."""
    item.render()
    pixels = pg.functions.ndarray_from_qimage(item.qimage)
    return pixels[..., [2, 1, 0]] if pixels.shape[-1] == 4 else pixels  # BGRA (ARGB32, little-endian) → RGB


def test_after_a_model_switch_every_map_is_drawn_with_its_own_colours(window, qtbot):
    window.show_why()
    window.load_sample(0)  # a 7
    qtbot.waitUntil(lambda: _explained(window, GRADIENT, INTEGRATED, OCCLUSION), timeout=MODEL_TIMEOUT_MS)
    _switch_to(window, qtbot, OTHER_MODEL)  # the panels are cleared to the bare input
    _switch_to(window, qtbot, paths.DEFAULT_MODEL)
    window.load_sample(1)  # a new input after the switch (one drawing: its at-rest pass is not raced by moves)
    qtbot.waitUntil(lambda: _explained(window, *METHODS), timeout=MODEL_TIMEOUT_MS)
    update = window.last_update
    for method in METHODS:
        panel = window.why_view.panels[method]
        found = update.explanation.attributions[method]
        assert panel.values is found.values
        assert tuple(panel.image.levels) == PIXEL_LEVELS, method
        expected = overlay_on(update.result.image, diverging_rgba(found.values, found.limit), paper=False)
        shown = _rendered(panel.image)
        assert shown.shape == expected.shape
        difference = np.abs(shown.astype(int) - expected.astype(int)).max()
        assert difference <= ROUNDING, f"{method}: off by {difference}"
        assert tuple(panel.bar.levels()) == (-found.limit, found.limit)  # the bar states the colours' scale
