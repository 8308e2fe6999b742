"""``guiapp predict``: classify pictures (PNG/JPG/BMP/GIF/WebP/TIFF of any size, or .npy) with any model."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from guiapp.cli.common import add_model_option, load_inspector
from guiapp.core.errors import GuiappError, ImageFileError

if TYPE_CHECKING:
    from guiapp.core.drawing.picture import PictureRecipe
    from guiapp.core.model.inference import Inspector

BATCH = 1000  # pictures or drawings fitted, then classified in one call
MAX_LISTED = 10  # classes listed on a plain output line; more are summarised
# picture.FITS, repeated so that building the parser (every `guiapp` call) does not import PIL;
# tests/cli/test_predict_hostile.py checks the two agree.
FITS = ("pad", "crop", "digit")
EMPTY_DRAWING = "the drawing is empty (no ink on the canvas), so the network sees nothing — its answer is a guess"


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "predict",
        help="classify pictures: top class, its probability and every class's probability",
        description="Classify pictures with the model, printing its class names. Each picture is fitted to the "
        "model's input: grey models get MNIST's digit recipe (dark-on-light pictures inverted, the ink cropped, "
        "fitted into 20/28 of each side, centre of mass centred; a picture already the input's size is used as it "
        "is), colour models the whole picture, padded (see --fit). A blank picture (or a drawing with no ink) is "
        "still classified, with a note on stderr that the network sees nothing (exit code 0). Unreadable files, and inputs the model computes NaN for (NaN or "
        "infinite weights), are reported on stderr (exit code 2); the others are still classified.",
    )
    add_model_option(parser)
    parser.add_argument("--fit", choices=FITS, default=None,
                        help="how a picture is fitted to the model's input: pad (keep the aspect, pad with the "
                        "picture's border colour), crop (keep the aspect, cut the middle) or digit (MNIST's recipe). "
                        "Default: digit for grey models, pad for colour ones")
    parser.add_argument("--json", action="store_true",
                        help='one JSON object per file: {"file", "top" (index), "class" (its name), "probability", '
                        '"probabilities", "blank"}; with --strokes one per drawing: {"line", "top", "class", '
                        '"probabilities", "blank"} or {"line", "error"}')
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
    from guiapp.core.drawing.images import load_picture  # PIL only when needed
    from guiapp.core.live.live_update import PictureInput, network_input

    inspector: Inspector | None = None
    recipe: PictureRecipe | None = None
    failed = 0
    pending: list[tuple[Path, np.ndarray, bool]] = []  # (file, the model's image, blank)
    for path in args.files:
        try:
            picture = load_picture(path)
            if inspector is None:  # loaded at the first readable picture: a list of bad files needs no TensorFlow
                inspector = load_inspector(args.model, args.trust_model, args.classes)
                from guiapp.core.drawing.picture import default_recipe

                recipe = default_recipe(inspector.input_shape, args.fit)
            stages, _ = network_input(inspector, PictureInput(picture, path.name), picture_recipe=recipe)
        except ImageFileError as exc:
            print(f"guiapp: {exc}", file=sys.stderr)
            failed += 1
            continue
        except ValueError as exc:  # a picture the recipe cannot fit: that file alone is lost
            print(f"guiapp: {path}: cannot be fitted to the model's input ({exc})", file=sys.stderr)
            failed += 1
            continue
        if stages.blank:
            print(f"guiapp: {path}: the picture is blank (all one colour), so the network sees nothing — "
                  "its answer is a guess", file=sys.stderr)
        pending.append((path, stages.final, stages.blank))
        if len(pending) >= BATCH:
            failed += _print_files(inspector, pending, args.json)
    if inspector is not None:
        failed += _print_files(inspector, pending, args.json)
    return 2 if failed else 0


def _print_files(inspector: Inspector, pending: list[tuple[Path, np.ndarray, bool]], as_json: bool) -> int:
    """Classify the pending pictures in one call, print a line each, and empty the list; how many the model
    computes NaN for (each said in one line on stderr, with no answer: there is none)."""
    from guiapp.core.live.live_update import computes_nan, nan_problem

    if not pending:
        return 0
    probabilities = _probabilities(inspector, [image for _, image, _ in pending])
    names = inspector.class_names
    nan = 0
    for (path, _, blank), probs in zip(pending, probabilities, strict=True):
        if computes_nan(probs):
            print(f"guiapp: {path}: {nan_problem(inspector)}", file=sys.stderr)
            nan += 1
            continue
        top = int(probs.argmax())
        if as_json:
            print(json.dumps({
                "file": str(path), "top": top, "class": names[top], "probability": float(probs[top]),
                "probabilities": [round(float(p), 6) for p in probs], "blank": blank,
            }, ensure_ascii=False))
        else:
            print(f"{path}: {names[top]} ({probs[top]:.1%})   {spread(names, probs)}")
    pending.clear()
    return nan


def _probabilities(inspector: Inspector, images: list[np.ndarray]) -> np.ndarray:
    """The model's probabilities for ``images``, in one call; a model computing NaN is said per input, not
    warned about by NumPy for every layer."""
    with np.errstate(invalid="ignore", over="ignore"):
        return inspector.predict_probabilities(np.stack(images))


def spread(names: Sequence[str], probabilities: np.ndarray) -> str:
    """``name:p`` for every class in order, or for the :data:`MAX_LISTED` likeliest when there are more."""
    if len(names) <= MAX_LISTED:
        return " ".join(f"{name}:{p:.3f}" for name, p in zip(names, probabilities, strict=True))
    order = np.argsort(-probabilities, kind="stable")[:MAX_LISTED]
    listed = " ".join(f"{names[i]}:{probabilities[i]:.3f}" for i in order)
    return f"{listed} … ({len(names) - MAX_LISTED} more classes)"


def run_strokes(args: argparse.Namespace) -> int:
    """One output line per drawing of a JSON Lines stroke file, in file order."""
    from guiapp.core.drawing.stroke_file import read_drawings
    from guiapp.core.live.live_update import computes_nan, nan_problem, network_input

    inspector: Inspector | None = None
    failed = 0
    pending: list[tuple[int, np.ndarray, bool]] = []  # (line, the model's image, no ink)

    def flush() -> None:
        nonlocal failed
        if not pending or inspector is None:
            return
        probabilities = _probabilities(inspector, [image for _, image, _ in pending])
        names = inspector.class_names
        for (line, _, blank), probs in zip(pending, probabilities, strict=True):
            if computes_nan(probs):  # as a bad line: said on stderr, and as an error in the JSON
                failed += 1
                problem = nan_problem(inspector)
                print(f"guiapp: {args.strokes} line {line}: {problem}", file=sys.stderr)
                if args.json:
                    print(json.dumps({"line": line, "error": problem}, ensure_ascii=False))
                continue
            top = int(probs.argmax())
            if args.json:
                print(json.dumps({"line": line, "top": top, "class": names[top],
                                  "probabilities": [round(float(p), 6) for p in probs], "blank": blank},
                                 ensure_ascii=False))
            else:
                print(f"line {line}: {names[top]} ({probs[top]:.1%})   {spread(names, probs)}")
        pending.clear()

    for entry in read_drawings(args.strokes):
        if entry.error is not None:
            flush()  # keep the output in file order
            failed += 1
            print(f"guiapp: {args.strokes} line {entry.number}: {entry.error}", file=sys.stderr)
            if args.json:
                print(json.dumps({"line": entry.number, "error": entry.error}, ensure_ascii=False))
            continue
        if inspector is None:
            inspector = load_inspector(args.model, args.trust_model, args.classes)
        stages, _ = network_input(inspector, entry.drawing)  # the canvas' own recipe, scaled to the model
        blank = getattr(stages, "box", True) is None  # no ink found on the canvas (erased, or off its edges)
        if blank:  # as a blank picture: classified all the same, with a word that the answer is a guess
            print(f"guiapp: {args.strokes} line {entry.number}: {EMPTY_DRAWING}", file=sys.stderr)
        pending.append((entry.number, stages.final, blank))
        if len(pending) >= BATCH:
            flush()
    flush()
    return 2 if failed else 0
