"""One formula per layer kind: a layer's output shape and parameter count, with its numbers shown.

Pure Python, no Keras: each function takes the layer's Keras settings and its input
shape and returns what Keras would compute, with the arithmetic written out.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from guiapp.core.arithmetic.conv_arithmetic import (
    MINUS,
    TIMES,
    conv_axes,
    pair,
    spatial_formulas,
    zero_padding_sides,
)

__all__ = [
    "IDENTITY_KINDS", "LayerArithmetic", "Shape", "UnsupportedLayer", "explain_layer", "normalization_axes",
    "shape_text",
]

Shape = tuple[int, ...]
IDENTITY_KINDS = {
    "Dropout": "dropout",
    "SpatialDropout2D": "dropout",
    "GaussianDropout": "dropout",
    "GaussianNoise": "noise",
    "Activation": "activation",
    "ReLU": "activation",
    "LeakyReLU": "activation",
    "ELU": "activation",
    "Softmax": "activation",
}


class UnsupportedLayer(Exception):
    """A layer configuration this ledger has no formula for (Keras' numbers are used)."""


# --------------------------------------------------------------------------- formatting helpers


def shape_text(shape: Shape) -> str:
    """(26, 26, 32) → ``26×26×32``."""
    return "×".join(str(d) for d in shape)


def _n(value: int) -> str:
    return f"{value:,}"


def _positive(value: Any, what: str) -> int:
    """A count that must be at least 1 (Keras refuses 0 or fewer filters/units)."""
    number = int(value)
    if number < 1:
        raise ValueError(f"{what} must be at least 1, not {number}")
    return number


def _channels_last(cfg: Mapping[str, Any]) -> None:
    if cfg.get("data_format") not in (None, "channels_last"):
        raise UnsupportedLayer("channels_first layout")


def _image(shape: Shape, kind: str) -> tuple[int, int, int]:
    if len(shape) != 3:
        raise ValueError(f"{kind} needs an image input (height, width, channels), not {shape_text(shape)}")
    return shape  # type: ignore[return-value]


@dataclass(frozen=True)
class LayerArithmetic:
    """What one layer does to its input's shape, and how many parameters it holds."""

    output_shape: Shape
    params: int
    trainable: int
    formulas: tuple[str, ...]
    note: str = ""


# --------------------------------------------------------------------------- one function per layer kind


def _conv2d(cfg: Mapping[str, Any], shape: Shape) -> LayerArithmetic:
    _channels_last(cfg)
    h, w, cin = _image(shape, "Conv2D")
    filters = _positive(cfg["filters"], "filters")
    fh, fw = pair(cfg["kernel_size"])
    groups = int(cfg.get("groups", 1) or 1)
    use_bias = bool(cfg.get("use_bias", True))
    padding = str(cfg.get("padding", "valid")).lower()
    if padding not in ("valid", "same"):
        raise UnsupportedLayer(f"padding {padding!r}")
    if cin % groups or filters % groups:
        raise ValueError(f"{groups} groups must divide both {cin} input channels and {filters} filters")
    ah, aw = conv_axes((h, w), (fh, fw), cfg.get("strides", 1), padding, cfg.get("dilation_rate", 1))
    lines = spatial_formulas(ah, aw, padding == "same")
    lines.append(f"C = filters = {filters} (one feature map per filter)")
    kernel = f"F{TIMES}F" if fh == fw else f"FH{TIMES}FW"
    dims = f"{fh}{TIMES}{fw}"
    if groups == 1:
        params = (fh * fw * cin + use_bias) * filters
        if use_bias:
            lines.append(
                f"params = ({kernel}{TIMES}Cin + 1){TIMES}Cout = ({dims}{TIMES}{cin} + 1){TIMES}{filters} = {_n(params)}"
            )
        else:
            lines.append(
                f"params = {kernel}{TIMES}Cin{TIMES}Cout = {dims}{TIMES}{cin}{TIMES}{filters} = {_n(params)} (no bias)"
            )
    else:
        params = fh * fw * (cin // groups) * filters + (filters if use_bias else 0)
        bias = " + Cout" if use_bias else ""
        bias_n = f" + {filters}" if use_bias else ""
        lines.append(
            f"params = {kernel}{TIMES}(Cin/g){TIMES}Cout{bias} = {dims}{TIMES}({cin}/{groups}){TIMES}{filters}{bias_n}"
            f" = {_n(params)}"
        )
    return LayerArithmetic((ah.output, aw.output, filters), params, params, tuple(lines))


@dataclass(frozen=True)
class _ConvWindow:
    """What the depthwise and separable convolutions share: the kernel, the input's channels, the output size."""

    fh: int
    fw: int
    cin: int
    oh: int
    ow: int
    lines: tuple[str, ...]  # how OH and OW come out (Keras' padding rules)

    @property
    def kernel(self) -> str:
        return f"F{TIMES}F" if self.fh == self.fw else f"FH{TIMES}FW"

    @property
    def dims(self) -> str:
        return f"{self.fh}{TIMES}{self.fw}"


def _conv_window(cfg: Mapping[str, Any], shape: Shape, kind: str) -> _ConvWindow:
    _channels_last(cfg)
    h, w, cin = _image(shape, kind)
    fh, fw = pair(cfg["kernel_size"])
    padding = str(cfg.get("padding", "valid")).lower()
    if padding not in ("valid", "same"):
        raise UnsupportedLayer(f"padding {padding!r}")
    ah, aw = conv_axes((h, w), (fh, fw), cfg.get("strides", 1), padding, cfg.get("dilation_rate", 1))
    return _ConvWindow(fh, fw, cin, ah.output, aw.output, tuple(spatial_formulas(ah, aw, padding == "same")))


def _depthwise_conv2d(cfg: Mapping[str, Any], shape: Shape) -> LayerArithmetic:
    conv = _conv_window(cfg, shape, "DepthwiseConv2D")
    cin, kernel, dims = conv.cin, conv.kernel, conv.dims
    multiplier = _positive(cfg.get("depth_multiplier", 1), "depth_multiplier")
    use_bias = bool(cfg.get("use_bias", True))
    cout = cin * multiplier
    lines = list(conv.lines)
    lines.append(f"C = Cin{TIMES}M = {cin}{TIMES}{multiplier} = {cout} (each input channel filtered on its own "
                 f"by M = {multiplier} kernel{'s' if multiplier > 1 else ''}: depth_multiplier)")
    params = (conv.fh * conv.fw + use_bias) * cout
    if use_bias:
        lines.append(f"params = ({kernel} + 1){TIMES}Cin{TIMES}M = ({dims} + 1){TIMES}{cin}{TIMES}{multiplier}"
                     f" = {_n(params)}")
    else:
        lines.append(f"params = {kernel}{TIMES}Cin{TIMES}M = {dims}{TIMES}{cin}{TIMES}{multiplier} = {_n(params)}"
                     " (no bias)")
    return LayerArithmetic((conv.oh, conv.ow, cout), params, params, tuple(lines))


def _separable_conv2d(cfg: Mapping[str, Any], shape: Shape) -> LayerArithmetic:
    conv = _conv_window(cfg, shape, "SeparableConv2D")
    cin, kernel, dims = conv.cin, conv.kernel, conv.dims
    filters = _positive(cfg["filters"], "filters")
    multiplier = _positive(cfg.get("depth_multiplier", 1), "depth_multiplier")
    use_bias = bool(cfg.get("use_bias", True))
    lines = list(conv.lines)
    lines.append(f"C = filters = {filters} ({multiplier} {dims} kernel{'s' if multiplier > 1 else ''} per input "
                 f"channel, then a 1{TIMES}1 convolution mixes the {cin * multiplier} maps into {filters})")
    depthwise, pointwise = conv.fh * conv.fw * cin * multiplier, cin * multiplier * filters
    params = depthwise + pointwise + (filters if use_bias else 0)
    # Three short lines rather than one: the whole sum on one line is too long to read on a slide.
    lines.append(f"depthwise = {kernel}{TIMES}Cin{TIMES}M = {dims}{TIMES}{cin}{TIMES}{multiplier} = {_n(depthwise)}")
    lines.append(f"pointwise = Cin{TIMES}M{TIMES}Cout = {cin}{TIMES}{multiplier}{TIMES}{filters} = {_n(pointwise)}")
    if use_bias:
        lines.append(f"params = depthwise + pointwise + Cout = {_n(depthwise)} + {_n(pointwise)} + {filters}"
                     f" = {_n(params)}")
    else:
        lines.append(f"params = depthwise + pointwise = {_n(depthwise)} + {_n(pointwise)} = {_n(params)} (no bias)")
    return LayerArithmetic((conv.oh, conv.ow, filters), params, params, tuple(lines))


def _zero_padding2d(cfg: Mapping[str, Any], shape: Shape) -> LayerArithmetic:
    _channels_last(cfg)
    h, w, c = _image(shape, "ZeroPadding2D")
    (top, bottom), (left, right) = zero_padding_sides(cfg.get("padding", 1))
    oh, ow = h + top + bottom, w + left + right
    lines = []
    for symbol, size, before, after, names in (("OH", h, top, bottom, "top + bottom"),
                                               ("OW", w, left, right, "left + right")):
        what = "H" if symbol == "OH" else "W"
        if before == after:
            lines.append(f"{symbol} = {what} + 2P = {size} + 2{TIMES}{before} = {size + 2 * before}")
        else:
            lines.append(f"{symbol} = {what} + {names} = {size} + {before} + {after} = {size + before + after}")
    lines.append(f"C = {c}, unchanged (zeros added around each feature map)")
    lines.append("params = 0 (no weights: the border is all zeros)")
    return LayerArithmetic((oh, ow, c), 0, 0, tuple(lines))


def _number(value: float) -> str:
    """1/255 reads as ``1/255``, other numbers with up to 6 significant digits."""
    if value and abs(1 / value - round(1 / value)) < 1e-9 and abs(round(1 / value)) > 1:
        return f"1/{round(1 / value)}"
    return f"{value:.6g}"


def _rescaling(cfg: Mapping[str, Any], shape: Shape) -> LayerArithmetic:
    scale, offset = cfg.get("scale", 1.0), cfg.get("offset", 0.0)
    if isinstance(scale, (int, float)) and isinstance(offset, (int, float)):
        sign = MINUS if offset < 0 else "+"
        first = (f"y = x{TIMES}scale + offset = x{TIMES}{_number(float(scale))} {sign} {_number(abs(float(offset)))},"
                 " element-wise")
    else:
        first = f"y = x{TIMES}scale + offset, element-wise (scale and offset per channel)"
    return LayerArithmetic(shape, 0, 0, (first, "shape unchanged", "params = 0 (scale and offset are settings)"))


def normalization_axes(cfg: Mapping[str, Any], shape: Shape) -> tuple[int, ...]:
    """The axes (no batch axis) that keep their own mean and variance, as Keras 3 reads ``axis``."""
    axis = cfg.get("axis", -1)
    axes = () if axis is None else tuple(axis) if isinstance(axis, (list, tuple)) else (axis,)
    ndim = len(shape) + 1  # Keras counts the batch axis
    kept = sorted({int(a) + ndim if int(a) < 0 else int(a) for a in axes})
    if any(not 1 <= a < ndim for a in kept):
        raise ValueError(f"axis {axis!r} does not fit a {shape_text(shape)} input")
    return tuple(a - 1 for a in kept)


def _normalization(cfg: Mapping[str, Any], shape: Shape) -> LayerArithmetic:
    kept = normalization_axes(cfg, shape)
    stats = tuple(shape[a] for a in kept)
    count = math.prod(stats)
    per = ("for all values" if not kept else "per channel" if kept == (len(shape) - 1,)
           else f"per {shape_text(stats)} position")
    if cfg.get("invert"):
        first = f"y = mean + x{TIMES}√variance, element-wise (the inverse: mean and variance {per})"
    else:
        first = f"y = (x {MINUS} mean)/√variance, element-wise (mean and variance {per})"
    if cfg.get("mean") is not None:
        params = 0
        last = "params = 0 (mean and variance are settings of the layer, not weights)"
    else:
        params = 2 * count + 1
        symbol = "C" if per == "per channel" else "N"
        last = (f"params = 2{TIMES}{symbol} + 1 = 2{TIMES}{count} + 1 = {_n(params)} (mean and variance "
                f"{per}, and a sample count kept for older files: none trained)")
    return LayerArithmetic(shape, params, 0, (first, "shape unchanged", last))


def _pooling(kind: str) -> Callable[[Mapping[str, Any], Shape], LayerArithmetic]:
    what = "the max" if kind.startswith("Max") else "the mean"

    def compute(cfg: Mapping[str, Any], shape: Shape) -> LayerArithmetic:
        _channels_last(cfg)
        h, w, c = _image(shape, kind)
        pool = pair(cfg.get("pool_size", 2))
        strides = cfg.get("strides") or pool
        padding = str(cfg.get("padding", "valid")).lower()
        ah, aw = conv_axes((h, w), pool, strides, padding)
        lines = spatial_formulas(ah, aw, padding == "same")
        lines.append(f"C = {c}, unchanged (each feature map is pooled on its own)")
        lines.append(f"params = 0 (no weights: {what} of each {pool[0]}×{pool[1]} window)")
        return LayerArithmetic((ah.output, aw.output, c), 0, 0, tuple(lines))

    return compute


def _global_pooling(kind: str) -> Callable[[Mapping[str, Any], Shape], LayerArithmetic]:
    what = "largest value" if "Max" in kind else "average"

    def compute(cfg: Mapping[str, Any], shape: Shape) -> LayerArithmetic:
        _channels_last(cfg)
        h, w, c = _image(shape, kind)
        out: Shape = (1, 1, c) if cfg.get("keepdims") else (c,)
        return LayerArithmetic(
            out, 0, 0,
            (f"{h}×{w}×{c} → {shape_text(out)}: one number per feature map (its {what})", "params = 0"),
        )

    return compute


def _flatten(cfg: Mapping[str, Any], shape: Shape) -> LayerArithmetic:
    size = math.prod(shape)
    if len(shape) == 1:
        line = f"N = {size} (already flat)"
    else:
        names = {3: f"H{TIMES}W{TIMES}C", 2: f"H{TIMES}W"}.get(len(shape), "product of all sizes")
        line = f"N = {names} = {TIMES.join(str(d) for d in shape)} = {_n(size)}"
    return LayerArithmetic((size,), 0, 0, (line, "params = 0 (only rearranges the numbers into one row)"))


def _dense(cfg: Mapping[str, Any], shape: Shape) -> LayerArithmetic:
    units = _positive(cfg["units"], "units")
    nin = shape[-1]
    use_bias = bool(cfg.get("use_bias", True))
    params = (nin + use_bias) * units
    lines = [f"N = units = {units}"]
    if len(shape) > 1:
        lines.append(f"applied to the last axis at each of the {shape_text(shape[:-1])} positions")
    if use_bias:
        lines.append(f"params = (Nin + 1){TIMES}Nout = ({nin} + 1){TIMES}{units} = {_n(params)}")
    else:
        lines.append(f"params = Nin{TIMES}Nout = {nin}{TIMES}{units} = {_n(params)} (no bias)")
    return LayerArithmetic(tuple(shape[:-1]) + (units,), params, params, tuple(lines))


def _batch_norm(cfg: Mapping[str, Any], shape: Shape) -> LayerArithmetic:
    axis = cfg.get("axis", -1)
    if isinstance(axis, (list, tuple)):
        if len(axis) != 1:
            raise UnsupportedLayer("normalisation over several axes")
        axis = axis[0]
    axis = int(axis)
    index = axis if axis < 0 else axis - 1  # Keras counts the batch axis
    c = shape[index]
    learned = [name for name, on in (("γ", cfg.get("scale", True)), ("β", cfg.get("center", True))) if on]
    per_channel = 2 + len(learned)
    params = per_channel * c
    trainable = len(learned) * c
    learned_text = ", ".join(learned) + " learned; " if learned else ""
    return LayerArithmetic(
        shape, params, trainable,
        (
            "shape unchanged",
            f"params = {per_channel}{TIMES}C = {per_channel}{TIMES}{c} = {_n(params)}"
            f" ({learned_text}moving mean and variance not trained: {_n(2 * c)})",
        ),
    )


def _identity(kind: str) -> Callable[[Mapping[str, Any], Shape], LayerArithmetic]:
    def compute(cfg: Mapping[str, Any], shape: Shape) -> LayerArithmetic:
        family = IDENTITY_KINDS[kind]
        if family == "dropout":
            rate = float(cfg.get("rate", 0.0))
            first = f"identity at inference ({rate:.0%} dropped only in training)"
        elif family == "noise":
            first = "identity at inference (adds noise only while training)"
        else:
            activation = cfg.get("activation", kind.lower())
            first = f"element-wise {activation}: each value on its own"
        return LayerArithmetic(shape, 0, 0, (first, "shape unchanged", "params = 0"))

    return compute


def _input_layer(cfg: Mapping[str, Any], shape: Shape) -> LayerArithmetic:
    return LayerArithmetic(shape, 0, 0, (f"the input: {shape_text(shape)}", "params = 0"))


HANDLERS: dict[str, Callable[[Mapping[str, Any], Shape], LayerArithmetic]] = {
    "Conv2D": _conv2d,
    "MaxPooling2D": _pooling("MaxPooling2D"),
    "AveragePooling2D": _pooling("AveragePooling2D"),
    "GlobalAveragePooling2D": _global_pooling("GlobalAveragePooling2D"),
    "GlobalMaxPooling2D": _global_pooling("GlobalMaxPooling2D"),
    "Flatten": _flatten,
    "Dense": _dense,
    "BatchNormalization": _batch_norm,
    "InputLayer": _input_layer,
    "DepthwiseConv2D": _depthwise_conv2d,
    "SeparableConv2D": _separable_conv2d,
    "ZeroPadding2D": _zero_padding2d,
    "Rescaling": _rescaling,
    "Normalization": _normalization,
    **{kind: _identity(kind) for kind in IDENTITY_KINDS},
}


def explain_layer(kind: str, config: Mapping[str, Any], input_shape: Shape) -> LayerArithmetic:
    """Shape, parameter count and formulas of one layer; ``ValueError`` if impossible,
    :class:`UnsupportedLayer` if this ledger has no formula for it."""
    handler = HANDLERS.get(kind)
    if handler is None:
        raise UnsupportedLayer(f"no formula for {kind}")
    computed = handler(config, tuple(int(d) for d in input_shape))
    if config.get("trainable") is False:
        computed = LayerArithmetic(computed.output_shape, computed.params, 0, computed.formulas, "frozen: not trained")
    return computed
