"""Training in the window, measured against plain ``model.fit`` on the same digits and batches, in one run.

    python benchmarks/training.py [--batches 120] [--batch-size 128] [--digits 4] [--interval-ms 8] [--load N]
    python benchmarks/training.py --first-batch [--runs 3]     # only 0. below
    python benchmarks/training.py --profile                    # 0. in one process, under cProfile

0. Start → first batch shown, on the Training page (quick preset, the slice below): with the trainer the page
   warmed when it came on screen (TensorFlow loaded, waiting), the next runs on the spare each run leaves, and
   the baseline in the same run: a cold trainer (the page's pool bypassed: TensorFlow loads after Start).

1. Plain Keras: a fresh process builds ``mnist_cnn`` (seed 0), compiles it as ``guiapp train`` does
   (Adadelta 1.0, the seed's loss) and calls ``model.fit`` for one epoch of ``--batches`` batches —
   nothing else. Examples per second are timed from the 10th batch's end to the last's (tracing
   and warm-up excluded).
2. The window, offscreen, on the Training page: the same run started with its Start button, its
   kernels, curves and the user's drawing redrawn with the newest weights (every 0.5 s) — watched only.
3. The same, while recorded pen strokes are replayed onto the canvas the whole time: pointer → stroke
   painted on the canvas, and pointer → the drawing's maps and probabilities painted (computed with
   the newest weights the window has), are timed as ``benchmarks/live_loop.py`` times them.
4. Plain Keras again (the host may drift during the run: the baseline is the mean of 1 and 4).

``--load N`` keeps N other processes busy for the whole measurement, baseline included.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np
from calibration import calibration_line  # noqa: E402  (benchmarks/ is on sys.path)
from harness import (
    ROOT,
    application,
    BusyCores,
    PaintWatcher,
    describe,
    idle_until,
    on_screen,
    paint_now,
    recorded_drawings,
    replay,
    stats_ms,
    training_window,
    wait_until,
)

WARM_BATCHES = 10  # batches left out of the rate: graph tracing and the first allocations
TEST_DIGITS = 1000  # validated after the epoch, outside the timed batches: kept small


def _plain_fit(data: str, batch_size: int, queue) -> None:
    """In a fresh process, as the trainer is: model.fit and nothing else; puts the batch-end times."""
    sys.path.insert(0, str(ROOT))
    from guiapp.core.training.data import NUM_CLASSES, load_mnist, to_network_input
    from guiapp.core.training.training import (
        TrainingConfig,
        keras2_categorical_crossentropy,
        make_optimizer,
    )
    from guiapp.core.model.architectures import build_model, get_architecture
    from guiapp.core.model.backend import keras

    k = keras()
    mnist = load_mnist(data)
    model = build_model(get_architecture("mnist_cnn"), seed=0)
    model.compile(loss=keras2_categorical_crossentropy, optimizer=make_optimizer(k, TrainingConfig()),
                  metrics=["accuracy"])
    times: list[float] = []

    class Clock(k.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            times.append(time.perf_counter())

    model.fit(to_network_input(mnist.x_train), k.utils.to_categorical(mnist.y_train, NUM_CLASSES),
              batch_size=batch_size, epochs=1, verbose=0, callbacks=[Clock()])
    queue.put(times)


def plain(data: Path, batch_size: int) -> float:
    """Examples per second of plain model.fit, in its own process."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_plain_fit, args=(str(data), batch_size, queue))
    process.start()
    times = queue.get(timeout=900)
    process.join()
    return _rate(times, batch_size)


def _rate(times: list[float], batch_size: int) -> float:
    timed = times[WARM_BATCHES - 1:]
    return (len(timed) - 1) * batch_size / (timed[-1] - timed[0])


def in_window(data: Path, batch_size: int, drawings: list[dict] | None, interval_s: float, scratch: Path,
              watcher: PaintWatcher) -> dict:
    """The Training page runs the same epoch; ``drawings`` are replayed onto its canvas meanwhile."""
    app, window, page = training_window(scratch / f"trained-{time.monotonic_ns()}", scratch / "bench.ini")
    page.data = data
    page.form.epochs.setValue(1)
    page.form.batch.setValue(batch_size)
    times: list[float] = []
    weights_shown = [0]
    page.start()
    page.run.batches.connect(lambda rows: times.extend(row[3] for row in rows))
    page.run.weights.connect(lambda *_: weights_shown.__setitem__(0, weights_shown[0] + 1))
    wait_until(app, lambda: page.run.step >= 1, timeout_s=300)
    clock: dict = {}
    sent: dict[int, float] = {}
    stroke_paint: list[float] = []
    watcher.latencies, watcher.superseded = [], 0
    views = [window.input_view._plot, window.probabilities._plot] + [
        panel.plot for panel in window.feature_maps.panels.values() if panel.plot is not None]
    views = [view for view in views if on_screen(view)]

    def on_drawing(drawing) -> None:
        sent[id(drawing)] = clock.get("event", time.perf_counter())

    state = {"last": None}

    def on_shown(update) -> None:
        state["last"] = update.drawing
        t0 = sent.pop(id(update.drawing), None)
        if t0 is not None:
            watcher.expect(views, t0)

    def after_move() -> None:
        paint_now(window.canvas)
        stroke_paint.append(time.perf_counter() - clock["event"])

    window.canvas.drawingChanged.connect(on_drawing)
    window.resultShown.connect(on_shown)
    if drawings:  # keep the views that repaint with a drawing (one barely in sight shows no changed pixel)
        painted: Counter[int] = Counter()
        count = watcher._painted
        watcher._painted = lambda view: (painted.update([id(view)]), count(view))
        replay(app, window.canvas, drawings[0], interval_s, clock, None)
        wait_until(app, lambda: state["last"] is window.canvas.drawing)
        watcher.settle(app)
        watcher._painted = count
        views = [view for view in views if painted[id(view)] >= max(painted.values()) / 2]
        window.canvas.clear()
        sent.clear()
    started, trained = time.perf_counter(), None
    while page.running:
        if drawings and page.run.step < page.progress.maximum() - 1:  # draw while batches are being trained
            for drawing in drawings:  # as live_loop.py does: each digit's last state shown, then cleared
                replay(app, window.canvas, drawing, interval_s, clock, after_move)
                final = window.canvas.drawing
                wait_until(app, lambda final=final: state["last"] is final)
                watcher.settle(app)
                window.canvas.clear()
                wait_until(app, lambda: state["last"] is window.canvas.drawing)
                sent.clear()  # ids of drawings never shown (coalesced away) may be reused by new ones
        else:  # watch (or wait for the test-set evaluation at the end)
            if trained is None and page.run.step >= page.progress.maximum():
                trained = time.perf_counter()
            idle_until(app, time.perf_counter() + 0.05)  # asleep until an event comes, as app.exec() is
    seconds = (trained or time.perf_counter()) - started
    window.shutdown()
    window.close()
    return {"rate": _rate(times, batch_size), "latencies": list(watcher.latencies), "stroke_paint": stroke_paint,
            "weights_per_s": weights_shown[0] / seconds}


def _first_batch(page, app, cold: bool) -> float:
    """Seconds from Start to the first batch on the curves (painted), then stop the run and wait for its end."""
    from PySide6.QtCore import QCoreApplication

    if not cold:  # the spare has loaded TensorFlow (the page asked for it when shown, or after the last run)
        wait_until(app, lambda: page.trainers.spare is not None and page.trainers.spare.check_ready(), 300)
    trainers = page.controller.trainers
    page.controller.trainers = None if cold else trainers
    shown: list[float] = []
    started = time.perf_counter()
    page.start()
    page.controller.trainers = trainers
    page.run.batches.connect(lambda rows: shown.append(time.perf_counter()) if not shown else None)
    wait_until(app, lambda: bool(shown), timeout_s=300)
    QCoreApplication.processEvents()
    paint_now(page.curves)
    seconds = time.perf_counter() - started
    page.stop()
    wait_until(app, lambda: not page.running, timeout_s=120)
    return seconds


def _training_page(trained: Path, settings: Path):
    """The real window offscreen, MNIST test digit 0 drawn, the Training page shown through its feature's door."""
    from PySide6.QtCore import QSettings

    import guiapp.ui.main_window as main_window
    from guiapp.ui import MainWindow
    from guiapp.ui.training.feature import TrainingFeature

    main_window.trained_models_dir = lambda: trained
    app = application()
    window = MainWindow(settings=QSettings(str(settings), QSettings.Format.IniFormat))
    window.resize(1560, 940)
    window.show()
    wait_until(app, lambda: window.inspector is not None)
    window.load_sample(0)
    return app, window, window.feature(TrainingFeature)._show_page()


def first_batches(data: Path, scratch: Path, runs: int) -> tuple[list[float], float]:
    """Warm starts (the first on the trainer warmed when the page was shown), and one cold start."""
    from guiapp.core.training.presets import PRESETS

    app, window, page = _training_page(scratch / f"trained-{time.monotonic_ns()}", scratch / "first.ini")
    page.data = data
    page.form.use_preset("quick")
    warm = [_first_batch(page, app, cold=False) for _ in range(runs)]
    cold = _first_batch(page, app, cold=True)
    assert page.form.config() == PRESETS["quick"].config
    window.shutdown()
    window.close()
    return warm, cold


def profile_first_batch(data: Path, scratch: Path, lines: int = 25) -> None:
    """A warm trainer's run of the quick preset up to its first batch's end, in this process, under cProfile."""
    import cProfile
    import pstats

    from guiapp.core.model.architectures import DEFAULT_ARCHITECTURE, get_architecture
    from guiapp.core.model.backend import keras
    from guiapp.core.training import trainer_process
    from guiapp.core.training.data import load_mnist
    from guiapp.core.training.presets import PRESETS
    from guiapp.core.training.training import train

    trainer_process._warm_up()  # what the spare does before Start (data: the slice below, not the shipped MNIST)

    class FirstBatch(Exception):
        pass

    class Stop(keras().callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            raise FirstBatch

    profile, started = cProfile.Profile(), time.perf_counter()
    with profile, contextlib.suppress(FirstBatch):
        train(load_mnist(data), scratch / "profiled.keras", PRESETS["quick"].config,
              architecture=get_architecture(DEFAULT_ARCHITECTURE), history=scratch / "profiled",
              callbacks=[Stop()], prepared=trainer_process._loaded.get("prepared"))
    print(f"in one process, Start → first batch's end: {time.perf_counter() - started:.2f} s", flush=True)
    pstats.Stats(profile).sort_stats("cumulative").print_stats(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=120, help="batches in the timed epoch (default 120)")
    parser.add_argument("--batch-size", type=int, default=128, help="digits a batch (default 128, the seed's)")
    parser.add_argument("--digits", type=int, default=4, help="recorded digits replayed over and over (default 4)")
    parser.add_argument("--interval-ms", type=float, default=8.0, help="time between pointer moves (default 8)")
    parser.add_argument("--load", metavar="N", type=int, default=0,
                        help="keep N busy processes running for the whole measurement (default 0)")
    parser.add_argument("--first-batch", action="store_true", help="measure only Start → first batch shown")
    parser.add_argument("--runs", type=int, default=3, help="warm starts measured (default 3)")
    parser.add_argument("--profile", action="store_true", help="profile Start → first batch in one process")
    args = parser.parse_args()
    print(calibration_line(), flush=True)
    from guiapp.core.training.data import load_mnist

    mnist = load_mnist(None)
    count = args.batches * args.batch_size
    watcher = PaintWatcher()
    with tempfile.TemporaryDirectory() as folder, BusyCores(args.load):
        scratch = Path(folder)
        data = scratch / "slice.npz"
        np.savez(data, x_train=mnist.x_train[:count], y_train=mnist.y_train[:count],
                 x_test=mnist.x_test[:TEST_DIGITS], y_test=mnist.y_test[:TEST_DIGITS])
        if args.profile:
            profile_first_batch(data, scratch)
            return 0
        warm, cold = first_batches(data, scratch, args.runs)
        print(f"Start → first batch shown (quick preset): warm {', '.join(f'{s:.2f}' for s in warm)} s "
              f"(median {np.median(warm):.2f} s); cold (TensorFlow loads after Start) {cold:.2f} s; "
              f"warm/cold = {np.median(warm) / cold:.2f}; goal ≤ 2 s warm "
              f"({'met' if np.median(warm) <= 2 else 'MISSED'})", flush=True)
        if args.first_batch:
            return 0
        first = plain(data, args.batch_size)
        watched = in_window(data, args.batch_size, None, args.interval_ms / 1000, scratch, watcher)
        drawing = in_window(data, args.batch_size, recorded_drawings(args.digits), args.interval_ms / 1000, scratch,
                            watcher)
        second = plain(data, args.batch_size)
    baseline = (first + second) / 2
    print(f"{count:,} MNIST digits, batches of {args.batch_size}, one epoch; rates timed after batch {WARM_BATCHES}"
          + (f"; {args.load} busy process{'es' if args.load > 1 else ''} running throughout" if args.load else ""))
    print(f"plain model.fit (fresh process)               {first:7.0f} and {second:7.0f} examples/s "
          f"(mean {baseline:.0f})")
    print(f"Training page, watched                        {watched['rate']:7.0f} examples/s = "
          f"{watched['rate'] / baseline:.0%} of plain  ({watched['weights_per_s']:.1f} weight updates shown/s)")
    print(f"Training page, drawing on the canvas meanwhile {drawing['rate']:7.0f} examples/s = "
          f"{drawing['rate'] / baseline:.0%} of plain  ({drawing['weights_per_s']:.1f} weight updates shown/s)")
    print(describe("while training: pointer → stroke painted", drawing["stroke_paint"]))
    print(describe("while training: pointer → maps + probabilities", drawing["latencies"]))
    strokes, updates = stats_ms(drawing["stroke_paint"]), stats_ms(drawing["latencies"])
    print(f"goals: watched ≥ 85% of plain ({'met' if watched['rate'] >= 0.85 * baseline else 'MISSED'}), "
          f"stroke p95 ≤ 16 ms ({'met' if strokes['p95'] <= 16 else 'MISSED'}), "
          f"update p95 ≤ 100 ms ({'met' if updates['p95'] <= 100 else 'MISSED'}); while the pen moves the "
          "trainer (niced) yields to it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
