"""screen_choice: one choice per screen, keyed by its name and size, every value checked as it is read."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtGui import QGuiApplication

from guiapp.ui.presentation.screen_choice import GROUP, ScreenChoice, load_choice, save_choice, screen_key

NAMES = {"canvas", "tabs", "feature_maps"}


def _store(tmp_path) -> QSettings:
    return QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)


def test_two_screens_keep_two_choices_across_runs(tmp_path):
    store = _store(tmp_path)
    save_choice(store, "HDMI-1_1280x720", ScreenChoice(frozenset({"tabs", "canvas"}), 1.0, 1.5))
    save_choice(store, "eDP-1_1920x1080", ScreenChoice(frozenset(), 1.25, 1.0))
    store.sync()
    again = _store(tmp_path)
    assert load_choice(again, "HDMI-1_1280x720", NAMES) == ScreenChoice(frozenset({"tabs", "canvas"}), 1.0, 1.5)
    assert load_choice(again, "eDP-1_1920x1080", NAMES) == ScreenChoice(frozenset(), 1.25, 1.0)
    assert load_choice(again, "never_seen", NAMES) == ScreenChoice()


def test_a_hostile_or_stale_choice_reads_as_the_defaults(tmp_path):
    store = _store(tmp_path)
    key = "x_1x1"
    store.setValue(f"{GROUP}/{key}/hidden_panels", "tabs,removed_panel," + "a" * 5000)
    store.setValue(f"{GROUP}/{key}/zoom", "nan")
    store.setValue(f"{GROUP}/{key}/presentation_zoom", "1e308")
    choice = load_choice(store, key, NAMES)
    assert choice == ScreenChoice(frozenset(), 1.0, 2.5)  # too long a list: none; huge zoom: the largest
    store.setValue(f"{GROUP}/{key}/hidden_panels", "tabs, removed_panel")
    store.setValue(f"{GROUP}/{key}/zoom", "not a number")
    assert load_choice(store, key, NAMES) == ScreenChoice(frozenset({"tabs"}), 1.0, 2.5)


def test_the_key_names_the_screen_and_its_size_in_safe_characters(qapp):
    screen = QGuiApplication.primaryScreen()
    size = screen.geometry().size()
    key = screen_key(screen)
    assert key.endswith(f"_{size.width()}x{size.height()}")
    assert all(c.isalnum() or c in "_.-" for c in key)
    assert screen_key(None) == "no_screen"
