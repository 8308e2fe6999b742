"""The Where tab, measured: its one-time pass per model, the map's quality, and the drawing loop with the tab.

    python benchmarks/where.py [--digits 4] [--interval-ms 8] [--load N] [--skip-window] [--during N] [--model PATH] [--cache DIR]

In one run, on the shipped model (or --model) and MNIST's 10,000 test digits (the copy shipped in resources/):
1. the one-time pass: the features and answers of the 10,000 digits (in this process, one BLAS thread,
   as the niced child computes it), the confusion matrix, and the t-SNE map (in its niced child
   process, as the window fits it); then a cache read of both;
2. the map's quality: the share of digits whose 10 nearest map points have at least 9 with their label,
   for t-SNE and, in the same run, for the first two principal components (what PCA would give);
   and the cost of one drawing's neighbours and placement;
3. the drawing loop (benchmarks/live_loop.py's replay into the real window, offscreen): event → every
   panel painted, with the Where tab (neighbours and map) on screen, side by side with the same run with
   the tab off screen; the tab's own work per frame (neighbours, placement, its paints) timed apart.
4. with ``--during N``: the same loop while a fresh pass and map are computed, the tab on screen (a model
   opened for the first time), split by phase.
``--load N`` keeps N other processes busy throughout.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from calibration import calibration_line
from harness import BusyCores, PaintWatcher, describe, recorded_drawings, stats_ms
from live_loop import measure


def _pass(model: Path, cache: Path) -> None:
    from guiapp.core.training.data import load_mnist_test
    from guiapp.core.live.compute_process import limit_blas_threads
    from guiapp.core.model.inference import Inspector
    from guiapp.core.where.atlas import label_agreement, place
    from guiapp.core.where.cache import load_or_fit_map, load_or_run
    from guiapp.core.where.embedding import Neighbours
    from guiapp.core.where.map_process import fit_in_process

    limit_blas_threads()
    digits = load_mnist_test()
    images, labels = digits.images.astype(np.float32) / 255, digits.labels
    inspector = Inspector.load(model)
    started = time.perf_counter()
    found = load_or_run(inspector, images, labels, cache)
    features_s = time.perf_counter() - started
    started = time.perf_counter()
    confusion = found.confusion
    confusion_s = time.perf_counter() - started
    started = time.perf_counter()
    points = load_or_fit_map(inspector, images, labels, found.features, cache, lambda f: fit_in_process(f))
    map_s = time.perf_counter() - started
    print(f"one-time pass over {len(labels):,} test digits ({inspector.engine.name} engine): features and answers "
          f"{features_s:.1f} s · confusion matrix {confusion_s * 1000:.1f} ms · t-SNE map {map_s:.1f} s · "
          f"total {features_s + confusion_s + map_s:.1f} s ({np.trace(confusion):,} right)", flush=True)
    started = time.perf_counter()
    load_or_run(inspector, images, labels, cache)
    load_or_fit_map(inspector, images, labels, found.features, cache, lambda f: 1 / 0)
    print(f"the same from the cache: {time.perf_counter() - started:.2f} s")

    share = label_agreement(points, labels)
    centred = found.features - found.features.mean(axis=0)
    pca = centred @ np.linalg.svd(centred, full_matrices=False)[2][:2].T
    pca_share = label_agreement(pca, labels)
    print(f"digits with ≥ 9 of their 10 nearest map points sharing their label: t-SNE {np.mean(share >= 0.9):.1%} "
          f"(mean share {share.mean():.1%}); PCA's first two components {np.mean(pca_share >= 0.9):.1%} "
          f"(mean share {pca_share.mean():.1%})")

    neighbours = Neighbours(found.features, labels)
    queries = found.features[np.random.default_rng(0).choice(len(labels), 200, replace=False)] + 0.05
    times, placed = [], []
    for query in queries:
        started = time.perf_counter()
        indices, distances = neighbours.nearest(query, 8)
        neighbours.vote(indices)
        middle = time.perf_counter()
        place(points, indices, distances)
        times.append(middle - started)
        placed.append(time.perf_counter() - middle)
    print(describe("one drawing's 8 nearest of 10,000 (cosine) + vote", times))
    print(describe("its place on the map (weighted neighbours)", placed))


def _loop(drawings: list[dict], interval_s: float, model: Path | None, cache: Path) -> None:
    import guiapp.ui.main_window as main_window
    from guiapp.ui.where.neighbours_view import NeighboursView
    from guiapp.ui.where.where_wiring import WhereWiring

    main_window.default_where_cache = lambda: cache  # the pass and map measured above, read back
    tab_work: list[float] = []
    for cls, name in ((WhereWiring, "show_update"), (NeighboursView, "paintEvent")):
        original = getattr(cls, name)

        def timed(self, *args, original=original, **kwargs):
            started = time.perf_counter()
            original(self, *args, **kwargs)
            tab_work.append(time.perf_counter() - started)

        setattr(cls, name, timed)
    watcher = PaintWatcher()
    results, work = {}, {}
    with tempfile.TemporaryDirectory() as scratch:
        for where in (False, True):
            tab_work.clear()
            results[where] = measure("guiapp", drawings, interval_s, Path(scratch), watcher, model=model,
                                     where=where)
            work[where] = list(tab_work)
    for where, label in ((False, "loop, Where tab off screen"), (True, "loop, Where tab on screen")):
        r = results[where]
        print(describe(f"{label}: event → panels painted", r["latencies"]))
        print(describe(f"{label}: pointer → stroke painted", r["stroke_paint"]))
        print(f"{'':<44} {r['events']} input events, {r['computed']} computed, {r['frames']} painted, "
              f"{r['dropped']} dropped")
    print(describe("the Where tab: each update placed (neighbours, vote, map point) and each strip paint", work[True]))
    off, on = stats_ms(results[False]["latencies"]), stats_ms(results[True]["latencies"])
    print(f"Where tab on / off screen, event → painted: median {on['median'] / off['median']:.2f}×, "
          f"p95 {on['p95'] / off['p95']:.2f}×")


class StampedWatcher(PaintWatcher):
    """A PaintWatcher that also notes when each frame finished painting."""

    def __init__(self) -> None:
        super().__init__()
        self.ends: list[float] = []

    def _painted(self, view) -> None:
        before = len(self.latencies)
        super()._painted(view)
        if len(self.latencies) > before:
            self.ends.append(time.perf_counter())


def _during(drawings: list[dict], interval_s: float, model: Path | None, repeats: int) -> None:
    """The drawing loop while the tab's one-time work runs in its niced process: the pass, then the map
    . The drawings are replayed ``repeats`` times, the tab on screen from the start."""
    import guiapp.ui.main_window as main_window
    from guiapp.ui.where.where_view import WhereView

    marks: dict[str, float] = {}
    for name in ("show_pass", "show_map"):
        original = getattr(WhereView, name)

        def stamped(self, *args, original=original, name=name):
            marks.setdefault(name, time.perf_counter())
            original(self, *args)

        setattr(WhereView, name, stamped)
    watcher = StampedWatcher()
    with tempfile.TemporaryDirectory() as fresh, tempfile.TemporaryDirectory() as scratch:
        main_window.default_where_cache = lambda: Path(fresh)
        started = time.perf_counter()
        result = measure("guiapp", drawings * repeats, interval_s, Path(scratch), watcher, model=model,
                         where="computing")
    ended = time.perf_counter()
    passed, mapped = marks.get("show_pass", ended), marks.get("show_map", ended)
    phases = (("while the pass runs (its niced process)", started, passed),
              ("while the map is fitted (its niced process)", passed, mapped),
              ("after both", mapped, ended))
    print(f"the drawing loop while the tab's one-time work runs, recorded digits replayed {repeats}× "
          f"({ended - started:.0f} s): the pass took {passed - started:.0f} s, the map "
          f"{mapped - passed:.0f} s more" + ("" if "show_map" in marks else " (not finished when the replay ended)"))
    latencies, ends = result["latencies"], watcher.ends
    for label, begin, end in phases:
        chosen = [value for value, at in zip(latencies, ends, strict=True) if begin <= at < end]
        if chosen:
            print(describe(f"{label}: event → painted", chosen))
    print(describe("throughout: pointer → stroke painted", result["stroke_paint"]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--digits", type=int, default=4, help="recorded digits to replay (default 4)")
    parser.add_argument("--interval-ms", type=float, default=8.0, help="time between pointer moves (default 8)")
    parser.add_argument("--load", metavar="N", type=int, default=0, help="keep N busy processes running throughout")
    parser.add_argument("--model", type=Path, metavar="PATH", help="the model (default: the shipped one)")
    parser.add_argument("--skip-window", action="store_true", help="only the pass and the map, not the loop")
    parser.add_argument("--during", metavar="N", type=int, default=0,
                        help="also replay the digits N times while a fresh pass and map are computed "
                        "(the tab opened on a model seen for the first time; 12 covers both here)")
    parser.add_argument("--cache", type=Path, metavar="DIR",
                        help="keep the pass and the map in DIR (default: a temporary folder, so both are computed)")
    args = parser.parse_args()
    print(calibration_line(), flush=True)
    from guiapp import paths

    model = args.model or paths.DEFAULT_MODEL
    with tempfile.TemporaryDirectory() as scratch, BusyCores(args.load):
        cache = args.cache or Path(scratch)
        if args.load:
            print(f"{args.load} busy process{'es' if args.load > 1 else ''} running throughout")
        _pass(model, cache)
        if not args.skip_window:
            _loop(recorded_drawings(args.digits), args.interval_ms / 1000, args.model, cache)
        if args.during:
            _during(recorded_drawings(args.digits), args.interval_ms / 1000, args.model, args.during)
    return 0


if __name__ == "__main__":
    sys.exit(main())
