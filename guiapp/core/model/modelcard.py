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


def card_text(card: dict[str, Any]) -> str:
    """The card as written to disk (training writes it together with the model, not through :func:`write_card`)."""
    return json.dumps({"format": CARD_FORMAT, **card}, indent=2, ensure_ascii=False) + "\n"


def write_card(model_path: Path, card: dict[str, Any]) -> Path:
    """Write the card for ``model_path`` atomically and return its path."""
    path = card_path_for(model_path)
    write_text_atomic(path, card_text(card))
    return path


def read_card(model_path: Path) -> dict[str, Any] | None:
    """The card beside ``model_path``, or None when there is none or it is unreadable."""
    path = card_path_for(model_path)
    try:
        card = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return card if isinstance(card, dict) else None


def describe(card: dict[str, Any] | None) -> str:
    """One line on how a model was trained, from its card."""
    if not card:
        return "no model card: how it was trained is unknown"
    accuracy = f"{card['test']['accuracy']:.2%} on MNIST test" if "test" in card else "MNIST accuracy unknown"
    data = card.get("training_data")
    if not data:
        ema = " plus a moving average of the weights" if card.get("hyperparameters", {}).get("ema") else ""
        return f"the seed's recipe{ema} on MNIST; {accuracy}"
    parts = [f"{data.get('mnist_augmented', 0):,} varied MNIST digits"]
    if data.get("pendigits_rendered"):
        pen = data.get("pendigits_digits", 0)
        parts.append(f"{data['pendigits_rendered']:,} renders of {pen:,} pen-drawn digits")
    return f"trained for drawn digits: MNIST + {' + '.join(parts)}; {accuracy}"
