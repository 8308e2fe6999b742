"""Two models side by side: which layer sits beside which, what can be compared, and where they disagree.

Layers are matched by position in the chain (the i-th layer of A beside the i-th of B), as the two
articles' variants differ in a setting, not in their order; the longer chain's extra layers stand
beside nothing. Two models may read inputs of different sizes (each reads the drawing at its own
size: :func:`images_for`) and may have different classes (their probabilities then cannot be set
against each other: :func:`class_problem`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import zip_longest
from typing import TYPE_CHECKING

import numpy as np

from guiapp.core.arithmetic.layer_formulas import shape_text

if TYPE_CHECKING:
    from guiapp.core.model.inference import Inspector

__all__ = [
    "LayerPair", "class_problem", "difference", "disagreement_line", "images_for", "input_note", "pair_layers",
]


@dataclass(frozen=True)
class LayerPair:
    """The layers at one position of two chains; a side is None where that chain is shorter."""

    position: int
    a: str | None
    b: str | None
    shape_a: tuple[int, ...] | None
    shape_b: tuple[int, ...] | None
    kind_a: str | None
    kind_b: str | None

    @property
    def same_shape(self) -> bool:
        """Both sides exist and their outputs have one shape: a difference map can be drawn."""
        return self.shape_a is not None and self.shape_a == self.shape_b


def pair_layers(a: Inspector, b: Inspector) -> tuple[LayerPair, ...]:
    """Every position of the longer chain: A's layer there beside B's (None past the shorter one's end)."""
    return tuple(
        LayerPair(
            position,
            left.name if left else None, right.name if right else None,
            tuple(left.output_shape) if left else None, tuple(right.output_shape) if right else None,
            left.kind if left else None, right.kind if right else None,
        )
        for position, (left, right) in enumerate(zip_longest(a.layer_infos, b.layer_infos))
    )


def difference(x: np.ndarray, y: np.ndarray) -> np.ndarray | None:
    """A − B (float32) where the two outputs have one shape, else None (nothing to subtract)."""
    x, y = np.asarray(x), np.asarray(y)
    if x.shape != y.shape:
        return None
    return x.astype(np.float32) - y.astype(np.float32)


def class_problem(a: Inspector, b: Inspector) -> str | None:
    """One line when the two models' probabilities (and so their agreement) cannot be compared, else None."""
    if a.num_classes == b.num_classes:
        return None
    return (f"A has {a.num_classes} classes and B {b.num_classes}: their probabilities, agreement and "
            "accuracy cannot be set against each other")


def input_note(a: Inspector, b: Inspector) -> str | None:
    """One line when the two read inputs of different shapes (each reads the drawing at its own size)."""
    if a.input_shape == b.input_shape:
        return None
    return (f"A reads {shape_text(a.input_shape)} inputs and B {shape_text(b.input_shape)}: "
            "each reads the drawing at its own size")


def disagreement_line(probs_a: np.ndarray, probs_b: np.ndarray,
                      names_a: Sequence[str], names_b: Sequence[str]) -> str | None:
    """``"A: 4 (97%), B: 9 (61%)"`` when the two top classes differ by name, None when they agree.

    Names, not indices: two models with different classes still agree when both answer "4".
    """
    top_a, top_b = int(np.argmax(probs_a)), int(np.argmax(probs_b))
    name_a, name_b = str(names_a[top_a]), str(names_b[top_b])
    if name_a == name_b:
        return None
    return f"A: {name_a} ({float(probs_a[top_a]):.0%}), B: {name_b} ({float(probs_b[top_b]):.0%})"


def images_for(inspector: Inspector, images: np.ndarray) -> np.ndarray:
    """0..1 images (N, H, W[, C]) as ``inspector`` reads them: resampled to its input's height and width
    when they differ (channels are converted by the inspector itself: grey repeated, colour by luma)."""
    images = np.asarray(images)
    if images.dtype == np.uint8:
        images = images.astype(np.float32) / 255.0
    height, width, _ = inspector.input_shape
    if images.shape[1:3] == (height, width):
        return np.asarray(images, dtype=np.float32)
    if not len(images):
        return np.zeros((0, height, width, *images.shape[3:]), np.float32)
    # PIL: only when a model reads another size
    from guiapp.core.drawing.picture import resize

    return np.stack([resize(np.asarray(image, np.float32), height, width) for image in images])
