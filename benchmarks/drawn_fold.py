"""Does the drawn-digit recipe generalise? Train on half of the pen-drawn digits, test on the other half.

    python benchmarks/drawn_fold.py [--pendigits PATH] [--data PATH] [--epochs 12] [--augment 30000]

The shipped drawings model sees every digit of pendigits.tra (rendered, varied) while it
trains, so its accuracy on that file says little about writers it has not seen. This
trains the same recipe (MNIST + varied MNIST + varied renders of *the even lines only*)
and measures the odd lines, drawn plainly through the canvas pipeline — digits the model
never saw. The file does not say who wrote which line, so both halves hold the same 30
writers: expect a figure between this and a truly new writer's. Takes as long as one
training run (about 15–20 minutes on two cores).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from calibration import calibration_line  # noqa: E402  (benchmarks/ is on sys.path)

from guiapp.core.training.data import load_mnist  # noqa: E402
from guiapp.core.training.drawn_data import drawings_training_data, render_pendigits  # noqa: E402
from guiapp.core.training.pendigits import load_pendigits  # noqa: E402
from guiapp.core.training.training import TrainingConfig, train  # noqa: E402
from guiapp.core.model.inference import Inspector  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pendigits", type=Path, default=ROOT.parent / "shared" / "data" / "pendigits.tra")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "mnist.npz")
    parser.add_argument("--epochs", type=int, default=16)
    parser.add_argument("--augment", type=int, default=20_000)
    parser.add_argument("--pen-copies", type=int, default=3)
    args = parser.parse_args()
    print(calibration_line(), flush=True)
    points, labels = load_pendigits(args.pendigits)
    train_half, test_half = np.arange(0, len(labels), 2), np.arange(1, len(labels), 2)
    mnist = load_mnist(args.data)
    data, recipe = drawings_training_data(mnist, args.augment, points[train_half], labels[train_half],
                                          pen_copies=args.pen_copies)
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "fold.keras"
        result = train(data, out, TrainingConfig(epochs=args.epochs, ema=0.999), recipe=recipe)
        inspector = Inspector.load(out)
        seen = inspector.predict_probabilities(render_pendigits(points[train_half]) / 255.0).argmax(axis=1)
        unseen = inspector.predict_probabilities(render_pendigits(points[test_half]) / 255.0).argmax(axis=1)
    seen_acc = float((seen == labels[train_half]).mean())
    unseen_acc = float((unseen == labels[test_half]).mean())
    per_class = [float((unseen[labels[test_half] == d] == d).mean()) for d in range(10)]
    print(f"trained on MNIST + {args.augment:,} varied MNIST + {len(train_half):,} pen-drawn digits × "
          f"{args.pen_copies} varied renders, {args.epochs} epochs")
    print(f"MNIST test accuracy:                    {result.card['test']['accuracy']:.2%}")
    print(f"pen-drawn digits it trained on (even):  {seen_acc:.2%}")
    print(f"pen-drawn digits it never saw (odd):    {unseen_acc:.2%}")
    print("per class, never seen: " + " ".join(f"{d}:{a:.1%}" for d, a in enumerate(per_class)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
