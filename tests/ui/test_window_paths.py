"""A window writes its caches and trained models into the folders it is given, and nothing into the defaults."""

from __future__ import annotations

TRAINING_PAGE = 3  # the pages: Live network, Conv arithmetic, Architecture explorer, Training
from guiapp.ui.window_paths import WHERE_DIGITS_ENV, WindowPaths
from tests.models import make_model
from tests.ui.conftest import MODEL_TIMEOUT_MS, WHERE_DIGITS


def _files(folder) -> list:
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


def test_a_window_given_paths_writes_there_and_not_into_the_defaults(qtbot, store, where_digits, tmp_path,
                                                                      monkeypatch):
    from guiapp.ui import MainWindow

    # The defaults, as the user's folders would be: somewhere of this test's own, empty.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "default_cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "default_data"))
    defaults = WindowPaths.default()
    assert all(folder.is_relative_to(tmp_path) for folder in
               (defaults.filter_patches, defaults.where_cache, defaults.trained_models))
    given = WindowPaths(filter_patches=tmp_path / "patches", where_cache=tmp_path / "where",
                        where_digits=where_digits, trained_models=tmp_path / "models")
    fresh = make_model(tmp_path / "model", (28, 28, 1), 10, name="told")  # in no cache: everything is computed
    window = MainWindow(fresh, settings=store, paths=given)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.filter_patches is not None, timeout=MODEL_TIMEOUT_MS)
    window.tabs.setCurrentWidget(window.where.page)
    qtbot.waitUntil(lambda: window.where.test_pass is not None, timeout=MODEL_TIMEOUT_MS)
    assert len(window.where.digits.labels) == WHERE_DIGITS  # the given slice, not the shipped 10,000
    window.pages.setCurrentIndex(TRAINING_PAGE)
    trained_into = window.training_view.folder
    window.shutdown()
    assert _files(given.filter_patches) and _files(given.where_cache)
    assert trained_into == given.trained_models  # what the Training page writes goes there
    assert _files(tmp_path / "default_cache") == [] and _files(tmp_path / "default_data") == []


def test_the_command_lines_window_reads_the_where_digits_the_environment_names(monkeypatch, tmp_path):
    monkeypatch.setenv(WHERE_DIGITS_ENV, str(tmp_path / "digits.npz"))
    assert WindowPaths.from_environment().where_digits == tmp_path / "digits.npz"
    monkeypatch.delenv(WHERE_DIGITS_ENV)
    assert WindowPaths.from_environment() == WindowPaths.default() and WindowPaths.default().where_digits is None
