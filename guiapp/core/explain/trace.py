"""Trace one unit back to the pixels: the window it read, the weights, the sums that made its value.

Pure numpy on one :class:`InferenceResult` and the layer weights, recomputed in float64
so every number shown adds up: a conv unit is ``Σ window·kernel + bias`` then its
activation; a max-pool unit is the largest of its window; a dense unit is
``Σ weight·input + bias``, with the largest terms traced to where they sit in the maps.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from guiapp.core.arithmetic.conv_arithmetic import zero_padding_sides
from guiapp.core.arithmetic.layer_formulas import IDENTITY_KINDS
from guiapp.core.arithmetic.receptive_field import (
    POOL_KINDS,
    ChainStop,
    Field,
    LayerInfo,
    Window,
    chain_stop,
    read_field,
    window_of,
)
from guiapp.core.model.inference import InferenceResult, Inspector, LayerWeights
from guiapp.core.model.limits import UNIT_RANGE
from guiapp.core.model.numpy_engine import (
    NotSupported,
    activation,
    elementwise_function,
)

__all__ = [
    "INPUT", "Contribution", "ConvTrace", "DenseTrace", "PassTrace", "PoolTrace", "Tracer", "UnitTrace",
    "apply_activation",
]

TOP_CONTRIBUTIONS = 8  # dense inputs listed per traced unit
INPUT = "input"  # the name used for the network's input image
# Value-by-value layers whose arithmetic the trace shows from their settings alone.
ELEMENTWISE_KINDS = ("Activation", "ReLU", "LeakyReLU", "ELU", "Rescaling")


def apply_activation(name: str | None, pre: np.ndarray) -> np.ndarray:
    """The layer's activation on its pre-activations (softmax over the last axis), exactly as the NumPy
    engine computes it; KeyError if unknown."""
    if name == "softmax":
        shifted = pre - pre.max(axis=-1, keepdims=True)
        e = np.exp(shifted)
        return e / e.sum(axis=-1, keepdims=True)
    try:
        return activation(name)(pre)
    except NotSupported:
        raise KeyError(name) from None


@dataclass(frozen=True)
class ConvTrace:
    """A convolution unit: window × kernel, summed per input channel, plus bias, then activation."""

    origin: tuple[int, int]  # the window's top-left tap in the source (negative: padding)
    window: np.ndarray  # (FH, FW, Cin) source values (zeros in the padding)
    kernel: np.ndarray  # (FH, FW, Cin)
    products: np.ndarray  # (FH, FW, Cin)
    channel_sums: np.ndarray  # (Cin,)
    total: float  # Σ products
    bias: float
    pre_activation: float  # total + bias
    activation: str | None
    value: float  # after the activation
    source_channels: tuple[int, ...] = ()  # the source channels the window holds: () all; a depthwise conv reads one


@dataclass(frozen=True)
class PoolTrace:
    """A pooling unit: its window on one channel and the winner (max) or the mean."""

    origin: tuple[int, int]
    window: np.ndarray  # (PH, PW) source values
    valid: np.ndarray  # (PH, PW) bool: inside the source (not padding)
    winner: tuple[int, int] | None  # (dy, dx) of the max within the window; None for average pooling
    value: float


@dataclass(frozen=True)
class Contribution:
    """One input of a dense unit: its value, the weight it is multiplied by, and where it comes from."""

    index: int  # position in the dense layer's input vector
    value: float
    weight: float
    product: float
    source: str  # the map layer it was flattened from, or the previous layer
    location: tuple[int, ...]  # (y, x, c) in ``source`` when it is a map, else (index,)
    field: Field | None  # its receptive field on the input image


@dataclass(frozen=True)
class DenseTrace:
    """A dense unit: Σ weight·input over all inputs (the largest listed), plus bias, then activation."""

    inputs: int
    top: tuple[Contribution, ...]  # the largest |weight·input| terms, largest first
    total: float  # Σ over all inputs
    rest: float  # Σ over the inputs not listed
    active_inputs: int  # inputs that are not zero
    bias: float
    pre_activation: float
    activation: str | None
    value: float
    logits: np.ndarray | None = None  # all pre-activations, when the activation is softmax


@dataclass(frozen=True)
class PassTrace:
    """A layer that passes the value through unchanged at inference (dropout, flatten)."""

    source: str
    location: tuple[int, ...]
    value: float
    note: str


Detail = ConvTrace | PoolTrace | DenseTrace | PassTrace


@dataclass(frozen=True)
class UnitTrace:
    """Everything about one unit of one layer for the current drawing."""

    layer: str
    kind: str
    index: tuple[int, ...]  # (y, x, c) for maps, (i,) for vectors
    shown: float  # the value the network computed (what the view shows)
    source: str  # the layer (or "input") this unit reads
    field: Field | None  # receptive field on the input image, clipped to it (None: none, or not known)
    detail: Detail | None
    reason: str = ""  # why there is no detail
    stop: str = ""  # why the trail to the image ends before this layer (a layer guiapp cannot map back), or ""

    @property
    def value(self) -> float:
        """The recomputed value (equals ``shown`` up to float32 rounding)."""
        detail = self.detail
        return self.shown if detail is None else float(detail.value)


class Tracer:
    """Traces units of one sequential network; built once per model."""

    def __init__(self, layers: Sequence[LayerInfo], weights: Mapping[str, LayerWeights],
                 chains: Mapping[str, tuple[Window, ...]],
                 input_range: tuple[float, float] = UNIT_RANGE) -> None:
        self.layers = tuple(layers)
        self.weights = weights
        self.chains = chains
        #: The values the first layer reads: the 0..1 image scaled to this range (as the Inspector scales it).
        self.input_range = input_range
        self._position = {info.name: i for i, info in enumerate(self.layers)}
        #: The first layer whose outputs cannot be mapped back to its inputs (None: every layer's can).
        #: Its units, and every later layer's, carry :attr:`ChainStop.sentence` in ``UnitTrace.stop``.
        self.stop: ChainStop | None = chain_stop(self.layers)
        self._stop_position = self._position[self.stop.layer] if self.stop else len(self.layers)

    @classmethod
    def for_inspector(cls, inspector: Inspector) -> Tracer | None:
        """A tracer for an :class:`Inspector`, or None when its layers are not a simple chain."""
        if not inspector.sequential:
            return None
        return cls(inspector.layer_infos, inspector.weights, inspector.chains, inspector.input_range)

    def info(self, name: str) -> LayerInfo:
        return self.layers[self._position[name]]

    def source_of(self, name: str) -> str:
        position = self._position[name]
        return INPUT if position == 0 else self.layers[position - 1].name

    def input_values(self, result: InferenceResult) -> np.ndarray:
        """The image as the first layer read it: (H, W, C) — C = 1 grey, 3 RGB — in the model's value range."""
        image = np.asarray(result.image, np.float64)
        if image.ndim == 2:
            image = image[:, :, np.newaxis]
        low, high = self.input_range
        return image if (low, high) == UNIT_RANGE else image * (high - low) + low

    def source_values(self, result: InferenceResult, name: str) -> np.ndarray:
        source = self.source_of(name)
        if source == INPUT:
            return self.input_values(result)
        return np.asarray(result.layer(source).activation, np.float64)

    def copied_from(self, name: str) -> str:
        """The layer whose values ``name`` holds at inference: a dropout's source (recursively), else itself."""
        while name != INPUT and IDENTITY_KINDS.get(self.info(name).kind) in ("dropout", "noise"):
            name = self.source_of(name)
        return name

    def field(self, name: str, y: int, x: int) -> Field | None:
        """Unit (y, x)'s receptive field on the image; None when unknown or all padding (a zero-padding border)."""
        chain = self.chains.get(name)
        if not chain:
            return None
        field = read_field(chain, y, x)
        return field.clipped(*self._input_hw()) if field is not None else None

    def _input_hw(self) -> tuple[int, int]:
        shape = self.layers[0].input_shape
        return int(shape[0]), int(shape[1])

    # ----------------------------------------------------------------------- the trace

    def trace(self, result: InferenceResult, name: str, index: Sequence[int]) -> UnitTrace:
        """Trace unit ``index`` ((y, x, c) or (i,)) of layer ``name``; IndexError if it is outside."""
        info = self.info(name)
        activation = result.layer(name).activation
        index = tuple(int(i) for i in index)
        if len(index) != activation.ndim or any(not 0 <= i < n for i, n in zip(index, activation.shape)):
            raise IndexError(f"{name} has no unit {index}: its output is {activation.shape}")
        shown = float(activation[index])
        source = self.source_of(name)
        field = self.field(name, index[0], index[1]) if activation.ndim == 3 else None
        weights = self.weights.get(name)
        cfg = info.config
        stop = self.stop.sentence if self.stop and self._position[name] >= self._stop_position else ""
        has_kernel = weights is not None and weights.kernel is not None
        try:
            if info.kind in ("Conv2D", "DepthwiseConv2D") and has_kernel:
                if int(cfg.get("groups", 1)) != 1:
                    return UnitTrace(name, info.kind, index, shown, source, field, None, "grouped convolution",
                                     stop)
                detail: Detail = self._conv(result, info, weights, index)
            elif info.kind in POOL_KINDS:
                detail = self._pool(result, info, index)
            elif info.kind == "Dense" and has_kernel and activation.ndim == 1:
                detail = self._dense(result, info, weights, index[0])
            elif IDENTITY_KINDS.get(info.kind) in ("dropout", "noise") or info.kind in ELEMENTWISE_KINDS:
                detail = self._pass(result, info, index)
            elif info.kind == "ZeroPadding2D":
                detail = self._zero_padding(result, info, index)
            elif info.kind == "Flatten":
                detail = self._flatten(result, info, index[0])
            else:
                reason = (stop if self.stop and name == self.stop.layer
                          else f"no step-by-step arithmetic for {info.kind} layers")
                return UnitTrace(name, info.kind, index, shown, source, field, None, reason, stop)
        except KeyError as exc:  # an activation function this tracer does not know
            return UnitTrace(name, info.kind, index, shown, source, field, None, f"unknown activation {exc}", stop)
        except NotSupported as exc:  # settings the element-wise functions do not take
            return UnitTrace(name, info.kind, index, shown, source, field, None, str(exc), stop)
        if isinstance(detail, PassTrace) and detail.location and len(detail.location) == 3:
            field = self.field(detail.source, detail.location[0], detail.location[1]) or field
        return UnitTrace(name, info.kind, index, shown, source, field, detail, "", stop)

    def _conv(self, result: InferenceResult, info: LayerInfo, weights: LayerWeights,
              index: tuple[int, ...]) -> ConvTrace:
        y, x, c = index
        window = window_of(info)
        assert window is not None
        source = self.source_values(result, info.name)
        channels: tuple[int, ...] = ()
        if info.kind == "DepthwiseConv2D":  # output channel c = k·M + m: input channel k under its kernel m
            k, m = divmod(c, weights.kernel.shape[3])
            channels, source = (k,), source[:, :, k:k + 1]
            kernel = np.asarray(weights.kernel[:, :, k:k + 1, m], np.float64)
        else:
            kernel = np.asarray(weights.kernel[:, :, :, c], np.float64)
        oy, ox = window.origin(y, x)
        fh, fw = kernel.shape[:2]
        dy, dx = window.dilation
        rows = oy + dy * np.arange(fh)
        cols = ox + dx * np.arange(fw)
        values = _gather(source, rows, cols)
        products = values * kernel
        channel_sums = products.sum(axis=(0, 1))
        total = float(channel_sums.sum())
        bias = float(weights.bias[c]) if weights.bias is not None else 0.0
        pre = total + bias
        act = info.config.get("activation")
        value = float(apply_activation(act, np.array([pre]))[0]) if act != "softmax" else float("nan")
        return ConvTrace((oy, ox), values, kernel, products, channel_sums, total, bias, pre, act, value, channels)

    def _pool(self, result: InferenceResult, info: LayerInfo, index: tuple[int, ...]) -> PoolTrace:
        y, x, c = index
        window = window_of(info)
        assert window is not None
        source = self.source_values(result, info.name)[:, :, c]
        oy, ox = window.origin(y, x)
        rows = oy + np.arange(window.size[0])
        cols = ox + np.arange(window.size[1])
        valid = ((rows >= 0) & (rows < source.shape[0]))[:, None] & ((cols >= 0) & (cols < source.shape[1]))[None, :]
        values = _gather(source[:, :, None], rows, cols)[:, :, 0]
        if info.kind == "MaxPooling2D":
            masked = np.where(valid, values, -np.inf)
            flat = int(np.argmax(masked))
            winner = divmod(flat, values.shape[1])
            return PoolTrace((oy, ox), values, valid, winner, float(masked.flat[flat]))
        # Keras' average pooling with 'same' padding divides by the taps inside the input only.
        return PoolTrace((oy, ox), values, valid, None, float(values[valid].mean()))

    def _map_shape_before_flatten(self, name: str, size: int) -> tuple[str, tuple[int, ...]] | None:
        """(map layer, its shape) when a dense layer's inputs are a flattened map, else None."""
        source = self.source_of(name)
        if source == INPUT or self.info(source).kind != "Flatten":
            return None
        flat_source = self.copied_from(self.source_of(source))
        shape = self.info(source).input_shape
        if flat_source == INPUT or len(shape) != 3 or int(np.prod(shape)) != size:
            return None
        return flat_source, tuple(shape)

    def _dense(self, result: InferenceResult, info: LayerInfo, weights: LayerWeights, unit: int) -> DenseTrace:
        inputs = self.source_values(result, info.name).reshape(-1)
        column = np.asarray(weights.kernel[:, unit], np.float64)  # one column, not the whole kernel
        products = inputs * column
        order = np.argsort(-np.abs(products), kind="stable")[:TOP_CONTRIBUTIONS]
        order = [int(i) for i in order if products[i] != 0.0]
        total = float(products.sum())
        bias = float(weights.bias[unit]) if weights.bias is not None else 0.0
        pre = total + bias
        act = info.config.get("activation")
        logits = None
        if act == "softmax":
            bias_all = np.asarray(weights.bias, np.float64) if weights.bias is not None else 0.0
            logits = inputs @ np.asarray(weights.kernel, np.float64) + bias_all
            value = float(apply_activation("softmax", logits)[unit])
        else:
            value = float(apply_activation(act, np.array([pre]))[0])
        mapped = self._map_shape_before_flatten(info.name, inputs.size)
        top = []
        for i in order:
            if mapped is not None:
                src, shape = mapped
                loc = tuple(int(v) for v in np.unravel_index(i, shape))
                field = self.field(src, loc[0], loc[1])
            else:
                src, loc, field = self.copied_from(self.source_of(info.name)), (i,), None
            top.append(Contribution(i, float(inputs[i]), float(column[i]), float(products[i]), src, loc, field))
        rest = total - sum(c.product for c in top)
        return DenseTrace(inputs.size, tuple(top), total, rest, int(np.count_nonzero(inputs)), bias, pre, act,
                          value, logits)

    def _pass(self, result: InferenceResult, info: LayerInfo, index: tuple[int, ...]) -> PassTrace:
        """A value-by-value layer: the source's value at the same position, through its function."""
        source = self.source_of(info.name)
        value = float(self.source_values(result, info.name)[index])
        act = info.config.get("activation") if info.kind == "Activation" else None
        if act not in (None, "linear"):
            value = float(apply_activation(act, np.array([value]))[0])
            note = f"{act} of {source}'s value at the same position"
        elif info.kind in ELEMENTWISE_KINDS and info.kind != "Activation":
            value = float(elementwise_function(info.kind, info.config)(np.array([value]))[0])
            note = f"{info.kind} of {source}'s value at the same position"
        else:
            note = f"identity at inference: the same value as {source} at the same position"
        return PassTrace(source, index, value, note)

    def _zero_padding(self, result: InferenceResult, info: LayerInfo, index: tuple[int, ...]) -> PassTrace:
        """A padded map's unit: the source's value moved down and right, or a zero of the border."""
        (top, _), (left, _) = zero_padding_sides(info.config.get("padding", 1))
        source = self.source_of(info.name)
        values = self.source_values(result, info.name)
        y, x, c = index[0] - top, index[1] - left, index[2]
        if 0 <= y < values.shape[0] and 0 <= x < values.shape[1]:
            return PassTrace(source, (y, x, c), float(values[y, x, c]),
                             f"the value of {source} at ({y}, {x}), moved by the padding ({top} down, {left} right)")
        return PassTrace(source, (), 0.0, "a zero of the border the padding added")

    def _flatten(self, result: InferenceResult, info: LayerInfo, unit: int) -> PassTrace:
        source = self.copied_from(self.source_of(info.name))
        values = (self.input_values(result) if source == INPUT
                  else np.asarray(result.layer(source).activation, np.float64))
        location = tuple(int(v) for v in np.unravel_index(unit, values.shape))
        note = (f"element {unit:,} = {source}[{', '.join(map(str, location))}] "
                f"(row-major: (y·W + x)·C + c)")
        return PassTrace(source, location, float(values[location]), note)


def _gather(source: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """source[rows][:, cols] with zeros where a row or column lies in the padding."""
    h, w = source.shape[:2]
    out = np.zeros((rows.size, cols.size, source.shape[2]), np.float64)
    ry = (rows >= 0) & (rows < h)
    cx = (cols >= 0) & (cols < w)
    out[np.ix_(ry, cx)] = source[np.ix_(rows[ry], cols[cx])]
    return out
