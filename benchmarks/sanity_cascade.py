"""The sanity check of the Why tab's evidence maps: Adebayo et al.'s cascading randomisation, measured.

    python benchmarks/sanity_cascade.py [--model PATH] [--digits 30] [--seed 0] [--signed] [--json]

On the shipped default model (or ``--model``): re-initialise its weighted layers one by one from the top
(glorot-uniform kernels, zero biases: :mod:`guiapp.core.compare.twin`) and, after each, rank-correlate
(Spearman, on absolute values unless ``--signed``) every method's map with the trained model's, for the
class the trained model answers. Over the first N MNIST test digits (their mean ρ; the spread is in the
JSON) and over the drawn 7 (resources/drawn_seven.json, through the window's preprocessing). A map that
keeps ρ near 1 while the weights are random shows the input, not what the network learned.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from calibration import calibration_line

from guiapp import paths
from guiapp.core.compare.sanity import (
    as_json,
    cascade,
    cascade_over,
    cascade_table,
    rank_correlation,
)
from guiapp.core.drawing.stroke_file import load_drawing
from guiapp.core.live.compute_process import limit_blas_threads
from guiapp.core.live.live_update import network_input
from guiapp.core.model.inference import Inspector
from guiapp.core.training.data import load_mnist_test

DIGITS = 30  # about 3 minutes on the 2-core host, one BLAS thread (each digit: 5 steps × 5 methods)
DRAWN_SEVEN = ROOT / "resources" / "drawn_seven.json"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=paths.DEFAULT_MODEL)
    parser.add_argument("--digits", type=int, default=DIGITS, help="the first N MNIST test digits")
    parser.add_argument("--seed", type=int, default=0, help="the twins' seed")
    parser.add_argument("--signed", action="store_true", help="rank the signed maps, not their absolute values")
    parser.add_argument("--json", action="store_true", help="one JSON object instead of the tables")
    args = parser.parse_args()
    if args.digits < 1:
        parser.error("--digits must be at least 1")
    calibration = calibration_line()
    if not args.json:
        print(calibration, flush=True)
    limit_blas_threads()  # as the window's compute process runs the Why tab
    inspector = Inspector.load(args.model)
    test = load_mnist_test()
    images = test.images[:args.digits].astype(np.float32) / 255

    started = time.perf_counter()
    summary = cascade_over(inspector, images, seed=args.seed, signed=args.signed)
    digits_seconds = time.perf_counter() - started

    seven = network_input(inspector, load_drawing(DRAWN_SEVEN))[0].final
    started = time.perf_counter()
    drawn = cascade(inspector, seven, seed=args.seed, signed=args.signed)
    drawn_seconds = time.perf_counter() - started

    value = "signed maps" if args.signed else "absolute values"
    if args.json:
        print(json.dumps({
            "calibration": calibration, "model": str(args.model), "seed": args.seed,
            "test_digits": {**as_json(summary), "seconds": round(digits_seconds, 2)},
            "drawn_seven": {**as_json(drawn), "seconds": round(drawn_seconds, 2)},
        }, indent=2))
        return 0
    print(f"\nmodel {args.model.name}, seed {args.seed}: Spearman ρ to the trained model's map ({value}) "
          f"after randomising the layers named, cumulatively from the top")
    print(f"\nmean over the first {summary.digits} MNIST test digits ({digits_seconds:.1f} s):\n")
    print(cascade_table(summary))
    widest = max((max(s[1:]) for s in summary.spread.values() if len(s) > 1), default=float("nan"))
    print(f"\n(largest standard deviation over the digits: {widest:.2f})")
    print(f"\nthe drawn 7 (resources/drawn_seven.json), explained as {drawn.target} ({drawn_seconds:.1f} s):\n")
    print(cascade_table(drawn))
    other = not args.signed  # the maps are kept: the other ranking costs nothing
    flipped = dataclasses.replace(drawn, signed=other, rank={
        m: [rank_correlation(maps[0], each, other) for each in maps] for m, maps in drawn.maps.items()})
    print(f"\nthe same maps ranked on {'signed maps' if other else 'absolute values'}:\n")
    print(cascade_table(flipped))
    for method, why in {**summary.problems, **drawn.problems}.items():
        print(f"{method}: {why}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
