"""Turn a grey picture of a digit into the 28×28 input MNIST's network expects.

MNIST's own recipe: the digit's bounding box is scaled (keeping its aspect ratio,
anti-aliased) to fit a 20×20 box, then placed in a 28×28 frame so that its centre
of mass sits at the centre. A naive downscale of a whole canvas leaves the digit
small and off-centre, which the network never saw in training.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

import numpy as np
from PIL import Image
from scipy import ndimage

if TYPE_CHECKING:
    from guiapp.core.strokes import Drawing

FRAME = 28  # the network's input size
BOX = 20  # MNIST digits are scaled to fit this box
INK_THRESHOLD = 0.1  # pixels above this fraction of the brightest one count as ink


def ink_bounding_box(image: np.ndarray) -> tuple[int, int, int, int] | None:
    """(top, bottom, left, right), bottom/right exclusive, of the ink; None for a blank image."""
    peak = float(image.max()) if image.size else 0.0
    if peak <= 0.0:
        return None
    rows = np.flatnonzero((image > INK_THRESHOLD * peak).any(axis=1))
    cols = np.flatnonzero((image > INK_THRESHOLD * peak).any(axis=0))
    return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1


def fit_into_box(image: np.ndarray, box: int = BOX) -> np.ndarray:
    """Scale ``image`` so its longer side is ``box`` pixels, keeping the aspect ratio."""
    height, width = image.shape
    scale = box / max(height, width)
    new_size = (max(1, round(width * scale)), max(1, round(height * scale)))
    resized = Image.fromarray(image.astype(np.float32), mode="F").resize(new_size, Image.Resampling.LANCZOS)
    return np.clip(np.asarray(resized, dtype=np.float32), 0.0, 1.0)


@dataclass(frozen=True)
class Placement:
    """Where the network input's pixels come from in the source picture: crop, scale, shift.

    Input pixel row ``r`` covers source rows ``crop_top + (r − offset_y)/scale_y`` onwards
    (likewise for columns), so a receptive field on the 28×28 input can be shown on the canvas.
    """

    crop_top: int
    crop_left: int
    scale_y: float  # input pixels per source pixel
    scale_x: float
    offset_y: int  # the scaled crop's top-left corner in the 28×28 frame, after centring
    offset_x: int

    def to_source(self, top: float, left: float, bottom: float, right: float) -> tuple[float, float, float, float]:
        """Input-pixel edges (top, left, bottom, right) → the same rectangle in source pixels."""
        return (
            self.crop_top + (top - self.offset_y) / self.scale_y,
            self.crop_left + (left - self.offset_x) / self.scale_x,
            self.crop_top + (bottom - self.offset_y) / self.scale_y,
            self.crop_left + (right - self.offset_x) / self.scale_x,
        )


def _centre_shift(out: np.ndarray, top: int, left: int, height: int, width: int) -> tuple[int, int]:
    """Whole-pixel shift (dy, dx) moving the centre of mass to the centre, never pushing ink out."""
    if out.sum() <= 0:
        return 0, 0
    frame = out.shape[0]
    cy, cx = ndimage.center_of_mass(out)
    centre = (frame - 1) / 2
    dy = int(np.clip(round(centre - cy), -top, frame - top - height))
    dx = int(np.clip(round(centre - cx), -left, frame - left - width))
    return dy, dx


def _centred(digit: np.ndarray, frame: int) -> tuple[np.ndarray, int, int]:
    """(image, top, left): ``digit`` in a frame, its centre of mass at the centre (MNIST shifted whole pixels)."""
    out = np.zeros((frame, frame), np.float32)
    height, width = digit.shape
    top, left = (frame - height) // 2, (frame - width) // 2
    out[top:top + height, left:left + width] = digit
    dy, dx = _centre_shift(out, top, left, height, width)
    return np.roll(out, (dy, dx), axis=(0, 1)), top + dy, left + dx


def centre_by_mass(digit: np.ndarray, frame: int = FRAME) -> np.ndarray:
    """Place ``digit`` in a ``frame``×``frame`` image with its centre of mass at the centre."""
    return _centred(digit, frame)[0]


def mnist_preprocess_placed(image: np.ndarray) -> tuple[np.ndarray, Placement | None]:
    """:func:`mnist_preprocess` and where its pixels come from (None for a blank picture)."""
    image = np.asarray(image, dtype=np.float32)
    bbox = ink_bounding_box(image)
    if bbox is None:
        return np.zeros((FRAME, FRAME), np.float32), None
    top, bottom, left, right = bbox
    digit = fit_into_box(image[top:bottom, left:right])
    out, offset_y, offset_x = _centred(digit, FRAME)
    placement = Placement(top, left, digit.shape[0] / (bottom - top), digit.shape[1] / (right - left),
                          offset_y, offset_x)
    return out, placement


def mnist_preprocess(image: np.ndarray) -> np.ndarray:
    """Any-size grey image (white ink on black, 0..1) → the network's 28×28 float32 input."""
    return mnist_preprocess_placed(image)[0]


def drawing_to_network_input(drawing: Drawing, rasterizer: Callable[[Drawing], np.ndarray] | None = None) -> np.ndarray:
    """Strokes (and any picture under them) → the network's 28×28 input, as the canvas shows it.

    ``rasterizer`` may be an :class:`~guiapp.core.strokes.IncrementalRasterizer` (same pixels, faster
    while a stroke grows); by default every stroke is rasterised afresh.
    """
    return drawing_to_network_input_placed(drawing, rasterizer)[0]


def drawing_to_network_input_placed(
    drawing: Drawing, rasterizer: Callable[[Drawing], np.ndarray] | None = None
) -> tuple[np.ndarray, Placement | None]:
    """:func:`drawing_to_network_input` and where the input's pixels sit on the canvas."""
    from guiapp.core.strokes import rasterize

    return mnist_preprocess_placed((rasterizer or rasterize)(drawing))
