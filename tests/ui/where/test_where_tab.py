"""The Where tab in the real window: the pass starts when the tab is opened, a test digit loaded from any of
its views lands on its own point and heads its neighbours, a confusion cell reproduces its mistake, and
models it cannot use get a message."""

from __future__ import annotations

import numpy as np
import pytest

from guiapp import paths
from guiapp.core.training.evaluation import evaluate_probabilities
from guiapp.core.model.inference import Inspector
from tests.ui.conftest import MODEL_TIMEOUT_MS, WHERE_DIGITS


def _open_where(qtbot, window):
    window.tabs.setCurrentWidget(window.where.page)
    qtbot.waitUntil(lambda: window.where.points is not None, timeout=MODEL_TIMEOUT_MS)
    return window.where.view


def _shown(qtbot, window, index):
    """Wait until the window shows test digit ``index`` (loaded through the Where tab)."""
    qtbot.waitUntil(lambda: window.last_update is not None
                    and getattr(window.last_update.drawing, "name", "").startswith(f"test digit {index} "),
                    timeout=MODEL_TIMEOUT_MS)


def test_opening_the_tab_computes_the_pass_and_the_map(qtbot, window, mnist):
    view = _open_where(qtbot, window)
    found = window.where.test_pass
    assert found.layer == "dense" and found.features.shape == (WHERE_DIGITS, 128)
    assert window.where.points.shape == (WHERE_DIGITS, 2)
    # The confusion matrix shown is the model's on these digits, as guiapp evaluate computes it.
    images = mnist.x_test[:WHERE_DIGITS].astype(np.float32) / 255
    expected = evaluate_probabilities(window.inspector.predict_probabilities(images), mnist.y_test[:WHERE_DIGITS])
    np.testing.assert_array_equal(found.confusion, expected.confusion)
    assert "mistakes" in view.status.text() and not view.progress.isVisible()


def test_a_test_digit_heads_its_own_neighbours_and_sits_on_its_own_point(qtbot, window):
    view = _open_where(qtbot, window)
    before = window.canvas.drawing
    view.map.digitClicked.emit(123)  # as a click on its point
    _shown(qtbot, window, 123)
    qtbot.waitUntil(lambda: view.neighbours.shown[:1] == (123,), timeout=MODEL_TIMEOUT_MS)
    np.testing.assert_allclose(view.map.drawing_xy, window.where.points[123], atol=1e-2)
    assert window.last_update.result.predicted == window.where.test_pass.predicted[123]
    window.canvas.undo_stack.undo()  # loading is undoable, as samples are
    assert window.canvas.drawing is before


def test_a_confusion_cell_lists_its_digits_and_one_loads_with_its_mistake(qtbot, window):
    view = _open_where(qtbot, window)
    found = window.where.test_pass
    off = found.confusion - np.diag(np.diag(found.confusion))
    true, answered = (int(v) for v in np.unravel_index(np.argmax(off), off.shape))
    assert off[true, answered] > 0
    view.confusion.cellClicked.emit(true, answered)
    assert view.views.currentIndex() == 1 and view.confusion.selected == (true, answered)
    assert view.cells.shown == tuple(found.cell(true, answered))
    index = view.cells.shown[0]
    view.cells.digitClicked.emit(index)
    _shown(qtbot, window, index)
    # The window reads it as the pass did: every panel explains that mistake.
    assert window.last_update.result.predicted == answered != true
    assert f"read as {answered}" in window.last_update.drawing.name


def test_a_model_switch_recomputes_and_a_switch_back_reads_the_cache(qtbot, window, mnist):
    _open_where(qtbot, window)
    first = window.where.test_pass.features.copy()
    window.load_model(paths.SEED_MODEL)
    qtbot.waitUntil(lambda: window.inspector.path == paths.SEED_MODEL and window.where.points is not None,
                    timeout=MODEL_TIMEOUT_MS)
    assert not np.array_equal(window.where.test_pass.features, first)
    seed = Inspector.load(paths.SEED_MODEL).run(mnist.x_test[5] / 255).layer("dense").activation
    np.testing.assert_allclose(window.where.test_pass.features[5], seed, atol=1e-5)  # the new model's view
    progress = []
    window.where.worker.progress.connect(lambda *a: progress.append(a))
    window.load_model(paths.DEFAULT_MODEL)
    qtbot.waitUntil(lambda: window.inspector.path == paths.DEFAULT_MODEL and window.where.points is not None,
                    timeout=MODEL_TIMEOUT_MS)
    np.testing.assert_array_equal(window.where.test_pass.features, first)
    assert progress == []  # both from the cache


@pytest.mark.parametrize("kind", ["one Dense", "colour"])
def test_a_model_the_tab_cannot_use_gets_a_message(qtbot, window, tmp_path, kind):
    if kind == "one Dense":
        import keras

        path = tmp_path / "one_dense.keras"
        keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(),
                          keras.layers.Dense(10, activation="softmax")]).save(path)
        words = "single Dense"
    else:
        path = paths.MODELS_DIR / "colour_digits.keras"
        words = "28×28"
    assert Inspector.load(path) is not None
    window.tabs.setCurrentWidget(window.where.page)
    window.load_model(path)
    qtbot.waitUntil(lambda: window.inspector is not None and window.inspector.path == path, timeout=MODEL_TIMEOUT_MS)
    view = window.where.view
    qtbot.waitUntil(lambda: words in view.status.text(), timeout=MODEL_TIMEOUT_MS)
    assert view.neighbours.shown == () and window.where.test_pass is None
    window.canvas.clear()  # the window stays usable: the drawing is still computed
    qtbot.waitUntil(lambda: window.last_update is not None and window.last_update.drawing is window.canvas.drawing,
                    timeout=MODEL_TIMEOUT_MS)


def test_the_command_line_renders_the_tab_on_a_cell_and_refuses_one_the_model_lacks(qtbot, tmp_path, capsys):
    from PIL import Image

    from guiapp.cli import main

    shot = tmp_path / "where.png"
    assert main(["--screenshot", str(shot), "--where", "7:7"]) == 0
    assert capsys.readouterr().out.strip() == f"wrote {shot}"
    assert Image.open(shot).size == (1560, 940)
    assert main(["--screenshot", str(tmp_path / "bad.png"), "--where", "12:3"]) == 2
    assert capsys.readouterr().err.strip() == "guiapp: 12:3 is not a cell: this model's classes are 0 to 9"
    assert not (tmp_path / "bad.png").exists()
    assert main(["--screenshot", str(tmp_path / "bad.png"), "--where", "four"]) == 2
    assert capsys.readouterr().err.strip() == ("guiapp: four: no map of that layer; this model's are conv2d, "
                                               "conv2d_1, max_pooling2d, dense")
    with pytest.raises(SystemExit):
        main(["--where", "4:nine"])
    assert "expected TRUE:ANSWER" in capsys.readouterr().err
    layer_shot = tmp_path / "pool.png"
    assert main(["--screenshot", str(layer_shot), "--where", "max_pooling2d"]) == 0 and layer_shot.is_file()


def test_the_map_of_another_layer_is_computed_once_and_places_the_drawing_in_that_layer(qtbot, window):
    view = _open_where(qtbot, window)
    names = [view.layer_choice.itemData(i) for i in range(view.layer_choice.count())]
    assert names == ["conv2d", "conv2d_1", "max_pooling2d", "dense"] and view.map_layer == "dense"
    assert "what the classifier reads (128 values)" in view.layer_choice.currentText()
    view.layer_choice.setCurrentIndex(2)
    view.layer_choice.activated.emit(2)  # as the user picks it
    qtbot.waitUntil(lambda: "max_pooling2d" in window.where.maps, timeout=MODEL_TIMEOUT_MS)
    layer_map = window.where.maps["max_pooling2d"]
    assert layer_map.points.shape == (WHERE_DIGITS, 2) and layer_map.matrix.shape == (9216, 256)
    assert "9,216 values in max_pooling2d, projected at random to 256" in view.map.method.text()
    window.where.load_digit(77)
    _shown(qtbot, window, 77)
    qtbot.waitUntil(lambda: view.map.drawing_xy is not None
                    and np.allclose(view.map.drawing_xy, layer_map.points[77], atol=0.05), timeout=MODEL_TIMEOUT_MS)
    window.where.choose_layer("dense")  # back: the first map, at once, the drawing on its own point there
    qtbot.waitUntil(lambda: np.allclose(view.map.drawing_xy, window.where.points[77], atol=1e-2),
                    timeout=MODEL_TIMEOUT_MS)


def test_a_model_switched_while_its_pass_runs_shows_the_new_models_view(qtbot, window, tmp_path, mnist):
    from tests.models import make_model

    fresh = make_model(tmp_path, (28, 28, 1), 10, name="fresh")  # never cached: its pass is computed
    window.load_model(fresh)
    qtbot.waitUntil(lambda: window.inspector.path == fresh, timeout=MODEL_TIMEOUT_MS)
    stages = []
    window.where.worker.progress.connect(lambda stage, *_: stages.append(stage))
    window.tabs.setCurrentWidget(window.where.page)
    qtbot.waitUntil(lambda: bool(stages), timeout=MODEL_TIMEOUT_MS)  # its pass is under way
    window.load_model(paths.SEED_MODEL)
    qtbot.waitUntil(lambda: window.inspector.path == paths.SEED_MODEL and window.where.points is not None,
                    timeout=MODEL_TIMEOUT_MS)
    seed = Inspector.load(paths.SEED_MODEL).run(mnist.x_test[9] / 255).layer("dense").activation
    np.testing.assert_allclose(window.where.test_pass.features[9], seed, atol=1e-5)
    assert window.where.inspector.path == paths.SEED_MODEL


def test_the_training_pages_network_gets_a_message_not_a_pass(qtbot, window):
    from guiapp.ui.where.feature import TRAINING_NOTE

    window.tabs.setCurrentWidget(window.where.page)
    window.state.transient.add(window.inspector.path)  # as the Training page's network loads
    window.where.model_changed(window.inspector)
    assert window.where.note == TRAINING_NOTE and window.where.view.status.text() == TRAINING_NOTE
    assert window.where.settled and window.where.test_pass is None


def test_closing_the_window_while_the_pass_runs_ends_its_process(qtbot, store, window_paths, tmp_path):
    import multiprocessing
    import time

    from guiapp.ui import MainWindow
    from tests.models import make_model

    fresh = make_model(tmp_path, (28, 28, 1), 10, name="closing")  # never cached: its pass is computed
    win = MainWindow(fresh, settings=store, paths=window_paths)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.inspector is not None, timeout=MODEL_TIMEOUT_MS)
    stages = []
    win.where.worker.progress.connect(lambda stage, *_: stages.append(stage))
    win.tabs.setCurrentWidget(win.where.page)
    qtbot.waitUntil(lambda: bool(stages), timeout=MODEL_TIMEOUT_MS)
    assert any(child.name == "guiapp-where" for child in multiprocessing.active_children())
    win.shutdown()
    deadline = time.monotonic() + 10
    while any(child.name == "guiapp-where" for child in multiprocessing.active_children()):
        assert time.monotonic() < deadline, "the Where tab's process outlived the window"
        time.sleep(0.05)
    assert not win.where.worker.jobs.worker_thread.isRunning()
