"""``guiapp compare``: two models on the same MNIST test digits (agreement, per-class accuracy, a layer ×
layer CKA table), or one model against its randomised twin (the sanity check of its evidence maps)."""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from guiapp.cli.common import load_inspector
from guiapp.core.errors import GuiappError

if TYPE_CHECKING:
    from guiapp.core.compare.cka import CkaMatrix
    from guiapp.core.compare.test_set import TestComparison
    from guiapp.core.model.inference import Inspector

# mnist_cnn against itself over 500 digits: ~10 s on the 2-core host guiapp was built on (its CKA is mostly
# the model's pass over the digits; mnist_cnn against mnist_cnn_drawn, twice that).
DEFAULT_DIGITS = 500
MAX_DIGITS = 2000  # each layer's Gram is N×N float64: 32 MB at 2,000, and ten or so are kept
DEFAULT_CASCADE_DIGITS = 10  # every evidence map of every digit at every randomisation step
MAX_CASCADE_DIGITS = 1000


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "compare",
        help="two models on the same test digits: agreement, per-class accuracy, layer × layer CKA "
        "(or one model against its randomised twin)",
        description="Compare two models over the first N MNIST test digits in the shipped order: how often "
        "they give the same answer, each one's accuracy per class, and linear CKA (Kornblith et al. 2019) "
        "between every layer of A (rows) and every layer of B (columns), 0..1. Models of different input "
        "sizes each read the digits at their own size; models with different classes get CKA only. "
        "With --randomized: the sanity check of A's evidence maps (Adebayo et al. 2018): the rank correlation "
        "of each method's map with the trained model's as A's layers are re-initialised from the top.",
    )
    parser.add_argument("a", type=Path, metavar="A", help="a .keras model")
    parser.add_argument("b", type=Path, metavar="B", nargs="?", help="another .keras model (not with --randomized)")
    parser.add_argument("--digits", type=int, metavar="N", default=None,
                        help=f"how many test digits, from the first (default {DEFAULT_DIGITS}, at most "
                        f"{MAX_DIGITS:,}: about 10 s of CPU for mnist_cnn against itself, 17 s against another "
                        f"model, on a 2-core machine; with --randomized default {DEFAULT_CASCADE_DIGITS}, at most "
                        f"{MAX_CASCADE_DIGITS:,}: about 90 s of CPU for mnist_cnn)")
    parser.add_argument("--randomized", action="store_true",
                        help="compare A with its randomised twin: each evidence method's rank correlation "
                        "(Spearman) to the trained map after re-initialising 1, 2, … layers from the top")
    parser.add_argument("--seed", type=int, default=0, metavar="S",
                        help="with --randomized: the seed of the re-initialised weights (default 0)")
    parser.add_argument("--json", action="store_true",
                        help='print one JSON object: {"a": {"path", "layers"}, "b": {…}, "digits", "agreement", '
                        '"accuracy": {"a": […], "b": […]}, "cka": rows (A\'s layers) of columns (B\'s layers)}; '
                        "with --randomized, A and the cascade's figures")
    parser.add_argument("--trust-model", action="store_true",
                        help="load models even if they hold Python code that runs as they load (Lambda layers); "
                        "only for files whose source you trust")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.randomized:
        if args.b is not None:
            raise GuiappError("--randomized compares A with its own randomised twin: give one model, not two")
        return run_randomized(args)
    if args.b is None:
        raise GuiappError("compare needs two models (guiapp compare A B), or one with --randomized")
    digits = _digits(args.digits, DEFAULT_DIGITS, MAX_DIGITS)
    from guiapp.core.compare.cka import cka_matrix
    from guiapp.core.compare.pairing import class_problem, input_note
    from guiapp.core.compare.test_set import compare_on_test
    from guiapp.core.training.data import load_mnist_test

    a = load_inspector(args.a, args.trust_model)
    b = load_inspector(args.b, args.trust_model)
    data = load_mnist_test()
    images = data.images[:digits].astype(np.float32) / 255.0
    labels = data.labels[:digits]
    notes = [note for note in (input_note(a, b), class_problem(a, b)) if note]
    print(f"comparing {args.a} and {args.b} on the first {digits:,} test digits …", file=sys.stderr)
    # The same bytes twice (a model against itself): one model runs, each layer's Gram is computed once.
    same = a.model_file is not None and b.model_file is not None and a.model_file.data == b.model_file.data
    twin = a if same else b
    tests = None if class_problem(a, b) else compare_on_test(a, twin, images, labels)
    matrix = cka_matrix(a, twin, images)
    if args.json:
        print(json.dumps(as_json(args, a, b, digits, tests, matrix, notes), ensure_ascii=False))
    else:
        print(render(args, a, b, digits, tests, matrix, notes))
    return 0


def _digits(value: int | None, default: int, most: int) -> int:
    if value is None:
        return default
    if not 1 <= value <= most:
        raise GuiappError(f"--digits {value}: give 1 to {most:,} (the first N of MNIST's 10,000 test digits)")
    return value


def _number(value: float) -> float | None:
    return None if math.isnan(value) else round(float(value), 4)


def as_json(args: argparse.Namespace, a: Inspector, b: Inspector, digits: int, tests: TestComparison | None,
            matrix: CkaMatrix, notes: list[str]) -> dict:
    """The comparison as one JSON object (NaN, e.g. a class with no digit among the N, as null)."""
    out: dict = {
        "a": {"path": str(args.a), "layers": list(matrix.rows)},
        "b": {"path": str(args.b), "layers": list(matrix.cols)},
        "digits": digits,
        "agreement": None if tests is None else _number(tests.agreement),
        "accuracy": None if tests is None else {"a": [_number(v) for v in tests.accuracy_a],
                                                "b": [_number(v) for v in tests.accuracy_b]},
        "overall": None if tests is None else {"a": _number(tests.overall_a), "b": _number(tests.overall_b)},
        "disagreements": None if tests is None else [int(i) for i in tests.disagreements],
        "cka": [[round(float(v), 4) for v in row] for row in matrix.values],
        "notes": notes,
    }
    return out


def render(args: argparse.Namespace, a: Inspector, b: Inspector, digits: int, tests: TestComparison | None,
           matrix: CkaMatrix, notes: list[str]) -> str:
    from guiapp.core.arithmetic.layer_formulas import shape_text

    lines = []
    for side, path, model, layers in (("A", args.a, a, matrix.rows), ("B", args.b, b, matrix.cols)):
        lines.append(f"{side}  {path}  ({shape_text(model.input_shape)} → {model.num_classes} classes)")
        lines.append(f"   layers: {', '.join(layers)}")
    lines += [f"note: {note}" for note in notes]
    lines.append(f"over the first {digits:,} MNIST test digits")
    lines.append("")
    if tests is not None:
        lines.append(f"agreement   {tests.agreement:.2%}  ({len(tests.disagreements):,} digits answered differently)")
        lines.append(f"accuracy    A {tests.overall_a:.2%}   B {tests.overall_b:.2%}")
        names = a.class_names
        width = max(7, *(len(name) + 1 for name in names))
        lines.append("per class   " + "".join(f"{name:>{width}}" for name in names))
        for side, values in (("A", tests.accuracy_a), ("B", tests.accuracy_b)):
            lines.append(f"accuracy {side}  " + "".join(
                f"{'—':>{width}}" if math.isnan(v) else f"{v:>{width}.1%}" for v in values))
        lines.append("")
    lines.append("linear CKA (rows: A's layers, columns: B's layers; 1: alike up to rotation and scale)")
    lines.append(cka_table(matrix))
    return "\n".join(lines)


def cka_table(matrix: CkaMatrix) -> str:
    """The CKA matrix as aligned text: one row per A layer, one column per B layer, two decimals."""
    first = max([len(name) for name in matrix.rows] + [4])
    width = max([len(name) for name in matrix.cols] + [4]) + 2
    lines = [" " * first + "".join(f"{name:>{width}}" for name in matrix.cols)]
    for name, row in zip(matrix.rows, matrix.values, strict=True):
        lines.append(f"{name:<{first}}" + "".join(f"{value:>{width}.2f}" for value in row))
    return "\n".join(lines)


def run_randomized(args: argparse.Namespace) -> int:
    """The cascade of :mod:`guiapp.core.compare.sanity` over the first N test digits, as a table or JSON."""
    digits = _digits(args.digits, DEFAULT_CASCADE_DIGITS, MAX_CASCADE_DIGITS)
    from guiapp.core.compare.pairing import images_for
    from guiapp.core.compare.sanity import as_json as cascade_json
    from guiapp.core.compare.sanity import cascade_over, cascade_table
    from guiapp.core.training.data import load_mnist_test

    a = load_inspector(args.a, args.trust_model)
    data = load_mnist_test()
    images = images_for(a, data.images[:digits])
    print(f"randomising {args.a} from the top, on the first {digits:,} test digits …", file=sys.stderr)
    try:
        summary = cascade_over(a, images, None, args.seed, progress=_progress_line())  # each digit's class: A's
    except ValueError as exc:  # nothing to explain (blank inputs), a model without weights
        raise GuiappError(f"{args.a}: {exc}") from None
    if sys.stderr.isatty():
        print(file=sys.stderr)  # past the progress line
    if summary is None:
        raise GuiappError("the cascade was stopped")
    if args.json:
        print(json.dumps({"a": {"path": str(args.a), "layers": list(a.layer_names)}, "digits": summary.digits,
                          "seed": args.seed, **cascade_json(summary)}, ensure_ascii=False))
        return 0
    print(f"A  {args.a}   seed {args.seed}, over {summary.digits:,} test digits")
    print(f"   layers randomised from the top: {', '.join(summary.layers)}")
    for method, problem in summary.problems.items():
        print(f"note: {method}: {problem}")
    print("mean Spearman ρ of each method's map to the trained model's, after randomising the layers "
          "named and every one above them")
    print(cascade_table(summary))
    return 0


def _progress_line():
    """``progress(done, total)`` redrawing one line on a terminal's stderr; None when stderr is not one."""
    if not sys.stderr.isatty():
        return None

    def progress(done: int, total: int) -> None:
        print(f"\r  {done}/{total} maps computed", end="", file=sys.stderr, flush=True)

    return progress
