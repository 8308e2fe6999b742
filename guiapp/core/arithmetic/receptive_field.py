"""Which input pixels a unit sees: receptive fields computed from the layers, not hard-coded.

Every spatial layer (convolution, pooling, or a layer that changes nothing spatially)
maps an output position to a window of its input: rows ``y·S − P … y·S − P + F − 1``.
Walking that rule back from any unit to the image gives its receptive field:
3×3 after conv 1, 5×5 after conv 2, 6×6 after the 2×2 max-pool.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Mapping, Sequence

from guiapp.core.arithmetic.conv_arithmetic import conv_axis, pair
from guiapp.core.arithmetic.layer_formulas import IDENTITY_KINDS

Shape = tuple[int, ...]
CONV_KINDS = ("Conv2D", "DepthwiseConv2D")
POOL_KINDS = ("MaxPooling2D", "AveragePooling2D")
# Layers that keep every value where it was (inference-time identity or elementwise).
PASS_THROUGH_KINDS = (*IDENTITY_KINDS, "BatchNormalization", "LayerNormalization")


@dataclass(frozen=True)
class LayerInfo:
    """One layer of a sequential network: what it is, its settings and shapes."""

    name: str
    kind: str
    config: Mapping[str, Any]
    input_shape: Shape
    output_shape: Shape

    def __post_init__(self) -> None:
        object.__setattr__(self, "config", MappingProxyType(dict(self.config)))


@dataclass(frozen=True)
class Window:
    """How a spatial layer maps output position (y, x) to the input rows/columns it reads."""

    size: tuple[int, int]  # the window's extent in input pixels (dilated)
    stride: tuple[int, int]
    pad: tuple[int, int]  # padding above and to the left
    dilation: tuple[int, int] = (1, 1)

    def origin(self, y: int, x: int) -> tuple[int, int]:
        """Input (row, column) of the window's top-left tap; may lie in the padding (negative)."""
        return y * self.stride[0] - self.pad[0], x * self.stride[1] - self.pad[1]


IDENTITY_WINDOW = Window((1, 1), (1, 1), (0, 0))


@dataclass(frozen=True)
class Field:
    """Input rows ``top``…``bottom − 1`` and columns ``left``…``right − 1`` (may reach into padding)."""

    top: int
    left: int
    bottom: int
    right: int

    @property
    def size(self) -> tuple[int, int]:
        return self.bottom - self.top, self.right - self.left

    def clipped(self, height: int, width: int) -> Field:
        """The part that lies on the image (padding is zeros the network added)."""
        return Field(max(self.top, 0), max(self.left, 0), min(self.bottom, height), min(self.right, width))

    def union(self, other: Field) -> Field:
        return Field(min(self.top, other.top), min(self.left, other.left),
                     max(self.bottom, other.bottom), max(self.right, other.right))

    def text(self) -> str:
        h, w = self.size
        return f"{h}×{w} pixels: rows {self.top}–{self.bottom - 1}, columns {self.left}–{self.right - 1}"


def window_of(info: LayerInfo) -> Window | None:
    """The layer's window, or None when its output is not a map of its input's positions."""
    cfg = info.config
    if len(info.input_shape) != 3 or len(info.output_shape) != 3:
        return None
    if info.kind in PASS_THROUGH_KINDS:
        return IDENTITY_WINDOW
    if info.kind in CONV_KINDS:
        kernel = pair(cfg["kernel_size"])
        stride = pair(cfg.get("strides", 1))
        dilation = pair(cfg.get("dilation_rate", 1))
    elif info.kind in POOL_KINDS:
        kernel = pair(cfg["pool_size"])
        stride = pair(cfg.get("strides") or kernel)
        dilation = (1, 1)
    else:
        return None
    padding = str(cfg.get("padding", "valid"))
    axes = [conv_axis(info.input_shape[i], kernel[i], stride[i], padding, dilation[i]) for i in (0, 1)]
    return Window((axes[0].kernel, axes[1].kernel), stride, (axes[0].pad_before, axes[1].pad_before), dilation)


def spatial_chains(layers: Sequence[LayerInfo]) -> Mapping[str, tuple[Window, ...]]:
    """For every layer whose output is still a map of the image: the windows from the input to it."""
    chains: dict[str, tuple[Window, ...]] = {}
    chain: tuple[Window, ...] = ()
    for info in layers:
        window = window_of(info)
        if window is None:
            break
        chain = (*chain, window)
        chains[info.name] = chain
    return MappingProxyType(chains)


def field_of(chain: Sequence[Window], y: int, x: int) -> Field:
    """The receptive field on the input of output unit (y, x) at the end of ``chain``."""
    top, left, bottom, right = y, x, y + 1, x + 1  # rows [top, bottom) at the current layer
    for window in reversed(chain):
        (fh, fw), (sh, sw), (ph, pw) = window.size, window.stride, window.pad
        top, bottom = top * sh - ph, (bottom - 1) * sh - ph + fh
        left, right = left * sw - pw, (right - 1) * sw - pw + fw
    return Field(top, left, bottom, right)
