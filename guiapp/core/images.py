"""Read an image file (PNG/JPG/BMP of any size and mode, or a 28×28 ``.npy``) as network input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from guiapp.core.errors import ImageFileError, file_problem
from guiapp.core.inference import as_network_image
from guiapp.core.preprocess import FRAME, mnist_preprocess

_HINT = "give a PNG, JPG or BMP picture of one digit, or a 28×28 .npy array"


def _grey(image: Image.Image) -> np.ndarray:
    """Any PIL mode → float grey 0..1; transparent pixels count as white paper."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        image = image.convert("RGBA")
        paper = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(paper, image)
    if image.mode in ("I", "I;16", "I;16B", "I;16L", "F"):
        array = np.asarray(image.convert("F"), dtype=np.float32)
        peak = float(array.max())
        return array / peak if peak > 0 else array
    return np.asarray(image.convert("L"), dtype=np.float32) / 255.0


def white_on_black(grey: np.ndarray) -> np.ndarray:
    """MNIST is white ink on black: invert pictures whose border (the paper) is light."""
    border = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    return 1.0 - grey if float(np.median(border)) > 0.5 else grey


def load_digit_image(path: Path | str) -> np.ndarray:
    """A float32 (28, 28) network input from an image file; :class:`ImageFileError` if unreadable.

    28×28 pictures are taken as MNIST-like and used as they are (inverted if drawn dark
    on light); other sizes go through the MNIST recipe (crop, fit 20×20, centre of mass).
    """
    path = Path(path)
    if not path.is_file():
        raise ImageFileError(file_problem(path, "no such file", _HINT))
    if path.suffix.lower() == ".npy":
        return _load_npy(path)
    try:
        with Image.open(path) as image:
            image.load()
            grey = _grey(image)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        reason = "not an image" if isinstance(exc, UnidentifiedImageError) else f"unreadable image ({exc})"
        raise ImageFileError(file_problem(path, reason, _HINT)) from None
    grey = white_on_black(grey)
    if grey.shape == (FRAME, FRAME):
        return np.clip(grey, 0.0, 1.0).astype(np.float32)
    return mnist_preprocess(grey)


def _load_npy(path: Path) -> np.ndarray:
    try:
        array = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise ImageFileError(file_problem(path, f"not a readable .npy array ({exc})", _HINT)) from None
    if array.shape not in ((FRAME, FRAME), (FRAME, FRAME, 1)) or not np.issubdtype(array.dtype, np.number):
        raise ImageFileError(
            file_problem(path, f"holds a {array.dtype} array of shape {array.shape}, expected 28×28 numbers", _HINT)
        )
    if array.dtype != np.uint8 and np.nanmax(array) > 1.0:
        array = array.astype(np.float32) / 255.0  # pixels written as 0..255 floats
    try:
        return as_network_image(array)
    except ValueError as exc:
        raise ImageFileError(file_problem(path, str(exc), _HINT)) from None
