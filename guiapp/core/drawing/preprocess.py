"""Turn a grey picture of a digit into the input MNIST's network expects (28×28, or any H×W).

MNIST's own recipe: the digit's bounding box is scaled (keeping its aspect ratio,
anti-aliased) to fit a 20×20 box, then placed in a 28×28 frame so that its centre
of mass sits at the centre. A naive downscale of a whole canvas leaves the digit
small and off-centre, which the network never saw in training. For a grey model of
another input size the same recipe is scaled: the box is 20/28 of each side.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image

if TYPE_CHECKING:
    from guiapp.core.drawing.strokes import Drawing

__all__ = [
    "MNIST_FRAME", "Placement", "PreprocessOptions", "Stages", "box_for", "center_of_mass", "centre_by_mass",
    "drawing_stages", "drawing_to_network_input", "fit_into_box", "ink_bounding_box", "mnist_preprocess",
    "mnist_preprocess_placed", "preprocess_stages",
]

FRAME = 28  # MNIST's input size
BOX = 20  # MNIST digits are scaled to fit this box
MNIST_FRAME = (FRAME, FRAME)


def box_for(frame: tuple[int, int]) -> tuple[int, int]:
    """The digit's box in a ``frame`` (height, width): MNIST's 20/28 of each side."""
    return max(1, round(frame[0] * BOX / FRAME)), max(1, round(frame[1] * BOX / FRAME))
INK_THRESHOLD = 0.1  # pixels above this fraction of the brightest one count as ink


def ink_bounding_box(image: np.ndarray) -> tuple[int, int, int, int] | None:
    """(top, bottom, left, right), bottom/right exclusive, of the ink; None for a blank image."""
    peak = float(image.max()) if image.size else 0.0
    if peak <= 0.0:
        return None
    rows = np.flatnonzero((image > INK_THRESHOLD * peak).any(axis=1))
    cols = np.flatnonzero((image > INK_THRESHOLD * peak).any(axis=0))
    return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1


def fit_into_box(image: np.ndarray, box: int | tuple[int, int] = BOX) -> np.ndarray:
    """Scale ``image`` to fit ``box`` (a side, or (height, width)), keeping the aspect ratio."""
    height, width = image.shape
    box_h, box_w = (box, box) if isinstance(box, int) else box
    return _scaled(image, min(box_h / height, box_w / width))


@dataclass(frozen=True)
class Placement:
    """Where the network input's pixels come from in the source picture: crop, scale, shift.

    Input pixel row ``r`` covers source rows ``crop_top + (r − offset_y)/scale_y`` onwards
    (likewise for columns), so a receptive field on the network input can be shown on the canvas.
    """

    crop_top: int
    crop_left: int
    scale_y: float  # input pixels per source pixel
    scale_x: float
    offset_y: int  # the scaled crop's top-left corner in the input frame, after centring
    offset_x: int

    def to_source(self, top: float, left: float, bottom: float, right: float) -> tuple[float, float, float, float]:
        """Input-pixel edges (top, left, bottom, right) → the same rectangle in source pixels."""
        return (
            self.crop_top + (top - self.offset_y) / self.scale_y,
            self.crop_left + (left - self.offset_x) / self.scale_x,
            self.crop_top + (bottom - self.offset_y) / self.scale_y,
            self.crop_left + (right - self.offset_x) / self.scale_x,
        )


def center_of_mass(image: np.ndarray) -> tuple[float, float]:
    """(row, column) of the image's centre of mass, in float64 like ``scipy.ndimage.center_of_mass``
    (not imported for this: scipy.ndimage alone took half a second of the window's start-up)."""
    weights = np.asarray(image, dtype=np.float64)
    total = weights.sum()
    rows = np.arange(weights.shape[0], dtype=np.float64)
    cols = np.arange(weights.shape[1], dtype=np.float64)
    return float(weights.sum(axis=1) @ rows / total), float(weights.sum(axis=0) @ cols / total)


def _centre_shift(out: np.ndarray, top: int, left: int, height: int, width: int) -> tuple[int, int]:
    """Whole-pixel shift (dy, dx) moving the centre of mass to the centre, never pushing ink out."""
    if out.sum() <= 0:
        return 0, 0
    frame_h, frame_w = out.shape
    cy, cx = center_of_mass(out)
    dy = int(np.clip(round((frame_h - 1) / 2 - cy), -top, frame_h - top - height))
    dx = int(np.clip(round((frame_w - 1) / 2 - cx), -left, frame_w - left - width))
    return dy, dx


def _centred(digit: np.ndarray, frame: tuple[int, int]) -> tuple[np.ndarray, int, int]:
    """(image, top, left): ``digit`` in a frame, its centre of mass at the centre (MNIST shifted whole pixels)."""
    out = np.zeros(frame, np.float32)
    height, width = digit.shape
    top, left = (frame[0] - height) // 2, (frame[1] - width) // 2
    out[top:top + height, left:left + width] = digit
    dy, dx = _centre_shift(out, top, left, height, width)
    return np.roll(out, (dy, dx), axis=(0, 1)), top + dy, left + dx


def centre_by_mass(digit: np.ndarray, frame: int | tuple[int, int] = FRAME) -> np.ndarray:
    """Place ``digit`` in a ``frame`` (a side, or (height, width)) with its centre of mass at the centre."""
    return _centred(digit, (frame, frame) if isinstance(frame, int) else frame)[0]


@dataclass(frozen=True)
class PreprocessOptions:
    """Which steps of MNIST's recipe run; switching one off shows what it is for."""

    crop: bool = True  # cut out the ink's bounding box (off: the whole canvas)
    fit: bool = True  # scale it into 20/28 of the input's side (off: the canvas' own scale, e.g. 28/280)
    centre: bool = True  # move the centre of mass to the centre (off: centre the box)

    @property
    def label(self) -> str:
        if self == PreprocessOptions():
            return "MNIST recipe"
        if not (self.crop or self.fit or self.centre):
            return "whole canvas downscaled"
        off = [name for name, on in (("crop", self.crop), ("fit 20×20", self.fit), ("centre of mass", self.centre))
               if not on]
        return "without " + " and ".join(off)


@dataclass(frozen=True)
class Stages:
    """Each step from the canvas to the network input, for the view that shows them."""

    raw: np.ndarray  # the rasterised canvas
    box: tuple[int, int, int, int] | None  # the crop (top, bottom, left, right) on the canvas; None: blank
    fitted: np.ndarray  # the crop after scaling (into 20/28 of the frame when fitting)
    final: np.ndarray  # the network input, (H, W)
    placement: Placement | None  # where the input's pixels come from on the canvas
    shift: tuple[int, int] = (0, 0)  # how far the centre of mass moved the digit (rows, columns)


def _scaled(image: np.ndarray, scale: float) -> np.ndarray:
    height, width = image.shape
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    resized = Image.fromarray(image.astype(np.float32), mode="F").resize(size, Image.Resampling.LANCZOS)
    return np.clip(np.asarray(resized, dtype=np.float32), 0.0, 1.0)


def preprocess_stages(
    image: np.ndarray, options: PreprocessOptions = PreprocessOptions(), frame: tuple[int, int] = MNIST_FRAME
) -> Stages:
    """Run the recipe (or the steps ``options`` leave on) into a ``frame`` (height, width); keep every step."""
    image = np.asarray(image, dtype=np.float32)
    frame_h, frame_w = frame
    bbox = ink_bounding_box(image)
    if bbox is None:
        blank = np.zeros(frame, np.float32)
        return Stages(image, None, blank, blank, None)
    if not options.crop:
        bbox = (0, image.shape[0], 0, image.shape[1])
    top, bottom, left, right = bbox
    crop = image[top:bottom, left:right]
    whole = min(frame_h / image.shape[0], frame_w / image.shape[1])  # the canvas' own scale
    digit = fit_into_box(crop, box_for(frame)) if options.fit else _scaled(crop, whole)
    digit = digit[:frame_h, :frame_w]
    if options.centre:
        out, offset_y, offset_x = _centred(digit, frame)
        shift = (offset_y - (frame_h - digit.shape[0]) // 2, offset_x - (frame_w - digit.shape[1]) // 2)
    elif options.crop:
        out = np.zeros(frame, np.float32)
        offset_y, offset_x = (frame_h - digit.shape[0]) // 2, (frame_w - digit.shape[1]) // 2
        out[offset_y:offset_y + digit.shape[0], offset_x:offset_x + digit.shape[1]] = digit
        shift = (0, 0)
    else:  # the whole canvas, downscaled where it is: no centring at all
        out = np.zeros(frame, np.float32)
        out[:digit.shape[0], :digit.shape[1]] = digit
        offset_y = offset_x = 0
        shift = (0, 0)
    placement = Placement(top, left, digit.shape[0] / (bottom - top), digit.shape[1] / (right - left),
                          offset_y, offset_x)
    return Stages(image, (top, bottom, left, right), digit, out, placement, shift)


def mnist_preprocess_placed(
    image: np.ndarray, options: PreprocessOptions = PreprocessOptions(), frame: tuple[int, int] = MNIST_FRAME
) -> tuple[np.ndarray, Placement | None]:
    """:func:`mnist_preprocess` and where its pixels come from (None for a blank picture)."""
    stages = preprocess_stages(image, options, frame)
    return stages.final, stages.placement


def mnist_preprocess(
    image: np.ndarray, options: PreprocessOptions = PreprocessOptions(), frame: tuple[int, int] = MNIST_FRAME
) -> np.ndarray:
    """Any-size grey image (white ink on black, 0..1) → the network's float32 input of size ``frame``."""
    return preprocess_stages(image, options, frame).final


def drawing_to_network_input(
    drawing: Drawing,
    rasterizer: Callable[[Drawing], np.ndarray] | None = None,
    options: PreprocessOptions = PreprocessOptions(),
    frame: tuple[int, int] = MNIST_FRAME,
) -> np.ndarray:
    """Strokes (and any picture under them) → the network's input, as the canvas shows it.

    ``rasterizer`` may be an :class:`~guiapp.core.drawing.strokes.IncrementalRasterizer` (same pixels, faster
    while a stroke grows); by default every stroke is rasterised afresh.
    """
    return drawing_stages(drawing, rasterizer, options, frame).final


def drawing_stages(
    drawing: Drawing,
    rasterizer: Callable[[Drawing], np.ndarray] | None = None,
    options: PreprocessOptions = PreprocessOptions(),
    frame: tuple[int, int] = MNIST_FRAME,
) -> Stages:
    """Every step from strokes to the network input (what the live canvas computes)."""
    from guiapp.core.drawing.strokes import rasterize

    return preprocess_stages((rasterizer or rasterize)(drawing), options, frame)
