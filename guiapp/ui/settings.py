"""What persists across runs: window geometry, the live page's column widths, pen width, last model, colour scale.

The settings file is the user's (or anyone's) to edit: every value is checked as it is
read, and one that is not usable — NaN, out of range, a path no file system accepts —
is replaced by its default, so a bad file can never stop the window from opening. Column widths
that would hide a column (or make it too narrow to use) are not usable either: the designed ones
are used instead (:func:`guiapp.ui.layout.usable_columns`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, QStandardPaths

from guiapp.core.drawing.strokes import DEFAULT_PEN_WIDTH, MAX_PEN_WIDTH, MIN_PEN_WIDTH
from guiapp.ui.layout import usable_columns

ORGANIZATION = APPLICATION = "guiapp"
COLOUR_MODES = ("shared", "per_map")
MAX_PATH_CHARS = 4096  # longer than any path a file system accepts
# What the window's layout is kept under; "splitter" held QSplitter.saveState(), which could be saved with
# a column lent to the Training page (widths 0): no longer read, and removed when the layout is saved.
LAYOUT_KEYS = GEOMETRY, COLUMNS, OLD_SPLITTER = "geometry", "live_columns", "splitter"


@dataclass(frozen=True)
class Settings:
    pen_width: float = DEFAULT_PEN_WIDTH
    model_path: str = ""  # the last model opened; "" for the shipped one
    colour_mode: str = "shared"
    geometry: QByteArray | None = None  # QWidget.saveGeometry(); checked against the screens as it is restored
    columns: tuple[int, ...] | None = None  # the live page's column widths, usable ones only


def default_store() -> QSettings:
    return QSettings(ORGANIZATION, APPLICATION)


def load_settings(store: QSettings) -> Settings:
    def number(key: str, default: float, low: float, high: float) -> float:
        try:
            value = float(store.value(key, default))
        except (TypeError, ValueError, OverflowError):
            return default
        return min(max(value, low), high) if math.isfinite(value) else default

    def text(key: str, allowed: tuple[str, ...] | None = None, default: str = "") -> str:
        value = store.value(key, default)
        if not isinstance(value, str) or "\x00" in value or len(value) > MAX_PATH_CHARS:
            return default
        return value if allowed is None or value in allowed else default

    def blob(key: str) -> QByteArray | None:
        value = store.value(key)
        return value if isinstance(value, QByteArray) else None

    def widths(key: str) -> tuple[int, ...] | None:
        return column_widths(store.value(key))

    return Settings(
        pen_width=number("pen_width", DEFAULT_PEN_WIDTH, MIN_PEN_WIDTH, MAX_PEN_WIDTH),
        model_path=text("model_path"),
        colour_mode=text("colour_mode", COLOUR_MODES, "shared"),
        geometry=blob(GEOMETRY),
        columns=widths(COLUMNS),
    )


def column_widths(value: object) -> tuple[int, ...] | None:
    """The live page's column widths as a settings file gives them back, if usable (an INI file gives
    "330, 640, 560" back as ["330", "640", "560"]; anything else a stranger wrote is None)."""
    items = value if isinstance(value, list) else [value]
    if value is None or not all(isinstance(item, (str, int)) and not isinstance(item, bool) for item in items):
        return None
    try:
        sizes = tuple(int(item) for item in items)
    except (ValueError, OverflowError):
        return None
    return sizes if usable_columns(sizes) else None


def save_settings(store: QSettings, settings: Settings) -> None:
    store.setValue("pen_width", settings.pen_width)
    store.setValue("model_path", settings.model_path)
    store.setValue("colour_mode", settings.colour_mode)
    if settings.geometry is not None:
        store.setValue(GEOMETRY, settings.geometry)
    if settings.columns is not None:
        store.setValue(COLUMNS, list(settings.columns))
    store.remove(OLD_SPLITTER)
    store.sync()


def forget_layout(store: QSettings) -> None:
    """View → Reset layout: the saved geometry and column widths are gone (the next launch uses the designed ones)."""
    for key in LAYOUT_KEYS:
        store.remove(key)
    store.sync()


def trained_models_dir() -> Path:
    """Where the Training page writes models, cards and histories (``~/.local/share/guiapp/models`` on Linux):
    the installed package's own folder may not be writable."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericDataLocation)
    return Path(base or Path.home()) / "guiapp" / "models"
