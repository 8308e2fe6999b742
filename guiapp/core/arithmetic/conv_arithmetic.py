"""Convolution and pooling arithmetic: ``OH = ⌊(H + 2P − F)/S⌋ + 1``, with the numbers shown.

Pure Python, no Keras. The same arithmetic explains Conv2D and the pooling layers;
Keras' ``valid``/``same`` paddings are special cases of an explicit padding, and
``same`` may pad one more row below than above (TensorFlow's convention).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Union

__all__ = [
    "MINUS", "TIMES", "AxisArithmetic", "Padding", "conv_axes", "conv_axis", "conv_output_shape", "conv_output_size",
    "pair", "same_padding", "spatial_formulas", "zero_padding_sides",
]

Padding = Union[int, str]  # an explicit number of rows/columns per side, or "valid" / "same"

MINUS = "−"
TIMES = "·"


@dataclass(frozen=True)
class AxisArithmetic:
    """How one spatial axis (height or width) goes through a conv or pooling window."""

    size: int  # H: the input size along this axis
    kernel: int  # F: the window size (after dilation)
    stride: int  # S
    pad_before: int  # rows added above (or columns on the left)
    pad_after: int  # rows added below (or columns on the right)
    output: int  # OH
    kernel_taps: int = 0  # K: taps before dilation (0 when there is no dilation)
    dilation: int = 1

    @property
    def total_padding(self) -> int:
        """2P: all rows added on this axis."""
        return self.pad_before + self.pad_after

    @property
    def span(self) -> int:
        """H + 2P − F: how far the window travels."""
        return self.size + self.total_padding - self.kernel

    @property
    def remainder(self) -> int:
        """(H + 2P − F) mod S: rows at the end of the padded input the window never reaches."""
        return self.span % self.stride

    @property
    def exact(self) -> bool:
        return self.remainder == 0

    @property
    def unvisited(self) -> int:
        """Input rows (not padding) that no window position covers."""
        return max(0, self.remainder - self.pad_after)

    def formula(self, symbol: str = "OH") -> str:
        """The formula with this axis' numbers filled in, e.g. ``OH = (H + 2P − F)/S + 1 = …``."""
        h, p2, f, s = self.size, self.total_padding, self.kernel, self.stride
        if self.exact:
            return (
                f"{symbol} = (H + 2P {MINUS} F)/S + 1 = ({h} + {p2} {MINUS} {f})/{s} + 1 = {self.output}"
            )
        quotient = _format_fraction(self.span, s)
        return (
            f"{symbol} = ⌊(H + 2P {MINUS} F)/S⌋ + 1 = ⌊({h} + {p2} {MINUS} {f})/{s}⌋ + 1"
            f" = ⌊{quotient}⌋ + 1 = {self.output}"
        )

    def floor_note(self, noun: str = "row", plural: str = "rows") -> str:
        """Why the result is floored, or '' when the division is exact."""
        if self.exact:
            return ""
        lost = self.unvisited
        tail = (
            f"the last {lost} input {noun if lost == 1 else plural} never covered"
            if lost
            else "only padding is left out"
        )
        return (
            f"{self.span} is not divisible by {self.stride}: Keras floors it ({tail})"
        )

    def padding_note(self, noun_before: str = "top", noun_after: str = "bottom") -> str:
        """What P is for ``same`` padding, or '' when there is none."""
        if self.total_padding == 0:
            return "P = 0"
        if self.pad_before == self.pad_after:
            return f"P = {self.pad_before} on each side"
        return f"P = {self.total_padding / 2:g} ({self.pad_before} {noun_before}, {self.pad_after} {noun_after})"

    def dilation_note(self) -> str:
        if self.dilation == 1:
            return ""
        k, d = self.kernel_taps, self.dilation
        return f"F = D{TIMES}(K {MINUS} 1) + 1 = {d}{TIMES}({k} {MINUS} 1) + 1 = {self.kernel} (dilation {d})"


def _format_fraction(numerator: int, denominator: int) -> str:
    value = numerator / denominator
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return text if math.isclose(float(text), value) else f"{text}…"


def same_padding(size: int, kernel: int, stride: int) -> tuple[int, int]:
    """Rows Keras/TensorFlow add (before, after) for ``padding='same'``: output = ⌈H/S⌉."""
    output = -(-size // stride)
    total = max((output - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def conv_axis(
    size: int, kernel: int, stride: int = 1, padding: Padding = 0, dilation: int = 1
) -> AxisArithmetic:
    """The arithmetic of one axis; raises ``ValueError`` with a readable reason when impossible."""
    for label, value in (("input size", size), ("filter size", kernel), ("stride", stride), ("dilation", dilation)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{label} must be a positive whole number, not {value!r}")
    effective = dilation * (kernel - 1) + 1
    if isinstance(padding, str):
        mode = padding.lower()
        if mode == "valid":
            before = after = 0
        elif mode == "same":
            before, after = same_padding(size, effective, stride)
        else:
            raise ValueError(f"padding must be a number, 'valid' or 'same', not {padding!r}")
    else:
        if not isinstance(padding, int) or isinstance(padding, bool) or padding < 0:
            raise ValueError(f"padding must be zero or a positive whole number, not {padding!r}")
        before = after = padding
    padded = size + before + after
    if effective > padded:
        where = f"the {size}-wide input" if before + after == 0 else f"the {size}-wide input padded to {padded}"
        raise ValueError(f"a filter of size {effective} does not fit {where}")
    output = (padded - effective) // stride + 1
    return AxisArithmetic(
        size=size,
        kernel=effective,
        stride=stride,
        pad_before=before,
        pad_after=after,
        output=output,
        kernel_taps=kernel if dilation != 1 else 0,
        dilation=dilation,
    )


def conv_output_size(
    size: int, kernel: int, stride: int = 1, padding: Padding = 0, dilation: int = 1
) -> int:
    """``⌊(H + 2P − F)/S⌋ + 1`` for one axis."""
    return conv_axis(size, kernel, stride, padding, dilation).output


def pair(value: int | tuple[int, int] | list[int]) -> tuple[int, int]:
    """A 2-D setting as Keras takes it — one number for both axes, or (height, width) — as two ints."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"expected one number or two (height, width), not {value!r}")
        return int(value[0]), int(value[1])
    return int(value), int(value)


def zero_padding_sides(padding: int | tuple | list) -> tuple[tuple[int, int], tuple[int, int]]:
    """``ZeroPadding2D(padding)`` as ((top, bottom), (left, right)): Keras takes one number, one per axis,
    or one per side."""
    if isinstance(padding, (tuple, list)):
        if len(padding) != 2:
            raise ValueError(f"padding must be one number, two or ((top, bottom), (left, right)), not {padding!r}")
        rows, cols = pair(padding[0]), pair(padding[1])
    else:
        rows = cols = pair(padding)
    if min(*rows, *cols) < 0:
        raise ValueError(f"padding cannot be negative: {padding!r}")
    return rows, cols


def conv_axes(
    input_hw: tuple[int, int],
    kernel: int | tuple[int, int],
    stride: int | tuple[int, int] = 1,
    padding: Padding | tuple[int, int] = 0,
    dilation: int | tuple[int, int] = 1,
) -> tuple[AxisArithmetic, AxisArithmetic]:
    """The arithmetic of both axes (height, width)."""
    kh, kw = pair(kernel)
    sh, sw = pair(stride)
    dh, dw = pair(dilation)
    ph, pw = (padding, padding) if isinstance(padding, (str, int)) else pair(padding)
    return (
        conv_axis(input_hw[0], kh, sh, ph, dh),
        conv_axis(input_hw[1], kw, sw, pw, dw),
    )


def conv_output_shape(
    input_hw: tuple[int, int],
    kernel: int | tuple[int, int],
    stride: int | tuple[int, int] = 1,
    padding: Padding | tuple[int, int] = 0,
    dilation: int | tuple[int, int] = 1,
) -> tuple[int, int]:
    """(OH, OW) of a convolution or pooling window over an (H, W) input.

    >>> conv_output_shape((28, 31), 5, stride=3, padding=2)
    (10, 11)
    """
    h, w = conv_axes(input_hw, kernel, stride, padding, dilation)
    return h.output, w.output


def spatial_formulas(height: AxisArithmetic, width: AxisArithmetic, same: bool,
                     floor_notes: bool = True) -> list[str]:
    """The output-size lines of a layer: one line when both axes share their numbers.

    ``floor_notes=False`` leaves out why a division was floored (for a caller that says it its own way).
    """
    lines: list[str] = []
    if height.dilation != 1 or width.dilation != 1:
        notes = {height.dilation_note(), width.dilation_note()} - {""}
        lines.extend(sorted(notes))
    symmetric = (height.size, height.kernel, height.stride, height.pad_before, height.pad_after) == (
        width.size, width.kernel, width.stride, width.pad_before, width.pad_after,
    )
    if same:
        if symmetric:
            lines.append(
                f"padding='same': {height.padding_note('top/left', 'bottom/right')}, so that OH = OW = ⌈H/S⌉"
            )
        else:
            lines.append(f"padding='same': rows {height.padding_note()}, so that OH = ⌈H/S⌉")
            lines.append(f"padding='same': columns {width.padding_note('left', 'right')}, so that OW = ⌈W/S⌉")
    if symmetric:
        lines.append(height.formula("OH = OW"))
        note = height.floor_note("row and column", "rows and columns")
        if note and floor_notes:
            lines.append(note)
    else:
        lines.append(height.formula("OH"))
        lines.append(width.formula("OW").replace("(H + 2P", "(W + 2P"))
        for axis, noun in ((height, "row"), (width, "column")):
            note = axis.floor_note(noun, noun + "s")
            if note and floor_notes:
                lines.append(f"{'OH' if noun == 'row' else 'OW'}: {note}")
    return lines
