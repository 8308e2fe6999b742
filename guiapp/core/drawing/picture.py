"""Fit any picture to a model's input, step by step, so each step can be shown.

A picture (float32 0..1, (h, w) grey or (h, w, 3) colour, as :func:`~guiapp.core.drawing.images.load_picture`
gives it) becomes a model's (H, W) or (H, W, 3) image in two steps:

1. **fit** it to the input's height × width, one of three ways (:class:`PictureRecipe`):

   - ``"pad"``: keep the aspect ratio, scale the whole picture to fit, fill the rest with the
     picture's own border colour (so the padding adds no edge the network would react to);
   - ``"crop"``: keep the aspect ratio, scale it to cover the input, cut the middle out;
   - ``"digit"``: MNIST's recipe for grey models (white ink on black, the ink's box scaled to
     20/28 of each side, the centre of mass at the centre; see :mod:`guiapp.core.drawing.preprocess`);

2. **convert** its colours to the model's channels: RGB → grey by luma, grey → RGB by repeating.

The value range is not applied here: the :class:`~guiapp.core.model.inference.Inspector` scales
0..1 pictures to what the model expects (0..255 for a model with a ``Rescaling`` layer).
Qt-free: NumPy and PIL only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
from PIL import Image

from guiapp.core.drawing.images import LUMA, as_picture
from guiapp.core.drawing.preprocess import Stages, preprocess_stages

__all__ = [
    "FITS", "PictureRecipe", "PictureStages", "border_colour", "default_recipe", "digit_stages", "fit_crop", "fit_pad",
    "is_blank", "picture_stages", "resize", "to_channels", "white_on_black",
]

Fit = Literal["pad", "crop", "digit"]
FITS: tuple[str, ...] = get_args(Fit)
BLANK_SPREAD = 2 / 255  # a picture whose pixels all lie within this of each other is one colour: blank
LIGHT_PAPER = 0.5  # digit recipe: a border (the paper) lighter than this means dark ink on light paper
RESAMPLING = Image.Resampling.LANCZOS  # sharp when shrinking, smooth when enlarging; PIL's best on "F" images


@dataclass(frozen=True)
class PictureRecipe:
    """How a picture is fitted to a model's input (see the module docstring for each fit)."""

    fit: Fit = "pad"
    #: digit recipe only: invert the picture first? None: when it is dark on light paper (judged by its border).
    invert: bool | None = None

    def __post_init__(self) -> None:
        if self.fit not in FITS:
            raise ValueError(f"unknown fit {self.fit!r}: expected one of {', '.join(FITS)}")

    @property
    def label(self) -> str:
        return {"pad": "whole picture, padded", "crop": "centre crop", "digit": "MNIST digit recipe"}[self.fit]


def default_recipe(input_shape: tuple[int, ...], fit: Fit | None = None) -> PictureRecipe:
    """``fit`` when one is asked for; else the MNIST digit recipe for grey models (they are digit readers,
    mostly) and padding for colour ones."""
    return PictureRecipe(fit or ("digit" if _channels(input_shape) == 1 else "pad"))


@dataclass(frozen=True)
class PictureStages:
    """Each step from a picture to a model's input; every image float32 in 0..1."""

    original: np.ndarray  # the picture as given: (h, w) grey or (h, w, 3) colour
    fitted: np.ndarray  # at the input's height × width, still in the picture's colours (digit: white on black)
    final: np.ndarray  # what the model is given: (H, W) grey or (H, W, 3) RGB
    recipe: PictureRecipe
    #: (top, bottom, left, right) of the original that the input shows: the whole picture (pad), the cut (crop),
    #: the ink's box (digit); None when a digit picture has no ink.
    window: tuple[int, int, int, int] | None
    blank: bool  # the picture is all one colour: the network is shown nothing
    inverted: bool = False  # digit recipe: the picture was dark on light and was inverted
    ink: np.ndarray | None = None  # digit recipe: the grey picture, white ink on black, before fitting
    digit: Stages | None = None  # digit recipe: MNIST's own steps (crop, fit, centre), None when used as it is

    def __post_init__(self) -> None:
        # Steps share memory (an exact fit is the original itself): read-only, so no view can change another's.
        for image in (self.original, self.fitted, self.final, self.ink):
            if image is not None:
                image.setflags(write=False)

    @property
    def steps(self) -> tuple[tuple[str, np.ndarray], ...]:
        """(title, image) for each distinct step, in order, for the Preprocessing tab."""
        steps = [("original", self.original)]
        if self.ink is not None:
            steps.append(("white ink on black" if self.inverted else "grey", self.ink))
        steps.append((f"fitted: {self.recipe.label}", self.fitted))
        if self.final.shape != self.fitted.shape:
            steps.append(("grey, as the model sees it" if self.final.ndim == 2 else "RGB, as the model sees it",
                          self.final))
        return tuple(steps)


def picture_stages(picture: np.ndarray, input_shape: tuple[int, ...],
                   recipe: PictureRecipe | None = None) -> PictureStages:
    """Fit ``picture`` to a model's (H, W, C) input by ``recipe`` (default: :func:`default_recipe`)."""
    height, width, channels = _frame(input_shape)
    recipe = recipe or default_recipe(input_shape)
    original = _as_unit_picture(picture)
    blank = is_blank(original)
    if recipe.fit == "digit":
        return _digit_picture(original, height, width, channels, recipe, blank)
    if original.shape[:2] == (height, width):
        fitted, window = original, (0, height, 0, width)
    elif recipe.fit == "pad":
        fitted, window = fit_pad(original, height, width)
    else:
        fitted, window = fit_crop(original, height, width)
    return PictureStages(original, fitted, to_channels(fitted, channels), recipe, window, blank)


# ----------------------------------------------------------------- the steps


def is_blank(picture: np.ndarray) -> bool:
    """All one colour (each channel within :data:`BLANK_SPREAD`): nothing for a network to see."""
    planes = picture.reshape(-1, picture.shape[2] if picture.ndim == 3 else 1)
    return not planes.size or float(np.ptp(planes, axis=0).max()) <= BLANK_SPREAD


def resize(image: np.ndarray, height: int, width: int) -> np.ndarray:
    """``image`` (h, w) or (h, w, 3) resampled to (height, width), float32 0..1."""
    if image.shape[:2] == (height, width):
        return image.astype(np.float32, copy=False)
    planes = image[..., np.newaxis] if image.ndim == 2 else image
    out = np.stack([
        np.asarray(Image.fromarray(np.ascontiguousarray(planes[..., c], dtype=np.float32), mode="F")
                   .resize((width, height), RESAMPLING), dtype=np.float32)
        for c in range(planes.shape[2])
    ], axis=2)
    out = np.clip(out, 0.0, 1.0)
    return out[..., 0] if image.ndim == 2 else out


def border_colour(image: np.ndarray) -> np.ndarray:
    """The median of the outermost pixels: the picture's paper or background, per channel."""
    planes = image[..., np.newaxis] if image.ndim == 2 else image
    border = np.concatenate([planes[0], planes[-1], planes[:, 0], planes[:, -1]])
    colour = np.median(border, axis=0).astype(np.float32)
    return colour[0] if image.ndim == 2 else colour


def fit_pad(image: np.ndarray, height: int, width: int) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """The whole picture scaled to fit (height, width), aspect kept, centred on its border colour."""
    h, w = image.shape[:2]
    scale = min(height / h, width / w)
    new_h, new_w = min(height, max(1, round(h * scale))), min(width, max(1, round(w * scale)))
    out = np.empty((height, width, *image.shape[2:]), np.float32)
    out[...] = border_colour(image)
    top, left = (height - new_h) // 2, (width - new_w) // 2
    out[top:top + new_h, left:left + new_w] = resize(image, new_h, new_w)
    return out, (0, h, 0, w)


def fit_crop(image: np.ndarray, height: int, width: int) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """The middle of the picture, of the input's aspect ratio, scaled to (height, width)."""
    h, w = image.shape[:2]
    if w * height > h * width:  # wider than the input: cut the sides
        cut_h, cut_w = h, min(w, max(1, round(h * width / height)))
    else:  # taller: cut top and bottom
        cut_h, cut_w = min(h, max(1, round(w * height / width))), w
    top, left = (h - cut_h) // 2, (w - cut_w) // 2
    return resize(image[top:top + cut_h, left:left + cut_w], height, width), (top, top + cut_h, left, left + cut_w)


def to_channels(image: np.ndarray, channels: int) -> np.ndarray:
    """Grey (h, w) or RGB (h, w, 3) → the model's channels: RGB → grey by luma, grey → RGB by repeating."""
    if channels == 1:
        grey = image @ LUMA if image.ndim == 3 else image
        return np.clip(grey, 0.0, 1.0).astype(np.float32, copy=False)
    rgb = np.repeat(image[..., np.newaxis], 3, axis=2) if image.ndim == 2 else image
    return rgb.astype(np.float32, copy=False)


def white_on_black(grey: np.ndarray) -> tuple[np.ndarray, bool]:
    """(picture, inverted): MNIST is white ink on black, so pictures on light paper are inverted."""
    inverted = float(border_colour(grey)) > LIGHT_PAPER
    return (1.0 - grey if inverted else grey), inverted


def _digit_picture(original: np.ndarray, height: int, width: int, channels: int,
                   recipe: PictureRecipe, blank: bool) -> PictureStages:
    grey = to_channels(original, 1)
    if recipe.invert is None:
        ink, inverted = white_on_black(grey)
    else:
        ink, inverted = (1.0 - grey if recipe.invert else grey), recipe.invert
    ink = np.ascontiguousarray(ink, dtype=np.float32)
    if ink.shape == (height, width):  # already the input's size: taken as prepared (MNIST's own files are)
        return PictureStages(original, ink, to_channels(ink, channels), recipe, (0, height, 0, width), blank,
                             inverted, ink)
    stages = digit_stages(ink, height, width)
    return PictureStages(original, stages.final, to_channels(stages.final, channels), recipe, stages.box, blank,
                         inverted, ink, stages)


def digit_stages(ink: np.ndarray, height: int, width: int) -> Stages:
    """MNIST's recipe (white ink on black) into a (height, width) frame: the ink's box fits 20/28 of each side."""
    return preprocess_stages(ink, frame=(height, width))


# ----------------------------------------------------------------- checks


def _channels(input_shape: tuple[int, ...]) -> int:
    return int(input_shape[2]) if len(input_shape) == 3 else 1


def _frame(input_shape: tuple[int, ...]) -> tuple[int, int, int]:
    if len(input_shape) != 3 or input_shape[2] not in (1, 3) or min(input_shape[:2]) < 1:
        raise ValueError(f"expected an input shape (H, W, 1) or (H, W, 3), got {input_shape}")
    return int(input_shape[0]), int(input_shape[1]), int(input_shape[2])


def _as_unit_picture(picture: np.ndarray) -> np.ndarray:
    """Check a picture: (h, w), (h, w, 1) or (h, w, 3), uint8 or float 0..1, finite, not empty."""
    array = np.asarray(picture)
    if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[2] not in (1, 3)) or 0 in array.shape[:2]:
        raise ValueError(f"expected a picture of shape (h, w), (h, w, 1) or (h, w, 3), got {array.shape}")
    if array.dtype == np.uint8:
        return as_picture(array.astype(np.float32) / 255.0)
    array = array.astype(np.float32)
    if not np.all(np.isfinite(array)):
        raise ValueError("the picture holds NaN or infinite values")
    return as_picture(array)
