"""Files from strangers in the window: a model that runs code asks first; a bad picture or class-names file
is one message and the window stays as it was."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from guiapp.core.live.live_update import PictureInput
from tests.models import RGB_32, make_model
from tests.ui.conftest import MODEL_TIMEOUT_MS


@pytest.fixture(scope="module")
def lambda_model(tmp_path_factory):
    from guiapp.core.model.backend import keras

    k = keras()
    model = k.Sequential([k.Input((28, 28, 1)), k.layers.Lambda(lambda t: 1.0 - t), k.layers.Flatten(),
                          k.layers.Dense(10, activation="softmax")])
    path = tmp_path_factory.mktemp("lambda") / "code.keras"
    model.save(path)
    return path


@pytest.mark.parametrize("answer", [True, False], ids=["trusted", "refused"])
def test_a_model_that_runs_code_is_loaded_only_when_the_user_says_yes(window, qtbot, lambda_model, answer):
    asked = []
    window.model_banner.confirm_trust = lambda path: asked.append(path) or answer
    shipped = window.inspector
    window.load_model(lambda_model)
    if answer:
        qtbot.waitUntil(lambda: window.inspector is not shipped, timeout=MODEL_TIMEOUT_MS)
        assert window.inspector.path == lambda_model and window.inspector.engine.name == "TensorFlow"
        assert window.model_error is None
    else:
        qtbot.waitUntil(lambda: window.model_error is not None, timeout=MODEL_TIMEOUT_MS)
        assert "contains Python code (a Lambda layer) that would run as the model loads" in window.model_error
        assert window.inspector is shipped  # the window goes on with the model it had
    assert asked == [lambda_model]


def test_a_bad_picture_is_one_message_and_the_drawing_stays(window, tmp_path):
    before = window.canvas.drawing
    bad = tmp_path / "holiday.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0 truncated")
    assert not window.open_picture(bad)
    message = window.statusBar().currentMessage()
    assert message.startswith(str(bad)) and "\n" not in message
    assert window.canvas.drawing is before


def test_pictures_are_pasted_and_undone(window, qtbot, tmp_path):
    from PySide6.QtGui import QColor, QGuiApplication, QImage

    image = QImage(60, 30, QImage.Format.Format_RGB888)
    image.fill(QColor(255, 255, 255))
    for x in range(28, 31):
        for y in range(5, 25):
            image.setPixelColor(x, y, QColor(0, 0, 0))  # a dark bar on white paper: a "1"
    QGuiApplication.clipboard().setImage(image)
    paste = next(a for a in window.actions() if a.text() == "Paste picture")
    paste.trigger()
    picture = window.canvas.drawing
    assert isinstance(picture, PictureInput)
    qtbot.waitUntil(lambda: window.last_update is not None and window.last_update.drawing is picture,
                    timeout=MODEL_TIMEOUT_MS)
    stages = window.last_update.stages
    assert stages.inverted and stages.final.shape == (28, 28)  # the digit recipe: white ink on black
    assert window.last_update.result.predicted == 1
    window.canvas.undo_stack.undo()
    assert not isinstance(window.canvas.drawing, PictureInput)


def test_class_names_from_a_file_reach_the_probabilities(qtbot, store, window_paths, tmp_path):
    from guiapp.ui import MainWindow

    model = make_model(tmp_path, RGB_32, 3)
    names = tmp_path / "names.txt"
    names.write_text("cat\ndog\nbird\n", encoding="utf-8")
    window = MainWindow(model, settings=store, paths=window_paths)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.inspector is not None, timeout=MODEL_TIMEOUT_MS)
    try:
        picture = tmp_path / "red.png"
        Image.fromarray(np.full((40, 40, 3), (200, 30, 30), np.uint8)).save(picture)
        assert window.open_picture(picture)
        shown = window.canvas.drawing
        qtbot.waitUntil(lambda: window.last_update is not None and window.last_update.drawing is shown,
                        timeout=MODEL_TIMEOUT_MS)
        assert window.set_class_names_from(names)
        assert window.inspector.class_names == ("cat", "dog", "bird")
        assert window.probabilities.top_text == window.inspector.class_names[window.last_update.result.predicted]
        short = tmp_path / "short.txt"
        short.write_text("cat\n", encoding="utf-8")
        assert not window.set_class_names_from(short)
        assert "names 1 classes; the model has 3" in window.statusBar().currentMessage()
        assert window.inspector.class_names == ("cat", "dog", "bird")
    finally:
        problem = window.worker.process_problem
        window.shutdown()
    assert problem is None, problem


def test_a_picture_is_exported_as_itself_and_is_not_saved_as_strokes(window, tmp_path):
    picture = tmp_path / "stripes.png"
    pixels = np.zeros((20, 30, 3), np.uint8)
    pixels[:, :10, 0] = 255
    Image.fromarray(pixels).save(picture)
    assert window.open_picture(picture)
    out = tmp_path / "out.png"
    assert window.files.export(out)
    with Image.open(out) as exported:
        assert np.array_equal(np.asarray(exported), pixels)
    assert not window.files.save(tmp_path / "strokes.json")
    assert "is a picture, not strokes" in window.files.error_box.text()
    assert not (tmp_path / "strokes.json").exists()


def test_a_picture_file_dropped_on_the_window_replaces_the_drawing(window, tmp_path):
    from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
    from PySide6.QtGui import QDragEnterEvent, QDropEvent
    from PySide6.QtWidgets import QApplication

    picture = tmp_path / "dropped.png"
    Image.fromarray(np.full((24, 36, 3), (10, 200, 30), np.uint8)).save(picture)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(picture))])
    enter = QDragEnterEvent(window.rect().center(), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(window.rect().center()), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, drop)
    shown = window.canvas.drawing
    assert isinstance(shown, PictureInput) and shown.name == "dropped.png" and shown.picture.shape == (24, 36, 3)
