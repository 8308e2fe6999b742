"""What a lecturer chose for one screen, kept across runs: the panels hidden in presentation mode and the zoom.

A projector's choice differs from the laptop's, so each screen has its own, under a key made of the screen's
name and logical size (``presentation/<name>_<w>x<h>/…`` in the window's settings). Values are checked as they
are read, like every setting: an unknown panel name is dropped, a zoom out of range is brought into it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from PySide6.QtCore import QSettings
from PySide6.QtGui import QScreen

from guiapp.ui.presentation.theme import clamp_zoom

GROUP = "presentation"
MAX_TEXT = 1000  # a panel list longer than this is not one


@dataclass(frozen=True)
class ScreenChoice:
    hidden: frozenset[str] = field(default_factory=frozenset)  # panels hidden in presentation mode
    zoom: float = 1.0  # out of presentation mode
    presentation_zoom: float = 1.0  # in it, over the projector's larger type


def screen_key(screen: QScreen | None) -> str:
    """``HDMI-1_1280x720``: the screen's name and logical size, in characters a settings key keeps."""
    if screen is None:
        return "no_screen"
    size = screen.geometry().size()
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", screen.name())[:60] or "screen"
    return f"{name}_{size.width()}x{size.height()}"


def load_choice(store: QSettings, key: str, names: set[str] | frozenset[str]) -> ScreenChoice:
    """The choice saved for the screen ``key`` (the defaults for a screen never seen); only known panel names."""
    def zoom(name: str) -> float:
        try:
            value = float(store.value(f"{GROUP}/{key}/{name}", 1.0))
        except (TypeError, ValueError, OverflowError):
            return 1.0
        return clamp_zoom(value) if math.isfinite(value) else 1.0

    text = store.value(f"{GROUP}/{key}/hidden_panels", "")
    if isinstance(text, list):  # an INI file may read "a, b" back as a list
        text = ",".join(str(item) for item in text)
    hidden = set(text.split(",")) if isinstance(text, str) and len(text) <= MAX_TEXT else set()
    return ScreenChoice(frozenset(name.strip() for name in hidden if name.strip() in names),
                        zoom("zoom"), zoom("presentation_zoom"))


def save_choice(store: QSettings, key: str, choice: ScreenChoice) -> None:
    store.setValue(f"{GROUP}/{key}/hidden_panels", ",".join(sorted(choice.hidden)))
    store.setValue(f"{GROUP}/{key}/zoom", choice.zoom)
    store.setValue(f"{GROUP}/{key}/presentation_zoom", choice.presentation_zoom)
