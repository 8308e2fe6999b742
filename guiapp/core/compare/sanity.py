"""The sanity check of evidence maps: does a map change when the network's learned weights are gone?

Adebayo et al., "Sanity checks for saliency maps" (NeurIPS 2018), cascading randomisation: re-initialise
the weighted layers one by one from the top (:mod:`~guiapp.core.compare.twin`) and compare each evidence
map with the trained model's by Spearman's rank correlation ρ. A method whose map keeps ρ near 1 while
the weights that make the answer are random shows the input (its edges), not what the model learned.

Each step computes the maps exactly as the Why tab does (:func:`~guiapp.core.explain.attribution.live_explanation`
for gradient, gradient × input and Grad-CAM; integrated gradients and occlusion as :func:`at_rest` adds
them), for the same target class at every step: the trained model's answer (or the given class), held fixed.
Every step, the trained one included, uses :func:`~guiapp.core.explain.gradients.source_for` (the NumPy pass
when the model runs in NumPy), so the steps differ only by their weights; ``rest_source``'s background
TensorFlow build is not started for twins that live a few seconds. Twins are new :class:`Inspector` objects:
the source cache is keyed by the object, weakly, so a twin never gets the trained model's gradients and its
entry goes with it.

**ρ on absolute values** (``signed=False``, the default, as the table shows). Adebayo report both; the
absolute value is the stricter test of a method: a random top layer can flip which way a feature votes, and
a map whose sign flipped wholesale but whose bright places are the same ones would count as "changed"
(ρ near −1) on signed values though a reader sees the same picture. ``signed=True`` ranks the signed maps.
ρ is NaN when either map is constant (a Grad-CAM whose ReLU left nothing, say): a rank order of equal
values is undefined; the summary's means leave those out.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.stats import spearmanr

from guiapp.core.compare.twin import randomised_twin, weighted_layers
from guiapp.core.explain.attribution import (
    INTEGRATED,
    LIVE_METHODS,
    METHODS,
    NOTHING_TO_EXPLAIN,
    OCCLUSION,
    TITLES,
    as_batch,
    check_classes,
    default_conv_layer,
    integrated_gradients,
    is_blank,
    live_explanation,
    occlusion,
)
from guiapp.core.explain.gradients import GradientSource, conv_layers, source_for
from guiapp.core.model.inference import Inspector
from guiapp.core.model.numpy_engine import NotSupported

__all__ = ["Cascade", "CascadeSummary", "as_json", "cascade", "cascade_over", "cascade_table", "rank_correlation",
           "top_down"]

Progress = Callable[[int, int], None]  # (steps done, steps in all)


@dataclass(frozen=True)
class Cascade:
    """One input's cascade: step 0 is the trained model, step i has ``layers[:i]`` randomised (top first)."""

    layers: tuple[str, ...]  # randomised, top-down
    methods: tuple[str, ...]  # the methods computed (the others are in ``problems``)
    maps: dict[str, list[np.ndarray]]  # method → (H, W) map per step
    rank: dict[str, list[float]]  # method → Spearman ρ to the trained map per step (NaN: a constant map)
    problems: dict[str, str] = field(default_factory=dict)  # method → why it has no maps
    target: int = -1  # the class explained at every step
    signed: bool = False  # ρ on signed maps (else on absolute values)


@dataclass(frozen=True)
class CascadeSummary:
    """The cascade over many inputs: per method and step, the mean ρ and its standard deviation."""

    layers: tuple[str, ...]
    methods: tuple[str, ...]
    rank: dict[str, list[float]]  # mean over the inputs (NaN values left out)
    spread: dict[str, list[float]]  # standard deviation over the inputs
    digits: int  # how many inputs
    problems: dict[str, str] = field(default_factory=dict)
    signed: bool = False


def top_down(inspector: Inspector) -> tuple[str, ...]:
    """The order layers are randomised in: the weighted layers, top first; :class:`ValueError` if none."""
    names = weighted_layers(inspector)
    if not names:
        raise ValueError(f"{inspector.ledger.name} has no layers with weights: there is nothing to randomise")
    return names[::-1]


def rank_correlation(trained: np.ndarray, other: np.ndarray, signed: bool = False) -> float:
    """Spearman's ρ between two maps (absolute values unless ``signed``); NaN if either is constant or not finite."""
    a, b = (np.asarray(m, np.float64).ravel() for m in (trained, other))
    if not signed:
        a, b = np.abs(a), np.abs(b)
    if not (np.isfinite(a).all() and np.isfinite(b).all()) or np.ptp(a) == 0 or np.ptp(b) == 0:
        return math.nan
    if other is trained:  # step 0: exactly 1, not 1 − 2e-16
        return 1.0
    return float(spearmanr(a, b).statistic)


def _wanted(methods: Sequence[str] | None) -> tuple[str, ...]:
    wanted = tuple(methods) if methods is not None else METHODS
    unknown = [m for m in wanted if m not in METHODS]
    if unknown or not wanted:
        raise ValueError(f"unknown evidence method {', '.join(unknown) or '(none given)'}: "
                         f"choose from {', '.join(METHODS)}")
    return wanted


def _maps(source: GradientSource, model: Inspector, image: np.ndarray, target: int,
          wanted: tuple[str, ...]) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """Each wanted method's (H, W) map of ``target`` as the Why tab computes it, and why the others have none."""
    found, unavailable = {}, {}
    live = tuple(m for m in wanted if m in LIVE_METHODS)
    if live:
        explanation = live_explanation(source, image, target, None, default_conv_layer(conv_layers(model)),
                                       model.chains, methods=live)
        found.update({m: a.values for m, a in explanation.attributions.items()})
        unavailable.update({m: why for m, why in explanation.unavailable.items() if m in live})
    if INTEGRATED in wanted:
        found[INTEGRATED] = integrated_gradients(source, image, target).values
    if OCCLUSION in wanted:
        found[OCCLUSION] = occlusion(source, image, target).values
    return found, unavailable


def _source(model: Inspector) -> GradientSource:
    try:
        return source_for(model)
    except NotSupported as exc:
        raise ValueError(f"{model.ledger.name}: no evidence maps ({exc})") from None


def _answer(source: GradientSource, image: np.ndarray, target: int | None) -> int:
    """The class to explain: ``target``, or the trained model's answer; :class:`ValueError` for a blank input."""
    if is_blank(image):
        raise ValueError(NOTHING_TO_EXPLAIN)
    if target is None:
        logits = source.logits(as_batch(image, source.input_shape))[0]
        if not np.isfinite(logits).all():
            raise ValueError("the model computes NaN for this input: there is no answer to explain")
        target = int(np.argmax(logits))
    check_classes(source.num_classes, int(target), None)
    return int(target)


def _models(inspector: Inspector, order: tuple[str, ...], seed: int):
    """(step, model) for step 0 (the trained model) to len(order), each twin built when its turn comes."""
    yield 0, inspector
    for k in range(1, len(order) + 1):
        yield k, randomised_twin(inspector, k, seed)


def cascade(inspector: Inspector, image: np.ndarray, target: int | None = None,
            methods: Sequence[str] | None = None, seed: int = 0, stopped: Callable[[], bool] | None = None,
            progress: Progress | None = None, signed: bool = False) -> Cascade | None:
    """The cascade on one 0..1 ``image`` (:class:`Cascade`); None if ``stopped()`` turned true between steps.

    ``target`` None: the trained model's answer, explained at every step. :class:`ValueError` for a blank
    input, a class out of range, an unknown method, a model without weights.
    """
    order, wanted = top_down(inspector), _wanted(methods)
    target = _answer(_source(inspector), image, target)
    maps: dict[str, list[np.ndarray]] = {}
    problems: dict[str, str] = {}
    for step, model in _models(inspector, order, seed):
        if stopped is not None and stopped():
            return None
        found, unavailable = _maps(_source(model), model, image, target, wanted)
        if step == 0:
            problems.update(unavailable)
            maps = {m: [] for m in wanted if m in found}
        for method, steps in maps.items():
            steps.append(found[method])
        del model  # the twin and its cached source go now
        if progress is not None:
            progress(step + 1, len(order) + 1)
    rank = {m: [rank_correlation(steps[0], s, signed) for s in steps] for m, steps in maps.items()}
    return Cascade(order, tuple(maps), maps, rank, problems, target, signed)


def cascade_over(inspector: Inspector, images: np.ndarray, labels: Sequence[int] | None = None, seed: int = 0,
                 methods: Sequence[str] | None = None, progress: Progress | None = None,
                 stopped: Callable[[], bool] | None = None, signed: bool = False) -> CascadeSummary | None:
    """The mean and spread of ρ per method and step over ``images`` (N, H, W[, C]) in 0..1; None if stopped.

    ``labels`` None: each image's class is the trained model's answer. Each twin is built once for all the
    images. Blank images are left out (``digits`` counts the others); :class:`ValueError` if none is left.
    """
    order, wanted = top_down(inspector), _wanted(methods)
    images = np.asarray(images, np.float32)
    if labels is not None and len(labels) != len(images):
        raise ValueError(f"{len(labels)} labels for {len(images)} images")
    kept = [i for i in range(len(images)) if not is_blank(images[i])]
    if not kept:
        raise ValueError(f"{NOTHING_TO_EXPLAIN}: every one of the {len(images)} images")
    trained_source = _source(inspector)
    targets = {i: _answer(trained_source, images[i], None if labels is None else int(labels[i])) for i in kept}
    trained: dict[int, dict[str, np.ndarray]] = {}
    problems: dict[str, str] = {}
    rho: dict[str, np.ndarray] = {}
    total, done = (len(order) + 1) * len(kept), 0
    for step, model in _models(inspector, order, seed):
        source = _source(model)
        for row, i in enumerate(kept):
            if stopped is not None and stopped():
                return None
            found, unavailable = _maps(source, model, images[i], targets[i], wanted)
            if step == 0:
                problems.update(unavailable)
                trained[i] = found
                rho = rho or {m: np.full((len(kept), len(order) + 1), np.nan) for m in wanted if m in found}
            for method, table in rho.items():
                if method in found and method in trained[i]:
                    other = trained[i][method] if step == 0 else found[method]
                    table[row, step] = rank_correlation(trained[i][method], other, signed)
            done += 1
            if progress is not None:
                progress(done, total)
        del model, source
    rank, spread = {}, {}
    for method, table in rho.items():
        counted = np.isfinite(table)
        n = counted.sum(axis=0)
        mean = np.where(counted, table, 0).sum(axis=0) / np.maximum(n, 1)
        var = np.where(counted, (table - mean) ** 2, 0).sum(axis=0) / np.maximum(n, 1)
        rank[method] = [float(v) if c else math.nan for v, c in zip(mean, n, strict=True)]
        spread[method] = [float(np.sqrt(v)) if c else math.nan for v, c in zip(var, n, strict=True)]
    return CascadeSummary(order, tuple(rho), rank, spread, len(kept), problems, signed)


def _cell(value: float) -> str:
    return "—" if math.isnan(value) else f"{value:.2f}"


def cascade_table(summary: CascadeSummary | Cascade) -> str:
    """A Markdown table: one row per method, ρ to the trained map after each cumulative randomisation."""
    head = ["method", "trained", *(f"−{name}" for name in summary.layers)]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join([":--"] + ["--:"] * (len(head) - 1)) + "|"]
    for method in summary.methods:
        lines.append("| " + " | ".join([TITLES[method], *(_cell(v) for v in summary.rank[method])]) + " |")
    return "\n".join(lines)


def as_json(summary: CascadeSummary | Cascade) -> dict:
    """The cascade's figures for ``--json`` (NaN as null; no maps)."""
    def numbers(values: list[float]) -> list[float | None]:
        return [None if math.isnan(v) else round(v, 4) for v in values]

    out = {"layers_randomised_top_down": list(summary.layers), "methods": list(summary.methods),
           "rank_signed": summary.signed, "rank": {m: numbers(summary.rank[m]) for m in summary.methods},
           "problems": dict(summary.problems)}
    if isinstance(summary, CascadeSummary):
        out.update(digits=summary.digits, spread={m: numbers(summary.spread[m]) for m in summary.methods})
    else:
        out["target"] = summary.target
    return out
