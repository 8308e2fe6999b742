"""live_loop: every stroke and every choice in the state becomes one frozen request, read from the state as it is
then; updates come back as frames (moving while the pen moves), and once the pointer rests the same drawing is
asked for at rest — then ``rested``. Models, counterfactuals and other weights go through it too; after shutdown
nothing more is asked. A real worker and compute process, with no window around them."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtWidgets import QWidget

from guiapp import paths
from guiapp.core.drawing.preprocess import PreprocessOptions, drawing_to_network_input
from guiapp.core.live.layer_picture import PER_MAP
from guiapp.core.live.live_update import ExplainRequest, PictureInput
from guiapp.ui.live.canvas import DrawingCanvas
from guiapp.ui.live.live_loop import LiveLoop
from guiapp.ui.plotting import ACTIVATION_LUT
from guiapp.ui.state import WindowState
from tests.ui.conftest import MODEL_TIMEOUT_MS, VERTICAL_BAR_POINTS, draw


class Looped:
    """A loop on a canvas of its own, with every frame and rest it reported."""

    def __init__(self, qtbot) -> None:
        self.host = QWidget()
        qtbot.addWidget(self.host)
        self.state, self.canvas = WindowState(), DrawingCanvas(self.host)
        self.loop = LiveLoop(self.state, self.canvas, self.host, ACTIVATION_LUT)
        self.frames: list[tuple[object, bool]] = []
        self.rests = 0
        self.loop.frameDue.connect(lambda update, moving: self.frames.append((update, moving)))
        self.loop.rested.connect(self._on_rest)

    def _on_rest(self) -> None:
        self.rests += 1

    def last(self):
        return self.frames[-1][0] if self.frames else None

    def wait_for(self, qtbot, condition) -> None:
        qtbot.waitUntil(lambda: self.last() is not None and bool(condition(self.last())), timeout=MODEL_TIMEOUT_MS)


@pytest.fixture()
def looped(qtbot):
    made = Looped(qtbot)
    with qtbot.waitSignal(made.loop.modelLoaded, timeout=MODEL_TIMEOUT_MS) as loaded:
        made.loop.load(paths.DEFAULT_MODEL)
    made.state.inspector = loaded.args[0]
    made.loop.model_shown()
    yield made
    made.loop.shutdown()


def test_a_model_shown_brings_a_frame_then_the_rest(qtbot, looped):
    looped.wait_for(qtbot, lambda update: update.drawing is looped.canvas.drawing)
    qtbot.waitUntil(lambda: looped.rests >= 1, timeout=MODEL_TIMEOUT_MS)
    assert looped.frames[0][1] is False and looped.loop.source is looped.canvas.drawing
    assert looped.loop.pacer.frames_shown == len(looped.frames)


def test_a_stroke_is_computed_moving_and_asked_again_at_rest(qtbot, looped):
    looped.state.options = PreprocessOptions(crop=False)  # so that rest adds the reference pass
    looped.canvas.drawingChanged.emit(looped.canvas.drawing)  # any change of the drawing: the pen moves
    assert looped.loop.moving
    draw(qtbot, looped.canvas, VERTICAL_BAR_POINTS)
    drawing = looped.canvas.drawing
    looped.wait_for(qtbot, lambda update: update.drawing is drawing and update.reference is not None)
    update = looped.last()
    assert not looped.loop.moving and looped.rests >= 1
    np.testing.assert_array_equal(update.result.image,
                                  drawing_to_network_input(drawing, options=PreprocessOptions(crop=False)))
    np.testing.assert_array_equal(update.reference.image, drawing_to_network_input(drawing))
    assert looped.frames[-1][1] is False  # the at-rest frame says the pen rests


def test_each_choice_in_the_state_recomputes_the_canvas_with_it(qtbot, looped):
    draw(qtbot, looped.canvas, VERTICAL_BAR_POINTS)
    drawing = looped.canvas.drawing
    looped.wait_for(qtbot, lambda update: update.drawing is drawing)
    looped.state.colour_mode = PER_MAP
    looped.wait_for(qtbot, lambda update: update.colour_mode == PER_MAP)
    looped.state.explain = ExplainRequest(target=4)
    looped.wait_for(qtbot, lambda update: update.explanation is not None and update.explanation.target == 4)
    assert looped.last().drawing is drawing and looped.last().colour_mode == PER_MAP  # every choice together


def test_a_picture_on_the_canvas_is_the_source(qtbot, looped):
    picture = PictureInput(np.ones((20, 20), np.float32), "paper.png")
    looped.canvas.show_picture(picture)
    assert looped.loop.source is picture
    looped.wait_for(qtbot, lambda update: update.drawing is picture)


def test_a_counterfactual_and_other_weights_go_through_the_loop(qtbot, looped):
    draw(qtbot, looped.canvas, VERTICAL_BAR_POINTS)
    looped.wait_for(qtbot, lambda update: update.drawing is looped.canvas.drawing)
    with qtbot.waitSignal(looped.loop.counterfactualFound, timeout=MODEL_TIMEOUT_MS) as found:
        looped.loop.find_counterfactual(1)  # already a 1: found at once
    assert found.args[0].target == 1 and found.args[0].steps == 0
    inspector = looped.state.inspector
    zeros = [np.zeros_like(array) for layer in inspector.weights.values() for array in (layer.kernel, layer.bias)
             if array is not None]
    looped.loop.set_weights(zeros)  # every weight zero: every class equally likely
    looped.wait_for(qtbot, lambda update: update.weights_version > 0)
    np.testing.assert_allclose(looped.last().result.probabilities, 0.1, atol=1e-6)
    looped.loop.set_weights(None)  # the file's own again (a newer weights set: a newer version)
    version = looped.loop.worker.weights_version
    looped.wait_for(qtbot, lambda update: update.weights_version == version)
    assert looped.last().result.predicted == 1 and looped.last().drawing is looped.canvas.drawing


def test_a_model_that_fails_is_forwarded_and_after_shutdown_nothing_is_asked(qtbot, looped, tmp_path):
    with qtbot.waitSignal(looped.loop.modelFailed, timeout=MODEL_TIMEOUT_MS) as failed:
        looped.loop.load(tmp_path / "missing.keras")
    assert "no such model file" in failed.args[0]
    looped.wait_for(qtbot, lambda update: update.drawing is looped.canvas.drawing)
    looped.loop.shutdown()
    looped.loop.shutdown()  # twice: nothing more happens
    asked = looped.loop.worker.inference_count
    frames = len(looped.frames)
    draw(qtbot, looped.canvas, VERTICAL_BAR_POINTS)
    looped.state.colour_mode = PER_MAP
    looped.loop.ask()
    qtbot.wait(300)
    assert looped.loop.worker.inference_count == asked and len(looped.frames) == frames
