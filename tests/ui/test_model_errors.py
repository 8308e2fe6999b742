"""A missing or broken model: the window opens, says what is wrong, stays usable, and can open another."""

from __future__ import annotations

import pytest

from guiapp import paths
from tests.ui.conftest import MODEL_TIMEOUT_MS, VERTICAL_BAR_POINTS, draw


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "no such model file"), ("not a model", "neither a .keras archive (zip) nor an HDF5 .h5 file")],
)
def test_bad_model_keeps_the_window_usable(qtbot, tmp_path, store, window_paths, content, message):
    from guiapp.ui import MainWindow

    path = tmp_path / "model.keras"
    if content is not None:
        path.write_text(content)
    window = MainWindow(path, settings=store, paths=window_paths)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.model_error is not None, timeout=MODEL_TIMEOUT_MS)
    assert message in window.model_error and str(path) in window.model_error
    assert window.model_banner.isVisible() and message in window.model_banner.label.text()
    assert window.model_banner.open_button.isVisible()
    assert window.model_banner.error_box is not None and window.model_banner.error_box.isVisible()
    window.model_banner.error_box.close()
    draw(qtbot, window.canvas, VERTICAL_BAR_POINTS)  # drawing still works
    assert len(window.canvas.drawing.strokes) == 1
    window.load_model(paths.DEFAULT_MODEL)  # and another model can be opened
    qtbot.waitUntil(lambda: window.last_result is not None, timeout=MODEL_TIMEOUT_MS)
    assert window.last_result.predicted == 1 and not window.model_banner.isVisible()
    window.shutdown()


def test_settings_persist_across_runs(qtbot, store, window_paths):
    from guiapp.ui import MainWindow

    first = MainWindow(settings=store, paths=window_paths)
    qtbot.addWidget(first)
    first.canvas.set_pen_width(31)
    first.menus.per_map.trigger()
    first.resize(734, 576)  # the offscreen screen is 800×800: stay inside it
    first.close()
    second = MainWindow(settings=store, paths=window_paths)
    qtbot.addWidget(second)
    assert second.canvas.pen_width() == 31 and second.menus.pen_slider.value() == 31
    assert second.feature_maps.colour_mode == "per_map"
    assert (second.size().width(), second.size().height()) == (734, 576)
    second.close()


def test_constructible_with_no_arguments_on_the_shipped_model(qtbot):
    from guiapp.ui import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.inspector is not None, timeout=MODEL_TIMEOUT_MS)
    assert window.inspector.path == paths.DEFAULT_MODEL
    assert paths.DEFAULT_MODEL.name in window.status_model.text()
    window.close()


def test_the_model_menu_switches_between_the_shipped_models(qtbot, window):
    shipped = sorted(paths.MODELS_DIR.glob("*.keras"))
    assert len(shipped) >= 2 and len(window.menus.model_actions) == len(shipped)
    assert window.menus.model_actions[paths.DEFAULT_MODEL.resolve()].isChecked()
    other = next(path for path in shipped if path.resolve() != paths.DEFAULT_MODEL.resolve())
    window.menus.model_actions[other.resolve()].trigger()
    qtbot.waitUntil(lambda: window.inspector.path == other, timeout=120_000)
    assert window.menus.model_actions[other.resolve()].isChecked()
    assert not window.menus.model_actions[paths.DEFAULT_MODEL.resolve()].isChecked()
    assert other.name in window.status_model.text()
