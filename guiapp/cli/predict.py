"""``guiapp predict``: classify image files (PNG/JPG/BMP of any size, or 28×28 .npy)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from guiapp.cli.common import add_model_option, load_inspector
from guiapp.core.errors import ImageFileError


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "predict",
        help="classify images: top class, its probability and all 10 probabilities",
        description="Classify digit images. 28×28 pictures are used as they are; other sizes go "
        "through MNIST's recipe (crop, fit 20×20, centre of mass). Dark-on-light pictures are "
        "inverted. Unreadable files are reported on stderr; the others are still classified.",
    )
    add_model_option(parser)
    parser.add_argument("--json", action="store_true",
                        help='one JSON object per file: {"file", "top", "probability", "probabilities"}')
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from guiapp.core.images import load_digit_image  # PIL and SciPy only when needed

    images: list[np.ndarray] = []
    readable: list[Path] = []
    failed = 0
    for path in args.files:
        try:
            images.append(load_digit_image(path))
            readable.append(path)
        except ImageFileError as exc:
            print(f"guiapp: {exc}", file=sys.stderr)
            failed += 1
    if images:
        inspector = load_inspector(args.model)
        probabilities = inspector.predict_probabilities(np.stack(images))
        for path, probs in zip(readable, probabilities, strict=True):
            top = int(probs.argmax())
            if args.json:
                print(json.dumps({
                    "file": str(path), "top": top, "probability": float(probs[top]),
                    "probabilities": [round(float(p), 6) for p in probs],
                }))
            else:
                spread = " ".join(f"{digit}:{p:.3f}" for digit, p in enumerate(probs))
                print(f"{path}: {top} ({probs[top]:.1%})   {spread}")
    return 2 if failed else 0
