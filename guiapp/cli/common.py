"""Pieces shared by the commands: the --model and --trust-model options and loading the model they name."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from guiapp import paths
from guiapp.core.errors import UnsafeModelError

if TYPE_CHECKING:
    from guiapp.core.model.inference import Inspector

TRUST_HINT = "pass --trust-model to load it anyway, if you trust where it came from"


def add_model_option(parser: argparse.ArgumentParser | argparse._ActionsContainer) -> None:
    """``--model PATH`` and ``--trust-model``, for every command that loads a model."""
    parser.add_argument(
        "--model", type=Path, metavar="PATH", default=argparse.SUPPRESS,
        # SUPPRESS: `guiapp --model X summary` keeps the X given before the command
        help=f"a trained .keras model (default: the shipped {paths.DEFAULT_MODEL.name})",
    )
    # Beside --model, not in a mutually exclusive group that holds it (summary's --model | --arch):
    # there it would exclude --model itself.
    beside = getattr(parser, "_container", parser)
    beside.add_argument(
        "--trust-model", action="store_true",
        help="load the model even if it holds Python code that runs as it loads (Lambda layers); "
        "only for files whose source you trust",
    )
    beside.add_argument(
        "--classes", type=Path, metavar="FILE", default=None,
        help="class names, one per line (or a JSON list), one per model output "
        '(default: the model card\'s "classes", else 0…N−1)',
    )


def load_inspector(model: Path | None, trust: bool = False, classes: Path | None = None) -> Inspector:
    """The model at ``model`` (default: the shipped one); ``trust`` lets its Python code run;
    ``classes`` names its classes from a file.

    Imported lazily: TensorFlow is slow to import.
    """
    from guiapp.core.model.class_names import read_class_names
    from guiapp.core.model.inference import Inspector

    try:  # Inspector.load checks the file first: a FIFO, /dev/zero or a model too large is one line, exit 2
        inspector = Inspector.load(model or paths.DEFAULT_MODEL, trust=trust)
    except UnsafeModelError as exc:
        raise UnsafeModelError(exc.path, exc.reason, TRUST_HINT) from None
    for note in inspector.card_notes:  # an optional card field that is nonsense: said, and the model used anyway
        print(f"guiapp: note: {note}", file=sys.stderr)
    if classes is not None:
        inspector.set_class_names(read_class_names(classes, inspector.num_classes))
    return inspector
