"""What persists across runs: window geometry, splitter positions, pen width, last model, colour scale."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QSettings

from guiapp.core.strokes import DEFAULT_PEN_WIDTH

ORGANIZATION = APPLICATION = "guiapp"


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
    def number(key: str, default: float) -> float:
        try:
            return float(store.value(key, default))
        except (TypeError, ValueError):
            return default

    def blob(key: str) -> QByteArray | None:
        value = store.value(key)
        return value if isinstance(value, QByteArray) else None

    return Settings(
        pen_width=number("pen_width", DEFAULT_PEN_WIDTH),
        model_path=str(store.value("model_path", "") or ""),
        colour_mode=str(store.value("colour_mode", "shared") or "shared"),
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
