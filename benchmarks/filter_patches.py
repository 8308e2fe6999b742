"""What each filter looks for: searching the 2,000 shipped digits, and reading it back from the cache.

    python benchmarks/filter_patches.py [--model PATH] [--runs 3]

Prints the time to search every conv filter's top patches (fresh, no cache), the time to
load them from the cache, the cache file's size, and the longest single model call
(one batch): how long the live drawing can wait for the model while the search runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from calibration import calibration_line  # noqa: E402  (benchmarks/ is on sys.path)

from guiapp import paths  # noqa: E402
from guiapp.core.explain import filter_patches as fp  # noqa: E402
from guiapp.core.training.data import load_samples  # noqa: E402
from guiapp.core.model.inference import Inspector  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=paths.DEFAULT_MODEL)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(calibration_line(), flush=True)
    inspector = Inspector.load(args.model)
    samples = load_samples(paths.MNIST_SAMPLES)
    names = tuple(fp.conv_layers(inspector))
    batch_times = []
    real = inspector.batch_outputs

    def timed(*a, **k):
        started = time.perf_counter()
        out = real(*a, **k)
        batch_times.append(time.perf_counter() - started)
        return out

    inspector.batch_outputs = timed
    fresh, cached, size = [], [], 0
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as cache:
            started = time.perf_counter()
            fp.load_or_compute(inspector, samples.images, samples.labels, Path(cache))
            fresh.append(time.perf_counter() - started)
            started = time.perf_counter()
            result = fp.load_or_compute(inspector, samples.images, samples.labels, Path(cache))
            cached.append(time.perf_counter() - started)
            assert result.from_cache
            size = sum(f.stat().st_size for f in Path(cache).iterdir())
    print(f"{len(samples.labels):,} digits, layers {', '.join(names)}, top {fp.TOP_K} per filter, "
          f"batches of {fp.BATCH}")
    print(f"search (no cache):   median {statistics.median(fresh):.2f} s   (runs: "
          + ", ".join(f"{t:.2f}" for t in fresh) + ")")
    print(f"load from the cache: median {statistics.median(cached) * 1000:.1f} ms")
    print(f"cache file:          {size / 1024:.0f} KiB")
    steady = sorted(batch_times[1:])  # the first call builds the sub-model
    print(f"one batch of the search: median {statistics.median(steady) * 1000:.1f} ms, "
          f"max {steady[-1] * 1000:.1f} ms (the live drawing is computed in its own process meanwhile)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
