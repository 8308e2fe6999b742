"""One drawing through the whole live pipeline: strokes → preprocessing → all layers → pictures.

A pure function (no Qt) that the window's worker thread runs for every drawing; what
costs the GUI thread time (colour-mapping each layer's mosaic) is done here too, so
the GUI only hands finished pixels to its image items.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Mapping

import numpy as np

from guiapp.core.arithmetic.layer_formulas import IDENTITY_KINDS
from guiapp.core.drawing.preprocess import (
    Placement,
    PreprocessOptions,
    Stages,
    drawing_stages,
    preprocess_stages,
)
from guiapp.core.drawing.strokes import Drawing
from guiapp.core.live.layer_picture import SHARED, LayerPicture, layer_picture
from guiapp.core.model.inference import InferenceResult, Inspector


def shown_as_copy(kind: str) -> bool:
    """Layers the views show as a note, not a picture: a dropout's values are its input's at inference."""
    return IDENTITY_KINDS.get(kind) == "dropout"


@dataclass(frozen=True)
class Update:
    """One computed drawing: the result, its preprocessing and pictures, and what it cost."""

    drawing: Drawing
    result: InferenceResult
    total_seconds: float  # rasterise + preprocess + all-layers inference + pictures
    stages: Stages | None = None  # canvas → crop → fit → centre, as computed
    reference: InferenceResult | None = None  # with every step on, when the user switched one off
    pictures: Mapping[str, LayerPicture] = field(default_factory=dict)  # a plain dict: it crosses a pipe
    colour_mode: str = SHARED  # the mode the pictures were drawn in

    @property
    def placement(self) -> Placement | None:
        """Where the input's pixels sit on the canvas (None: blank)."""
        return self.stages.placement if self.stages is not None else None


def compute_update(
    inspector: Inspector,
    drawing: Drawing,
    rasterizer: Callable[[Drawing], np.ndarray] | None = None,
    options: PreprocessOptions = PreprocessOptions(),
    *,
    reference: bool = True,
    colour_mode: str = SHARED,
    lut: np.ndarray | None = None,
    input_range: tuple[float, float] | None = None,
) -> Update:
    """Compute ``drawing`` as the window shows it.

    ``reference``: when a preprocessing step is off, also run the full recipe to compare
    (the window asks for it only once the pointer rests). ``lut``: (256, 4) uint8 colours
    for the layer pictures; None draws none.
    """
    started = time.perf_counter()
    frame = inspector.input_shape[:2]
    stages = drawing_stages(drawing, rasterizer, options, frame)
    result = inspector.run(stages.final, input_range)
    full = None
    if reference and options != PreprocessOptions():
        full = inspector.run(preprocess_stages(stages.raw, frame=frame).final, input_range)
    pictures: dict[str, LayerPicture] = {}
    if lut is not None:
        for state in result.layers:
            if not shown_as_copy(state.kind):
                pictures[state.name] = layer_picture(state.activation, colour_mode, lut)
    return Update(drawing, result, time.perf_counter() - started, stages, full, pictures, colour_mode)
