"""All-layers inference (one compiled call) against ``model.predict`` on the same image.

    python benchmarks/inference.py [--model PATH] [--calls 500] [--predict-calls 200]

Prints median and p95 (ms) of each and the ratio of medians. Both run in this process,
on the same image, after a warm-up, so the ratio holds whatever the machine's load.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from guiapp import paths  # noqa: E402
from guiapp.core.data import load_samples  # noqa: E402
from guiapp.core.inference import Inspector  # noqa: E402


def _timings(function, calls: int) -> list[float]:
    for _ in range(10):  # warm-up: tracing, caches, thread pools
        function()
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return times


def _describe(name: str, times: list[float]) -> str:
    p95 = float(np.percentile(times, 95))
    return f"{name:<34} median {statistics.median(times):8.3f} ms   p95 {p95:8.3f} ms   ({len(times)} calls)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=paths.DEFAULT_MODEL)
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--predict-calls", type=int, default=200)
    args = parser.parse_args()

    inspector = Inspector.load(args.model)
    image = load_samples(paths.MNIST_SAMPLES).images[0]
    batch = (image.astype(np.float32) / 255.0)[None, :, :, None]

    fast = _timings(lambda: inspector.run(image), args.calls)
    slow = _timings(lambda: keras_model.predict(batch, verbose=0), args.predict_calls)

    print(f"model: {args.model}")
    print(_describe("all layers, one compiled call", fast))
    print(_describe("model.predict (final layer only)", slow))
    ratio = statistics.median(slow) / statistics.median(fast)
    print(f"ratio of medians: all-layers inference is {ratio:.1f}× faster than model.predict")
    return 0


if __name__ == "__main__":
    sys.exit(main())
