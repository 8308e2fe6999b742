"""The Why tab, measured: what explaining costs, side by side with what it explains.

    python benchmarks/explain.py [--digits 4] [--samples 20] [--interval-ms 8] [--model PATH] [--skip-window] [--load N]

In one run, on the same model (default: the shipped one) and digits:
1. the drawing loop (benchmarks/live_loop.py's replay of recorded strokes into the real window,
   offscreen): event → every panel painted, without and then with the Why tab on screen
   (gradient, gradient × input and Grad-CAM recomputed on every update, Grad-CAM over the canvas);
2. the live methods together against the plain all-layers inference they follow, one MNIST
   test digit at a time, in this process with one BLAS thread (as the compute process runs them);
3. integrated gradients (64 steps, one batch) and occlusion (169 patches, one batch) per digit,
   with the NumPy pass and with TensorFlow (which the window uses for them once it has imported
   it), and the counterfactual ("what would make it a k", every k).
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

ROOT = Path(__file__).resolve().parents[1]


def _loop(drawings: list[dict], interval_s: float, model: Path | None) -> None:
    watcher = PaintWatcher()
    results = {}
    with tempfile.TemporaryDirectory() as scratch:
        for why in (False, True):
            results[why] = measure("guiapp", drawings, interval_s, Path(scratch), watcher, model=model, why=why)
    for why, label in ((False, "loop, Why tab off screen"), (True, "loop, Why tab on screen")):
        r = results[why]
        print(describe(f"{label}: event → panels painted", r["latencies"]))
        print(describe(f"{label}: the worker's whole update", r["worker"]))
        print(f"{'':<44} {r['events']} input events, {r['computed']} computed, {r['frames']} painted")
    off, on = stats_ms(results[False]["latencies"]), stats_ms(results[True]["latencies"])
    print(f"Why tab on / off, event → painted: median {on['median'] / off['median']:.2f}×, "
          f"p95 {on['p95'] / off['p95']:.2f}×")


def _timed(function, repeats: int = 1) -> tuple[float, object]:
    best, value = float("inf"), None
    for _ in range(repeats):
        started = time.perf_counter()
        value = function()
        best = min(best, time.perf_counter() - started)
    return best, value


def _methods(model: Path, samples: int) -> None:
    from guiapp.core.explain import attribution as why
    from guiapp.core.explain.counterfactual import make_it
    from guiapp.core.explain.gradients import conv_layers, source_for
    from guiapp.core.training.data import load_mnist_test
    from guiapp.core.live.compute_process import limit_blas_threads
    from guiapp.core.model.inference import Inspector

    limit_blas_threads()  # as the compute process runs
    inspector = Inspector.load(model)
    inspector.warm_up()
    source = source_for(inspector)
    layers = conv_layers(inspector)
    layer = layers[-1] if layers else None
    images = load_mnist_test(ROOT.parent / "shared" / "data" / "mnist.npz").images
    digits = images[:samples].astype(np.float32) / 255.0
    print(f"{samples} MNIST test digits; gradients from the {source.name} source; Grad-CAM on {layer}")
    for image in digits[:2]:  # warm every path (TensorFlow traces its functions on first use)
        result = inspector.run(image)
        why.live_explanation(source, image, None, None, layer, inspector.chains,
                             [s.activation for s in result.layers])
        why.integrated_gradients(source, image, result.predicted)
        why.occlusion(source, image, result.predicted)
    rest = {source.name: source}
    if source.name != "TensorFlow":  # the window's at-rest methods move to TensorFlow once it is imported
        from guiapp.core.explain.keras_gradients import KerasGradients

        rest["TensorFlow"] = KerasGradients(inspector)
        for image in digits[:2]:
            why.integrated_gradients(rest["TensorFlow"], image, 0)
            why.occlusion(rest["TensorFlow"], image, 0)
    plain, live, counterfactual, compiled = [], [], [], []
    ig: dict[str, list[float]] = {name: [] for name in rest}
    occlusion: dict[str, list[float]] = {name: [] for name in rest}
    gaps: dict[str, list[float]] = {name: [] for name in rest}
    for image in digits:
        for _ in range(5):
            seconds, result = _timed(lambda image=image: inspector.run(image))
            plain.append(seconds)
            forward = [s.activation for s in result.layers]
            seconds, _ = _timed(lambda image=image, forward=forward: why.live_explanation(
                source, image, None, None, layer, inspector.chains, forward))
            live.append(seconds)
            if "TensorFlow" in rest and source.name != "TensorFlow":  # what the live methods would cost there
                batch, seeds = image[None, ..., None], np.eye(inspector.num_classes, dtype=np.float32)[:1]
                seconds, _ = _timed(lambda b=batch, w=seeds: rest["TensorFlow"].gradients(b, w, layer))
                compiled.append(seconds)
        target = result.predicted
        for name, batch_source in rest.items():
            seconds, found = _timed(lambda image=image, target=target, s=batch_source: why.integrated_gradients(
                s, image, target))
            ig[name].append(seconds)
            gaps[name].append(found.check.gap_percent)
            seconds, _ = _timed(lambda image=image, target=target, s=batch_source: why.occlusion(s, image, target))
            occlusion[name].append(seconds)
    for image in digits[:max(1, samples // 4)]:
        for k in range(inspector.num_classes):
            seconds, _ = _timed(lambda image=image, k=k: make_it(source, image, k))
            counterfactual.append(seconds)
    print(describe("plain all-layers inference", plain))
    print(describe("live methods (gradient, × input, Grad-CAM)", live))
    base, ours = stats_ms(plain), stats_ms(live)
    print(f"live methods / inference: median {ours['median'] / base['median']:.2f}×, "
          f"p95 {ours['p95'] / base['p95']:.2f}×")
    if compiled:
        print(describe("one compiled tf.function gradient call", compiled)
              + f"   ({stats_ms(compiled)['median'] / base['median']:.1f}× the inference: why the live methods use NumPy)")
    for name in rest:
        print(describe(f"integrated gradients, 64 steps ({name})", ig[name])
              + f"   largest completeness gap {max(gaps[name]):.2f}%")
        print(describe(f"occlusion, 169 patches ({name})", occlusion[name]))
    print(describe(f"counterfactual, every class ({len(counterfactual)} runs)", counterfactual))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--digits", type=int, default=4, help="recorded digits to replay (default 4)")
    parser.add_argument("--samples", type=int, default=20, help="MNIST test digits for the methods (default 20)")
    parser.add_argument("--interval-ms", type=float, default=8.0, help="time between pointer moves (default 8)")
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "mnist_cnn_drawn.keras", metavar="PATH")
    parser.add_argument("--skip-window", action="store_true", help="only the methods, not the drawing loop")
    parser.add_argument("--load", metavar="N", type=int, default=0,
                        help="keep N busy processes running for the whole measurement (default 0)")
    args = parser.parse_args()
    print(calibration_line(), flush=True)
    if args.load:
        print(f"{args.load} busy process{'es' if args.load > 1 else ''} running throughout")
    with BusyCores(args.load):
        if not args.skip_window:
            _loop(recorded_drawings(args.digits), args.interval_ms / 1000, args.model)
        _methods(args.model, args.samples)
    return 0


if __name__ == "__main__":
    sys.exit(main())
