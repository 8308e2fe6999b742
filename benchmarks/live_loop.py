"""The drawing loop, measured: pointer event → every panel holding the new state and the window painted.

    python benchmarks/live_loop.py [--digits 4] [--interval-ms 8] [--load 1] [--tab Why] [--pin LAYER:I,J,K]
                                   [--profile N] [--compare [MODEL|twin:K]]

Replays recorded pen strokes (benchmarks/recorded_strokes.json) as Qt mouse events into
the real main window, offscreen, and into a baseline wired the simple way
(benchmarks/simple_window.py: model.predict on every move on the GUI thread, one
widget per feature map), in the same run. For each update shown, the frame is timed as
Qt paints it: from the input event that produced the drawing until every visible panel
has painted since (benchmarks/harness.py: PaintWatcher). Also: pointer → stroke painted
on the canvas (rendered at once), how many pointer moves were coalesced, and how many
computed results were painted or dropped. ``--load N`` keeps N other processes busy for
the whole measurement (a screen-sharing call on a 2-core laptop), baseline included; ``--tab Why``
keeps the Why tab's live maps beside the maps: they are out of the measured panels (the audience's
focus is the canvas, the maps and the probabilities), and the run says how many frames they were kept
out of under load (guiapp/ui/frames.py). ``--compare`` also runs the window on its Compare page against a
second model (default: the seed's network), in the same run: A's panels (the input, A's probabilities on
both sides of the page, A's maps in the rows on screen) are the measured frame, and B — computed by a second
worker as each A frame is shown, the newest drawing winning — is counted apart: how many results of each
reach the screen per second, and how long after its pointer event each B result is shown.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from calibration import calibration_line  # noqa: E402  (benchmarks/ is on sys.path)
from harness import (
    BusyCores,
    PaintWatcher,
    application,
    describe,
    on_screen,
    paint_now,
    recorded_drawings,
    replay,
    stats_ms,
    wait_until,
    wholly_on_screen,
)


def _views(window, kind: str, why: bool = False, where: bool | str | None = None, compare: str | None = None
           ) -> list:
    """The pyqtgraph views that show a result (the panels that must repaint for a frame)."""
    import pyqtgraph as pg

    if kind == "baseline":
        return window.findChildren(pg.GraphicsView)
    if compare is not None:  # A's panels on the Compare page: the lent column, A's chart, A's maps in the rows
        from guiapp.ui.compare.feature import CompareFeature

        view = window.feature(CompareFeature).view
        rows = [row.plots[0] for row in view.pairs.rows if row.on_screen and row.images[0].isVisible()]
        return rows + [view.charts[0]._plot, window.input_view._plot, window.probabilities._plot]
    panels = [panel.plot for panel in window.feature_maps.panels.values() if panel.plot is not None]
    if where is not None:  # the Where tab's runs, on and off: only maps wholly in sight, the same set in both
        # (a panel barely scrolled into view may legitimately not repaint: its sliver holds no image)
        panels = [plot for plot in panels if wholly_on_screen(plot)]
    if why:  # the Why tab's live maps (gradient, gradient × input, Grad-CAM) repaint with every update
        from guiapp.core.explain.attribution import LIVE_METHODS

        panels += [window.why_view.panels[method].plot for method in LIVE_METHODS]
    if where is True:  # the Where tab's map: the drawing's point moves with every update
        panels += window.where.view.map.findChildren(pg.GraphicsView)
    return panels + [window.input_view._plot, window.probabilities._plot]


def measure(kind: str, drawings: list[dict], interval_s: float, scratch: Path, watcher: PaintWatcher,
            pin: tuple[str, tuple[int, ...]] | None = None, profiler=None, model: Path | None = None,
            why: bool = False, where: bool | str | None = None, why_tab: bool = False,
            compare: str | None = None) -> dict:
    app = application()
    if kind == "guiapp":
        from PySide6.QtCore import QSettings

        from guiapp.ui import MainWindow

        window = MainWindow(model, settings=QSettings(str(scratch / "bench.ini"), QSettings.Format.IniFormat))
        shown_drawing = lambda update: update.drawing  # noqa: E731
    else:
        from simple_window import SimpleWindow

        window = SimpleWindow()
        shown_drawing = lambda drawing: drawing  # noqa: E731
    window.resize(1560, 940)
    window.show()
    if kind == "guiapp":
        wait_until(app, lambda: window.inspector is not None)
        window.canvas.clear()
        if pin is not None:  # a traced unit re-explained on every update, its tab on screen
            window.trace_view.pin(*pin)
            window.tabs.setCurrentWidget(window.trace_view)
        if why or why_tab:  # the Why tab on screen: every update brings its live evidence maps
            window.show_why()
        if where:  # the Where tab on screen, its pass and map read from the cache (or computed first)
            window.tabs.setCurrentWidget(window.where.page)
        if where is True:
            wait_until(app, lambda: window.where.points is not None, timeout_s=900)
        if compare is not None:  # the Compare page, B loaded and answering
            from guiapp.ui.compare.feature import CompareFeature

            problem = window.show_compare(compare or None, "layers")
            if problem:
                raise SystemExit(f"live_loop.py: {problem}")
            page = window.feature(CompareFeature)
            wait_until(app, lambda: page.partner.ready and page.b is not None, timeout_s=120)
    clock: dict = {}
    sent: dict[int, tuple[float, object]] = {}
    watcher.latencies, watcher.superseded = [], 0
    stroke_paint: list[float] = []
    state = {"last": None}
    worker_seconds: list[float] = []
    inference_seconds: list[float] = []

    event_at: dict[int, float] = {}  # every drawing's pointer event, kept for B (A's entries are popped)
    b_lag: list[float] = []

    def on_drawing(drawing) -> None:
        sent[id(drawing)] = (clock.get("event", time.perf_counter()), drawing)
        event_at[id(drawing)] = sent[id(drawing)][0]

    def on_b(update) -> None:
        at = event_at.get(id(update.drawing))
        if at is not None:
            b_lag.append(time.perf_counter() - at)

    def on_shown(payload) -> None:
        if kind == "guiapp":
            worker_seconds.append(payload.total_seconds)
            inference_seconds.append(payload.result.seconds)
        drawing = shown_drawing(payload)
        state["last"] = drawing
        entry = sent.pop(id(drawing), None)
        if entry is not None:
            watcher.expect(views, entry[0])
        elif kind == "baseline":  # shown synchronously, inside the input event's own handling
            watcher.expect(views, clock["event"])

    def after_move() -> None:
        paint_now(window.canvas)
        stroke_paint.append(time.perf_counter() - clock["event"])

    views = [view for view in _views(window, kind, why, where, compare) if on_screen(view)]  # the window does not scroll meanwhile
    # Connected after the window's own slots: runs once every panel holds the new state.
    window.canvas.drawingChanged.connect(on_drawing)
    window.resultShown.connect(on_shown)
    b_before = 0
    if compare is not None:
        page.partner.updated.connect(on_b)
        b_before = page.partner.computed
    started = time.perf_counter()
    computed_before = window.worker.inference_count if kind == "guiapp" else 0
    frames_before = window.pacer.frames_shown if kind == "guiapp" else 0
    dropped_before = window.pacer.results_dropped if kind == "guiapp" else 0
    budget = window.frames.budget if kind == "guiapp" else None
    side_before = (budget.side_frames, budget.side_skipped) if budget is not None else (0, 0)
    events = 0
    if profiler is not None:
        profiler.enable()
    for drawing in drawings:
        events += replay(app, window.canvas, drawing, interval_s, clock, after_move)
        final = window.canvas.drawing
        wait_until(app, lambda final=final: state["last"] is final)
        watcher.settle(app)
        window.canvas.clear()  # the Delete key: one more input event
        events += 1
        wait_until(app, lambda: state["last"] is window.canvas.drawing)
        sent.clear()
    computed = (window.worker.inference_count - computed_before) if kind == "guiapp" else events
    watcher.settle(app)
    seconds = time.perf_counter() - started
    b_results = page.partner.computed - b_before if compare is not None else 0
    if profiler is not None:
        profiler.disable()
    window.shutdown()
    window.close()
    dropped = window.pacer.results_dropped - dropped_before if kind == "guiapp" else 0
    frames = window.pacer.frames_shown - frames_before if kind == "guiapp" else 0
    side = (budget.side_frames - side_before[0], budget.side_skipped - side_before[1]) if budget else (0, 0)
    return {"tabs_shown": side[0], "tabs_kept_out": side[1],
            "latencies": list(watcher.latencies), "stroke_paint": stroke_paint, "events": events,
            "computed": computed, "superseded": watcher.superseded, "worker": worker_seconds,
            "inference": inference_seconds, "dropped": dropped, "frames": frames,
            "seconds": seconds, "b_results": b_results, "b_lag": b_lag}


def _profile(drawings, interval_s, watcher, pin, top: int, compare: str | None = None) -> int:
    """The GUI thread's time while replaying, by function (cumulative), the window's own loop only."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    with tempfile.TemporaryDirectory() as scratch:
        result = measure("guiapp", drawings, interval_s, Path(scratch), watcher, pin, profiler, compare=compare)
    print(describe("guiapp (profiled): event → panels painted", result["latencies"]))
    print(describe("worker: whole update", result["worker"]))
    print(describe("worker: inference", result["inference"]))
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--digits", type=int, default=4, help="recorded digits to replay (default 4)")
    parser.add_argument("--interval-ms", type=float, default=8.0, help="time between pointer moves (default 8)")
    parser.add_argument("--load", metavar="N", type=int, default=0,
                        help="keep N busy processes running for the whole measurement (default 0)")
    parser.add_argument("--profile", metavar="N", type=int, default=0,
                        help="profile the GUI thread (cProfile) while replaying; print the N costliest calls")
    parser.add_argument("--model", type=Path, metavar="PATH",
                        help="guiapp's window on this model (default: the shipped one); the baseline keeps its own")
    parser.add_argument("--tab", default="Ledger", choices=("Ledger", "Why"),
                        help="the tab beside the maps while drawing (default Ledger; Why: its live maps too, "
                        "out of the measured panels: under load they are what gives way first)")
    parser.add_argument("--compare", nargs="?", const="", metavar="MODEL|twin:K",
                        help="also run guiapp on its Compare page against MODEL (default: the seed's network)")
    parser.add_argument("--pin", metavar="LAYER:I,J,K",
                        help="keep this unit traced while drawing (e.g. dense:5 or conv2d_1:10,10,7)")
    args = parser.parse_args()
    print(calibration_line(), flush=True)
    pin = None
    if args.pin:
        layer, _, unit = args.pin.partition(":")
        pin = (layer, tuple(int(v) for v in unit.split(",")))
    drawings = recorded_drawings(args.digits)
    results = {}
    watcher = PaintWatcher()
    if args.profile:
        return _profile(drawings, args.interval_ms / 1000, watcher, pin, args.profile, args.compare)
    with tempfile.TemporaryDirectory() as scratch, BusyCores(args.load):
        kinds = ("guiapp", "compare", "baseline") if args.compare is not None else ("guiapp", "baseline")
        for kind in kinds:
            ours = kind != "baseline"
            results[kind] = measure("baseline" if not ours else "guiapp", drawings, args.interval_ms / 1000,
                                    Path(scratch), watcher, pin if ours else None,
                                    model=args.model if ours else None, why_tab=args.tab == "Why" and ours,
                                    compare=args.compare if kind == "compare" else None)
    moves = sum(len(s) for d in drawings for s in d["strokes"])
    print(f"{len(drawings)} recorded digits, {moves} pointer positions, one move every {args.interval_ms:g} ms"
          + (f"; unit {args.pin} traced on every update" if pin else "")
          + (f"; guiapp on {args.model}" if args.model else "")
          + (f"; {args.load} busy process{'es' if args.load > 1 else ''} running throughout" if args.load else ""))
    labels = [("guiapp", "guiapp"), ("baseline", "baseline (predict per move, widget per map)")]
    if "compare" in results:
        labels.insert(1, ("compare", "guiapp, compare mode"))
    for kind, label in labels:
        r = results[kind]
        print(describe(f"{label}: event → panels painted", r["latencies"]))
        print(describe(f"{label}: pointer → stroke painted", r["stroke_paint"]))
        if kind == "compare":
            print(describe("guiapp, compare mode: event → B shown", r["b_lag"]))
            print(f"{'':<44} results on screen per second: A {r['frames'] / r['seconds']:.1f}, "
                  f"B {r['b_results'] / r['seconds']:.1f} (without compare mode, A "
                  f"{results['guiapp']['frames'] / results['guiapp']['seconds']:.1f}); {r['computed']} A computed, "
                  f"{r['frames']} A painted, {r['b_results']} B shown")
        elif kind == "guiapp":
            print(describe("guiapp: the worker's whole update", r["worker"]))
            print(describe("guiapp: inference in the loop", r["inference"]))
            print(f"{'':<44} {r['events']} input events, {r['computed']} computed "
                  f"({r['events'] - r['computed']} coalesced away before computing), {r['frames']} painted, "
                  f"{r['dropped']} computed but dropped (a newer one came before the next frame)")
            print(f"{'':<44} the tab beside the maps ({args.tab}): {r['tabs_shown']} frames shown, "
                  f"{r['tabs_kept_out']} kept out under load (the live page had every frame)")
        else:
            print(f"{'':<44} {r['events']} input events, {r['computed']} computed, "
                  f"{r['superseded']} shown but overtaken before painted")
    ours, base = stats_ms(results["guiapp"]["latencies"]), stats_ms(results["baseline"]["latencies"])
    print(f"baseline / guiapp, event → painted: median {base['median'] / ours['median']:.1f}×, "
          f"p95 {base['p95'] / ours['p95']:.1f}×")
    if "compare" in results:
        both = stats_ms(results["compare"]["latencies"])
        print(f"compare mode / guiapp alone, event → A painted: median {both['median'] / ours['median']:.2f}×, "
              f"p95 {both['p95'] / ours['p95']:.2f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
