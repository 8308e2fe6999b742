"""settings: a settings file from anywhere — NaN, huge numbers, impossible paths — never stops the window;
what is usable is read back as it was saved."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QByteArray, QSettings

from guiapp import paths
from guiapp.core.drawing.strokes import DEFAULT_PEN_WIDTH, MAX_PEN_WIDTH
from guiapp.ui.settings import (
    COLUMNS,
    OLD_SPLITTER,
    Settings,
    load_settings,
    save_settings,
)
from tests.ui.conftest import MODEL_TIMEOUT_MS

BAD_VALUES = [
    ("pen_width", "nan", DEFAULT_PEN_WIDTH),
    ("pen_width", "inf", DEFAULT_PEN_WIDTH),
    ("pen_width", "1e400", DEFAULT_PEN_WIDTH),
    ("pen_width", "1e9", MAX_PEN_WIDTH),
    ("pen_width", "twenty", DEFAULT_PEN_WIDTH),
]


def _ini(tmp_path, lines: str) -> QSettings:
    ini = tmp_path / "guiapp.ini"
    ini.write_text("[General]\n" + lines)
    return QSettings(str(ini), QSettings.Format.IniFormat)


@pytest.mark.parametrize("key, value, expected", BAD_VALUES)
def test_bad_numbers_become_usable_ones(tmp_path, key, value, expected):
    ini = tmp_path / "guiapp.ini"
    ini.write_text(f"[General]\n{key}={value}\n")
    assert load_settings(QSettings(str(ini), QSettings.Format.IniFormat)).pen_width == expected


HIDING = ["1231, 0, 0", "0, 0, 1500", "300, 5, 900", "300, 640", "300, 640, 560, 10", "nan, 640, 560",
          "1e400, 640, 560", "-300, 640, 560", "300, 640, 999999999"]


@pytest.mark.parametrize("columns", HIDING)
def test_saved_widths_that_would_hide_or_crush_a_column_are_not_read(tmp_path, columns):
    assert load_settings(_ini(tmp_path, f"{COLUMNS}={columns}\n")).columns is None


def test_usable_saved_widths_are_read(tmp_path):
    assert load_settings(_ini(tmp_path, f"{COLUMNS}=300, 900, 700\n")).columns == (300, 900, 700)


def test_the_window_opens_on_a_settings_file_full_of_nonsense(qtbot, tmp_path, window_paths):
    from guiapp.ui import MainWindow

    ini = tmp_path / "guiapp.ini"
    ini.write_text("[General]\npen_width=nan\ncolour_mode=rainbow\nmodel_path=" + "x" * 5000 + "\n"
                   "geometry=@ByteArray(not a geometry)\nsplitter=@ByteArray(\\0\\0)\nlive_columns=1e400, nan, -5\n")
    store = QSettings(str(ini), QSettings.Format.IniFormat)
    settings = load_settings(store)
    assert (settings.pen_width, settings.colour_mode, settings.model_path) == (DEFAULT_PEN_WIDTH, "shared", "")
    assert settings.columns is None  # (the geometry is checked as the window restores it)
    window = MainWindow(settings=store, paths=window_paths)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.inspector is not None, timeout=MODEL_TIMEOUT_MS)
    assert window.inspector.path == paths.DEFAULT_MODEL and window.canvas.pen_width() == DEFAULT_PEN_WIDTH
    window.shutdown()


def test_a_model_path_no_file_system_accepts_falls_back_to_the_shipped_model(qtbot, tmp_path, window_paths):
    from guiapp.ui import MainWindow

    ini = tmp_path / "guiapp.ini"
    ini.write_text("[General]\nmodel_path=/tmp/" + "y" * 300 + "/m.keras\n")  # a name longer than 255 bytes
    window = MainWindow(settings=QSettings(str(ini), QSettings.Format.IniFormat), paths=window_paths)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.inspector is not None, timeout=MODEL_TIMEOUT_MS)
    assert window.inspector.path == paths.DEFAULT_MODEL
    window.shutdown()


def test_saving_writes_the_columns_and_drops_the_old_splitter_state(tmp_path):
    store = _ini(tmp_path, "splitter=@ByteArray(\\0\\0)\n")
    save_settings(store, Settings(columns=(300, 900, 700)))
    text = (tmp_path / "guiapp.ini").read_text()
    assert f"{COLUMNS}=300, 900, 700" in text and f"{OLD_SPLITTER}=" not in text
    again = QSettings(str(tmp_path / "guiapp.ini"), QSettings.Format.IniFormat)
    assert load_settings(again).columns == (300, 900, 700)


def test_forgetting_the_layout_keeps_the_rest(tmp_path):
    from guiapp.ui.settings import GEOMETRY, forget_layout

    store = _ini(tmp_path, f"pen_width=30\n{COLUMNS}=300, 900, 700\n")
    store.setValue(GEOMETRY, QByteArray(b"saved geometry"))
    store.setValue(OLD_SPLITTER, QByteArray(b"old"))
    forget_layout(store)
    again = load_settings(QSettings(str(tmp_path / "guiapp.ini"), QSettings.Format.IniFormat))
    assert (again.geometry, again.columns, again.pen_width) == (None, None, 30)
    assert not store.contains(OLD_SPLITTER)


def test_trained_models_go_to_the_users_data_folder_not_the_package(tmp_path, monkeypatch):
    from guiapp.ui.settings import trained_models_dir

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert trained_models_dir() == tmp_path / "data" / "guiapp" / "models"
