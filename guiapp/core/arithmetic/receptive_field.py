"""Which input pixels a unit sees: receptive fields computed from the layers, not hard-coded.

Every spatial layer (convolution — plain, depthwise or separable —, pooling, zero padding,
or a layer that changes nothing spatially) maps an output position to a window of its
input: rows ``y·S − P … y·S − P + F − 1``.
Walking that rule back from any unit to the image gives its receptive field:
3×3 after conv 1, 5×5 after conv 2, 6×6 after the 2×2 max-pool.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from guiapp.core.arithmetic.conv_arithmetic import conv_axis, pair, zero_padding_sides
from guiapp.core.arithmetic.layer_formulas import IDENTITY_KINDS

__all__ = [
    "POOL_KINDS", "ChainStop", "Field", "LayerInfo", "Window", "chain_stop", "field_of", "read_field", "spatial_chains",
    "window_of",
]

Shape = tuple[int, ...]
CONV_KINDS = ("Conv2D", "DepthwiseConv2D", "SeparableConv2D")  # a separable conv's window is its depthwise one
POOL_KINDS = ("MaxPooling2D", "AveragePooling2D")
# Layers that keep every value where it was (inference-time identity or elementwise).
PASS_THROUGH_KINDS = (*IDENTITY_KINDS, "BatchNormalization", "LayerNormalization", "Rescaling", "Normalization")
# Where a map becomes a vector: each entry still comes from known map positions (the tracer follows them).
IMAGE_ENDS = ("Flatten", "GlobalAveragePooling2D", "GlobalMaxPooling2D")
# Layers on a vector whose inputs the tracer knows: all of them (Dense) or the same entry (the rest).
VECTOR_KINDS = ("Dense", *PASS_THROUGH_KINDS)


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
    input_size: tuple[int, int] | None = None  # (H, W) of the map it reads, when known: rows outside are padding

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
    if info.kind in PASS_THROUGH_KINDS or (info.kind == "Dense" and info.input_shape[:2] == info.output_shape[:2]):
        return IDENTITY_WINDOW  # a Dense on a map mixes the channels at each position, like a 1×1 conv
    if info.kind == "ZeroPadding2D":
        (top, _), (left, _) = zero_padding_sides(cfg.get("padding", 1))
        # Output (y, x) is input (y − top, x − left); the border reads nothing.
        return Window((1, 1), (1, 1), (top, left), input_size=(info.input_shape[0], info.input_shape[1]))
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
    return Window((axes[0].kernel, axes[1].kernel), stride, (axes[0].pad_before, axes[1].pad_before), dilation,
                  (info.input_shape[0], info.input_shape[1]))


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


@dataclass(frozen=True)
class ChainStop:
    """The first layer whose outputs guiapp cannot map back to its inputs: tracing ends there."""

    layer: str
    kind: str

    @property
    def sentence(self) -> str:
        return (f"tracing stops at {self.layer} ({self.kind}): guiapp does not know how its outputs map to "
                "its inputs")


def chain_stop(layers: Sequence[LayerInfo]) -> ChainStop | None:
    """Where tracing stops before the last layer, or None when every layer's inputs are known.

    Windows map a map to a map; flattening or global pooling turns it into a vector whose entries
    still come from known positions, and a vector layer (Dense, an activation) reads known entries.
    Anything else — a reshape, an upsampling, a layer from a plugin — ends the trail.
    """
    for info in layers:
        if window_of(info) is not None or info.kind in IMAGE_ENDS:
            continue
        if info.kind in VECTOR_KINDS and len(info.input_shape) == 1:
            continue
        return ChainStop(info.name, info.kind)
    return None


def field_of(chain: Sequence[Window], y: int, x: int) -> Field:
    """The receptive field on the input of output unit (y, x) at the end of ``chain``."""
    top, left, bottom, right = y, x, y + 1, x + 1  # rows [top, bottom) at the current layer
    for window in reversed(chain):
        (fh, fw), (sh, sw), (ph, pw) = window.size, window.stride, window.pad
        top, bottom = top * sh - ph, (bottom - 1) * sh - ph + fh
        left, right = left * sw - pw, (right - 1) * sw - pw + fw
    return Field(top, left, bottom, right)


def read_field(chain: Sequence[Window], y: int, x: int) -> Field | None:
    """The smallest box around the input pixels unit (y, x) actually reads, or None when it reads only padding.

    :func:`field_of` is the window's full extent (the same size for every unit, what a patch gallery
    needs); this one leaves out what the unit never touches: the padding of every layer on the way
    (a border the network added reads no pixel) and the holes of dilated windows. Rows and columns
    are followed as sets, one axis at a time: every window here treats the two axes separately.
    """
    rows, cols = {y}, {x}
    for window in reversed(chain):
        limit = window.input_size
        rows = _taps(rows, window, 0, limit[0] if limit else None)
        cols = _taps(cols, window, 1, limit[1] if limit else None)
        if not rows or not cols:
            return None
    return Field(min(rows), min(cols), max(rows) + 1, max(cols) + 1)


def _taps(positions: set[int], window: Window, axis: int, size: int | None) -> set[int]:
    """The input positions along one axis that the output ``positions`` read (only those inside the map)."""
    stride, pad, step = window.stride[axis], window.pad[axis], window.dilation[axis]
    offsets = range(0, window.size[axis], step)  # the taps of a dilated window, D apart
    taps = {p * stride - pad + offset for p in positions for offset in offsets}
    return taps if size is None else {t for t in taps if 0 <= t < size}
