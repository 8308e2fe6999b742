"""Train the shipped colour model (models/colour_digits.keras) and make the README's picture for it.

    python benchmarks/colour_digits.py [--data ../shared/data/mnist.npz] [--epochs 5] [--out models]
    python benchmarks/colour_digits.py --picture-only PATH   # just the demo picture

An example of "bring your own network": an RGB 32×32 classifier with a ``Rescaling`` layer inside
(so it takes 0..255 pixels), a ``SeparableConv2D``, trained on MNIST digits
painted in random colours on random colour backgrounds, its class names in its card. It is not
the MNIST network: it shows every panel working for a colour model of another size.
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
sys.path.insert(0, str(Path(__file__).resolve().parent))

from calibration import calibration_line  # noqa: E402

from guiapp.core.training.data import load_mnist  # noqa: E402

SIDE = 32
CLASSES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
MIN_CONTRAST = 0.35  # ink and paper colours at least this far apart in luma, so the digit stays visible
SEED = 11


def paint(digits: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """(N, 28, 28) uint8 digits → (N, 32, 32, 3) uint8: random ink on random paper, with a little noise."""
    n = len(digits)
    ink = rng.random((n, 3), dtype=np.float32)
    paper = rng.random((n, 3), dtype=np.float32)
    luma = np.array([0.299, 0.587, 0.114], np.float32)
    close = np.abs((ink - paper) @ luma) < MIN_CONTRAST
    paper[close] = 1.0 - ink[close]  # the opposite colour: always far enough
    mask = np.zeros((n, SIDE, SIDE), np.float32)
    offset = (SIDE - 28) // 2
    mask[:, offset:offset + 28, offset:offset + 28] = digits / 255.0
    pictures = mask[..., None] * ink[:, None, None, :] + (1 - mask[..., None]) * paper[:, None, None, :]
    pictures += rng.normal(0.0, 0.03, pictures.shape).astype(np.float32)
    return (np.clip(pictures, 0.0, 1.0) * 255).round().astype(np.uint8)


def build():
    from guiapp.core.model.backend import keras

    k = keras()
    return k.Sequential([
        k.Input((SIDE, SIDE, 3)),
        k.layers.Rescaling(1 / 255, name="rescaling"),
        k.layers.Conv2D(32, 3, activation="relu", name="conv"),
        k.layers.MaxPooling2D(2, name="pool"),
        k.layers.SeparableConv2D(64, 3, activation="relu", name="separable"),
        k.layers.MaxPooling2D(2, name="pool_1"),
        k.layers.Conv2D(64, 3, activation="relu", name="conv_1"),
        k.layers.Flatten(name="flatten"),
        k.layers.Dense(64, activation="relu", name="dense"),
        k.layers.Dense(10, activation="softmax", name="classes"),
    ], name="colour_digits")


def demo_picture(path: Path, mnist) -> None:
    """A 'photo' of a digit: a yellow three on a blue-to-purple gradient, 256×256, for the README."""
    from PIL import Image

    digit = mnist.x_test[np.flatnonzero(mnist.y_test == 3)[4]] / 255.0
    big = np.asarray(Image.fromarray((digit * 255).astype(np.uint8)).resize((200, 200), Image.Resampling.BICUBIC))
    mask = np.zeros((256, 256), np.float32)
    mask[28:228, 28:228] = big / 255.0
    y, x = np.mgrid[0:256, 0:256] / 255.0
    paper = np.stack([0.25 + 0.4 * x, 0.2 + 0.1 * y, 0.7 - 0.2 * x], axis=2)
    ink = np.array([1.0, 0.85, 0.1])
    picture = mask[..., None] * ink + (1 - mask[..., None]) * paper
    Image.fromarray((np.clip(picture, 0, 1) * 255).astype(np.uint8)).save(path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "mnist.npz")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "models")
    parser.add_argument("--picture-only", type=Path, metavar="PATH")
    args = parser.parse_args()
    print(calibration_line(), flush=True)
    mnist = load_mnist(args.data)
    if args.picture_only:
        demo_picture(args.picture_only, mnist)
        print(f"wrote {args.picture_only}")
        return 0
    from guiapp.core.model.backend import keras
    from guiapp.core.model.modelcard import write_card

    k = keras()
    k.utils.set_random_seed(SEED)
    rng = np.random.default_rng(SEED)
    x_train, x_test = paint(mnist.x_train, rng), paint(mnist.x_test, rng)
    model = build()
    model.compile(optimizer=k.optimizers.Adam(2e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    started = time.perf_counter()
    model.fit(x_train.astype(np.float32), mnist.y_train, batch_size=128, epochs=args.epochs, verbose=2)
    seconds = time.perf_counter() - started
    _, accuracy = model.evaluate(x_test.astype(np.float32), mnist.y_test, verbose=0)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "colour_digits.keras"
    shipped = build()  # the weights without the optimizer's state: a third of the size
    shipped.set_weights(model.get_weights())
    shipped.save(path)
    write_card(path, {
        "classes": CLASSES,
        "description": "an RGB example: MNIST digits painted in random colours, 32×32, 0..255 pixels",
        "test": {"accuracy": float(accuracy), "dataset": "MNIST test digits, painted in random colours"},
        "hyperparameters": {"epochs": args.epochs, "batch_size": 128, "learning_rate": 2e-3, "seed": SEED},
        "training_seconds": round(seconds, 1),
    })
    print(json.dumps({"model": str(path), "test_accuracy": round(float(accuracy), 4),
                      "training_seconds": round(seconds, 1), "params": model.count_params()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
