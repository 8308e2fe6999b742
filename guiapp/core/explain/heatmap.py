"""Attribution maps as pictures: a diverging red/blue overlay, its colour bar, and a PNG for the CLI.

Red is evidence *for* the target class, blue evidence *against*; zero is fully transparent so
the digit shows through where the network does not care. The colour limit is symmetric (±limit),
so equal colours mean equal evidence either way. :func:`diverging_rgba` runs on every live frame
(28×28 up to 512×512 inputs), hence a colour table looked up in one NumPy call (about 1 ms at 512×512).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from guiapp.core.explain.attribution import INTEGRATED, TITLES, Attribution
from guiapp.core.model.limits import LUMA

MAX_ALPHA = 0.85  # the strongest evidence still lets the digit show through a little
# The ends of ColorBrewer's RdBu scale: readable on black ink and on white paper, and for most colour-blind eyes.
RED = np.array([202, 0, 32], np.float32)
BLUE = np.array([5, 113, 176], np.float32)
WHITE = np.float32(255.0)
LEVELS = 255  # colour steps on each side of zero
PAPER_INK = 0.3  # the grey of full ink when a digit is drawn on paper: dark, yet red over it stays red
ASCII = {"—": "-", "–": "-", "−": "-", "×": "x", "Σ": "sum "}  # for a font without these glyphs

MAX_SIDE = 1024  # the upscaled map's longest side: a 512×512 model is drawn at ×2, not ×10
MARGIN = 8
GAP = 6  # between the map, the bar and its numbers
BAR_WIDTH = 16
BACKGROUND = (255, 255, 255)
INK = (0, 0, 0)
FRAME = (160, 160, 160)  # around the map: on paper its white background would merge with the page


@functools.lru_cache(maxsize=8)
def _palette(max_alpha: float) -> np.ndarray:
    """(2·LEVELS + 1, 4) uint8 colours from −limit to +limit: a table lookup is ~15× faster than the
    arithmetic per pixel, and 255 steps a side are all a uint8 alpha can show anyway."""
    signed = np.arange(-LEVELS, LEVELS + 1, dtype=np.float32) / np.float32(LEVELS)
    strength = np.abs(signed)[:, np.newaxis]
    palette = np.empty((len(signed), 4), np.uint8)
    palette[:, :3] = np.rint(WHITE - strength * (WHITE - np.where(signed[:, np.newaxis] > 0, RED, BLUE)))
    palette[:, 3] = np.rint(strength[:, 0] * np.float32(255.0 * max_alpha))
    palette.setflags(write=False)
    return palette


def diverging_rgba(values: np.ndarray, limit: float, max_alpha: float = MAX_ALPHA) -> np.ndarray:
    """(H, W) attributions → (H, W, 4) uint8: red for +, blue for −, transparent at 0.

    Alpha and saturation grow with |value|/limit (clipped at 1). A limit that is not a positive
    finite number, and any NaN or infinite value, draw nothing rather than garbage.
    """
    values = np.asarray(values, np.float32)
    if not (np.isfinite(limit) and limit > 0):
        return np.zeros((*values.shape, 4), np.uint8)
    scaled = np.nan_to_num(values, nan=0.0, posinf=0.0, neginf=0.0)  # a copy: scaled in place below
    with np.errstate(over="ignore"):  # a huge value over a tiny limit: infinite, then clipped to full colour
        scaled *= np.float32(LEVELS / limit)
    np.clip(scaled, -LEVELS, LEVELS, out=scaled)
    scaled += np.float32(LEVELS + 0.5)  # ≥ 0.5, so truncating rounds to the nearest level
    # Each colour as one uint32: fancy indexing of whole rows is far slower than of single items.
    packed = _palette(float(np.clip(max_alpha, 0.0, 1.0))).view(np.uint32)[:, 0]
    return packed[scaled.astype(np.intp)].view(np.uint8).reshape(*values.shape, 4)


def colour_bar_rgba(height: int, width: int, max_alpha: float = MAX_ALPHA) -> np.ndarray:
    """The colour scale as an (height, width, 4) image: +limit (red) on top, 0 (transparent) in the middle,
    −limit (blue) at the bottom."""
    column = np.linspace(1.0, -1.0, max(height, 1), dtype=np.float32)[:height]
    return diverging_rgba(np.repeat(column[:, np.newaxis], width, axis=1), 1.0, max_alpha)


def grey_of(image: np.ndarray) -> np.ndarray:
    """A 0..1 image (H, W), (H, W, 1) or (H, W, 3) as (H, W) grey 0..1: only the heat carries colour."""
    array = np.asarray(image, np.float32)
    if array.ndim == 3:
        array = array[..., 0] if array.shape[-1] == 1 else array[..., :3] @ LUMA
    return np.clip(np.nan_to_num(array, nan=0.0, posinf=1.0, neginf=0.0), 0.0, 1.0)


def overlay_on(image: np.ndarray, rgba: np.ndarray, paper: bool | None = None) -> np.ndarray:
    """The heat ``rgba`` (H, W, 4) alpha-composited over ``image`` drawn in grey: (H, W, 3) uint8.

    ``paper``: draw the ink dark on white, so that pale (weak) evidence still shows; on black,
    translucent blue is nearly invisible. None: for grey images, which are light ink on black
    (MNIST's convention); a colour picture is drawn in its own grey tones.
    """
    grey = grey_of(image)
    if paper is None:
        paper = np.ndim(image) == 2 or np.shape(image)[-1] == 1
    if paper:
        grey = 1.0 - (1.0 - PAPER_INK) * grey
    alpha = rgba[..., 3] * np.float32(1.0 / 255.0)
    kept = grey * np.float32(255.0) * (np.float32(1.0) - alpha) + np.float32(0.5)  # + 0.5: truncation rounds
    out = np.empty((*grey.shape, 3), np.uint8)
    for channel in range(3):  # plane by plane: NumPy is several times slower on (H, W, 3) broadcasts
        out[..., channel] = rgba[..., channel] * alpha + kept
    return out


def on_white(rgba: np.ndarray) -> np.ndarray:
    """An RGBA image composited over white (the PNG's colour bar)."""
    return overlay_on(np.ones(rgba.shape[:2], np.float32), rgba, paper=False)


def upscaled(image: np.ndarray, scale: int) -> np.ndarray:
    """Nearest-neighbour enlargement: every input pixel stays a visible square."""
    return np.repeat(np.repeat(image, scale, axis=0), scale, axis=1)


def png_scale(shape: Sequence[int], scale: int) -> int:
    """The enlargement actually used: ``scale``, reduced so the map's longest side stays within :data:`MAX_SIDE`."""
    return max(1, min(int(scale), MAX_SIDE // max(int(shape[0]), int(shape[1]), 1)))


def limit_label(value: float) -> str:
    """A colour-bar number: a few significant digits, the sign always shown."""
    return "0" if value == 0 else f"{value:+.3g}"


def drawable(text: str, font: object) -> str:
    """``text`` with the characters ``font`` has no glyph for replaced (PIL's default font lacks "—", "×")."""
    try:
        missing = bytes(font.getmask("\uffff"))  # type: ignore[attr-defined]  # a code point no font draws
    except (UnicodeError, ValueError):
        missing = None
    out = []
    for char in text:
        try:
            absent = not char.isascii() and bytes(font.getmask(char)) == missing  # type: ignore[attr-defined]
        except (UnicodeError, ValueError):  # a bitmap font: Latin-1 only
            absent = True
        out.append(ASCII.get(char, "?") if absent else char)
    return "".join(out)


def heatmap_title(attribution: Attribution, class_names: Sequence[str]) -> str:
    """"integrated gradients — class 7 (vs 1), completeness gap 0.12%": the PNG's title line."""
    def name(index: int) -> str:
        return class_names[index] if 0 <= index < len(class_names) else str(index)

    title = f"{TITLES.get(attribution.method, attribution.method)} — class {name(attribution.target)}"
    if attribution.contrast is not None:
        title += f" (vs {name(attribution.contrast)})"
    if attribution.method == INTEGRATED and attribution.check is not None:
        title += f", completeness gap {attribution.check.gap_percent:.2f}%"
    return title


def heatmap_png(path: Path | str, image: np.ndarray, attribution: Attribution, title: str, scale: int = 10,
                *, force: bool = False, paper: bool | None = None) -> Path:
    """Write the map over the digit (enlarged ``scale`` times), its colour bar with ±limit and 0, and ``title``.

    ``paper``: as :func:`overlay_on`. Atomic, and an existing file is refused (:class:`~guiapp.core.errors.OutputExistsError`) unless ``force``.
    """
    from PIL import Image, ImageDraw, ImageFont  # PIL only when a PNG is written

    from guiapp.core.atomic import atomic_path, refuse_overwrite

    path = Path(path)
    refuse_overwrite(path, force=force)
    limit = attribution.limit if np.isfinite(attribution.limit) else 0.0
    factor = png_scale(attribution.values.shape, scale)
    heat = upscaled(overlay_on(image, diverging_rgba(attribution.values, limit), paper), factor)
    map_h, map_w = heat.shape[:2]
    bar = on_white(colour_bar_rgba(map_h, BAR_WIDTH))

    font = ImageFont.load_default()
    title = drawable(title, font)
    probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    labels = [limit_label(limit), "0", limit_label(-limit)]
    label_w = max(int(np.ceil(probe.textlength(text, font=font))) for text in labels)
    _, _, title_w, title_bottom = probe.textbbox((0, 0), title, font=font)
    title_h = title_bottom + MARGIN
    width = max(MARGIN + map_w + GAP + BAR_WIDTH + GAP + label_w + MARGIN, title_w + 2 * MARGIN)
    height = MARGIN + title_h + map_h + MARGIN

    canvas = Image.new("RGB", (width, height), BACKGROUND)
    draw = ImageDraw.Draw(canvas)
    draw.text((MARGIN, MARGIN), title, fill=INK, font=font)
    map_top, bar_left = MARGIN + title_h, MARGIN + map_w + GAP
    canvas.paste(Image.fromarray(heat, "RGB"), (MARGIN, map_top))
    canvas.paste(Image.fromarray(bar, "RGB"), (bar_left, map_top))
    draw.rectangle((MARGIN - 1, map_top - 1, MARGIN + map_w, map_top + map_h), outline=FRAME)
    draw.rectangle((bar_left - 1, map_top - 1, bar_left + BAR_WIDTH, map_top + map_h), outline=INK)
    # Top, middle and bottom of the bar; measured rather than anchored: a bitmap font has no anchors.
    text_h = probe.textbbox((0, 0), "+0.5", font=font)[3]
    rows = (map_top, map_top + (map_h - text_h) // 2, map_top + map_h - text_h)
    for text, y in zip(labels, rows, strict=True):
        draw.text((bar_left + BAR_WIDTH + GAP, y), text, fill=INK, font=font)
    with atomic_path(path) as tmp:
        canvas.save(tmp, format="PNG")
    return path


__all__ = [
    "BAR_WIDTH",
    "GAP",
    "MARGIN",
    "MAX_ALPHA",
    "MAX_SIDE",
    "PAPER_INK",
    "colour_bar_rgba",
    "diverging_rgba",
    "drawable",
    "grey_of",
    "heatmap_png",
    "heatmap_title",
    "limit_label",
    "on_white",
    "overlay_on",
    "png_scale",
    "upscaled",
]
