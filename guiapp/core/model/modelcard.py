"""The JSON model card written beside every trained ``.keras`` file, and read back from anyone's.

A card is optional and comes with a stranger's model: it is read through the checked door (a FIFO or a
link to ``/dev/zero`` is no card), and each field is used only when it makes sense. A field that does
not is ignored — the model stays usable — and :func:`card_notes` says which, for a status or log line.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from guiapp.core.atomic import write_text_atomic
from guiapp.core.errors import file_problem
from guiapp.core.files import FileRefused, read_regular
from guiapp.core.model.limits import MAX_INPUT_MAGNITUDE

__all__ = [
    "card_accuracy", "card_classes", "card_input_range", "card_notes", "card_path_for", "card_text", "describe",
    "read_card", "write_card",
]

CARD_FORMAT = "guiapp-model-card/1"
MAX_CARD_BYTES = 4 * 2**20  # the shipped cards are a few KB; a training history of thousands of epochs fits
MAX_NAME = 80  # characters kept of one class name
MAX_COUNT = 10**12  # a count of digits a card may state (training data); beyond, it is shown as "?"
IGNORED = "ignored: the model is used without it"


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


def read_card(model_path: Path, notes: list[str] | None = None) -> dict[str, Any] | None:
    """The card beside ``model_path``, or None when there is none or it is unusable (then a line in ``notes``)."""
    path = card_path_for(model_path)
    try:
        card = json.loads(read_regular(path, MAX_CARD_BYTES).decode("utf-8"))
    except FileRefused as exc:
        problem = None if exc.reason == "no such file" else f"the model card {exc.reason}"
    except (ValueError, RecursionError) as exc:  # not UTF-8, not JSON, or nested past Python's stack
        problem = f"is not a JSON model card ({type(exc).__name__})"
    else:
        if isinstance(card, dict):
            return card
        problem = "is not a JSON model card (not an object)"
    if problem is not None and notes is not None:
        notes.append(file_problem(path, problem, IGNORED))
    return None


def card_accuracy(card: Mapping[str, Any] | None) -> float | None:
    """The card's test accuracy, when it holds a number between 0 and 1 (a card may come from anyone)."""
    test = card.get("test") if card else None
    value = _bounded(test.get("accuracy"), 1.0) if isinstance(test, dict) else None
    return value if value is not None and value >= 0.0 else None


def card_classes(card: Mapping[str, Any] | None, count: int) -> tuple[str, ...] | None:
    """The card's ``"classes"`` when it names each of ``count`` outputs (strings or whole numbers), else None."""
    names = card.get("classes") if card else None
    if (isinstance(names, list) and len(names) == count
            and all(isinstance(n, str) or _is_int(n) and abs(n) < MAX_COUNT for n in names)):
        return tuple(str(name)[:MAX_NAME] for name in names)
    return None


def card_input_range(card: Mapping[str, Any] | None) -> tuple[float, float] | None:
    """The card's ``"input_range": [low, high]``: two finite numbers within ±:data:`MAX_INPUT_MAGNITUDE`,
    low < high; None otherwise (a 400-digit integer or ``1e400`` is no pixel scale)."""
    value = card.get("input_range") if card else None
    if not isinstance(value, list) or len(value) != 2:
        return None
    low, high = (_bounded(v, MAX_INPUT_MAGNITUDE) for v in value)
    return (low, high) if low is not None and high is not None and low < high else None


def card_notes(model_path: Path, card: Mapping[str, Any] | None, count: int) -> list[str]:
    """One line for each field of the card that is there but cannot be used, so is ignored."""
    if not card:
        return []
    path = card_path_for(model_path)
    notes = []
    if "input_range" in card and card_input_range(card) is None:
        notes.append(file_problem(path, f'"input_range" is not two numbers low < high within '
                                        f"±{MAX_INPUT_MAGNITUDE:,.0f}", IGNORED))
    if "classes" in card and card_classes(card, count) is None:
        notes.append(file_problem(path, f'"classes" is not a list of {count:,} names, one per model output', IGNORED))
    return notes


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
        return f"the Keras example's recipe{ema} on MNIST; {accuracy}"
    parts = [f"{_count(data.get('mnist_augmented'))} varied MNIST digits"]
    if data.get("pendigits_rendered"):
        parts.append(f"{_count(data['pendigits_rendered'])} renders of {_count(data.get('pendigits_digits'))} "
                     "pen-drawn digits")
    return f"trained for drawn digits: MNIST + {' + '.join(parts)}; {accuracy}{_pen_figures(card)}"


def _pen_figures(card: Mapping[str, Any]) -> str:
    """'; pen digits it never saw: …' from the card's ``measured`` section, and its folded temperature."""
    text = ""
    measured = card.get("measured")
    pen = measured.get("pen_digits") if isinstance(measured, dict) else None
    if isinstance(pen, dict):
        halves, styles = _bounded(pen.get("halves"), 1.0), _bounded(pen.get("styles"), 1.0)
        if halves is not None and styles is not None and min(halves, styles) >= 0:
            text += f"; pen digits it never saw: {halves:.1%} (same writers), {styles:.1%} (unseen styles)"
    hyper = card.get("hyperparameters")
    t = _bounded(hyper.get("temperature"), 20.0) if isinstance(hyper, dict) else None
    if t is not None and t > 0 and t != 1.0:
        text += f"; bars calibrated (temperature {t:.2f})"
    return text


def _count(value: Any) -> str:
    return f"{value:,}" if _is_int(value) and 0 <= value <= MAX_COUNT else "?"


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _bounded(value: Any, magnitude: float) -> float | None:
    """``value`` as a float when it is a number (not a bool) within ±``magnitude``, else None.

    Compared before converting: ``float()`` of a 400-digit integer raises, and ``1e400`` is read as infinity.
    """
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return float(value) if -magnitude <= value <= magnitude else None
