"""How well each model recognises pen-drawn digits, through the live canvas' pipeline.

    python benchmarks/drawn_digits.py [--pendigits PATH] [--model PATH ...] [--limit N] [--temperature]

Every digit of the UCI pendigits file (8 points, y up) is drawn as one connected stroke
scaled into the 280×280 canvas with a margin, rasterised by the canvas' rasteriser, and
preprocessed by each variant of the recipe (the window's toggles). Prints accuracy per
model and variant, per-class accuracy, and each model's confusion matrix with the full
recipe. Default: every model shipped in models/.

Then, with the full recipe, how honest each model's bars are: expected calibration error
(15 equal-width confidence bins), mistakes made with > 90% confidence (count and share of all
mistakes) and the most frequent confusions. ``--temperature`` also fits a temperature on half
of the file's 30 line blocks and gives the calibration it brings on the other half. The file
has no writer ids and its order does not group writers (guiapp/core/training/writer_order.py),
so both halves hold the same 30 writers: these are not leave-writers-out figures.

Leave-writers-out figures need digits from other writers: given UCI's writer-independent file
(``--pendigits pendigits.tes``, 14 writers the shipped model never saw; the project does not hold
it), every figure above is one. A model's card records the pen file it trained on by content, so
the table says which models saw the file measured.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from guiapp import paths  # noqa: E402
from guiapp.core.drawing.preprocess import PreprocessOptions, mnist_preprocess  # noqa: E402
from guiapp.core.drawing.strokes import rasterize  # noqa: E402
from guiapp.core.training.calibration import (  # noqa: E402
    BINS,
    CONFIDENT,
    calibration_report,
    expected_calibration_error,
    fit_temperature,
    softmax,
)
from guiapp.core.training.pendigits import load_pendigits, pendigit_drawing  # noqa: E402
from guiapp.core.training.writer_order import block_halves, order_locality  # noqa: E402
from guiapp.core.model.inference import Inspector  # noqa: E402

VARIANTS = (
    PreprocessOptions(crop=False, fit=False, centre=False),
    PreprocessOptions(crop=True, fit=False, centre=True),
    PreprocessOptions(crop=True, fit=True, centre=False),
    PreprocessOptions(),
)

from calibration import calibration_line  # noqa: E402  (benchmarks/ is on sys.path)


def render(points: np.ndarray) -> dict[PreprocessOptions, np.ndarray]:
    """Each digit rasterised once, then preprocessed by every variant."""
    out = {variant: np.empty((len(points), 28, 28), np.float32) for variant in VARIANTS}
    for i, digit in enumerate(points):
        raw = rasterize(pendigit_drawing(digit))
        for variant in VARIANTS:
            out[variant][i] = mnist_preprocess(raw, variant)
    return out


def mnist_accuracy(model: Path) -> str:
    card = model.with_suffix(".json")
    if card.is_file():
        test = json.loads(card.read_text()).get("test", {})
        if "accuracy" in test:
            return f"{test['accuracy']:.2%}"
    return "?"


def saw_pendigits(inspector: Inspector, file: Path) -> bool:
    """Whether the model's card says this pendigits file's digits were among its training data.

    By content when the card records it (``pendigits_sha256``), else by file name: a model trained on
    pendigits.tra has not seen the writers of another file."""
    data = (inspector.card or {}).get("training_data") or {}
    if not isinstance(data, dict) or not data.get("pendigits_digits"):
        return False
    if isinstance(data.get("pendigits_sha256"), str):
        return data["pendigits_sha256"] == hashlib.sha256(file.read_bytes()).hexdigest()
    return data.get("pendigits_file") in (None, file.name)


def logits_and_probabilities(inspector: Inspector, images: np.ndarray) -> tuple[np.ndarray | None, np.ndarray]:
    """The last Dense layer's logits (None if the model does not end in one) and the probabilities."""
    last = inspector.weights[inspector.layer_names[-1]]
    if last.kind != "Dense" or last.kernel is None or len(inspector.layer_names) < 2:
        return None, inspector.predict_probabilities(images)
    before = inspector.layer_names[-2]
    outputs = inspector.batch_outputs(images, (before, last.name))
    logits = outputs[before].reshape(len(images), -1) @ last.kernel
    if last.bias is not None:
        logits = logits + last.bias
    return logits, inspector.probabilities_of(outputs[last.name])


def print_calibration(results: dict[str, tuple[np.ndarray | None, np.ndarray, bool]], labels: np.ndarray,
                      temperature: bool) -> None:
    """ECE, confident mistakes and top confusions per model; with ``temperature``, the fitted T's effect."""
    print(f"\ncalibration, MNIST recipe: ECE over {BINS} equal-width confidence bins; 'sure mistakes' are "
          f"wrong answers with top class > {CONFIDENT:.0%}")
    print(f"{'model':<28} {'accuracy':>8} {'ECE':>6} {'sure mistakes':>22}  top confusions (drawn → read ×n)")
    for name, (_, probabilities, saw) in results.items():
        report = calibration_report(probabilities, labels)
        sure = report.confident
        pairs = ", ".join(f"{t}→{a} ×{n}" for t, a, n in report.pairs)
        print(f"{name:<28} {report.accuracy:>8.2%} {report.ece:>6.2%} "
              f"{f'{sure.count} of {sure.mistakes} ({sure.share:.0%})':>22}  {pairs}")
        if saw:
            print(f"{'':<28} (trained on renders of this file's digits: these are digits it saw)")
    if not temperature:
        return
    fit, held = block_halves(len(labels))
    print(f"\ntemperature: fitted (min NLL) on the even-numbered of 30 line blocks ({len(fit):,} digits), "
          f"measured on the odd ones ({len(held):,}) — the same writers on both sides")
    print(f"{'model':<28} {'T':>6} {'ECE before':>10} {'ECE after':>10} {'sure mistakes before → after':>30}")
    for name, (logits, _, _) in results.items():
        if logits is None:
            print(f"{name:<28} skipped (does not end in a Dense layer)")
            continue
        t = fit_temperature(logits[fit], labels[fit])
        before, after = softmax(logits[held]), softmax(logits[held] / t)
        b, a = calibration_report(before, labels[held]).confident, calibration_report(after, labels[held]).confident
        print(f"{name:<28} {t:>6.3f} {expected_calibration_error(before, labels[held]):>10.2%} "
              f"{expected_calibration_error(after, labels[held]):>10.2%} "
              f"{f'{b.count}/{b.mistakes} ({b.share:.0%}) → {a.count}/{a.mistakes} ({a.share:.0%})':>30}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pendigits", type=Path, default=ROOT.parent / "shared" / "data" / "pendigits.tra")
    parser.add_argument("--model", type=Path, action="append",
                        help="a model to measure (repeatable; default: every .keras in models/)")
    parser.add_argument("--limit", type=int, help="only the first N digits (quick look)")
    parser.add_argument("--temperature", action="store_true",
                        help="fit a temperature on half the file's line blocks, measure it on the other half")
    args = parser.parse_args()
    print(calibration_line(), flush=True)
    points, labels = load_pendigits(args.pendigits)
    if args.limit:
        points, labels = points[:args.limit], labels[:args.limit]
    started = time.perf_counter()
    images = render(points)
    rendered = time.perf_counter() - started
    models = args.model or sorted(paths.MODELS_DIR.glob("*.keras"))
    print(f"{len(labels):,} pen-drawn digits from {args.pendigits.name} ({np.bincount(labels, minlength=10).min()}–"
          f"{np.bincount(labels, minlength=10).max()} per class), rendered through the canvas pipeline in "
          f"{rendered:.1f} s ({rendered / len(labels) / len(VARIANTS) * 1000:.2f} ms per digit and variant)\n")
    width = max(len(v.label) for v in VARIANTS)
    header = f"{'model':<28} {'MNIST test':>10}  " + "  ".join(f"{v.label:>{width}}" for v in VARIANTS)
    print(header)
    print("-" * len(header))
    confusions = {}
    per_class = {}
    calibration: dict[str, tuple[np.ndarray | None, np.ndarray, bool]] = {}
    for model in models:
        inspector = Inspector.load(model)
        if inspector.input_shape != (28, 28, 1) or inspector.num_classes != 10:
            print(f"{model.name}: skipped (not a 28×28 grey digit model)")
            continue
        row = []
        for variant in VARIANTS:
            if variant == PreprocessOptions():
                logits, probabilities = logits_and_probabilities(inspector, images[variant])
                calibration[model.name] = (logits, probabilities, saw_pendigits(inspector, args.pendigits))
            else:
                probabilities = inspector.predict_probabilities(images[variant])
            predicted = probabilities.argmax(axis=1)
            row.append(float((predicted == labels).mean()))
            if variant == PreprocessOptions():
                confusion = np.zeros((10, 10), np.int64)
                np.add.at(confusion, (labels, predicted), 1)
                confusions[model.name] = confusion
                per_class[model.name] = confusion.diagonal() / confusion.sum(axis=1)
        print(f"{model.name:<28} {mnist_accuracy(model):>10}  " + "  ".join(f"{a:>{width}.2%}" for a in row))
    print("\nper class, MNIST recipe:")
    print(f"{'model':<28} " + " ".join(f"{d:>6}" for d in range(10)))
    for name, accuracy in per_class.items():
        print(f"{name:<28} " + " ".join(f"{a:>6.1%}" for a in accuracy))
    for name, confusion in confusions.items():
        print(f"\nconfusion matrix, {name}, MNIST recipe (rows: drawn digit, columns: predicted)")
        print("      " + " ".join(f"{d:>5}" for d in range(10)))
        for d, line in enumerate(confusion):
            print(f"{d:>5} " + " ".join(f"{n:>5}" for n in line))
    print_calibration(calibration, labels, args.temperature)
    locality = order_locality(points, labels)
    if len(labels) < 4 * locality.window:
        print(f"\nwriter order: too few digits to tell (fewer than {4 * locality.window:,})")
        return 0
    print(f"\nwriter order: a digit's nearest same-label neighbour lies within {locality.window} lines for "
          f"{locality.near_share:.2%} of digits (a random order: {locality.random_share:.2%}) — the file's order "
          f"{'groups' if locality.grouped else 'does not group'} writers; no split of it is leave-writers-out")
    return 0


if __name__ == "__main__":
    sys.exit(main())
