"""What each step of the drawn-digit recipe buys, on pen-drawn digits the model never saw.

    python benchmarks/drawn_fold.py [--split halves|styles|both] [--steps mnist,seed,writers]
                                    [--epochs 4] [--init models/mnist_cnn.keras] [--json OUT]

The shipped drawings model sees every digit of pendigits.tra while it trains, so its figures on
that file say little about new writers, and the file has no writer ids (its order is shuffled:
guiapp/core/training/writer_order.py), so no split of it is leave-writers-out. This trains
each step of the recipe on one half of the file and measures the other half, drawn plainly
through the canvas pipeline, for two splits that bracket a new writer:

- ``halves``: even and odd 250-line blocks — the same 30 writers on both sides (optimistic);
- ``styles``: whole pen styles dealt to one side (``style_halves``) — harsher than new writers.

Steps (each fine-tunes the plain MNIST model for ``--epochs`` on MNIST + 20,000 varied MNIST
digits + the half's pen digits, with the weights' moving average; ``mnist`` trains nothing):

- ``mnist``: the plain MNIST model;
- ``seed``: 4 varied renders of each pen digit (pens, sizes, tilts, squeezes) — the old recipe;
- ``writers``: 8 renders, adding writers' slants, smooth bends and the tablet's 0..100 scaling;
- ``mnist2``: the same with MNIST's training set twice, so it keeps its weight beside the renders;
- then each trained step's temperature, fitted on half of the held-out digits and measured on
  the other half (both ways round): the NLL fit, and the lecture's (``lecture_temperature``: raised
  until at most one mistake in five is shown above 90%, while ECE stays ≤ 1.5%), which is what the
  shipped model's folded temperature is.

Prints the host's calibration line, then one row per split and step: accuracy, the worst digits,
ECE (15 bins), mistakes made with > 90% confidence, and MNIST test accuracy. About 5 minutes a
trained step on two cores.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from calibration import calibration_line  # noqa: E402  (benchmarks/ is on sys.path)
from drawn_digits import logits_and_probabilities  # noqa: E402

from guiapp.core.model.inference import Inspector  # noqa: E402
from guiapp.core.training.calibration import (  # noqa: E402
    calibration_report,
    fit_temperature,
    lecture_temperature,
    softmax,
)
from guiapp.core.training.data import load_mnist  # noqa: E402
from guiapp.core.training.drawn_data import Augmentation, drawings_training_data, render_pendigits  # noqa: E402
from guiapp.core.training.pendigits import load_pendigits  # noqa: E402
from guiapp.core.training.training import TrainingConfig, train  # noqa: E402
from guiapp.core.training.writer_order import block_halves, style_halves  # noqa: E402

STEPS = {  # (pen renders' variation, renders of each pen digit, copies of MNIST's training set)
    "seed": (Augmentation(), 4, 1),
    "writers": (Augmentation.writers(), 8, 1),
    "mnist2": (Augmentation.writers(), 8, 2),
}


def logits_of(inspector: Inspector, images: np.ndarray) -> np.ndarray:
    """The last Dense layer's logits for ``images`` (N, 28, 28) in 0..1 (drawn_digits.py's reading)."""
    logits, _ = logits_and_probabilities(inspector, images)
    if logits is None:
        raise SystemExit(f"{inspector.layer_names[-1]}: the model does not end in a Dense layer")
    return logits


def cross_fitted(logits: np.ndarray, labels: np.ndarray, choose=None) -> tuple[np.ndarray, float]:
    """Probabilities with a temperature fitted on the other half of the held-out digits; the mean T.
    ``choose(logits, labels) → T``: how to fit (default: minimum NLL)."""
    first, second = np.arange(0, len(labels), 2), np.arange(1, len(labels), 2)
    out = np.empty_like(logits, dtype=np.float64)
    temperatures = []
    for fit, use in ((first, second), (second, first)):
        t = (choose or fit_temperature)(logits[fit], labels[fit])
        out[use] = softmax(logits[use] / t)
        temperatures.append(t)
    return out, float(np.exp(np.mean(np.log(temperatures))))


def row(split: str, step: str, probabilities: np.ndarray, labels: np.ndarray, mnist: float | None) -> dict:
    report = calibration_report(probabilities, labels)
    per_digit = list(report.per_class)
    worst = np.argsort(per_digit)[:3]
    sure = report.confident
    line = (f"{split:<8} {step:<22} {report.accuracy:>8.2%}  "
            f"{', '.join(f'{d}: {per_digit[d]:.1%}' for d in worst):<28} {report.ece:>6.2%} "
            f"{f'{sure.count}/{sure.mistakes} ({sure.share:.0%})':>16} "
            f"{(f'{mnist:.2%}' if mnist is not None else '—'):>8}")
    print(line, flush=True)
    return {"split": split, "step": step, "accuracy": report.accuracy, "per_digit": per_digit,
            "ece": report.ece, "confident": sure.count, "mistakes": sure.mistakes, "mnist_test": mnist}


def unsure_table(probabilities: np.ndarray, labels: np.ndarray, title: str) -> None:
    """How the window's "unsure" line would read these answers, at a few thresholds (core/live/unsure.py)."""
    top, right = probabilities.max(axis=1), probabilities.argmax(axis=1) == labels
    print(f"\n'unsure' thresholds, {title} (top class under the threshold → flagged):")
    print(f"{'threshold':>9} {'flagged':>8} {'right when flagged':>19} {'right when clear':>17} {'mistakes flagged':>17}")
    for threshold in (0.5, 0.6, 0.7, 0.8, 0.9):
        flagged = top < threshold
        when = f"{right[flagged].mean():.1%}" if flagged.any() else "—"
        print(f"{threshold:>9.1f} {flagged.mean():>8.2%} {when:>19} {right[~flagged].mean():>17.2%} "
              f"{f'{int((flagged & ~right).sum())}/{int((~right).sum())}':>17}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pendigits", type=Path, default=ROOT.parent / "shared" / "data" / "pendigits.tra")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "mnist.npz")
    parser.add_argument("--init", type=Path, default=ROOT / "models" / "mnist_cnn.keras")
    parser.add_argument("--split", choices=("halves", "styles", "both"), default="both")
    parser.add_argument("--steps", default="mnist,seed,writers")
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--augment", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=0, help="the data's random variations (default 0)")
    parser.add_argument("--from-scratch", action="store_true", help="train from random weights, not --init's")
    parser.add_argument("--learning-rate", type=float, default=1.0, help="Adadelta's (default: the seed's 1.0)")
    parser.add_argument("--json", type=Path, help="also write the rows here")
    parser.add_argument("--logits", type=Path, nargs="+", help="train nothing: the rows for --keep runs' .npz")
    parser.add_argument("--card", type=Path, help="record the last step's figures in this model's card")
    parser.add_argument("--from-json", type=Path, help="train nothing: record the rows a --json run wrote (--card)")
    parser.add_argument("--unsure", action="store_true", help="after each trained step, the 'unsure' thresholds")
    parser.add_argument("--keep", type=Path, help="keep each trained model, its card and the held-out logits here")
    args = parser.parse_args()
    steps = [s.strip() for s in args.steps.split(",") if s.strip()]
    unknown = [s for s in steps if s != "mnist" and s not in STEPS]
    if unknown:
        parser.error(f"unknown step {unknown[0]!r}: choose from mnist, {', '.join(STEPS)}")
    host = calibration_line()
    print(host, flush=True)
    if args.logits:
        for kept in args.logits:  # a --keep run's held-out logits: the calibration rows again, no training
            data = np.load(kept)
            logits, held_labels = data["logits"], data["labels"]
            name = kept.stem
            row(name.split("_")[0], name.split("_", 1)[-1], softmax(logits), held_labels, None)
            calibrated, t = cross_fitted(logits, held_labels)
            row(name.split("_")[0], f"  + temperature {t:.2f}", calibrated, held_labels, None)
            lecture, t = cross_fitted(logits, held_labels, lambda z, y: lecture_temperature(z, y)[0])
            row(name.split("_")[0], f"  + lecture T {t:.2f}", lecture, held_labels, None)
            print(f"{'':<8} one T for all of it: {lecture_temperature(logits, held_labels)}")
        return 0
    if args.from_json and args.card:
        rows = [r for f in str(args.from_json).split(",") for r in json.loads(Path(f).read_text())]
        record(args.card, rows, steps[-1], " ".join(sys.argv[1:]))
        return 0
    points, labels = load_pendigits(args.pendigits)
    mnist = load_mnist(args.data)
    splits = {"halves": block_halves(len(labels)), "styles": style_halves(points, labels)}
    chosen = list(splits) if args.split == "both" else [args.split]
    print(f"{'split':<8} {'step':<22} {'accuracy':>8}  {'worst digits':<28} {'ECE':>6} {'sure mistakes':>16} "
          f"{'MNIST':>8}")
    rows = []
    for split in chosen:
        train_half, test_half = splits[split]
        held = render_pendigits(points[test_half]) / 255.0
        for step in steps:
            if step == "mnist":
                inspector = Inspector.load(args.init)
                logits = logits_of(inspector, held)
                card = inspector.card or {}
                rows.append(row(split, "plain MNIST model", softmax(logits), labels[test_half],
                                card.get("test", {}).get("accuracy")))
                continue
            aug, copies, mnist_copies = STEPS[step]
            started = time.perf_counter()
            data, recipe = drawings_training_data(mnist, args.augment, points[train_half], labels[train_half],
                                                  pen_copies=copies, aug=aug, mnist_copies=mnist_copies,
                                                  seed=args.seed)
            with tempfile.TemporaryDirectory() as scratch:
                out = (args.keep or Path(scratch)) / f"{split}_{step}.keras"
                out.parent.mkdir(parents=True, exist_ok=True)
                result = train(data, out, TrainingConfig(epochs=args.epochs, ema=0.999,
                                                         learning_rate=args.learning_rate),
                               recipe=recipe, init=None if args.from_scratch else args.init, force=True)
                logits = logits_of(Inspector.load(out), held)
                if args.keep:
                    np.savez(out.with_suffix(".npz"), logits=logits, labels=labels[test_half], lines=test_half)
            minutes = (time.perf_counter() - started) / 60
            accuracy = result.card["test"]["accuracy"]
            rows.append(row(split, f"{step} ({minutes:.0f} min)", softmax(logits), labels[test_half], accuracy))
            calibrated, t = cross_fitted(logits, labels[test_half])
            rows.append(row(split, f"  + temperature {t:.2f}", calibrated, labels[test_half], accuracy))
            rows[-1]["temperature"] = t
            rows[-1]["of"] = step
            lecture, t = cross_fitted(logits, labels[test_half], lambda z, y: lecture_temperature(z, y)[0])
            rows.append(row(split, f"  + lecture T {t:.2f}", lecture, labels[test_half], accuracy))
            rows[-1].update(temperature=t, of=step, lecture=True, host=host,
                            command="python benchmarks/drawn_fold.py " + " ".join(sys.argv[1:]))
            if args.unsure:
                unsure_table(lecture, labels[test_half], f"{split} split, {step} step with its temperature")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    if args.card:
        record(args.card, rows, steps[-1], " ".join(sys.argv[1:]))
    return 0


def record(model: Path, rows: list[dict], step: str, argv: str) -> None:
    """Write the last step's held-out figures into ``model``'s card (``measured.pen_digits``), atomically."""
    from guiapp.core.model.modelcard import read_card, write_card

    card = read_card(model)
    if card is None:
        print(f"{model}: no readable model card beside it; figures not recorded", file=sys.stderr)
        return
    found = {r["split"]: r for r in rows if r.get("lecture") and r.get("of") == step}
    if set(found) != {"halves", "styles"}:
        print(f"{model}: both splits are needed to record the figures (run with --split both)", file=sys.stderr)
        return
    card.pop("format", None)
    card["measured"] = {**(card.get("measured") or {}), "pen_digits": {
        "halves": found["halves"]["accuracy"], "styles": found["styles"]["accuracy"],
        "ece": {k: v["ece"] for k, v in found.items()},
        "confident_mistakes": {k: [v["confident"], v["mistakes"]] for k, v in found.items()},
        "temperature": {k: v["temperature"] for k, v in found.items()},
        "per_digit": {k: v["per_digit"] for k, v in found.items()},
        "how": "this recipe trained on half of pendigits.tra and measured on the other half, with a temperature "
               "fitted on half of those and measured on the rest; halves: alternate 250-line blocks (the same 30 "
               "writers on both sides), styles: whole pen styles on one side. The file has no writer ids, so "
               "neither is leave-writers-out.",
        "commands": sorted({v.get("command", f"python benchmarks/drawn_fold.py {argv}") for v in found.values()}),
        "hosts": sorted({v.get("host", "") for v in found.values()}),
    }}
    write_card(model, card)
    print(f"recorded the held-out figures in {model.with_suffix('.json')}")


if __name__ == "__main__":
    sys.exit(main())
