"""How well each model recognises pen-drawn digits, through the live canvas' pipeline.

    python benchmarks/drawn_digits.py [--pendigits PATH] [--model PATH ...] [--limit N]

Every digit of the UCI pendigits file (8 points, y up) is drawn as one connected stroke
scaled into the 280×280 canvas with a margin, rasterised by the canvas' rasteriser, and
preprocessed by each variant of the recipe (the window's toggles). Prints accuracy per
model and variant, per-class accuracy, and each model's confusion matrix with the full
recipe. Default: every model shipped in models/.
"""

from __future__ import annotations

import argparse
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
from guiapp.core.training.pendigits import load_pendigits, pendigit_drawing  # noqa: E402
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pendigits", type=Path, default=ROOT.parent / "shared" / "data" / "pendigits.tra")
    parser.add_argument("--model", type=Path, action="append",
                        help="a model to measure (repeatable; default: every .keras in models/)")
    parser.add_argument("--limit", type=int, help="only the first N digits (quick look)")
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
    for model in models:
        inspector = Inspector.load(model)
        if inspector.input_shape != (28, 28, 1) or inspector.num_classes != 10:
            print(f"{model.name}: skipped (not a 28×28 grey digit model)")
            continue
        row = []
        for variant in VARIANTS:
            predicted = inspector.predict_probabilities(images[variant]).argmax(axis=1)
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
