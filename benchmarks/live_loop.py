"""The drawing loop, measured: pointer event → every panel holding the new state and the window painted.

    python benchmarks/live_loop.py [--digits 4] [--interval-ms 8]

Replays recorded pen strokes (benchmarks/recorded_strokes.json) as Qt mouse events into
the real main window, offscreen, and into a baseline wired the simple way
(benchmarks/simple_window.py: model.predict on every move on the GUI thread, one
widget per feature map), in the same run. For each update shown it forces the paint of
what changed and takes the time since the input event that produced that drawing.
Also: pointer → stroke painted on the canvas, and how many pointer moves were coalesced.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from harness import application, describe, paint_now, recorded_drawings, replay, stats_ms, wait_until


def measure(kind: str, drawings: list[dict], interval_s: float, scratch: Path) -> dict:
    app = application()
    if kind == "guiapp":
        from PySide6.QtCore import QSettings

        from guiapp.ui import MainWindow

        window = MainWindow(settings=QSettings(str(scratch / "bench.ini"), QSettings.Format.IniFormat))
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
    clock: dict = {}
    sent: dict[int, tuple[float, object]] = {}
    latencies: list[float] = []
    stroke_paint: list[float] = []
    state = {"last": None}

    def on_drawing(drawing) -> None:
        sent[id(drawing)] = (clock.get("event", time.perf_counter()), drawing)

    def on_shown(payload) -> None:
        drawing = shown_drawing(payload)
        state["last"] = drawing
        paint_now(window)
        entry = sent.pop(id(drawing), None)
        if entry is not None:
            latencies.append(time.perf_counter() - entry[0])
        elif kind == "baseline":  # shown synchronously, inside the input event's own handling
            latencies.append(time.perf_counter() - clock["event"])

    def after_move() -> None:
        paint_now(window.canvas)
        stroke_paint.append(time.perf_counter() - clock["event"])

    # Connected after the window's own slots: runs once every panel holds the new state.
    window.canvas.drawingChanged.connect(on_drawing)
    window.resultShown.connect(on_shown)
    computed_before = window.worker.inference_count if kind == "guiapp" else 0
    events = 0
    for drawing in drawings:
        events += replay(app, window.canvas, drawing, interval_s, clock, after_move)
        final = window.canvas.drawing
        wait_until(app, lambda: state["last"] is final)
        window.canvas.clear()
        wait_until(app, lambda: state["last"] is window.canvas.drawing)
        sent.clear()
    computed = (window.worker.inference_count - computed_before) if kind == "guiapp" else events
    window.shutdown()
    window.close()
    return {"latencies": latencies, "stroke_paint": stroke_paint, "events": events, "computed": computed}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--digits", type=int, default=4, help="recorded digits to replay (default 4)")
    parser.add_argument("--interval-ms", type=float, default=8.0, help="time between pointer moves (default 8)")
    args = parser.parse_args()
    drawings = recorded_drawings(args.digits)
    results = {}
    with tempfile.TemporaryDirectory() as scratch:
        for kind in ("guiapp", "baseline"):
            results[kind] = measure(kind, drawings, args.interval_ms / 1000, Path(scratch))
    moves = sum(len(s) for d in drawings for s in d["strokes"])
    print(f"{len(drawings)} recorded digits, {moves} pointer positions, one move every {args.interval_ms:g} ms")
    for kind, label in (("guiapp", "guiapp"), ("baseline", "baseline (predict per move, widget per map)")):
        r = results[kind]
        print(describe(f"{label}: event → panels painted", r["latencies"]))
        print(describe(f"{label}: pointer → stroke painted", r["stroke_paint"]))
        print(f"{'':<44} {r['events']} input events, {r['computed']} computed, "
              f"{r['events'] - r['computed']} coalesced away")
    ours, base = stats_ms(results["guiapp"]["latencies"]), stats_ms(results["baseline"]["latencies"])
    print(f"baseline / guiapp, event → painted: median {base['median'] / ours['median']:.1f}×, "
          f"p95 {base['p95'] / ours['p95']:.1f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
