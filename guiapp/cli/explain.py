"""``guiapp explain``: why the network answers what it answers, as heatmap PNGs (and JSON) per picture or drawing."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from guiapp.cli.common import add_model_option, load_inspector
from guiapp.cli.explain_figure import MAX_SIZE, MIN_SIZE, figure_size
from guiapp.cli.predict import FITS
from guiapp.core.errors import GuiappError, ImageFileError, file_problem

if TYPE_CHECKING:
    from guiapp.core.drawing.picture import PictureRecipe
    from guiapp.core.drawing.strokes import Drawing
    from guiapp.core.explain.attribution import Attribution, Explanation
    from guiapp.core.explain.gradients import GradientSource
    from guiapp.core.live.live_update import PictureInput
    from guiapp.core.model.inference import Inspector

# attribution.METHODS, repeated so that building the parser (every `guiapp` call) imports neither
# SciPy nor the engines; tests/cli/test_explain.py checks the two agree.
METHODS = ("gradient", "gradient-input", "gradcam", "ig", "occlusion")
SIGNIFICANT = 6  # digits kept of each attribution in the JSON
BLANK = "nothing to explain: the input is blank"


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "explain",
        help="evidence maps: which pixels speak for (red) or against (blue) a class, as PNG heatmaps",
        description="For each picture (or, with --strokes, each drawing of a stroke file), fitted to the model's "
        "input as `guiapp predict` does, compute evidence maps for a target class (default: the network's answer) "
        "and write one heatmap PNG per method, <out>/<file stem>-<method>-<class>.png: red pixels speak for the "
        "class, blue ones against it. Unreadable files, and inputs the model computes NaN for (NaN or infinite "
        "weights), are reported on stderr (exit code 2); the others are still explained. An existing PNG is not "
        "replaced without --force.",
    )
    add_model_option(parser)
    parser.add_argument("--method", dest="methods", action="append", choices=METHODS, default=None,
                        help="gradient, gradient-input (gradient × input), gradcam (Grad-CAM), ig (integrated "
                        "gradients) or occlusion; repeat for several (default: all five)")
    parser.add_argument("--class", dest="target", type=int, default=None, metavar="K",
                        help="explain class K (an index; default: the class the network answers)")
    parser.add_argument("--contrast", type=int, default=None, metavar="C",
                        help='explain "K rather than C": the score is logit K − logit C (the PNG names end in -vs-C)')
    parser.add_argument("--layer", default=None, metavar="NAME",
                        help="Grad-CAM's convolution layer (default: the last one)")
    parser.add_argument("--strokes", action="store_true",
                        help="the FILEs are stroke files (JSON Lines, one drawing per line, as for predict "
                        "--strokes); a file of several drawings names its PNGs <stem>-<line>-…")
    parser.add_argument("--fit", choices=FITS, default=None,
                        help="how a picture is fitted to the model's input (as for predict)")
    parser.add_argument("--out", type=Path, default=Path("."), metavar="DIR",
                        help="where the PNGs go (default: the current folder; created if missing)")
    parser.add_argument("--json", action="store_true",
                        help='one JSON object for the run: {"model", "methods", "files": [{"file", "predicted", '
                        '"class", "target", "contrast", "probabilities", "blank", "methods": {method: {"values" '
                        '(H×W), "limit", "png", …}}} or {"file", "error"}]}')
    parser.add_argument("--size", default=None, metavar="PX",
                        help=f"draw each figure PX pixels wide ({MIN_SIZE}–{MAX_SIZE}), its title, numbers and "
                        "lines scaled with it: for a slide (default: the map at 10× its pixels, small type)")
    parser.add_argument("--force", action="store_true", help="replace existing PNGs")
    parser.add_argument("files", nargs="*", type=Path, metavar="FILE")
    parser.set_defaults(run=run)


@dataclass(frozen=True)
class Item:
    """One input to explain: a picture, or one drawing of a stroke file."""

    label: str  # how messages name it
    path: Path
    stem: str  # the PNGs' name prefix
    source: PictureInput | Drawing
    line: int | None = None


@dataclass
class Run:
    """What every item shares: the model, its gradient source and the request."""

    args: argparse.Namespace
    inspector: Inspector
    source: GradientSource
    methods: tuple[str, ...]
    layer: str | None
    recipe: PictureRecipe
    written: set[Path] = field(default_factory=set)  # this run's PNGs: another input of the same name keeps off
    report: list[dict[str, Any]] = field(default_factory=list)  # the JSON's "files"
    failed: int = 0

    def fail(self, message: str, path: Path, line: int | None = None) -> None:
        """One line on stderr (and an error entry in the JSON); the run goes on."""
        print(f"guiapp: {message}", file=sys.stderr)
        self.failed += 1
        self.report.append({"file": str(path), **({"line": line} if line is not None else {}), "error": message})


def run(args: argparse.Namespace) -> int:
    if not args.files:
        raise GuiappError("nothing to explain — give picture files, or stroke files with --strokes "
                          "(guiapp explain --help)")
    args.size = figure_size(args.size)  # before the model loads: a bad value is one line at once
    if args.out.exists() and not args.out.is_dir():
        raise GuiappError(file_problem(args.out, "is a file, not a folder", "give --out a folder for the PNGs"))
    from guiapp.core.drawing.picture import default_recipe
    from guiapp.core.explain.attribution import default_conv_layer
    from guiapp.core.explain.gradients import conv_layers, gradient_source

    inspector = load_inspector(args.model, args.trust_model, args.classes)
    _check_classes(inspector.num_classes, args.target, args.contrast)
    layers = conv_layers(inspector)
    if args.layer is not None and args.layer not in layers:
        have = ", ".join(layers) if layers else "none"
        raise GuiappError(f"--layer {args.layer}: not a convolution layer of this model (its convolution layers: "
                          f"{have})")
    methods = tuple(m for m in METHODS if m in (args.methods or METHODS))
    context = Run(args, inspector, gradient_source(inspector), methods, args.layer or default_conv_layer(layers),
                  default_recipe(inspector.input_shape, args.fit))
    # NaN or infinity in the model is said once per input (computes_nan), not warned about by NumPy per layer.
    with np.errstate(invalid="ignore", over="ignore"):
        for item in _items(context):
            entry = _explain(context, item)
            if entry is not None:
                context.report.append(entry)
    if args.json:
        print(json.dumps({"model": str(inspector.path), "methods": list(methods), "files": context.report},
                         ensure_ascii=False, allow_nan=False))
    return 2 if context.failed else 0


def _check_classes(num_classes: int, target: int | None, contrast: int | None) -> None:
    """A class the model does not have: one line, before anything is computed."""
    from guiapp.core.explain.attribution import check_classes

    try:
        if target is not None:
            check_classes(num_classes, target, contrast)
        elif contrast is not None:
            check_classes(num_classes, contrast, None)
    except ValueError as exc:
        raise GuiappError(str(exc) if target is not None else f"contrast {exc}") from None


def _items(context: Run) -> Iterator[Item]:
    """Each readable input in order; each unreadable one is reported and skipped."""
    from guiapp.core.drawing.images import load_picture
    from guiapp.core.drawing.stroke_file import StrokeFileError, read_drawings
    from guiapp.core.live.live_update import PictureInput

    for path in context.args.files:
        if not context.args.strokes:
            try:
                yield Item(str(path), path, path.stem, PictureInput(load_picture(path), path.name))
            except ImageFileError as exc:
                context.fail(str(exc), path)
            continue
        try:
            lines = list(read_drawings(path))
        except StrokeFileError as exc:
            context.fail(str(exc), path)
            continue
        for entry in lines:
            label = f"{path} line {entry.number}"
            if entry.drawing is None:
                context.fail(f"{label}: {entry.error}", path, entry.number)
                continue
            stem = path.stem if len(lines) == 1 else f"{path.stem}-{entry.number}"
            yield Item(label, path, stem, entry.drawing, entry.number)


def _explain(context: Run, item: Item) -> dict[str, Any] | None:
    """Explain one input, write its PNGs and print its lines; its JSON entry (None when it failed)."""
    from guiapp.core.explain.attribution import LIVE_METHODS, TITLES, is_blank, live_explanation
    from guiapp.core.live.live_update import NAN_ANSWER, computes_nan, nan_problem, network_input
    from guiapp.core.model.numpy_engine import NotSupported

    args, inspector = context.args, context.inspector
    try:
        stages, _ = network_input(inspector, item.source, picture_recipe=context.recipe)
        image = stages.final
        explanation = live_explanation(context.source, image, args.target, args.contrast, context.layer,
                                       inspector.chains, methods=[m for m in context.methods if m in LIVE_METHODS])
    except (ValueError, NotSupported) as exc:  # a picture the recipe cannot fit, the target as the contrast…
        context.fail(f"{item.label}: cannot be explained ({exc})", item.path, item.line)
        return None
    if computes_nan(explanation.logits):  # no answer to explain, and every map would be NaN
        context.fail(f"{item.label}: {nan_problem(inspector)}", item.path, item.line)
        return None
    entry = _entry(item, inspector, explanation)
    if explanation.blank or getattr(stages, "blank", False) or is_blank(image):
        print(f"{item.label}: {BLANK}", file=sys.stderr if args.json else sys.stdout)
        return {**entry, "blank": True, "methods": {}}
    pngs = {m: args.out / _png_name(item.stem, m, explanation.target, args.contrast)
            for m in context.methods if m not in explanation.unavailable}
    refusal = _refusal(context, pngs.values())
    if refusal is not None:
        context.fail(refusal, item.path, item.line)
        return None
    try:
        found = {**explanation.attributions, **_at_rest(context, image, explanation)}
        lost = next((method for method in pngs if computes_nan(found[method].values)), None)
        if lost is not None:  # finite scores, NaN gradients: a heatmap of NaN says nothing, so none is written
            context.fail(f"{item.label}: {NAN_ANSWER}'s {TITLES[lost]} — no heatmap written for it", item.path,
                         item.line)
            return None
        methods = _write(context, item, image, found, pngs)
    except OSError as exc:
        context.fail(f"{item.label}: cannot write its PNGs in {args.out} ({exc.strerror or exc})", item.path,
                     item.line)
        return None
    methods.update({m: {"unavailable": why} for m, why in explanation.unavailable.items() if m in context.methods})
    if not args.json:
        _print_text(item, inspector, explanation, found, pngs)
    return {**entry, "blank": False, "methods": {m: methods[m] for m in context.methods if m in methods}}


def _refusal(context: Run, pngs: Iterable[Path]) -> str | None:
    """Why this input's PNGs may not be written (an existing file without --force, or one this run wrote)."""
    for path in pngs:
        if path in context.written:
            return file_problem(path, "was just written for another input of the same name",
                                "give the files different names, or one --out folder each")
        if path.exists() and not context.args.force:
            return file_problem(path, "already exists", "pass --force to replace it")
    return None


def _at_rest(context: Run, image: np.ndarray, explanation: Explanation) -> dict[str, Attribution]:
    """Integrated gradients and occlusion, when asked for: a batch each."""
    from guiapp.core.explain.attribution import (
        INTEGRATED,
        OCCLUSION,
        integrated_gradients,
        occlusion,
    )

    found: dict[str, Attribution] = {}
    if INTEGRATED in context.methods:
        found[INTEGRATED] = integrated_gradients(context.source, image, explanation.target, explanation.contrast)
    if OCCLUSION in context.methods:
        found[OCCLUSION] = occlusion(context.source, image, explanation.target, explanation.contrast)
    return found


def _png_name(stem: str, method: str, target: int, contrast: int | None) -> str:
    return f"{stem}-{method}-{target}{f'-vs-{contrast}' if contrast is not None else ''}.png"


def _write(context: Run, item: Item, image: np.ndarray, found: dict[str, Attribution],
           pngs: dict[str, Path]) -> dict[str, dict[str, Any]]:
    """Write each method's PNG; each method's JSON entry."""
    from guiapp.cli.explain_figure import figure_png
    from guiapp.core.explain.heatmap import heatmap_png, heatmap_title

    names = context.inspector.class_names
    methods: dict[str, dict[str, Any]] = {}
    for method, path in pngs.items():
        attribution = found[method]
        title = heatmap_title(attribution, names)
        if context.args.size is None:
            heatmap_png(path, image, attribution, title, force=context.args.force)
        else:
            figure_png(path, image, attribution, title, context.args.size, force=context.args.force)
        context.written.add(path)
        methods[method] = _method_json(attribution, path)
    return methods


def _method_json(attribution: Attribution, png: Path) -> dict[str, Any]:
    out: dict[str, Any] = {"values": significant(attribution.values), "limit": _round(attribution.limit)}
    if attribution.check is not None:
        check = attribution.check
        out["completeness"] = {"total": _round(check.total), "expected": _round(check.expected),
                               "gap_percent": _round(check.gap_percent), "steps": check.steps}
    if attribution.method == "occlusion" and attribution.grid is not None:
        out["grid"] = significant(attribution.grid)
    if attribution.layer is not None:
        out["layer"] = attribution.layer
    out["png"] = str(png)
    return out


def _round(value: float) -> float:
    """``value`` to :data:`SIGNIFICANT` digits; a non-finite one as 0 (JSON has no NaN)."""
    value = float(value)
    return float(f"{value:.{SIGNIFICANT}g}") if np.isfinite(value) else 0.0


def significant(array: np.ndarray) -> list[Any]:
    """A nested list of ``array``'s values, each to :data:`SIGNIFICANT` significant digits."""
    values = np.asarray(array, np.float64)
    if values.ndim == 1:
        return [_round(v) for v in values.tolist()]
    return [significant(row) for row in values]


def _entry(item: Item, inspector: Inspector, explanation: Explanation) -> dict[str, Any]:
    predicted = int(np.argmax(explanation.logits))
    return {
        "file": str(item.path), **({"line": item.line} if item.line is not None else {}),
        "predicted": predicted, "class": inspector.class_names[predicted],
        "target": explanation.target, "contrast": explanation.contrast,
        "probabilities": [_round(p) for p in explanation.probabilities.tolist()],
    }


def _print_text(item: Item, inspector: Inspector, explanation: Explanation, found: dict[str, Attribution],
                pngs: dict[str, Path]) -> None:
    from guiapp.core.explain.attribution import TITLES

    names = inspector.class_names
    predicted = int(np.argmax(explanation.logits))
    why = f"why {names[explanation.target]}"
    if explanation.contrast is not None:
        why += f" rather than {names[explanation.contrast]}"
    print(f"{item.label}: {names[predicted]} ({explanation.probabilities[predicted]:.1%})   {why} "
          f"(score {explanation.score():+.3f})")
    width = max(len(TITLES[m]) for m in METHODS)
    for method in METHODS:
        if method in pngs:
            attribution = found[method]
            print(f"  {TITLES[method]:<{width}}  colour limit ±{attribution.limit:<8.3g}  {pngs[method]}")
            if attribution.check is not None:
                print(f"  {'':<{width}}  {attribution.check.text()}")
        elif method in explanation.unavailable:
            print(f"  {TITLES[method]:<{width}}  does not apply: {explanation.unavailable[method]}")
