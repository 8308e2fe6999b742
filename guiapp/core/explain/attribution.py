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

The first three come from one gradient call (:func:`live_explanation`, here) and are recomputed on
every live update; the last two cost a batch each and run once the pen is lifted (:func:`at_rest`).
With a *contrast* class c the target's score is logit_t − logit_c ("why 7 rather than 1"); for
Grad-CAM the two maps are subtracted. Each family has its module (``gradcam``,
``integrated_gradients``, ``occlusion``; the results in ``explanation``); this one is their door.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

import numpy as np

from guiapp.core.arithmetic.receptive_field import Window
from guiapp.core.explain.explanation import (
    AT_REST_METHODS,
    BLANK_RANGE,
    GRADCAM,
    GRADIENT,
    GRADIENT_INPUT,
    INTEGRATED,
    LIVE_METHODS,
    METHODS,
    NOTHING_TO_EXPLAIN,
    OCCLUSION,
    TITLES,
    Attribution,
    Completeness,
    Explanation,
    as_batch,
    check_classes,
    failed,
    is_blank,
    seed,
)
from guiapp.core.explain.gradcam import grad_cam_maps, to_input_grid, unit_centres
from guiapp.core.explain.gradients import GradientSource, conv_layers
from guiapp.core.explain.integrated_gradients import (
    IG_MAX_GAP_PERCENT,
    IG_MAX_STEPS,
    IG_STEPS,
    integrated_gradients,
)
from guiapp.core.explain.occlusion import (
    occlusion,
    occlusion_geometry,
    occlusion_images,
)
from guiapp.core.model.numpy_engine import NotSupported


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


__all__ = [  # the methods' one door: the window, the CLI and the tests import from here
    "AT_REST_METHODS", "BLANK_RANGE", "GRADCAM", "GRADIENT", "GRADIENT_INPUT", "IG_MAX_GAP_PERCENT", "IG_MAX_STEPS",
    "IG_STEPS", "INTEGRATED", "LIVE_METHODS", "METHODS", "NOTHING_TO_EXPLAIN", "OCCLUSION", "TITLES", "Attribution",
    "Completeness", "Explanation", "as_batch", "at_rest", "check_classes", "conv_layers", "default_conv_layer",
    "failed", "grad_cam_maps", "integrated_gradients", "is_blank", "live_explanation", "occlusion",
    "occlusion_geometry", "occlusion_images", "seed", "to_input_grid", "unit_centres",
]
