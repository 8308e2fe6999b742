"""One frozen request for the live pipeline: what to compute, and every choice that shapes it.

The window's state (preprocessing options, picture recipe, input range, colour mode, the Why tab's
request) and the drawing on the canvas are read together, once, into a :class:`LiveRequest`; the worker and
the compute process take that object whole. Nothing the pipeline reads can change half-way through a
computation, and nobody has to keep a copy of the window's choices in sync (issue 22).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from guiapp.core.drawing.picture import PictureRecipe
from guiapp.core.drawing.preprocess import PreprocessOptions
from guiapp.core.drawing.strokes import Drawing
from guiapp.core.live.layer_picture import SHARED
from guiapp.core.live.live_update import ExplainRequest, Source, Update, compute_update, counterfactual

if TYPE_CHECKING:
    from guiapp.core.explain.counterfactual import Counterfactual
    from guiapp.core.model.inference import Inspector

__all__ = ["LiveRequest", "compute_request", "counterfactual_for"]


@dataclass(frozen=True, eq=False)
class LiveRequest:
    """Compute ``source`` (strokes or a picture) as the window shows it now.

    ``at_rest``: the pointer rests, so what waits for rest comes too — the full recipe's reference pass when
    a preprocessing step is off, the Why tab's slower methods. Compared by identity: two requests are the same
    only when they are the same object (a drawing is an immutable snapshot, compared the same way).
    """

    source: Source
    options: PreprocessOptions = PreprocessOptions()
    picture_recipe: PictureRecipe | None = None  # None: the model's default
    input_range: tuple[float, float] | None = None  # None: the model's own
    colour_mode: str = SHARED
    explain: ExplainRequest | None = None  # the Why tab on screen: its evidence maps with every update
    at_rest: bool = False

    @property
    def rest_adds_work(self) -> bool:
        """Whether computing it at rest gives more than computing it moving (else one pass is all there is)."""
        reference = self.options != PreprocessOptions() and isinstance(self.source, Drawing)
        return reference or self.explain is not None

    def resting(self) -> LiveRequest:
        """The same request with the pointer at rest."""
        return self if self.at_rest else dataclasses.replace(self, at_rest=True)

    def same_choices(self, other: LiveRequest | None) -> bool:
        """Whether ``other`` asks for the same source with the same choices (``at_rest`` aside)."""
        return other is not None and other.source is self.source and all(
            getattr(self, name) == getattr(other, name)
            for name in ("options", "picture_recipe", "input_range", "colour_mode", "explain"))


def compute_request(inspector: Inspector, request: LiveRequest, rasterizer: Callable[[Drawing], np.ndarray] | None,
                    lut: np.ndarray | None) -> Update:
    """:func:`~guiapp.core.live.live_update.compute_update` of ``request`` (``lut``: the layer pictures' colours)."""
    explain = request.explain
    if explain is not None:
        explain = dataclasses.replace(explain, at_rest=request.at_rest)  # the at-rest methods come with rest
    return compute_update(inspector, request.source, rasterizer, request.options, reference=request.at_rest,
                          colour_mode=request.colour_mode, lut=lut, picture_recipe=request.picture_recipe,
                          input_range=request.input_range, why=explain)


def counterfactual_for(inspector: Inspector, request: LiveRequest, target: int,
                       rasterizer: Callable[[Drawing], np.ndarray] | None) -> Counterfactual:
    """What would make ``request``'s source a ``target`` (:class:`ValueError`: a blank input, a class out of range)."""
    return counterfactual(inspector, request.source, target, rasterizer, request.options, request.picture_recipe,
                          request.input_range)
