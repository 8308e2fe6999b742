"""``guiapp explain --size PX``: the heatmap figure PX pixels wide, for a slide.

The title, the map, the colour bar and its numbers are laid out once for a figure :data:`BASE` pixels wide and
scaled as one: at twice the size everything is twice as large, the type included (a slide's figure is read from
the back row, not a 400-pixel thumbnail with 11-pixel letters). The map keeps whole pixels: each input pixel is
a square of the same size, the largest that fits.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from guiapp.core.errors import GuiappError

MIN_SIZE, MAX_SIZE = 200, 4000  # pixels wide: a thumbnail to a 4K slide
BASE = 400  # the width the layout below is drawn for
MARGIN, GAP, BAR_WIDTH = 12, 8, 18  # at BASE
TITLE_PT, LABEL_PT = 16, 14  # type sizes at BASE
LINE = 1.25  # line height over type size
LABEL_SLACK = 1.1  # room for a font's hinting at a larger size
BACKGROUND, INK, FRAME = (255, 255, 255), (0, 0, 0), (160, 160, 160)


def check_size(value: int) -> int:
    """``value`` if it is a figure width guiapp draws; one line otherwise."""
    if not (isinstance(value, int) and MIN_SIZE <= value <= MAX_SIZE):
        raise GuiappError(f"--size {value}: the figure's width in pixels, from {MIN_SIZE} to {MAX_SIZE}")
    return value


def figure_size(text: str | None) -> int | None:
    """--size's value as a width in pixels (None: not given); one line for anything else."""
    if text is None:
        return None
    try:
        value = int(str(text).strip())
    except ValueError:
        raise GuiappError(f"--size {text}: the figure's width in pixels, a whole number from {MIN_SIZE} to "
                          f"{MAX_SIZE}") from None
    return check_size(value)


def _font(size: float):  # noqa: ANN202 — a PIL font
    from PIL import ImageFont

    return ImageFont.load_default(size=max(1.0, size))


def _wrapped(text: str, font: object, width: float) -> list[str]:
    """``text`` in lines no wider than ``width`` at ``font`` (a word longer than a line gets a line of its own)."""
    lines: list[str] = []
    for word in text.split(" "):
        trial = f"{lines[-1]} {word}" if lines else word
        if lines and font.getlength(trial) <= width:  # type: ignore[attr-defined]
            lines[-1] = trial
        else:
            lines.append(word)
    return lines or [""]


def figure_png(path: Path | str, image: np.ndarray, attribution: object, title: str, size: int, *,
               force: bool = False, paper: bool | None = None) -> Path:
    """Write the heatmap figure ``size`` pixels wide to ``path`` (atomically; an existing file only with ``force``)."""
    from PIL import Image, ImageDraw

    from guiapp.core.atomic import atomic_path, refuse_overwrite
    from guiapp.core.explain.heatmap import colour_bar_rgba, diverging_rgba, drawable, limit_label, on_white, overlay_on

    size = check_size(size)
    path = Path(path)
    refuse_overwrite(path, force=force)
    values = np.asarray(attribution.values)  # type: ignore[attr-defined]
    limit = float(attribution.limit) if np.isfinite(attribution.limit) else 0.0  # type: ignore[attr-defined]
    labels = [limit_label(limit), "0", limit_label(-limit)]

    # The layout at BASE width, measured with the BASE fonts: the same lines and proportions at every size.
    base_title, base_label = _font(TITLE_PT), _font(LABEL_PT)
    title = drawable(title, base_title)
    label_w = LABEL_SLACK * max(base_label.getlength(text) for text in labels)
    map_w = BASE - 2 * MARGIN - 2 * GAP - BAR_WIDTH - label_w
    lines = _wrapped(title, base_title, BASE - 2 * MARGIN)
    title_h = len(lines) * TITLE_PT * LINE
    rows, cols = values.shape[:2]
    map_h = map_w * rows / cols
    base_height = MARGIN + title_h + GAP + map_h + MARGIN

    k = size / BASE
    height = round(base_height * k)
    canvas = Image.new("RGB", (size, height), BACKGROUND)
    draw = ImageDraw.Draw(canvas)
    title_font, label_font = _font(TITLE_PT * k), _font(LABEL_PT * k)
    for number, line in enumerate(lines):
        draw.text((round(MARGIN * k), round((MARGIN + number * TITLE_PT * LINE) * k)), line, fill=INK, font=title_font)

    # The map: whole input pixels as equal squares, as large as fit, centred in its box.
    box_left, box_top = round(MARGIN * k), round((MARGIN + title_h + GAP) * k)
    box_w, box_h = round(map_w * k), round(map_h * k)
    factor = max(1, min(box_w // cols, box_h // rows))
    heat = overlay_on(image, diverging_rgba(values, limit), paper)
    heat = np.repeat(np.repeat(heat, factor, axis=0), factor, axis=1)
    left, top = box_left + (box_w - heat.shape[1]) // 2, box_top + (box_h - heat.shape[0]) // 2
    canvas.paste(Image.fromarray(heat, "RGB"), (left, top))
    line_w = max(1, round(k))
    draw.rectangle((left - line_w, top - line_w, left + heat.shape[1] - 1 + line_w, top + heat.shape[0] - 1 + line_w),
                   outline=FRAME, width=line_w)

    # The colour bar beside the map's box, its numbers at the top, middle and bottom.
    bar_left, bar_w = box_left + box_w + round(GAP * k), max(2, round(BAR_WIDTH * k))
    bar = on_white(colour_bar_rgba(heat.shape[0], bar_w))
    canvas.paste(Image.fromarray(bar, "RGB"), (bar_left, top))
    draw.rectangle((bar_left - line_w, top - line_w, bar_left + bar_w - 1 + line_w, top + heat.shape[0] - 1 + line_w),
                   outline=INK, width=line_w)
    text_h = label_font.getbbox("+0.5")[3]
    ys = (top, top + (heat.shape[0] - text_h) // 2, top + heat.shape[0] - text_h)
    for text, y in zip(labels, ys, strict=True):
        draw.text((bar_left + bar_w + round(GAP * k), y), text, fill=INK, font=label_font)
    with atomic_path(path) as tmp:
        canvas.save(tmp, format="PNG")
    return path


__all__ = ["BASE", "MAX_SIZE", "MIN_SIZE", "check_size", "figure_png", "figure_size"]
