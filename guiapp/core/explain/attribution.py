"""Why the network answers what it answers: evidence maps for a target class, on the logits.

Five methods, each a pure function of a :class:`~guiapp.core.explain.gradients.GradientSource`
and one 0..1 image, each giving an :class:`Attribution` on the network's input grid
(positive: evidence *for* the target, negative: against):

- **gradient**: ∂logit/∂pixel, how the score moves if a pixel gets brighter;
- **gradient × input**: the gradient weighted by the ink that is there;
- **Grad-CAM** (Selvaraju et al. 2017): ReLU(Σₖ mean(∂logit/∂Aₖ)·Aₖ) on a convolution layer's
  maps Aₖ, brought to the input grid through the units' receptive-field centres;
- **integrated gradients** (Sundararajan et al. 2017): (x − black)·mean of the gradients along the
  straight path, all steps as one batch; its completeness check Σ attributions = logit(x) −
  logit(black) is reported, and the steps doubled while the gap exceeds 5%;
- **occlusion** (Zeiler & Fergus 2014): the drop of the logit when a grey patch hides each place.

The first three come from one gradient call and are recomputed on every live update; the last two
cost a batch each and run once the pen is lifted. With a *contrast* class c the target's score is
logit_t − logit_c ("why 7 rather than 1"); for Grad-CAM the two maps are subtracted.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from guiapp.core.arithmetic.receptive_field import Window, field_of
from guiapp.core.explain.gradients import GradientSource, conv_layers
from guiapp.core.model.numpy_engine import NotSupported

GRADIENT, GRADIENT_INPUT, GRADCAM, INTEGRATED, OCCLUSION = "gradient", "gradient-input", "gradcam", "ig", "occlusion"
METHODS = (GRADIENT, GRADIENT_INPUT, GRADCAM, INTEGRATED, OCCLUSION)
LIVE_METHODS = (GRADIENT, GRADIENT_INPUT, GRADCAM)  # one gradient call: on every update while drawing
AT_REST_METHODS = (INTEGRATED, OCCLUSION)  # a batch each: once the pen is lifted
TITLES = {GRADIENT: "gradient", GRADIENT_INPUT: "gradient × input", GRADCAM: "Grad-CAM",
          INTEGRATED: "integrated gradients", OCCLUSION: "occlusion"}

BLANK_RANGE = 1e-3  # an input whose pixels all lie within this of each other has nothing to explain
IG_STEPS = 64
IG_MAX_STEPS = 512
IG_MAX_GAP_PERCENT = 5.0  # Sundararajan et al.: a larger completeness gap means too few steps
OCCLUSION_PATCH, OCCLUSION_STRIDE, OCCLUSION_FILL = 4, 2, 0.5  # on a 28-pixel side; larger inputs scale both
MNIST_SIDE = 28
BATCH_BYTES = 48 * 2**20  # images per call kept under this (a 512×512×3 model: 16 per call, not 169 at once)
NOTHING_TO_EXPLAIN = "nothing to explain: the input is blank (every pixel the same)"


@dataclass(frozen=True)
class Completeness:
    """Integrated gradients' check: Σ attributions against logit(x) − logit(baseline)."""

    total: float
    expected: float
    steps: int

    @property
    def gap_percent(self) -> float:
        """|total − expected| as a percentage of |expected| (0 when both are zero)."""
        gap = abs(self.total - self.expected)
        return 0.0 if gap < 1e-9 else 100.0 * gap / max(abs(self.expected), 1e-9)

    def text(self) -> str:
        return (f"Σ attributions {self.total:+.3f} vs logit(x) − logit(black) {self.expected:+.3f}: "
                f"gap {self.gap_percent:.2f}% with {self.steps} steps")


@dataclass(frozen=True)
class Attribution:
    """One method's evidence map for ``target`` (against ``contrast`` when set)."""

    method: str
    target: int
    contrast: int | None
    values: np.ndarray  # (H, W) on the network input, summed over colour channels; + = for the target
    per_channel: np.ndarray | None = None  # (H, W, C) before summing (gradient methods)
    grid: np.ndarray | None = None  # Grad-CAM: (h, w) on its layer; occlusion: one drop per patch position
    layer: str | None = None  # Grad-CAM's layer
    check: Completeness | None = None  # integrated gradients
    seconds: float = 0.0

    @property
    def limit(self) -> float:
        """The symmetric colour limit: the largest |value| (0 for an all-zero map)."""
        return float(np.max(np.abs(self.values))) if self.values.size else 0.0


@dataclass(frozen=True)
class Explanation:
    """What the Why tab shows for one input: its logits and every method computed so far."""

    target: int
    contrast: int | None
    logits: np.ndarray  # (classes,)
    attributions: Mapping[str, Attribution] = field(default_factory=dict)
    unavailable: Mapping[str, str] = field(default_factory=dict)  # method → why it does not apply
    blank: bool = False
    seconds: float = 0.0

    @property
    def probabilities(self) -> np.ndarray:
        shifted = np.exp(self.logits - self.logits.max())
        return shifted / shifted.sum()

    @property
    def problem(self) -> str | None:
        """Why nothing could be explained (blank input, bad class), else None."""
        if self.attributions:
            return None
        return next(iter(self.unavailable.values()), None)

    def score(self) -> float:
        """The explained score: logit_target (− logit_contrast)."""
        value = float(self.logits[self.target])
        return value - float(self.logits[self.contrast]) if self.contrast is not None else value

    def with_methods(self, attributions: Mapping[str, Attribution], unavailable: Mapping[str, str] = {},
                     seconds: float = 0.0) -> Explanation:
        """This explanation with more methods (e.g. the at-rest ones) added."""
        return Explanation(self.target, self.contrast, self.logits, {**self.attributions, **attributions},
                           {**self.unavailable, **unavailable}, self.blank, self.seconds + seconds)


def failed(message: str, target: int | None, contrast: int | None) -> Explanation:
    """An explanation that could not be made (a class out of range, no logits): every method says why."""
    return Explanation(-1 if target is None else target, contrast, np.zeros(0, np.float32), {},
                       {method: message for method in METHODS})


# --------------------------------------------------------------------------- inputs


def as_batch(image: np.ndarray, input_shape: tuple[int, int, int]) -> np.ndarray:
    """One 0..1 image (H, W) or (H, W, C) → (1, H, W, C) float32."""
    array = np.asarray(image, np.float32)
    if array.ndim == 2:
        array = array[..., np.newaxis]
    if array.shape != tuple(input_shape):
        raise ValueError(f"expected an image of shape {tuple(input_shape)}, got {array.shape}")
    return array[np.newaxis]


def is_blank(image: np.ndarray) -> bool:
    """Nothing to explain: every pixel (nearly) the same."""
    array = np.asarray(image, np.float32)
    return not array.size or float(array.max() - array.min()) < BLANK_RANGE


def check_classes(num_classes: int, target: int, contrast: int | None) -> None:
    """:class:`ValueError` naming the class when ``target`` or ``contrast`` is not one of the model's."""
    for role, value in (("class", target), ("contrast class", contrast)):
        if value is not None and not 0 <= value < num_classes:
            raise ValueError(f"{role} {value} is out of range: this model has classes 0 to {num_classes - 1}")
    if contrast is not None and contrast == target:
        raise ValueError(f"the contrast class is the target itself ({target}): choose another")


def seed(num_classes: int, target: int, contrast: int | None) -> np.ndarray:
    """The logit weights of the explained score: e_target (− e_contrast)."""
    weights = np.zeros(num_classes, np.float32)
    weights[target] = 1.0
    if contrast is not None:
        weights[contrast] = -1.0
    return weights


# --------------------------------------------------------------------------- the live methods


def live_explanation(source: GradientSource, image: np.ndarray, target: int | None = None,
                     contrast: int | None = None, conv_layer: str | None = None,
                     layer_chains: Mapping[str, Sequence[Window]] | None = None,
                     forward: Sequence[np.ndarray] | None = None,
                     methods: Sequence[str] = LIVE_METHODS) -> Explanation:
    """Gradient, gradient × input and Grad-CAM from one gradient call.

    ``target`` None: the class the network answers. ``conv_layer`` None: the last convolution
    layer (``layer_chains[conv_layer]`` places its units on the input; without it they are spread
    evenly). ``forward``: the live update's layer outputs, reused by sources that can.
    """
    started = time.perf_counter()
    x = as_batch(image, source.input_shape)
    unavailable: dict[str, str] = {}
    if GRADCAM in methods and conv_layer is None:
        unavailable[GRADCAM] = ("Grad-CAM needs a convolution layer (Conv2D, DepthwiseConv2D or SeparableConv2D); "
                                "this model has none")
    gradcam = GRADCAM in methods and conv_layer is not None
    if is_blank(image):
        logits = source.logits(x)[0]
        picked = int(np.argmax(logits)) if target is None else target
        check_classes(source.num_classes, picked, contrast)
        return Explanation(picked, contrast, logits, {}, {m: NOTHING_TO_EXPLAIN for m in METHODS}, True,
                           time.perf_counter() - started)
    if target is None:  # the answer first: from the forward pass the live update already made, if given
        scores = np.asarray(forward[-1]) if forward is not None else source.logits(x)[0]
        target = int(np.argmax(scores))  # the output's argmax is the logits' (softmax keeps the order)
    check_classes(source.num_classes, target, contrast)
    rows = [seed(source.num_classes, target, None)]
    if contrast is not None:
        rows.append(seed(source.num_classes, contrast, None))
    try:
        grads = source.gradients(np.repeat(x, len(rows), axis=0), np.stack(rows),
                                 conv_layer if gradcam else None, forward if len(rows) == 1 else None)
    except NotSupported as exc:  # e.g. Grad-CAM on a branching model: the gradient methods still work
        unavailable[GRADCAM] = str(exc)
        gradcam = False
        grads = source.gradients(np.repeat(x, len(rows), axis=0), np.stack(rows), None,
                                 forward if len(rows) == 1 else None)
    gradient = grads.input_grad[0] - (grads.input_grad[1] if contrast is not None else 0)
    found: dict[str, Attribution] = {}
    if GRADIENT in methods:
        found[GRADIENT] = Attribution(GRADIENT, target, contrast, gradient.sum(axis=-1), gradient)
    if GRADIENT_INPUT in methods:
        weighted = gradient * x[0]
        found[GRADIENT_INPUT] = Attribution(GRADIENT_INPUT, target, contrast, weighted.sum(axis=-1), weighted)
    if gradcam and grads.conv is not None and grads.conv_grad is not None:
        cams = grad_cam_maps(grads.conv, grads.conv_grad)
        cam = cams[0] - (cams[1] if contrast is not None else 0)
        chain = (layer_chains or {}).get(conv_layer)
        found[GRADCAM] = Attribution(GRADCAM, target, contrast,
                                     to_input_grid(cam, source.input_shape[:2], chain), grid=cam, layer=conv_layer)
    seconds = time.perf_counter() - started
    return Explanation(target, contrast, grads.logits[0], found, unavailable, False, seconds)


def grad_cam_maps(conv: np.ndarray, conv_grad: np.ndarray) -> np.ndarray:
    """ReLU(Σₖ αₖ·Aₖ) with αₖ = mean over positions of ∂y/∂Aₖ, for each image: (N, h, w)."""
    alphas = conv_grad.mean(axis=(1, 2), dtype=np.float64)  # (N, k)
    cams = np.einsum("nhwk,nk->nhw", conv.astype(np.float64), alphas)
    return np.maximum(cams, 0.0).astype(np.float32)


def unit_centres(size: int, input_size: int, chain: Sequence[Window] | None, axis: int) -> np.ndarray:
    """Input coordinate of each unit's receptive-field centre along ``axis`` (evenly spread without a chain)."""
    if chain:
        first, second = field_of(chain, 0, 0), field_of(chain, 1, 1)
        start = (first.top + first.bottom - 1) / 2 if axis == 0 else (first.left + first.right - 1) / 2
        step = (second.top - first.top) if axis == 0 else (second.left - first.left)
        return start + step * np.arange(size, dtype=np.float64)
    step = input_size / size
    return (np.arange(size, dtype=np.float64) + 0.5) * step - 0.5


def to_input_grid(grid: np.ndarray, input_hw: tuple[int, int], chain: Sequence[Window] | None) -> np.ndarray:
    """A layer's (h, w) map on the input's (H, W) pixels: bilinear between the units' field centres."""
    # Imported only when a map is drawn: keeps scipy out of the window's start-up.
    from scipy.ndimage import map_coordinates

    height, width = input_hw
    rows = unit_centres(grid.shape[0], height, chain, 0)
    cols = unit_centres(grid.shape[1], width, chain, 1)
    # For every input pixel, its fractional unit index (clamped at the ends: the nearest unit's value).
    row_index = np.interp(np.arange(height), rows, np.arange(len(rows)))
    col_index = np.interp(np.arange(width), cols, np.arange(len(cols)))
    coords = np.meshgrid(row_index, col_index, indexing="ij")
    return map_coordinates(grid.astype(np.float32), coords, order=1, mode="nearest").astype(np.float32)


# --------------------------------------------------------------------------- the at-rest methods


def integrated_gradients(source: GradientSource, image: np.ndarray, target: int, contrast: int | None = None,
                         steps: int = IG_STEPS, max_steps: int = IG_MAX_STEPS) -> Attribution:
    """(x − black)·mean gradient along the path, midpoint rule, ``steps`` images as one batch;
    the steps are doubled (up to ``max_steps``) while the completeness gap exceeds 5%."""
    started = time.perf_counter()
    check_classes(source.num_classes, target, contrast)
    x = as_batch(image, source.input_shape)
    baseline = np.zeros_like(x)
    weights = seed(source.num_classes, target, contrast)
    ends = source.logits(np.concatenate([x, baseline])) @ weights
    expected = float(ends[0] - ends[1])
    chunk = _chunk(x)
    while True:
        alphas = ((np.arange(steps, dtype=np.float32) + 0.5) / steps)[:, None, None, None]
        total = np.zeros(x.shape[1:], np.float64)
        for start in range(0, steps, chunk):  # 64 steps are one batch for a 28×28 model
            part = alphas[start:start + chunk]
            path = baseline + part * (x - baseline)
            total += source.gradients(path, np.repeat(weights[np.newaxis], len(part), axis=0)).input_grad.sum(
                axis=0, dtype=np.float64)
        attributions = ((x - baseline)[0] * (total / steps)).astype(np.float32)
        check = Completeness(float(attributions.sum(dtype=np.float64)), expected, steps)
        if check.gap_percent <= IG_MAX_GAP_PERCENT or steps * 2 > max_steps:
            break
        steps *= 2
    return Attribution(INTEGRATED, target, contrast, attributions.sum(axis=-1), attributions, check=check,
                       seconds=time.perf_counter() - started)


def occlusion_images(image: np.ndarray, patch: int = OCCLUSION_PATCH, stride: int = OCCLUSION_STRIDE,
                     fill: float = OCCLUSION_FILL) -> tuple[np.ndarray, list[int], list[int]]:
    """Every copy of the (1, H, W, C) batch ``image`` with one grey patch, and the patches' top rows and left columns."""
    _, height, width, _ = image.shape
    tops = list(range(0, height - patch + 1, stride))
    lefts = list(range(0, width - patch + 1, stride))
    batch = np.repeat(image, len(tops) * len(lefts), axis=0)
    for i, top in enumerate(tops):
        for j, left in enumerate(lefts):
            batch[i * len(lefts) + j, top:top + patch, left:left + patch] = fill
    return batch, tops, lefts


def occlusion_geometry(height: int, width: int) -> tuple[int, int]:
    """(patch, stride): 4 and 2 on MNIST's 28 pixels, scaled with the input's shorter side, so a larger
    input is still covered by about 13×13 positions (not 255×255 on a 512×512 picture)."""
    scale = max(1, round(min(height, width) / MNIST_SIDE))
    return OCCLUSION_PATCH * scale, OCCLUSION_STRIDE * scale


def occlusion(source: GradientSource, image: np.ndarray, target: int, contrast: int | None = None,
              patch: int | None = None, stride: int | None = None, fill: float = OCCLUSION_FILL
              ) -> Attribution:
    """The explained score's drop with each patch position hidden (``grid``), and per pixel the mean
    drop of the patches that cover it (``values``). All positions as one batch (in chunks for large inputs).

    ``patch`` and ``stride`` default to :func:`occlusion_geometry`'s (4 and 2 on a 28×28 input)."""
    started = time.perf_counter()
    check_classes(source.num_classes, target, contrast)
    x = as_batch(image, source.input_shape)
    default_patch, default_stride = occlusion_geometry(*x.shape[1:3])
    patch, stride = patch or default_patch, stride or default_stride
    batch, tops, lefts = occlusion_images(x, patch, stride, fill)
    weights = seed(source.num_classes, target, contrast)
    every = np.concatenate([x, batch])
    chunk = _chunk(x)
    scores = np.concatenate([source.logits(every[start:start + chunk]) for start in range(0, len(every), chunk)]
                            ) @ weights
    drops = (scores[0] - scores[1:]).reshape(len(tops), len(lefts)).astype(np.float32)
    total = np.zeros(x.shape[1:3], np.float64)
    count = np.zeros(x.shape[1:3], np.float64)
    for i, top in enumerate(tops):
        for j, left in enumerate(lefts):
            total[top:top + patch, left:left + patch] += drops[i, j]
            count[top:top + patch, left:left + patch] += 1
    values = np.divide(total, count, out=np.zeros_like(total), where=count > 0).astype(np.float32)
    return Attribution(OCCLUSION, target, contrast, values, grid=drops, seconds=time.perf_counter() - started)


def _chunk(x: np.ndarray) -> int:
    """Images per call for inputs like ``x`` (1, H, W, C): all of a 28×28 model's at once."""
    return max(1, BATCH_BYTES // max(1, x[0].nbytes * 64))  # activations dwarf the input: ×64 headroom


def at_rest(source: GradientSource, image: np.ndarray, explanation: Explanation) -> Explanation:
    """``explanation`` with integrated gradients and occlusion added (nothing for a blank input)."""
    if explanation.blank:
        return explanation
    started = time.perf_counter()
    found = {
        INTEGRATED: integrated_gradients(source, image, explanation.target, explanation.contrast),
        OCCLUSION: occlusion(source, image, explanation.target, explanation.contrast),
    }
    return explanation.with_methods(found, seconds=time.perf_counter() - started)


def default_conv_layer(names: Sequence[str]) -> str | None:
    """Grad-CAM's layer when none is chosen: the last convolution layer."""
    return names[-1] if names else None


__all__ = [
    "LIVE_METHODS",
    "METHODS",
    "Attribution",
    "Completeness",
    "Explanation",
    "at_rest",
    "conv_layers",
    "grad_cam_maps",
    "integrated_gradients",
    "live_explanation",
    "occlusion",
    "to_input_grid",
]
