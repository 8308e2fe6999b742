"""The issue's four generated models in the whole window: every panel renders, a picture gives what
``guiapp predict`` gives, and a traced unit equals a direct computation from the input.

Screenshots of every tab go to ``$GUIAPP_SHOTS`` (default: the test's temporary folder); their paths
are printed, so ``pytest -s`` lists them to look at.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from guiapp.cli import main
from guiapp.core.live.live_update import PictureInput
from tests.models import GREY_28, GREY_40x32, RGB_32, RGB_64x48, make_model
from tests.ui.conftest import settled
from tests.ui.conftest import MODEL_TIMEOUT_MS, draw, line

MODELS = {  # name: (input shape, classes, rescaling inside)
    "grey28": (GREY_28, 10, False),
    "grey40x32": (GREY_40x32, 10, False),
    "rgb32": (RGB_32, 10, True),
    "rgb64x48_100": (RGB_64x48, 100, False),
}
TABS = ("Ledger", "Trace unit", "Kernels", "Selected map", "Preprocessing")


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    folder = tmp_path_factory.mktemp("models")
    paths = {name: make_model(folder, shape, classes, rescaling=rescaling, name=name,
                              classes_names=[f"class {i}" for i in range(classes)] if classes == 100 else None)
             for name, (shape, classes, rescaling) in MODELS.items()}
    y, x = np.mgrid[0:150, 0:200]
    photo = np.stack([x / 200, y / 150, 0.5 + 0.5 * np.sin(x / 15)], axis=2)
    photo[50:100, 70:130] = (1.0, 0.2, 0.1)
    picture = folder / "photo.png"
    Image.fromarray((photo * 255).astype(np.uint8)).save(picture)
    return paths, picture


def _shots_dir(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("GUIAPP_SHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _direct_conv(image: np.ndarray, kernel: np.ndarray, bias: np.ndarray, y: int, x: int, k: int,
                 scale: float) -> float:
    """One unit of a 'valid' stride-1 Conv2D with ReLU, from the 0..1 input scaled to the model's range."""
    fh, fw = kernel.shape[:2]
    pixels = image if image.ndim == 3 else image[..., np.newaxis]
    window = pixels[y:y + fh, x:x + fw, :] * scale
    return max(0.0, float(np.sum(window * kernel[..., k]) + bias[k]))


@pytest.mark.parametrize("name", list(MODELS))
def test_every_panel_for_a_generated_model_and_predict_agrees(qtbot, store, window_paths, tmp_path, capsys, made,
                                                              name):
    from guiapp.ui import MainWindow

    paths, picture = made
    shape, classes, rescaling = MODELS[name]
    window = MainWindow(paths[name], settings=store, paths=window_paths)
    qtbot.addWidget(window)
    window.resize(1560, 940)
    window.show()
    qtbot.waitUntil(lambda: window.inspector is not None, timeout=MODEL_TIMEOUT_MS)
    try:
        inspector = window.inspector
        assert inspector.input_shape == shape and inspector.num_classes == classes

        # A picture, opened as File → Open image… does.
        assert window.open_picture(picture)
        shown = window.canvas.drawing
        assert isinstance(shown, PictureInput)
        # settled: at rest, so every tab (the trace's below) holds this picture's update too
        qtbot.waitUntil(lambda: settled(window) and window.last_update.drawing is shown, timeout=MODEL_TIMEOUT_MS)
        result = window.last_update.result
        assert result.image.shape == inspector.image_shape
        assert result.probabilities.shape == (classes,)
        assert window.probabilities.top_text == inspector.class_names[result.predicted]

        # guiapp predict on the same file gives the window's probabilities.
        capsys.readouterr()
        assert main(["predict", "--model", str(paths[name]), "--json", str(picture)]) == 0
        answer = json.loads(capsys.readouterr().out.splitlines()[0])
        np.testing.assert_allclose(answer["probabilities"], result.probabilities, atol=2e-6)

        # A unit of the first conv layer, traced, equals the sum computed here from the input.
        y, x, k = shape[0] // 2 - 1, shape[1] // 3, 1
        window.trace_view.pin("conv1", (y, x, k))
        qtbot.waitUntil(lambda: window.trace_view.trace is not None, timeout=MODEL_TIMEOUT_MS)
        trace = window.trace_view.trace
        weights = inspector.weights["conv1"]
        # A model with Rescaling(1/255) inside is given 0..255 pixels and scales them back: conv1 sees 0..1.
        low, high = inspector.input_range
        scale = (high - low) * (1 / 255 if rescaling else 1.0)
        assert scale == pytest.approx(1.0)
        direct = _direct_conv(result.image, weights.kernel, weights.bias, y, x, k, scale)
        assert trace.value == pytest.approx(direct, rel=1e-4, abs=1e-5)
        assert trace.value == pytest.approx(float(result.layer("conv1").activation[y, x, k]), rel=1e-4, abs=1e-5)
        assert trace.field is not None and trace.field.bottom - trace.field.top == 3

        # Every tab renders with this model (and is saved to look at).
        shots = _shots_dir(tmp_path)
        for title in TABS:
            index = next(i for i in range(window.tabs.count()) if window.tabs.tabText(i) == title)
            window.tabs.setCurrentIndex(index)
            qtbot.wait(50)
            target = shots / f"{name}_{title.replace(' ', '_').lower()}.png"
            image = window.grab().toImage()
            assert image.save(str(target))
            print(f"screenshot: {target}")
            panel = window.tabs.widget(index).grab().toImage()
            colours = {panel.pixel(px, py) for px in range(0, panel.width(), 7) for py in range(0, panel.height(), 7)}
            assert len(colours) > 20, f"{title} looks empty for {name}"

        # Grey models keep the drawing canvas: a stroke is computed at the model's size.
        if shape[2] == 1:
            draw(qtbot, window.canvas, line((140, 50), (140, 230)))
            drawing = window.canvas.drawing
            qtbot.waitUntil(lambda: window.last_update is not None and window.last_update.drawing is drawing,
                            timeout=MODEL_TIMEOUT_MS)
            assert window.last_update.result.image.shape == shape[:2]
    finally:
        problem = window.worker.process_problem
        window.shutdown()
    assert problem is None, problem
