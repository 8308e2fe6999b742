"""The JSON model card written beside every trained ``.keras`` file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from guiapp.core.atomic import write_text_atomic

CARD_FORMAT = "guiapp-model-card/1"
MAX_CARD_BYTES = 4 * 2**20  # the shipped cards are a few KB; a training history of thousands of epochs fits


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
        if path.stat().st_size > MAX_CARD_BYTES:  # a card comes with a stranger's model: read it only if sane
            return None
        card = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    return card if isinstance(card, dict) else None


def card_accuracy(card: dict[str, Any] | None) -> float | None:
    """The card's test accuracy, when it holds a number between 0 and 1 (a card may come from anyone)."""
    test = card.get("test") if card else None
    value = test.get("accuracy") if isinstance(test, dict) else None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0.0 <= value <= 1.0:
        return float(value)
    return None


def describe(card: dict[str, Any] | None) -> str:
    """One line on how a model was trained, from its card."""
    if not card:
        return "no model card: how it was trained is unknown"
    score = card_accuracy(card)
    description = card.get("description")
    if isinstance(description, str) and description.strip():
        test = card.get("test") if isinstance(card.get("test"), dict) else {}
        dataset = test.get("dataset") if isinstance(test.get("dataset"), str) else "its test set"
        accuracy = f"{score:.2%} on {dataset[:80]}" if score is not None else "accuracy unknown"
        return f"{description.strip()[:120]}; {accuracy}"
    accuracy = f"{score:.2%} on MNIST test" if score is not None else "MNIST accuracy unknown"
    data = card.get("training_data")
    if not isinstance(data, dict) or not data:
        hyper = card.get("hyperparameters")
        ema = " plus a moving average of the weights" if isinstance(hyper, dict) and hyper.get("ema") else ""
        return f"the seed's recipe{ema} on MNIST; {accuracy}"
    parts = [f"{_count(data.get('mnist_augmented'))} varied MNIST digits"]
    if data.get("pendigits_rendered"):
        parts.append(f"{_count(data['pendigits_rendered'])} renders of {_count(data.get('pendigits_digits'))} "
                     "pen-drawn digits")
    return f"trained for drawn digits: MNIST + {' + '.join(parts)}; {accuracy}"


def _count(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else "?"
