"""Read a picture file safely: PNG/JPG/BMP/GIF/WebP/TIFF of any size and mode, or a ``.npy`` array.

:func:`load_picture` gives a float32 array in 0..1: (h, w) for a grey picture, (h, w, 3) for a
colour one (a colour file whose three channels are equal everywhere counts as grey, so "is it
grey?" has one answer). Fitting it to a model's input is :mod:`guiapp.core.drawing.picture`'s job.

Files are untrusted. The size a file *declares* is checked before anything is decoded, so a
tiny file that unpacks to gigabytes (a decompression bomb) is refused in milliseconds; ``.npy``
headers are read and checked before the data, and pickled objects are never loaded. A file is
opened once, through :func:`~guiapp.core.files.open_regular` (a FIFO, a device or a file over
:data:`MAX_FILE_BYTES` is refused before a byte is read). Every failure is one
:class:`ImageFileError` line naming the file.
"""

from __future__ import annotations

import math
import re
import warnings
from pathlib import Path
from typing import BinaryIO

import numpy as np
from PIL import Image, UnidentifiedImageError

from guiapp.core.errors import ImageFileError, file_problem, short_reason
from guiapp.core.files import FileRefused, open_regular
from guiapp.core.model.limits import LUMA  # re-exported (see __all__): picture.py and tests take it from here

__all__ = [
    "HINT", "LUMA", "MAX_PIXELS", "MAX_WORKING_SIDE", "as_picture", "load_digit_image", "load_picture", "save_picture",
]

MAX_MEGAPIXELS = 50  # larger pictures are refused unread: no camera photo needs more to show a model 512 pixels
MAX_PIXELS = MAX_MEGAPIXELS * 1_000_000
# What the largest picture guiapp reads can take on disk: 50 megapixels of float64 colour in a .npy is 24
# bytes a pixel. A larger file is not a picture guiapp reads; smaller ones are bounded by the declared size.
MAX_FILE_BYTES = MAX_PIXELS * 32
MAX_WORKING_SIDE = 2048  # bigger pictures are reduced to this (whole-pixel box filter) before float conversion
FORMATS = ("PNG", "JPEG", "BMP", "DIB", "GIF", "WEBP", "TIFF")  # not EPS: PIL would run Ghostscript on it
BYTE_MAX = 255.0
WORD_MAX = 65535.0
NPY_MAGIC = b"\x93NUMPY"
ZIP_MAGIC = b"PK"

SIZE_HINT = "scale it down first"
HINT = "give a PNG, JPG, BMP, GIF, WebP or TIFF picture, or a .npy array of shape (H, W), (H, W, 1) or (H, W, 3)"

# PIL modes that reduce/convert without surprises, by what each file mode becomes.
_GREY_MODES = {"1": "L", "L": "L", "I": "I", "F": "F"}
_ALPHA_MODES = {"LA": "LA", "La": "LA", "PA": "RGBA", "RGBA": "RGBA", "RGBa": "RGBA"}


def load_picture(path: Path | str) -> np.ndarray:
    """A float32 picture in 0..1, (h, w) grey or (h, w, 3) colour; :class:`ImageFileError` if refused."""
    path = Path(path)
    try:
        handle = open_regular(path, MAX_FILE_BYTES)
    except FileRefused as exc:
        raise ImageFileError(file_problem(path, exc.reason, HINT)) from None
    with handle:
        if path.suffix.lower() == ".npy":
            return _load_npy(path, handle)
        return _load_image(path, handle)


def load_digit_image(path: Path | str) -> np.ndarray:
    """A float32 (28, 28) input for the shipped digit models, through the MNIST recipe."""
    from guiapp.core.drawing.picture import PictureRecipe, picture_stages

    return picture_stages(load_picture(path), (28, 28, 1), PictureRecipe("digit")).final


# ----------------------------------------------------------------- pictures


def _too_big(width: int, height: int, what: str = "picture") -> str:
    return (f"declares a {width}×{height} {what} ({width * height / 1e6:,.0f} megapixels), more than the "
            f"{MAX_MEGAPIXELS} megapixels guiapp reads")


def _load_image(path: Path, handle: BinaryIO) -> np.ndarray:
    # A trust boundary: PIL raises many kinds of exception for hostile files (IndexError,
    # struct.error, …), and warns about others; each becomes one line, never a traceback.
    Image.init()  # register every format plugin, so the ``formats`` allow-list below can name them
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # EXIF and truncation warnings: the file is read or refused
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(handle, formats=FORMATS) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise ImageFileError(file_problem(path, _too_big(width, height), SIZE_HINT))
                return _pixels(image)
        except ImageFileError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            # PIL refused it on opening (over ~89 megapixels); its message gives the pixel count only.
            found = re.search(r"(\d+) pixels", str(exc))
            size = f"{int(found.group(1)) / 1e6:,.0f} megapixels" if found else "too many pixels"
            raise ImageFileError(file_problem(
                path, f"declares a picture of {size}, more than the {MAX_MEGAPIXELS} megapixels guiapp reads",
                SIZE_HINT)) from None
        except UnidentifiedImageError:
            raise ImageFileError(file_problem(path, "not a picture (or not in a format guiapp reads)", HINT)) from None
        except MemoryError:
            raise ImageFileError(file_problem(path, "too large to decode in the memory available", HINT)) from None
        except Exception as exc:  # noqa: BLE001 — see above: a hostile file must not escape as a traceback
            raise ImageFileError(file_problem(path, f"unreadable picture ({short_reason(exc)})", HINT)) from None


def _pixels(image: Image.Image) -> np.ndarray:
    """An opened picture (first frame) → float32 0..1, reduced to :data:`MAX_WORKING_SIDE`, alpha over white."""
    factor = math.ceil(max(image.size) / MAX_WORKING_SIDE)
    if factor > 1 and image.format in ("JPEG", "MPO"):
        image.draft(image.mode, (image.size[0] // factor, image.size[1] // factor))  # decode at 1/2, 1/4 or 1/8
    mode = image.mode
    if mode in _GREY_MODES:
        image = image.convert(_GREY_MODES[mode]) if image.mode != _GREY_MODES[mode] else image
    elif mode.startswith("I;16"):
        image = image.convert("I")
    elif mode in _ALPHA_MODES or (mode == "P" and "transparency" in image.info):
        image = image.convert(_ALPHA_MODES.get(mode, "RGBA"))
    elif mode != "RGB":  # P, CMYK, YCbCr, LAB, HSV, …
        image = image.convert("RGB")
    factor = math.ceil(max(image.size) / MAX_WORKING_SIDE)
    if factor > 1:
        image = image.reduce(factor)
    array = np.asarray(image, dtype=np.float32)
    if image.mode in ("I", "F"):
        return as_picture(_unit_range(array, integer=image.mode == "I"))
    array = array / np.float32(BYTE_MAX)
    if image.mode in ("LA", "RGBA"):  # transparent pixels show the white paper under them
        colour, alpha = array[..., :-1], array[..., -1:]
        array = colour * alpha + (1.0 - alpha)
        if image.mode == "LA":
            array = array[..., 0]
    return as_picture(array)


def _unit_range(array: np.ndarray, integer: bool) -> np.ndarray:
    """Grey values of a 32-bit integer or float picture → 0..1.

    Integers: 8-bit values stay 8-bit, 16-bit ones 16-bit, larger ones are scaled by their peak.
    Floats: 0..1 is kept, 0..255 divided by 255, larger by the peak. Negative values are black.
    """
    if not np.all(np.isfinite(array)):
        raise ValueError("it holds NaN or infinite values")
    peak = float(array.max()) if array.size else 0.0
    if peak <= 1.0 and not integer:
        return np.clip(array, 0.0, 1.0).astype(np.float32)
    if peak <= BYTE_MAX:
        scale = BYTE_MAX
    else:
        scale = WORD_MAX if integer and peak <= WORD_MAX else peak
    return np.clip(array / np.float32(scale), 0.0, 1.0).astype(np.float32)


def as_picture(array: np.ndarray) -> np.ndarray:
    """(h, w), (h, w, 1) or (h, w, 3) in 0..1 → float32 (h, w) grey or (h, w, 3) colour (grey if channels agree)."""
    array = np.asarray(array, dtype=np.float32)
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[..., 0]
    if array.ndim == 3 and bool(np.all(array[..., 0] == array[..., 1])) and bool(np.all(array[..., 1] == array[..., 2])):
        array = array[..., 0]
    return np.ascontiguousarray(np.clip(array, 0.0, 1.0), dtype=np.float32)


# ----------------------------------------------------------------- .npy arrays


def _npy_header(path: Path, handle: BinaryIO) -> tuple[tuple[int, ...], np.dtype]:
    """The declared shape and dtype, read from the header alone (the data is not touched)."""
    try:
        head = handle.read(len(NPY_MAGIC))
        if not head.startswith(NPY_MAGIC):
            what = ("a zip archive (an .npz?), not a .npy array" if head.startswith(ZIP_MAGIC)
                    else "not a .npy array (no NumPy header)")
            raise ImageFileError(file_problem(path, what, HINT))
        handle.seek(0)
        version = np.lib.format.read_magic(handle)
        read = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        shape, _fortran, dtype = read(handle)
    except ImageFileError:
        raise
    except OSError as exc:
        raise ImageFileError(file_problem(path, f"cannot be read ({exc.strerror or exc})", HINT)) from None
    except Exception as exc:  # noqa: BLE001 — a malformed header: NumPy raises ValueError, SyntaxError, …
        raise ImageFileError(file_problem(path, f"not a readable .npy array ({short_reason(exc)})", HINT)) from None
    return tuple(shape), dtype


def _load_npy(path: Path, handle: BinaryIO) -> np.ndarray:
    shape, dtype = _npy_header(path, handle)
    if dtype.hasobject:
        raise ImageFileError(file_problem(path, "holds Python objects, which guiapp never unpickles", HINT))
    if not (np.issubdtype(dtype, np.integer) or np.issubdtype(dtype, np.floating) or dtype == np.bool_):
        raise ImageFileError(file_problem(path, f"holds {dtype} values, expected numbers", HINT))
    if len(shape) not in (2, 3) or (len(shape) == 3 and shape[2] not in (1, 3)):
        raise ImageFileError(file_problem(path, f"holds an array of shape {shape}, expected (H, W), (H, W, 1) "
                                          "or (H, W, 3)", HINT))
    height, width = shape[:2]
    if height < 1 or width < 1:
        raise ImageFileError(file_problem(path, f"holds an empty array of shape {shape}", HINT))
    if height * width > MAX_PIXELS:
        raise ImageFileError(file_problem(path, _too_big(width, height, "array"), SIZE_HINT))
    try:
        handle.seek(0)
        array = np.load(handle, allow_pickle=False)  # reads only what the checked header declares
    except Exception as exc:  # noqa: BLE001 — truncated data and the like; NumPy raises several kinds
        raise ImageFileError(file_problem(path, f"not a readable .npy array ({short_reason(exc)})", HINT)) from None
    return _npy_pixels(path, array)


def _npy_pixels(path: Path, array: np.ndarray) -> np.ndarray:
    """Numbers → 0..1: 0..1 floats are kept, 0..255 values divided by 255 (16-bit integers by 65535)."""
    if array.dtype == np.bool_:
        values = array.astype(np.float32)
    else:
        values = array.astype(np.float64)
        if not np.all(np.isfinite(values)):
            raise ImageFileError(file_problem(path, "holds NaN or infinite values", HINT))
        low, high = float(values.min()), float(values.max())
        integer = np.issubdtype(array.dtype, np.integer)
        if low < 0.0 or high > (WORD_MAX if integer else BYTE_MAX):
            raise ImageFileError(file_problem(
                path, f"holds values from {low:g} to {high:g}, expected 0..1 or 0..255", HINT))
        scale = 1.0 if (high <= 1.0 and not integer) else BYTE_MAX if high <= BYTE_MAX else WORD_MAX
        values = values / scale
    factor = math.ceil(max(values.shape[:2]) / MAX_WORKING_SIDE)
    if factor > 1:
        values = _block_mean(values, factor)
    return as_picture(values)


def _block_mean(array: np.ndarray, factor: int) -> np.ndarray:
    """Average ``factor``×``factor`` blocks (the edges padded by repetition), like PIL's ``reduce``."""
    height, width = array.shape[:2]
    pad_h, pad_w = -height % factor, -width % factor
    padding = [(0, pad_h), (0, pad_w)] + [(0, 0)] * (array.ndim - 2)
    array = np.pad(array, padding, mode="edge")
    shape = (array.shape[0] // factor, factor, array.shape[1] // factor, factor, *array.shape[2:])
    return array.reshape(shape).mean(axis=(1, 3))


def save_picture(picture: np.ndarray, path: Path | str, *, force: bool = False) -> Path:
    """A 0..1 picture ((h, w) grey or (h, w, 3) colour) as a PNG, written atomically."""
    from guiapp.core.atomic import atomic_path, refuse_overwrite

    path = Path(path)
    refuse_overwrite(path, force=force)
    pixels = np.round(np.clip(picture, 0.0, 1.0) * BYTE_MAX).astype(np.uint8)
    with atomic_path(path) as tmp:
        Image.fromarray(pixels, mode="L" if pixels.ndim == 2 else "RGB").save(tmp, format="PNG")
    return path
