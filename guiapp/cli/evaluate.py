"""``guiapp evaluate``: accuracy, loss, per-class accuracy and confusion matrix on MNIST's test set."""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np

from guiapp.cli.common import add_model_option, load_inspector
from guiapp.core.errors import GuiappError
from guiapp.core.training.data import NUM_CLASSES, load_mnist_test
from guiapp.core.training.evaluation import Evaluation, evaluate_probabilities


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "evaluate",
        help="accuracy, loss, per-class accuracy and confusion matrix on the MNIST test set",
        description="Evaluate a model on the 10,000 MNIST test digits.",
    )
    add_model_option(parser)
    parser.add_argument("--data", metavar="PATH",
                        help="Keras-layout mnist.npz (default: the copy of MNIST shipped with guiapp)")
    parser.add_argument("--json", action="store_true", help="print exactly one JSON object")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    data = load_mnist_test(args.data)  # only the test arrays: nothing else in the file is read
    inspector = load_inspector(args.model, args.trust_model, args.classes)
    if inspector.input_shape != (28, 28, 1) or inspector.num_classes != NUM_CLASSES:
        shape = "×".join(str(d) for d in inspector.input_shape)
        raise GuiappError(f"{inspector.path}: takes {shape} images into {inspector.num_classes} classes; "
                          "evaluate measures MNIST digit models (28×28×1 into 10 classes) — use guiapp predict "
                          "on your own pictures")
    print(f"evaluating {inspector.path} on {len(data.images):,} test digits …", file=sys.stderr)
    probabilities = inspector.predict_probabilities(data.images.astype(np.float32) / 255.0)
    result = evaluate_probabilities(probabilities, data.labels)
    if args.json:
        print(json.dumps({"model": str(inspector.path), "data": data.source, **result.to_dict()}))
    else:
        print(render_evaluation(result))
    return 0


def render_evaluation(result: Evaluation) -> str:
    lines = [
        f"test accuracy  {result.accuracy:.2%}  ({int(np.trace(result.confusion)):,} of {result.samples:,})",
        f"test loss      {result.loss:.4f}",
        "",
        "per class   " + "".join(f"{digit:>8}" for digit in range(NUM_CLASSES)),
        "accuracy    " + "".join(f"{value:>8.2%}" for value in result.per_class_accuracy),
        "",
        "confusion matrix (rows: true digit, columns: predicted)",
        "      " + "".join(f"{digit:>6}" for digit in range(NUM_CLASSES)),
    ]
    for digit, row in enumerate(result.confusion):
        lines.append(f"{digit:>6}" + "".join(f"{count:>6}" for count in row))
    return "\n".join(lines)
