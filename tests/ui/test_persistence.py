"""persistence: what was saved is put on the window at start (pen width, colour scale, columns, geometry — the
designed one when the saved one would be lost off screen), what the user changes is remembered, written at quit,
and Reset layout forgets the layout. (Nonsense in the file: test_settings.py; hidden columns: test_layout.py.)"""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QWidget

from guiapp import paths
from guiapp.core.live.layer_picture import PER_MAP, SHARED
from guiapp.ui.layout import COLUMN_WIDTHS, default_geometry, usable_geometry
from guiapp.ui.persistence import Persistence
from guiapp.ui.settings import COLUMNS, GEOMETRY, load_settings
from tests.ui.conftest import MODEL_TIMEOUT_MS

OTHER_MODEL = paths.MODELS_DIR / "mnist_cnn.keras"


def _window(qtbot, store: QSettings, window_paths, shown: bool = True):
    """A window on ``store`` (not shown: its geometry stays as set, even past the 800-pixel offscreen screen's
    room for the window's minimum size)."""
    from guiapp.ui import MainWindow

    window = MainWindow(settings=store, paths=window_paths)
    qtbot.addWidget(window)
    if shown:
        window.show()
    return window


def test_the_settings_are_read_once_and_changes_remembered(store):
    store.setValue("pen_width", 31)
    persistence = Persistence(store)
    assert persistence.settings.pen_width == 31 and persistence.settings.colour_mode == SHARED
    persistence.remember(colour_mode=PER_MAP, model_path="/m.keras")
    assert (persistence.settings.pen_width, persistence.settings.colour_mode, persistence.settings.model_path) == (
        31, PER_MAP, "/m.keras")
    assert load_settings(store).model_path == ""  # remembered, not yet written


def test_what_was_saved_is_put_on_the_window(qtbot, store, window_paths):
    store.setValue("pen_width", 31)
    store.setValue("colour_mode", PER_MAP)
    window = _window(qtbot, store, window_paths)
    try:
        assert window.canvas.pen_width() == 31 and window.menus.pen_slider.value() == 31
        assert window.state.colour_mode == PER_MAP and window.menus.per_map.isChecked()
        assert window.feature_maps.colour_mode == PER_MAP
    finally:
        window.shutdown()


def test_a_saved_window_on_a_screen_since_unplugged_comes_back_where_it_can_be_grabbed(qtbot, store, window_paths):
    lost = QWidget()
    lost.setGeometry(20_000, 20_000, 700, 600)
    store.setValue(GEOMETRY, lost.saveGeometry())
    window = _window(qtbot, store, window_paths, shown=False)
    try:
        frame, screen = window.frameGeometry(), window.screen().availableGeometry()
        assert usable_geometry(frame, [screen]) and screen.contains(frame.topLeft())
        assert (frame.width(), frame.height()) == (700, 600)  # its own size, moved on screen
    finally:
        window.shutdown()


def test_what_the_user_changed_is_written_at_quit_and_the_shipped_model_as_none(qtbot, store, window_paths):
    window = _window(qtbot, store, window_paths)
    qtbot.waitUntil(lambda: window.inspector is not None, timeout=MODEL_TIMEOUT_MS)
    window.canvas.set_pen_width(27)
    window.menus.per_map.trigger()
    window.load_model(OTHER_MODEL)
    qtbot.waitUntil(lambda: window.inspector.path == OTHER_MODEL, timeout=MODEL_TIMEOUT_MS)
    window.save_settings()
    saved = load_settings(store)
    assert (saved.pen_width, saved.colour_mode, saved.model_path) == (27, PER_MAP, str(OTHER_MODEL))
    assert saved.geometry is not None and saved.columns == tuple(window.splitter.live_sizes())
    window.load_model(paths.DEFAULT_MODEL)
    qtbot.waitUntil(lambda: window.inspector.path == paths.DEFAULT_MODEL, timeout=MODEL_TIMEOUT_MS)
    assert window.close()  # quitting saves
    assert load_settings(store).model_path == ""  # the shipped model: nothing to remember


def test_reset_layout_brings_the_designed_layout_back_and_forgets_the_saved_one(qtbot, store, window_paths):
    store.setValue(COLUMNS, [300, 900, 700])  # a layout saved at the last quit
    store.setValue(GEOMETRY, QWidget().saveGeometry())
    window = _window(qtbot, store, window_paths, shown=False)
    try:
        assert window.persistence.settings.columns == (300, 900, 700)
        window.pages.setCurrentIndex(3)  # on the Training page, which borrows two columns
        window.resize(700, 500)
        window.reset_layout()
        assert window.pages.currentIndex() == 0 and not window.live_page.lent
        assert window.geometry() == default_geometry(window.screen().availableGeometry())
        assert not store.contains(GEOMETRY) and not store.contains(COLUMNS)
        assert window.persistence.settings.geometry is None and window.persistence.settings.columns is None
        assert len(window.splitter.sizes()) == len(COLUMN_WIDTHS)
    finally:
        window.shutdown()
