"""One input through the whole live pipeline: strokes or a picture → preprocessing → all layers → pictures.

A pure function (no Qt) that the window's worker runs for every drawing and that
``guiapp predict`` runs for every file: a drawing goes through MNIST's recipe scaled to
the model's input, a picture through its :class:`~guiapp.core.drawing.picture.PictureRecipe`.
What costs the GUI thread time (colour-mapping each layer's mosaic) is done here too, so
the GUI only hands finished pixels to its image items.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from guiapp.core.arithmetic.layer_formulas import IDENTITY_KINDS
from guiapp.core.drawing.picture import PictureRecipe, PictureStages, picture_stages
from guiapp.core.drawing.preprocess import (
    Placement,
    PreprocessOptions,
    Stages,
    drawing_stages,
    preprocess_stages,
)
from guiapp.core.drawing.strokes import CANVAS_SIZE, Drawing
from guiapp.core.live.layer_picture import SHARED, LayerPicture, layer_picture
from guiapp.core.model.inference import InferenceResult, Inspector
from guiapp.core.model.numpy_engine import NotSupported

if TYPE_CHECKING:
    from guiapp.core.explain.attribution import Explanation
    from guiapp.core.explain.counterfactual import Counterfactual

__all__ = [
    "AS_IT_IS", "NAN_ANSWER", "NAN_ANSWER_FOR", "PictureInput", "Source", "Update", "ExplainRequest", "compute_update",
    "computes_nan", "counterfactual", "explain", "nan_problem", "network_input", "shown_as_copy",
]


@dataclass(frozen=True, eq=False)
class PictureInput:
    """A picture in place of a drawing: opened, dropped or pasted in the window, or given to ``predict``.

    ``picture`` is float32 0..1, (h, w) grey or (h, w, 3) colour (as
    :func:`~guiapp.core.drawing.images.load_picture` gives it); ``name`` says where it came from.
    """

    picture: np.ndarray = field(repr=False)
    name: str = "picture"
    recipe: PictureRecipe | None = None  # fitted this way whatever the window's recipe (e.g. an exact network input)

    @property
    def is_blank(self) -> bool:
        return False  # a blank picture is still shown and computed; its stages say it is blank

    def on_canvas(self, side: int = CANVAS_SIZE) -> tuple[float, float, float]:
        """(scale, top, left): the picture fitted into a ``side``-pixel square canvas, aspect kept, centred."""
        height, width = self.picture.shape[:2]
        scale = side / max(height, width)
        return scale, (side - height * scale) / 2, (side - width * scale) / 2


Source = Drawing | PictureInput  # what the canvas holds and the worker computes
AS_IT_IS = PictureRecipe("crop")  # for a picture already at the input's size (a counterfactual): taken unchanged
# Said wherever an answer would be when the output is not numbers: "0 (nan%)" would pass NaN off as an answer.
NAN_ANSWER_FOR = "the model computes NaN for {subject}"  # .format(subject=…): the input, the test digits…
NAN_ANSWER = NAN_ANSWER_FOR.format(subject="this input")


def computes_nan(outputs: np.ndarray) -> bool:
    """The model's outputs (probabilities, logits) for an input are not all finite numbers.

    NaN or infinite weights do it, and so can finite weights whose products overflow float32.
    """
    return not bool(np.isfinite(outputs).all())


def nan_problem(inspector: Inspector, subject: str = "this input") -> str:
    """:data:`NAN_ANSWER` (for ``subject``, e.g. "the test digits") with its likely cause, in one line: the
    first layer holding non-finite weights."""
    answer = NAN_ANSWER_FOR.format(subject=subject)
    for weights in inspector.weights.values():
        for array in (weights.kernel, weights.bias):
            if array is not None and not np.isfinite(array).all():
                return f"{answer} (its layer {weights.name} holds NaN or infinite weights)"
    return f"{answer} (its weights are finite, but their products overflow)"


@dataclass(frozen=True)
class ExplainRequest:
    """What the Why tab asks of each update: the class to explain (None: the answer), a contrast
    class, Grad-CAM's layer (None: the last convolution layer), and whether to add the at-rest
    methods (integrated gradients, occlusion) that cost a batch each."""

    target: int | None = None
    contrast: int | None = None
    conv_layer: str | None = None
    at_rest: bool = False


def shown_as_copy(kind: str) -> bool:
    """Layers the views show as a note, not a picture: a dropout's values are its input's at inference."""
    return IDENTITY_KINDS.get(kind) == "dropout"


@dataclass(frozen=True)
class Update:
    """One computed input: the result, its preprocessing and pictures, and what it cost."""

    drawing: Source
    result: InferenceResult
    total_seconds: float  # rasterise or fit + preprocess + all-layers inference + pictures
    stages: Stages | PictureStages | None = None  # each step from the canvas or picture to the input
    reference: InferenceResult | None = None  # with every step on, when the user switched one off
    pictures: Mapping[str, LayerPicture] = field(default_factory=dict)  # a plain dict: it crosses a pipe
    colour_mode: str = SHARED  # the mode the pictures were drawn in
    placement: Placement | None = None  # where the input's pixels sit on the canvas (None: blank or unknown)
    explanation: Explanation | None = None  # the Why tab's evidence maps, when it asked (see ExplainRequest)
    weights_version: int = 0  # which weights set on the worker computed it (0: the model file's own)


def network_input(
    inspector: Inspector,
    source: Source,
    rasterizer: Callable[[Drawing], np.ndarray] | None = None,
    options: PreprocessOptions = PreprocessOptions(),
    picture_recipe: PictureRecipe | None = None,
) -> tuple[Stages | PictureStages, Placement | None]:
    """The steps from ``source`` to the model's 0..1 input (``stages.final``), and where it sits on the canvas."""
    if isinstance(source, PictureInput):
        stages = picture_stages(source.picture, inspector.input_shape, source.recipe or picture_recipe)
        return stages, _picture_placement(source, stages, inspector.input_shape)
    stages = drawing_stages(source, rasterizer, options, inspector.input_shape[:2])
    return stages, stages.placement


def compute_update(
    inspector: Inspector,
    drawing: Source,
    rasterizer: Callable[[Drawing], np.ndarray] | None = None,
    options: PreprocessOptions = PreprocessOptions(),
    *,
    reference: bool = True,
    colour_mode: str = SHARED,
    lut: np.ndarray | None = None,
    picture_recipe: PictureRecipe | None = None,
    input_range: tuple[float, float] | None = None,
    why: ExplainRequest | None = None,
) -> Update:
    """Compute ``drawing`` (strokes or a picture) as the window shows it.

    ``reference``: when a drawing's preprocessing step is off, also run the full recipe to
    compare (the window asks for it only once the pointer rests). ``lut``: (256, 4) uint8
    colours for the layer pictures; None draws none. ``picture_recipe`` and ``input_range``
    default to the model's (:func:`~guiapp.core.drawing.picture.default_recipe`,
    :attr:`Inspector.input_range`). ``why``: also the Why tab's evidence maps for it.
    """
    started = time.perf_counter()
    stages, placement = network_input(inspector, drawing, rasterizer, options, picture_recipe)
    # A model that computes NaN is said once (computes_nan, the views), not warned about for every layer.
    with np.errstate(invalid="ignore", over="ignore"):
        result = inspector.run(stages.final, input_range)
        full = None
        if reference and isinstance(stages, Stages) and options != PreprocessOptions():
            full = inspector.run(preprocess_stages(stages.raw, frame=inspector.input_shape[:2]).final, input_range)
        pictures: dict[str, LayerPicture] = {}
        if lut is not None:
            for state in result.layers:
                if not shown_as_copy(state.kind):
                    pictures[state.name] = layer_picture(state.activation, colour_mode, lut)
    explanation = explain(inspector, result.image, result, why, input_range) if why is not None else None
    return Update(drawing, result, time.perf_counter() - started, stages, full, pictures, colour_mode, placement,
                  explanation)


def explain(inspector: Inspector, image: np.ndarray, result: InferenceResult, why: ExplainRequest,
            input_range: tuple[float, float] | None = None) -> Explanation:
    """The Why tab's methods for one computed input (reusing its forward pass where the source can)."""
    from guiapp.core.explain.attribution import at_rest, default_conv_layer, failed, live_explanation
    from guiapp.core.explain.gradients import conv_layers, rest_source, source_for

    if computes_nan(result.probabilities):  # evidence for a NaN answer would be NaN maps: say why there are none
        return failed(NAN_ANSWER, why.target, why.contrast)
    try:
        source = source_for(inspector, input_range)
        layers = conv_layers(inspector)
        layer = why.conv_layer if why.conv_layer in layers else default_conv_layer(layers)
        forward = [state.activation for state in result.layers]
        explanation = live_explanation(source, image, why.target, why.contrast, layer, inspector.chains, forward)
        return at_rest(rest_source(inspector, input_range), image, explanation) if why.at_rest else explanation
    except (ValueError, NotSupported) as exc:  # a class out of range, a model without logits: said, not raised
        return failed(str(exc), why.target, why.contrast)


def counterfactual(
    inspector: Inspector,
    source: Source,
    target: int,
    rasterizer: Callable[[Drawing], np.ndarray] | None = None,
    options: PreprocessOptions = PreprocessOptions(),
    picture_recipe: PictureRecipe | None = None,
    input_range: tuple[float, float] | None = None,
) -> Counterfactual:
    """What would make the network answer ``target`` for ``source`` (:class:`ValueError`: a blank input, a bad class)."""
    from guiapp.core.explain.counterfactual import make_it
    from guiapp.core.explain.gradients import source_for

    stages, _ = network_input(inspector, source, rasterizer, options, picture_recipe)
    try:
        gradients = source_for(inspector, input_range)
    except NotSupported as exc:
        raise ValueError(str(exc)) from None
    return make_it(gradients, stages.final, target)


def _picture_placement(source: PictureInput, stages: PictureStages, input_shape: tuple[int, ...]
                       ) -> Placement | None:
    """Input pixels → canvas pixels for a picture shown fitted into the canvas."""
    height, width = input_shape[:2]
    if stages.digit is not None:
        inner = stages.digit.placement
    elif stages.window is None:
        inner = None
    else:
        top, bottom, left, right = stages.window
        cut_h, cut_w = bottom - top, right - left
        if stages.recipe.fit == "pad" and (cut_h, cut_w) != (height, width):
            scale = min(height / cut_h, width / cut_w)
            new_h, new_w = min(height, max(1, round(cut_h * scale))), min(width, max(1, round(cut_w * scale)))
            inner = Placement(top, left, new_h / cut_h, new_w / cut_w, (height - new_h) // 2, (width - new_w) // 2)
        else:  # crop, or a digit picture already the input's size: the window fills the input
            inner = Placement(top, left, height / cut_h, width / cut_w, 0, 0)
    if inner is None:
        return None
    scale, canvas_top, canvas_left = source.on_canvas()
    return Placement(canvas_top + inner.crop_top * scale, canvas_left + inner.crop_left * scale,
                     inner.scale_y / scale, inner.scale_x / scale, inner.offset_y, inner.offset_x)
