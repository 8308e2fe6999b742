"""window_door: each verb a feature may ask of the window does it in the part that owns it — the status bar,
the pages and tabs, the canvas, the drawing column, the Model menu, the live loop — through a real window."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF

from guiapp import paths
from guiapp.core.live.live_update import PictureInput
from guiapp.ui.explain.feature import ExplainFeature
from guiapp.ui.feature import Feature
from guiapp.ui.kernels.feature import KernelsFeature
from guiapp.ui.training.feature import TrainingFeature
from guiapp.ui.window_door import WindowDoor


def test_the_door_shows_finds_and_reaches_the_canvas_the_menu_and_the_model(qtbot, window, tmp_path):
    door: WindowDoor = window.door
    assert door.state is window.state and door.live is window.live and door.paths is window.paths
    assert door.samples is window.samples and len(door.samples.labels) > 0

    kernels, why = window.feature(KernelsFeature), window.feature(ExplainFeature)
    assert door.find(KernelsFeature) is kernels and door.find(type("Unregistered", (Feature,), {})) is None
    door.show(why)
    assert window.pages.currentIndex() == 0 and window.tabs.currentWidget() is why.widget
    assert door.on_screen(why) and not door.on_screen(kernels)

    door.say("a line for the status bar")
    assert window.statusBar().currentMessage() == "a line for the status bar"

    picture = PictureInput(np.ones((12, 12), np.float32), "white.png")
    door.show_picture(picture, "Open white")
    assert window.canvas.drawing is picture and window.canvas.undo_stack.undoText() == "Open white"
    door.overlay(np.zeros((28, 28, 4), np.uint8), QRectF(0, 0, 50, 50))
    assert window.canvas.heat is not None and window.canvas.heat[1] == QRectF(0, 0, 50, 50)
    door.overlay(None)
    assert window.canvas.heat is None

    trained = tmp_path / "trained.keras"
    trained.write_bytes(paths.DEFAULT_MODEL.read_bytes())
    door.add_model(trained)
    assert trained.resolve() in window.menus.model_actions
    door.load_model(trained)
    assert window.models.requested == trained
    qtbot.waitUntil(lambda: window.inspector.path == trained, timeout=120_000)

    window.shutdown()
    door.say("after the window closed")  # nothing is written into a closing window
    assert window.statusBar().currentMessage() == "a line for the status bar"


def test_the_drawing_column_is_lent_to_a_page_and_heavy_work_is_said_busy(window, monkeypatch):
    door: WindowDoor = window.door
    training = window.feature(TrainingFeature)
    lent = door.lend_drawing()
    assert window.canvas in lent[0].findChildren(type(window.canvas)) and window.live_page.lent
    door.take_back_drawing()
    assert not window.live_page.lent and window.splitter.widget(0) is lent[0]
    assert not door.busy()
    monkeypatch.setattr(TrainingFeature, "busy", property(lambda self: self is training))
    assert door.busy()  # a training run needs the cores: others defer their work
    door.show(training)
    assert door.on_screen(training) and not door.on_screen(window.feature(KernelsFeature))
