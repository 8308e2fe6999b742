"""Pieces shared by the commands: the --model option and loading the model it names."""

from __future__ import annotations

import argparse
from pathlib import Path

from guiapp import paths


def add_model_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--model", type=Path, metavar="PATH", default=argparse.SUPPRESS,
        # SUPPRESS: `guiapp --model X summary` keeps the X given before the command
        help=f"a trained .keras model (default: the shipped {paths.DEFAULT_MODEL.name})",
    )


def load_inspector(model: Path | None):  # -> Inspector (imported lazily: TensorFlow is slow to import)
    from guiapp.core.model.inference import Inspector

    return Inspector.load(model or paths.DEFAULT_MODEL)
