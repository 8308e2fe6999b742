"""The picture behind ``OH = ⌊(H + 2P − F)/S⌋ + 1``: a padded grid and the filter's positions on it.

Pure Python and numpy (no Qt): which cells are padding, where the window sits for
each output position, which input rows and columns no position ever covers (what
Keras' flooring leaves out, or what a stride longer than the filter jumps over),
and what to draw when the filter does not fit at all. The playground draws exactly this.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from guiapp.core.arithmetic.conv_arithmetic import (
    AxisArithmetic,
    Padding,
    conv_axis,
    spatial_formulas,
)

__all__ = [
    "EXAMPLES", "INPUT", "PADDING", "UNVISITED", "ConvGrid", "Example", "Misfit", "conv_grid", "misfit",
    "parse_padding",
]

PADDING, INPUT, UNVISITED = 0, 1, 2  # the kinds of cell in ConvGrid.cell_kinds()


@dataclass(frozen=True)
class Example:
    """A one-click setting of the playground."""

    label: str
    height: int
    width: int
    filter_height: int
    filter_width: int
    padding: Padding
    stride: int


EXAMPLES = (
    Example("Seed: 4×4, F 3, P 1, S 1", 4, 4, 3, 3, 1, 1),
    Example("Seed: 7×7, F 3, P 0, S 2", 7, 7, 3, 3, 0, 2),
    Example("Seed: 28×31, F 5, P 2, S 3", 28, 31, 5, 5, 2, 3),
    Example("MNIST conv 1: 28×28, F 3, valid", 28, 28, 3, 3, "valid", 1),
    Example("MNIST max-pool: 24×24, F 2, S 2", 24, 24, 2, 2, "valid", 2),
    Example("Floored: 28×28, F 5, S 2", 28, 28, 5, 5, 0, 2),
    Example("Floored pool: 25×25, F 2, S 2", 25, 25, 2, 2, "valid", 2),
    Example("Stride > filter: 11×11, F 2, S 3", 11, 11, 2, 2, 0, 3),
    Example("'same', uneven P: 6×6, F 3, S 2", 6, 6, 3, 3, "same", 2),
)


def parse_padding(text: str) -> Padding:
    """'valid', 'same' or a whole number ≥ 0; ValueError with a readable reason otherwise."""
    cleaned = text.strip().lower()
    if cleaned in ("valid", "same"):
        return cleaned
    try:
        value = int(cleaned)
    except ValueError:
        raise ValueError(f"padding must be a whole number, 'valid' or 'same', not {text.strip()!r}") from None
    if value < 0:
        raise ValueError(f"padding cannot be negative ({value})")
    return value


def _covered(axis: AxisArithmetic) -> np.ndarray:
    """Which positions of the padded axis some window position covers."""
    covered = np.zeros(axis.size + axis.total_padding, bool)
    for start in range(0, axis.output * axis.stride, axis.stride):
        covered[start:start + axis.kernel] = True
    return covered


def _unvisited(axis: AxisArithmetic) -> list[int]:
    covered = _covered(axis)[axis.pad_before:axis.pad_before + axis.size]
    return [int(i) for i in np.flatnonzero(~covered)]


def _runs(values: list[int]) -> str:
    """[2, 5, 6, 7] → '2, 5–7'."""
    runs: list[list[int]] = []
    for v in values:
        if runs and v == runs[-1][-1] + 1:
            runs[-1].append(v)
        else:
            runs.append([v])
    return ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


def _name(values: list[int], noun: str, plural: str) -> tuple[str, str]:
    """('rows 26–27', 'are') or ('row 27', 'is'); 'row and column 27' takes 'are'."""
    several = len(values) > 1
    return f"{plural if several else noun} {_runs(values)}", "are" if several or " and " in noun else "is"


def _axis_notes(axis: AxisArithmetic, noun: str, plural: str) -> list[str]:
    """Why some input rows are never covered: the floor drops the tail, a long stride skips gaps."""
    lost = _unvisited(axis)
    last_end = (axis.output - 1) * axis.stride + axis.kernel - axis.pad_before  # input index after the last window
    tail = [i for i in lost if i >= last_end]
    gaps = [i for i in lost if i < last_end]
    notes = []
    if not axis.exact:
        s = axis.stride
        head = f"{axis.span} is not divisible by {s}: Keras floors {axis.span}/{s} to {axis.span // s}"
        if tail:
            which, verb = _name(tail, noun, plural)
            notes.append(f"{head}, so input {which} {verb} never covered by any filter position")
        else:
            notes.append(f"{head}; only padding is left out, every input {noun} is still covered")
    if gaps:
        which, verb = _name(gaps, noun, plural)
        notes.append(
            f"the stride {axis.stride} is longer than the filter {axis.kernel}: the window jumps over"
            f" input {which}, never covering {'it' if verb == 'is' else 'them'}"
        )
    return notes


@dataclass(frozen=True)
class ConvGrid:
    """One convolution (or pooling) setting, both axes."""

    rows: AxisArithmetic
    cols: AxisArithmetic
    same: bool = False

    @property
    def output_shape(self) -> tuple[int, int]:
        return self.rows.output, self.cols.output

    @property
    def padded_shape(self) -> tuple[int, int]:
        return self.rows.size + self.rows.total_padding, self.cols.size + self.cols.total_padding

    @property
    def positions(self) -> int:
        return self.rows.output * self.cols.output

    def window(self, oy: int, ox: int) -> tuple[int, int, int, int]:
        """(top, left, bottom, right) of the window for output (oy, ox), in padded-grid cells."""
        if not (0 <= oy < self.rows.output and 0 <= ox < self.cols.output):
            raise IndexError(f"no output position ({oy}, {ox}) in {self.rows.output}×{self.cols.output}")
        top, left = oy * self.rows.stride, ox * self.cols.stride
        return top, left, top + self.rows.kernel, left + self.cols.kernel

    def input_window(self, oy: int, ox: int) -> tuple[range, range]:
        """The input rows and columns (0-based, padding excluded) under the window for (oy, ox); may be empty."""
        top, left, bottom, right = self.window(oy, ox)

        def inside(start: int, stop: int, axis: AxisArithmetic) -> range:
            return range(max(start - axis.pad_before, 0), min(stop - axis.pad_before, axis.size))

        return inside(top, bottom, self.rows), inside(left, right, self.cols)

    def position(self, index: int) -> tuple[int, int]:
        """Output (oy, ox) of the ``index``-th window position, row by row."""
        return divmod(index % self.positions, self.cols.output)

    def unvisited_rows(self) -> list[int]:
        """Input rows (0-based, not padding) that no window position covers."""
        return _unvisited(self.rows)

    def unvisited_cols(self) -> list[int]:
        """Input columns (0-based, not padding) that no window position covers."""
        return _unvisited(self.cols)

    def cell_kinds(self) -> np.ndarray:
        """(padded H, padded W) array of PADDING, INPUT, or UNVISITED (input no filter position covers)."""
        inside = _inside(self.rows)[:, None] & _inside(self.cols)[None, :]
        covered = _covered(self.rows)[:, None] & _covered(self.cols)[None, :]
        return np.where(inside, np.where(covered, INPUT, UNVISITED), PADDING).astype(np.int8)

    def explanation(self) -> list[str]:
        """The formula lines with this setting's numbers, and what is left out, and why."""
        lines = spatial_formulas(self.rows, self.cols, self.same, floor_notes=False)  # said below, with the rows
        if self.same and (self.rows.pad_before != self.rows.pad_after or self.cols.pad_before != self.cols.pad_after):
            lines.append("TensorFlow puts the odd padding row at the bottom and the odd column on the right")
        if self.rows == self.cols:
            lines.extend(_axis_notes(self.rows, "row and column", "rows and columns"))
        else:
            lines.extend(f"OH: {note}" for note in _axis_notes(self.rows, "row", "rows"))
            lines.extend(f"OW: {note}" for note in _axis_notes(self.cols, "column", "columns"))
        return lines


def _inside(axis: AxisArithmetic) -> np.ndarray:
    inside = np.zeros(axis.size + axis.total_padding, bool)
    inside[axis.pad_before:axis.pad_before + axis.size] = True
    return inside


def conv_grid(height: int, width: int, filter_height: int, filter_width: int,
              padding: Padding = 0, stride: int = 1) -> ConvGrid:
    """The grid for one setting; ValueError says why an impossible one is impossible."""
    rows = conv_axis(height, filter_height, stride, padding)
    cols = conv_axis(width, filter_width, stride, padding)
    return ConvGrid(rows, cols, same=isinstance(padding, str) and padding.lower() == "same")


@dataclass(frozen=True)
class Misfit:
    """A filter larger than the padded input: what the playground draws instead of a result."""

    height: int
    width: int
    padding: int
    filter_height: int
    filter_width: int

    @property
    def padded_shape(self) -> tuple[int, int]:
        return self.height + 2 * self.padding, self.width + 2 * self.padding

    def cell_kinds(self) -> np.ndarray:
        """(padded H, padded W) array of PADDING or INPUT."""
        kinds = np.full(self.padded_shape, PADDING, np.int8)
        p = self.padding
        kinds[p:p + self.height, p:p + self.width] = INPUT
        return kinds


def misfit(height: int, width: int, filter_height: int, filter_width: int, padding: Padding) -> Misfit | None:
    """The misfit to draw when the filter overhangs the padded input; None when it fits or there is nothing to draw."""
    if isinstance(padding, str):
        if padding.lower() != "valid":
            return None  # 'same' always fits; anything else is not a padding
        padding = 0
    if min(height, width, filter_height, filter_width) < 1 or padding < 0:
        return None
    if filter_height <= height + 2 * padding and filter_width <= width + 2 * padding:
        return None
    return Misfit(height, width, padding, filter_height, filter_width)
