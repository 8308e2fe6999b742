"""All-layers inference, NumPy engine and TensorFlow engine, against ``model.predict`` on the same image.

    python benchmarks/inference.py [--model PATH] [--calls 500] [--predict-calls 200]

Prints median and p95 (ms) of each, the ratios of medians, and how long each engine
takes to become ready in a fresh process (the NumPy engine needs no TensorFlow import).
All run in this process, on the same image, after a warm-up.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from calibration import calibration_line  # noqa: E402  (benchmarks/ is on sys.path)

from guiapp import paths  # noqa: E402
from guiapp.core.training.data import load_samples  # noqa: E402
from guiapp.core.model.inference import Inspector  # noqa: E402


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
    print(calibration_line(), flush=True)

    started = time.perf_counter()
    numpy_engine = Inspector.load(args.model, engine="numpy")
    numpy_ready = time.perf_counter() - started
    started = time.perf_counter()
    tf_engine = Inspector.load(args.model, engine="tensorflow")  # imports TensorFlow
    tf_engine.warm_up()
    tf_ready = time.perf_counter() - started
    image = load_samples(paths.MNIST_SAMPLES).images[0]
    batch = (image.astype(np.float32) / 255.0)[None, :, :, None]
    keras_model = tf_engine.keras_model()

    ours = _timings(lambda: numpy_engine.run(image), args.calls)
    xla = _timings(lambda: tf_engine.run(image), args.calls)
    slow = _timings(lambda: keras_model.predict(batch, verbose=0), args.predict_calls)

    print(f"model: {args.model}")
    print(f"ready to run: NumPy engine {numpy_ready:.2f} s (reads the file); "
          f"TensorFlow engine {tf_ready:.2f} s (import, load, XLA compile)")
    print(_describe("all layers, NumPy engine", ours))
    print(_describe("all layers, TensorFlow XLA call", xla))
    print(_describe("model.predict (final layer only)", slow))
    print(f"ratio of medians: model.predict / NumPy engine {statistics.median(slow) / statistics.median(ours):.1f}×, "
          f"model.predict / XLA {statistics.median(slow) / statistics.median(xla):.1f}×, "
          f"NumPy / XLA {statistics.median(ours) / statistics.median(xla):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
