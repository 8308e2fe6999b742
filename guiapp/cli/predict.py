"""``guiapp predict``: classify image files (PNG/JPG/BMP of any size, or 28×28 .npy)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from guiapp.cli.common import add_model_option, load_inspector
from guiapp.core.errors import GuiappError, ImageFileError

BATCH = 1000  # drawings rendered, then classified in one call


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
                        help='one JSON object per file: {"file", "top", "probability", "probabilities"}; '
                        'with --strokes one per drawing: {"line", "top", "probabilities"} or {"line", "error"}')
    parser.add_argument("--strokes", type=Path, metavar="FILE",
                        help="classify drawings given as strokes, one JSON object per line "
                        '({"width": 280, "height": 280, "pen_width": 20, "strokes": [[[x, y], ...], ...]}; '
                        "canvas pixels, y down), drawn through exactly the canvas' rasteriser and preprocessing. "
                        "A bad line is reported on stderr; the other lines are still classified")
    parser.add_argument("files", nargs="*", type=Path, metavar="FILE")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.strokes is not None:
        if args.files:
            raise GuiappError("give either image files or --strokes FILE, not both")
        return run_strokes(args)
    if not args.files:
        raise GuiappError("nothing to classify — give image files, or --strokes FILE (guiapp predict --help)")
    from guiapp.core.drawing.images import (
        load_digit_image,  # PIL and SciPy only when needed
    )

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


def run_strokes(args: argparse.Namespace) -> int:
    """One output line per drawing of a JSON Lines stroke file, in file order."""
    from guiapp.core.drawing.preprocess import drawing_to_network_input
    from guiapp.core.drawing.stroke_file import read_drawings

    inspector = None
    failed = 0
    pending: list[tuple[int, np.ndarray]] = []

    def flush() -> None:
        nonlocal inspector
        if not pending:
            return
        inspector = inspector or load_inspector(args.model)
        probabilities = inspector.predict_probabilities(np.stack([image for _, image in pending]))
        for (line, _), probs in zip(pending, probabilities, strict=True):
            top = int(probs.argmax())
            if args.json:
                print(json.dumps({"line": line, "top": top, "probabilities": [round(float(p), 6) for p in probs]}))
            else:
                spread = " ".join(f"{digit}:{p:.3f}" for digit, p in enumerate(probs))
                print(f"line {line}: {top} ({probs[top]:.1%})   {spread}")
        pending.clear()

    for entry in read_drawings(args.strokes):
        if entry.error is not None:
            flush()  # keep the output in file order
            failed += 1
            print(f"guiapp: {args.strokes} line {entry.number}: {entry.error}", file=sys.stderr)
            if args.json:
                print(json.dumps({"line": entry.number, "error": entry.error}, ensure_ascii=False))
            continue
        pending.append((entry.number, drawing_to_network_input(entry.drawing)))
        if len(pending) >= BATCH:
            flush()
    flush()
    return 2 if failed else 0
