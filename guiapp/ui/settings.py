"""What persists across runs: window geometry, splitter positions, pen width, last model, colour scale.

The settings file is the user's (or anyone's) to edit: every value is checked as it is
read, and one that is not usable — NaN, out of range, a path no file system accepts —
is replaced by its default, so a bad file can never stop the window from opening.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, QStandardPaths

from guiapp.core.drawing.strokes import DEFAULT_PEN_WIDTH, MAX_PEN_WIDTH, MIN_PEN_WIDTH

ORGANIZATION = APPLICATION = "guiapp"
COLOUR_MODES = ("shared", "per_map")
MAX_PATH_CHARS = 4096  # longer than any path a file system accepts


@dataclass(frozen=True)
class Settings:
    pen_width: float = DEFAULT_PEN_WIDTH
    model_path: str = ""  # the last model opened; "" for the shipped one
    colour_mode: str = "shared"
    geometry: QByteArray | None = None
    splitter: QByteArray | None = None


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

    return Settings(
        pen_width=number("pen_width", DEFAULT_PEN_WIDTH, MIN_PEN_WIDTH, MAX_PEN_WIDTH),
        model_path=text("model_path"),
        colour_mode=text("colour_mode", COLOUR_MODES, "shared"),
        geometry=blob("geometry"),
        splitter=blob("splitter"),
    )


def save_settings(store: QSettings, settings: Settings) -> None:
    store.setValue("pen_width", settings.pen_width)
    store.setValue("model_path", settings.model_path)
    store.setValue("colour_mode", settings.colour_mode)
    if settings.geometry is not None:
        store.setValue("geometry", settings.geometry)
    if settings.splitter is not None:
        store.setValue("splitter", settings.splitter)
    store.sync()


def trained_models_dir() -> Path:
    """Where the Training page writes models, cards and histories (``~/.local/share/guiapp/models`` on Linux):
    the installed package's own folder may not be writable."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericDataLocation)
    return Path(base or Path.home()) / "guiapp" / "models"
