"""What model B is — a model file, A's randomised twin, or a training history's snapshot — as one frozen value,
and B made ready from it (off the GUI thread: :func:`prepare`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from guiapp import paths as shipped

if TYPE_CHECKING:
    from guiapp.core.model.inference import Inspector

FILE, TWIN, SNAPSHOT = "file", "twin", "snapshot"


@dataclass(frozen=True)
class Choice:
    """``kind`` FILE: ``path``, its own weights. TWIN: A's network with its top ``layers`` weighted layers
    re-initialised from ``seed``. SNAPSHOT: the history folder ``path``'s network at snapshot ``snapshot``."""

    kind: str
    path: Path | None = None
    layers: int = 1
    seed: int = 0
    snapshot: int = 0

    def title(self, a_name: str = "A") -> str:
        """How B is named on the page."""
        if self.kind == TWIN:
            top = "top layer" if self.layers == 1 else f"top {self.layers} layers"
            return f"{a_name}, {top} re-initialised (seed {self.seed})" if self.layers else f"{a_name} (nothing re-initialised)"
        if self.kind == SNAPSHOT and self.path is not None:
            return f"{self.path.name}, snapshot {self.snapshot}"
        return self.path.name if self.path is not None else "—"


def model_name(inspector: Inspector | None) -> str:
    """How a model is named on the page: its file's stem, else its network's name."""
    if inspector is None:
        return "—"
    return inspector.path.stem if inspector.path is not None else inspector.ledger.name


def parse_partner(text: str) -> Choice | str:
    """``twin``, ``twin:K`` or a model file's path (the command line's --compare) as a choice; a problem in a line."""
    kind, colon, layers = text.partition(":")
    if kind != TWIN:
        return Choice(FILE, Path(text))
    try:
        return Choice(TWIN, layers=int(layers) if colon else 1)
    except ValueError:
        return f"{text}: expected twin or twin:K, K the layers re-initialised from the top"


@dataclass(frozen=True)
class Partnered:
    """B made ready: the file the worker runs, the weights it runs it with (None: its own), B in this process."""

    choice: Choice
    path: Path
    weights: list[np.ndarray] | None
    inspector: Inspector


def shipped_models() -> list[Path]:
    """The shipped models, the seed's network and its two variants first."""
    first = [shipped.SEED_MODEL, *shipped.VARIANT_MODELS, shipped.DEFAULT_MODEL]
    rest = sorted(path for path in shipped.MODELS_DIR.glob("*.keras") if path not in first)
    return [path for path in first + rest if path.exists()]


def prepare(context: object, choice: Choice, a: Inspector | None) -> Partnered:
    """B made ready, off the GUI thread: its file read (or A's twin built, or a snapshot read)."""
    from guiapp.core.model.inference import Inspector

    if choice.kind == TWIN:
        from guiapp.core.compare.twin import randomised_weights

        if a is None or a.path is None:
            raise ValueError("A's randomised twin needs A's model file: open one from the Model menu")
        weights = randomised_weights(a, choice.layers, choice.seed)
        return Partnered(choice, a.path, weights, a.with_weights(weights))
    if choice.kind == SNAPSHOT:
        from guiapp.core.training.history import TrainingHistory

        assert choice.path is not None
        history = TrainingHistory.open(choice.path)
        if not 0 <= choice.snapshot < len(history.snapshots):
            raise ValueError(f"{choice.path}: no snapshot {choice.snapshot}")
        weights = history.weights(choice.snapshot)
        base = Inspector.load(history.model_path)
        return Partnered(choice, history.model_path, weights, base.with_weights(weights))
    assert choice.path is not None
    return Partnered(choice, choice.path, None, Inspector.load(choice.path))
