"""The JSON model card written beside every trained ``.keras`` file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from guiapp.core.atomic import write_text_atomic

CARD_FORMAT = "guiapp-model-card/1"


def card_path_for(model_path: Path) -> Path:
    """``models/mnist_cnn.keras`` → ``models/mnist_cnn.json``."""
    return model_path.with_suffix(".json")


def write_card(model_path: Path, card: dict[str, Any]) -> Path:
    """Write the card for ``model_path`` atomically and return its path."""
    path = card_path_for(model_path)
    write_text_atomic(path, json.dumps({"format": CARD_FORMAT, **card}, indent=2, ensure_ascii=False) + "\n")
    return path


def read_card(model_path: Path) -> dict[str, Any] | None:
    """The card beside ``model_path``, or None when there is none or it is unreadable."""
    path = card_path_for(model_path)
    try:
        card = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return card if isinstance(card, dict) else None
