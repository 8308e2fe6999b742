"""The seed's recipe through the Training page: 12 epochs of mnist_cnn with the page's defaults, test accuracy.

    python benchmarks/training_reproduce.py [--out DIR]   # 10–30 minutes on two cores

Opens the real window offscreen, goes to the Training page, presses Start with every setting as
the page offers it, and waits for the run to end; prints the progress line once a minute and the
test accuracy at the end. The model, its card and its history go to ``--out`` (a new folder;
the README's training pictures are ``guiapp --screenshot … --history DIR --snapshot N`` of it).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from calibration import calibration_line  # noqa: E402  (benchmarks/ is on sys.path)
from harness import idle_until, training_window, wait_until

RUN_TIMEOUT_S = 3 * 3600


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="folder for the model, card and history (default: a new one)")
    args = parser.parse_args()
    print(calibration_line(), flush=True)
    out = args.out or Path(tempfile.mkdtemp(prefix="guiapp-reproduce-"))
    app, window, page = training_window(out, out / "settings.ini")
    print(f"settings: {page.form.config()}", flush=True)
    started = last = time.monotonic()
    page.start()
    while page.run is not None and page.run.process is not None and not page.run.process.ended:
        idle_until(app, time.perf_counter() + 0.2)
        if time.monotonic() - last > 60:
            last = time.monotonic()
            print(f"{last - started:6.0f} s  {page.status.text()}", flush=True)
        if time.monotonic() - started > RUN_TIMEOUT_S:
            print("the run did not end in time", file=sys.stderr)
            return 1
    wait_until(app, lambda: not page.running)
    print(f"done in {time.monotonic() - started:.0f} s: {page.status.text()}")
    window.shutdown()
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
