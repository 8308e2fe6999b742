"""What the Why tab shows, as data: each method's :class:`Attribution`, one :class:`Explanation` per input,
and the small checks every method shares (a blank input, a class out of range, the explained score).

The methods live one family per module: :mod:`~guiapp.core.explain.attribution` (gradient,
gradient × input, and the live pass), :mod:`~guiapp.core.explain.gradcam`,
:mod:`~guiapp.core.explain.integrated_gradients`, :mod:`~guiapp.core.explain.occlusion` and
:mod:`~guiapp.core.explain.counterfactual`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from guiapp.core.model.numpy_engine import softmax

__all__ = [
    "AT_REST_METHODS", "BLANK_RANGE", "GRADCAM", "GRADIENT", "GRADIENT_INPUT", "INTEGRATED", "LIVE_METHODS", "METHODS",
    "NOTHING_TO_EXPLAIN", "OCCLUSION", "TITLES", "Attribution", "Completeness", "Explanation", "as_batch",
    "batch_chunk", "check_classes", "failed", "is_blank", "seed",
]

GRADIENT, GRADIENT_INPUT, GRADCAM, INTEGRATED, OCCLUSION = "gradient", "gradient-input", "gradcam", "ig", "occlusion"
METHODS = (GRADIENT, GRADIENT_INPUT, GRADCAM, INTEGRATED, OCCLUSION)
LIVE_METHODS = (GRADIENT, GRADIENT_INPUT, GRADCAM)  # one gradient call: on every update while drawing
AT_REST_METHODS = (INTEGRATED, OCCLUSION)  # a batch each: once the pen is lifted
TITLES = {GRADIENT: "gradient", GRADIENT_INPUT: "gradient × input", GRADCAM: "Grad-CAM",
          INTEGRATED: "integrated gradients", OCCLUSION: "occlusion"}

BLANK_RANGE = 1e-3  # an input whose pixels all lie within this of each other has nothing to explain
# Images per call are kept under this, counting 64× each input for the activations: a 28×28×1 model takes 250
# per call, a 512×512×3 one a single image (its 3 MB input, ×64, is already past it) — never 169 at once.
BATCH_BYTES = 48 * 2**20
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
        return softmax(self.logits)

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
    """One 0..1 image (H, W) or (H, W, C) → (1, H, W, C) float32, in the model's colours as
    :meth:`Inspector.run` takes it (a grey drawing given to an RGB model is grey in all three channels).

    :class:`ValueError` for another height × width."""
    from guiapp.core.model.inference import as_network_image

    return as_network_image(image, input_shape).reshape(1, *input_shape)


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


def batch_chunk(x: np.ndarray) -> int:
    """Images per batch call for inputs like ``x`` (1, H, W, C): all of a 28×28 model's at once."""
    return max(1, BATCH_BYTES // max(1, x[0].nbytes * 64))  # activations dwarf the input: ×64 headroom
