"""Pieces shared by the commands: the --model and --trust-model options and loading the model they name."""

from __future__ import annotations

import argparse
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


def load_inspector(model: Path | None, trust: bool = False) -> Inspector:
    """The model at ``model`` (default: the shipped one); ``trust`` lets its Python code run.

    Imported lazily: TensorFlow is slow to import.
    """
    from guiapp.core.model.inference import Inspector

    try:
        return Inspector.load(model or paths.DEFAULT_MODEL, trust=trust)
    except UnsafeModelError as exc:
        raise UnsafeModelError(exc.path, exc.reason, TRUST_HINT) from None
