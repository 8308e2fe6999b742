"""The picture behind ``OH = ⌊(H + 2P − F)/S⌋ + 1``: a padded grid and the filter's positions on it.

Pure Python and numpy (no Qt): which cells are padding, where the window sits for
each output position, and which input rows and columns no position ever covers
(what Keras' flooring leaves out). The playground draws exactly this.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from guiapp.core.conv_arithmetic import AxisArithmetic, Padding, conv_axis, spatial_formulas


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
    Example("'same': 7×7, F 3, S 2", 7, 7, 3, 3, "same", 2),
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

    def position(self, index: int) -> tuple[int, int]:
        """Output (oy, ox) of the ``index``-th window position, row by row."""
        return divmod(index % self.positions, self.cols.output)

    def unvisited_rows(self) -> list[int]:
        """Input rows (0-based, not padding) that no window position covers."""
        return _unvisited(self.rows)

    def unvisited_cols(self) -> list[int]:
        return _unvisited(self.cols)

    def cell_kinds(self) -> np.ndarray:
        """(padded H, padded W) array: 0 padding, 1 input, 2 input never covered by the filter."""
        rows = np.zeros(self.padded_shape[0], np.int8)
        cols = np.zeros(self.padded_shape[1], np.int8)
        rows[self.rows.pad_before:self.rows.pad_before + self.rows.size] = 1
        cols[self.cols.pad_before:self.cols.pad_before + self.cols.size] = 1
        inside = (rows[:, None] == 1) & (cols[None, :] == 1)
        covered = _covered(self.rows)[:, None] & _covered(self.cols)[None, :]
        return np.where(inside, np.where(covered, 1, 2), 0).astype(np.int8)

    def explanation(self) -> list[str]:
        """The formula lines with this setting's numbers, and what is left out when it floors."""
        lines = spatial_formulas(self.rows, self.cols, self.same)
        axes = (("row", self.unvisited_rows(), self.rows), ("column", self.unvisited_cols(), self.cols))
        for noun, lost, axis in axes:
            if lost:
                which = f"{noun}s {_runs(lost)}" if len(lost) > 1 else f"{noun} {lost[0]}"
                why = "the stride is larger than the filter" if axis.stride > axis.kernel else "Keras floors"
                lines.append(f"input {which} never covered by any filter position ({why})")
        return lines


def _runs(values: list[int]) -> str:
    """[2, 5, 6, 7] → '2, 5–7'."""
    runs: list[list[int]] = []
    for v in values:
        if runs and v == runs[-1][-1] + 1:
            runs[-1].append(v)
        else:
            runs.append([v])
    return ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


def _unvisited(axis: AxisArithmetic) -> list[int]:
    covered = _covered(axis)[axis.pad_before:axis.pad_before + axis.size]
    return [int(i) for i in np.flatnonzero(~covered)]


def conv_grid(height: int, width: int, filter_height: int, filter_width: int,
              padding: Padding = 0, stride: int = 1) -> ConvGrid:
    """The grid for one setting; ValueError says why an impossible one is impossible."""
    rows = conv_axis(height, filter_height, stride, padding)
    cols = conv_axis(width, filter_width, stride, padding)
    return ConvGrid(rows, cols, same=isinstance(padding, str) and padding.lower() == "same")
