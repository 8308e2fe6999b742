"""A forward pass in NumPy for the layer kinds the ledger explains — no TensorFlow needed.

TensorFlow takes seconds to import (4.8–5.7 s on a slow 2-core host), and the live view
needs only inference: a chain of convolutions (plain, depthwise, separable), pooling, Dense
and friends, a few million multiply-adds per drawing. This module runs exactly that, channels-last and float32,
with Keras' semantics (``same`` padding split as TensorFlow splits it, average pooling
that ignores the padding, Keras 3's activations). Tests hold it to Keras on every
layer's output for the shipped models and generated networks. Anything it does not
know raises :class:`NotSupported`, and the caller falls back to Keras.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from guiapp.core.arithmetic.conv_arithmetic import pair, zero_padding_sides
from guiapp.core.arithmetic.layer_formulas import normalization_axes

__all__ = [
    "ACTIVATIONS", "IDENTITY_AT_INFERENCE", "Layer", "NotSupported", "NumpyNetwork", "activation",
    "elementwise_function", "softmax",
]

Array = np.ndarray
SHIFTED_MIN_CHANNELS = 8  # from this many input channels per group, accumulate per kernel position
IDENTITY_AT_INFERENCE = ("Dropout", "SpatialDropout1D", "SpatialDropout2D", "GaussianDropout", "GaussianNoise",
                         "AlphaDropout", "ActivityRegularization")


class NotSupported(Exception):
    """A layer, setting or activation this engine does not run (Keras runs the model instead)."""


# --------------------------------------------------------------------------- activations (Keras 3 definitions)


def softmax(x: Array, axis: int = -1) -> Array:
    """Keras' softmax along ``axis``, shifted by the maximum so no exponential overflows."""
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _sigmoid(x: Array) -> Array:
    out = np.empty_like(x)
    positive = x >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-x[positive]))
    e = np.exp(x[~positive])
    out[~positive] = e / (1.0 + e)
    return out


def _elu(x: Array, alpha: float = 1.0) -> Array:
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


def _gelu(x: Array) -> Array:
    from scipy.special import erf  # only models that use it pay for the import

    return (0.5 * x * (1.0 + erf(x / np.float32(math.sqrt(2.0))))).astype(x.dtype)


def _softplus(x: Array) -> Array:
    return np.logaddexp(np.float32(0), x)


_SELU_ALPHA, _SELU_SCALE = 1.6732632423543772, 1.0507009873554805

ACTIVATIONS: Mapping[str, Callable[[Array], Array]] = MappingProxyType({
    "linear": lambda x: x,
    "relu": lambda x: np.maximum(x, 0),
    "relu6": lambda x: np.clip(x, 0, 6),
    "leaky_relu": lambda x: np.where(x >= 0, x, np.float32(0.2) * x),
    "elu": _elu,
    "selu": lambda x: np.float32(_SELU_SCALE) * _elu(x, _SELU_ALPHA),
    "sigmoid": _sigmoid,
    "hard_sigmoid": lambda x: np.clip(x / 6 + 0.5, 0, 1),
    "tanh": np.tanh,
    "softmax": softmax,
    "log_softmax": lambda x: x - x.max(-1, keepdims=True) - np.log(np.exp(x - x.max(-1, keepdims=True)).sum(
        -1, keepdims=True)),
    "softplus": _softplus,
    "softsign": lambda x: x / (1 + np.abs(x)),
    "silu": lambda x: x * _sigmoid(x),
    "swish": lambda x: x * _sigmoid(x),
    "hard_silu": lambda x: x * np.clip(x / 6 + 0.5, 0, 1),
    "hard_swish": lambda x: x * np.clip(x / 6 + 0.5, 0, 1),
    "mish": lambda x: x * np.tanh(_softplus(x)),
    "gelu": _gelu,
    "exponential": np.exp,
})


def activation(name: Any) -> Callable[[Array], Array]:
    """The element-wise function Keras applies for ``activation=name`` (None means linear)."""
    if name is None:
        return ACTIVATIONS["linear"]
    if not isinstance(name, str) or name not in ACTIVATIONS:
        raise NotSupported(f"activation {name!r}")
    return ACTIVATIONS[name]


# --------------------------------------------------------------------------- helpers


def _same_padding(size: int, window: int, stride: int) -> tuple[int, int]:
    """TensorFlow's ``same``: output ceil(size / stride), the odd padding row at the end."""
    out = -(-size // stride)
    total = max((out - 1) * stride + window - size, 0)
    return total // 2, total - total // 2


def _check_channels_last(config: Mapping[str, Any]) -> None:
    if config.get("data_format") not in (None, "channels_last"):
        raise NotSupported("channels_first layout")


def _check_image_input(layer: Layer, in_shape: tuple[int, ...]) -> None:
    """A 2-D spatial layer: channels-last, on an (H, W, C) input."""
    _check_channels_last(layer.config)
    if len(in_shape) != 3:
        raise NotSupported(f"{layer.name}: {layer.kind} on a {len(in_shape)}-D input")


def _padded(x: Array, padding: str, reach: tuple[int, ...], strides: tuple[int, int]) -> Array:
    """``x`` (N, H, W, C) with the zeros ``padding='same'`` adds for a window of ``reach`` (dilated) taps."""
    if padding != "same":
        return x
    (pt, pb), (pl, pr) = (_same_padding(x.shape[1 + a], reach[a], strides[a]) for a in (0, 1))
    return np.pad(x, ((0, 0), (pt, pb), (pl, pr), (0, 0))) if pt or pb or pl or pr else x


def _windows(x: Array, window: tuple[int, int], strides: tuple[int, int]) -> Array:
    """(N, OH, OW, C, FH, FW) view of every window (already padded input)."""
    view = sliding_window_view(x, window, axis=(1, 2))
    return view[:, :: strides[0], :: strides[1]]


# --------------------------------------------------------------------------- layers


@dataclass(frozen=True)
class Layer:
    """One layer as saved: Keras class name, name, config and its variables in Keras' order."""

    kind: str
    name: str
    config: Mapping[str, Any] = field(default_factory=dict)
    variables: tuple[Array, ...] = ()


class _Op:
    """A compiled layer: ``__call__(batch) -> batch``."""

    kernel: Array | None = None
    bias: Array | None = None

    def __call__(self, x: Array) -> Array:  # pragma: no cover - every op overrides it
        raise NotImplementedError


def _expect(layer: Layer, count: int) -> None:
    if len(layer.variables) != count:
        raise NotSupported(f"{layer.name}: {len(layer.variables)} weight arrays, expected {count}")


class _Conv2D(_Op):
    def __init__(self, layer: Layer, in_shape: tuple[int, ...]) -> None:
        cfg = layer.config
        _check_image_input(layer, in_shape)
        self.filters = int(cfg["filters"])
        self.size = pair(cfg["kernel_size"])
        self.strides = pair(cfg.get("strides", 1))
        self.dilation = pair(cfg.get("dilation_rate", 1))
        self.groups = int(cfg.get("groups", 1) or 1)
        self.padding = str(cfg.get("padding", "valid")).lower()
        if self.padding not in ("valid", "same"):
            raise NotSupported(f"{layer.name}: padding {self.padding!r}")
        use_bias = bool(cfg.get("use_bias", True))
        _expect(layer, 1 + use_bias)
        cin = in_shape[2]
        self.kernel = np.asarray(layer.variables[0], np.float32)
        expected = (*self.size, cin // self.groups, self.filters)
        if cin % self.groups or self.kernel.shape != expected:
            raise NotSupported(f"{layer.name}: kernel {self.kernel.shape}, expected {expected}")
        self.bias = np.asarray(layer.variables[1], np.float32) if use_bias else None
        if self.bias is not None and self.bias.shape != (self.filters,):
            raise NotSupported(f"{layer.name}: bias {self.bias.shape}")
        self.activation = activation(cfg.get("activation"))
        # Effective window with dilation: (F − 1)·D + 1.
        self.reach = tuple((f - 1) * d + 1 for f, d in zip(self.size, self.dilation))
        fh, fw = self.size
        g_in, g_out = cin // self.groups, self.filters // self.groups
        # Per group, the kernel as a (FH·FW·Cin/g, Cout/g) matrix in the order the windows are unrolled.
        self._matrices = [
            np.ascontiguousarray(
                self.kernel[:, :, :, g * g_out:(g + 1) * g_out].transpose(2, 0, 1, 3).reshape(g_in * fh * fw, g_out)
            )
            for g in range(self.groups)
        ]
        self._g_in = g_in

    def __call__(self, x: Array) -> Array:
        x = _padded(x, self.padding, self.reach, self.strides)
        n = x.shape[0]
        oh = (x.shape[1] - self.reach[0]) // self.strides[0] + 1
        ow = (x.shape[2] - self.reach[1]) // self.strides[1] + 1
        if self._g_in >= SHIFTED_MIN_CHANNELS:
            out = self._shifted(x, n, oh, ow)
        else:
            out = self._unrolled(x, n, oh, ow)
        out = out.reshape(n, oh, ow, self.filters)
        if self.bias is not None:
            out += self.bias
        return self.activation(out)

    def _unrolled(self, x: Array, n: int, oh: int, ow: int) -> Array:
        """Few input channels: unroll every window into one row (im2col), one matrix product per group."""
        view = _windows(x, self.reach, self.strides)  # (N, OH, OW, C, RH, RW)
        if self.dilation != (1, 1):
            view = view[..., :: self.dilation[0], :: self.dilation[1]]
        outs = []
        for g, matrix in enumerate(self._matrices):
            part = view[:, :, :, g * self._g_in:(g + 1) * self._g_in] if self.groups > 1 else view
            outs.append(part.reshape(n * oh * ow, -1) @ matrix)
        return outs[0] if len(outs) == 1 else np.concatenate(outs, axis=1)

    def _shifted(self, x: Array, n: int, oh: int, ow: int) -> Array:
        """Many input channels: one product per kernel position, accumulated (no FH·FW-fold copy of the input)."""
        (sh, sw), (dh, dw) = self.strides, self.dilation
        g_out = self.filters // self.groups
        out = np.zeros((n * oh * ow, self.filters), np.float32)
        for i in range(self.size[0]):
            for j in range(self.size[1]):
                rows = x[:, i * dh: i * dh + sh * (oh - 1) + 1: sh, j * dw: j * dw + sw * (ow - 1) + 1: sw]
                for g in range(self.groups):
                    part = rows[..., g * self._g_in:(g + 1) * self._g_in] if self.groups > 1 else rows
                    out[:, g * g_out:(g + 1) * g_out] += (
                        part.reshape(n * oh * ow, self._g_in) @ self.kernel[i, j, :, g * g_out:(g + 1) * g_out]
                    )
        return out


class _DepthwiseWindows:
    """The depthwise step: each input channel convolved on its own with M kernels (no bias, no activation).

    Output channel ``k·M + m`` is input channel ``k`` under kernel ``m``, as TensorFlow orders them.
    """

    def __init__(self, layer: Layer, in_shape: tuple[int, ...], kernel: Array) -> None:
        cfg = layer.config
        _check_image_input(layer, in_shape)
        self.size = pair(cfg["kernel_size"])
        self.strides = pair(cfg.get("strides", 1))
        self.dilation = pair(cfg.get("dilation_rate", 1))
        self.padding = str(cfg.get("padding", "valid")).lower()
        if self.padding not in ("valid", "same"):
            raise NotSupported(f"{layer.name}: padding {self.padding!r}")
        self.multiplier = int(cfg.get("depth_multiplier", 1))
        self.kernel = np.asarray(kernel, np.float32)
        expected = (*self.size, in_shape[2], self.multiplier)
        if self.kernel.shape != expected:
            raise NotSupported(f"{layer.name}: depthwise kernel {self.kernel.shape}, expected {expected}")
        self.reach = tuple((f - 1) * d + 1 for f, d in zip(self.size, self.dilation))
        self.channels = in_shape[2] * self.multiplier

    def __call__(self, x: Array) -> Array:
        x = _padded(x, self.padding, self.reach, self.strides)
        (sh, sw), (dh, dw) = self.strides, self.dilation
        n, cin = x.shape[0], x.shape[3]
        oh = (x.shape[1] - self.reach[0]) // sh + 1
        ow = (x.shape[2] - self.reach[1]) // sw + 1
        # One multiply-add per kernel tap over the whole batch: (N, OH, OW, Cin, 1)·(Cin, M).
        out = np.zeros((n, oh, ow, cin, self.multiplier), np.float32)
        for i in range(self.size[0]):
            for j in range(self.size[1]):
                taps = x[:, i * dh: i * dh + sh * (oh - 1) + 1: sh, j * dw: j * dw + sw * (ow - 1) + 1: sw]
                out += taps[..., np.newaxis] * self.kernel[i, j]
        return out.reshape(n, oh, ow, cin * self.multiplier)


class _DepthwiseConv2D(_Op):
    def __init__(self, layer: Layer, in_shape: tuple[int, ...]) -> None:
        use_bias = bool(layer.config.get("use_bias", True))
        _expect(layer, 1 + use_bias)
        self.depthwise = _DepthwiseWindows(layer, in_shape, layer.variables[0])
        self.kernel = self.depthwise.kernel
        self.bias = np.asarray(layer.variables[1], np.float32) if use_bias else None
        if self.bias is not None and self.bias.shape != (self.depthwise.channels,):
            raise NotSupported(f"{layer.name}: bias {self.bias.shape}")
        self.activation = activation(layer.config.get("activation"))

    def __call__(self, x: Array) -> Array:
        out = self.depthwise(x)
        if self.bias is not None:
            out += self.bias
        return self.activation(out)


class _SeparableConv2D(_Op):
    """A depthwise convolution, then a 1×1 convolution (the pointwise kernel) mixing its maps, bias, activation."""

    def __init__(self, layer: Layer, in_shape: tuple[int, ...]) -> None:
        cfg = layer.config
        use_bias = bool(cfg.get("use_bias", True))
        _expect(layer, 2 + use_bias)
        self.depthwise = _DepthwiseWindows(layer, in_shape, layer.variables[0])
        filters = int(cfg["filters"])
        pointwise = np.asarray(layer.variables[1], np.float32)
        if pointwise.shape != (1, 1, self.depthwise.channels, filters):
            raise NotSupported(f"{layer.name}: pointwise kernel {pointwise.shape}")
        self.kernel = self.depthwise.kernel
        self.pointwise = np.ascontiguousarray(pointwise[0, 0])
        self.bias = np.asarray(layer.variables[2], np.float32) if use_bias else None
        if self.bias is not None and self.bias.shape != (filters,):
            raise NotSupported(f"{layer.name}: bias {self.bias.shape}")
        self.activation = activation(cfg.get("activation"))

    def __call__(self, x: Array) -> Array:
        out = self.depthwise(x) @ self.pointwise
        if self.bias is not None:
            out += self.bias
        return self.activation(out)


NORMALIZATION_EPSILON = 1e-7  # keras.backend.epsilon(): the smallest standard deviation divided by


class _Normalization(_Op):
    """``(x − mean)/max(√variance, ε)`` (or its inverse), with Keras 3's statistics.

    Adapted statistics are saved as three variables (mean and variance shaped like the kept axes, and
    a sample count Keras 3 keeps at 0 for older files); statistics given to the constructor are no
    variables at all but settings in the config.
    """

    def __init__(self, layer: Layer, in_shape: tuple[int, ...]) -> None:
        cfg = layer.config
        ndim = len(in_shape) + 1  # Keras counts the batch axis
        try:
            keep = [a + 1 for a in normalization_axes(cfg, in_shape)]
        except (ValueError, TypeError):
            raise NotSupported(f"{layer.name}: axis {cfg.get('axis')!r}") from None
        broadcast = [1] + [in_shape[d - 1] if d in keep else 1 for d in range(1, ndim)]
        if cfg.get("mean") is not None:
            _expect(layer, 0)
            if isinstance(cfg["mean"], Mapping) or isinstance(cfg.get("variance"), Mapping):
                raise NotSupported(f"{layer.name}: statistics saved as tensors")
            mean, variance = (self._aligned(np.asarray(cfg[key], np.float32), keep, broadcast, layer.name)
                              for key in ("mean", "variance"))
        else:
            _expect(layer, 3)
            size = math.prod(broadcast)
            if any(np.size(v) != size for v in layer.variables[:2]):
                raise NotSupported(f"{layer.name}: statistics do not fit its {len(keep)} kept axes")
            mean, variance = (np.asarray(v, np.float32).reshape(broadcast) for v in layer.variables[:2])
        self.invert = bool(cfg.get("invert", False))
        self.mean = mean
        self.deviation = np.maximum(np.sqrt(variance), np.float32(NORMALIZATION_EPSILON))

    @staticmethod
    def _aligned(values: Array, keep: list[int], broadcast: list[int], name: str) -> Array:
        """Statistics given as settings, lined up with the kept axes from the right (as Keras does)."""
        if values.ndim > len(keep):
            raise NotSupported(f"{name}: statistics of shape {values.shape}")
        expanded = [1] * len(broadcast)
        for i in range(1, values.ndim + 1):
            expanded[keep[-i]] = values.shape[-i]
        try:
            return np.broadcast_to(values.reshape(expanded), broadcast)
        except ValueError:
            raise NotSupported(f"{name}: statistics of shape {values.shape}") from None

    def __call__(self, x: Array) -> Array:
        if self.invert:
            return self.mean + x * self.deviation
        return (x - self.mean) / self.deviation


class _Pool2D(_Op):
    def __init__(self, layer: Layer, in_shape: tuple[int, ...]) -> None:
        cfg = layer.config
        _check_image_input(layer, in_shape)
        self.maximum = layer.kind == "MaxPooling2D"
        self.size = pair(cfg.get("pool_size", 2))
        self.strides = pair(cfg.get("strides") or self.size)
        self.padding = str(cfg.get("padding", "valid")).lower()
        if self.padding not in ("valid", "same"):
            raise NotSupported(f"{layer.name}: padding {self.padding!r}")
        _expect(layer, 0)

    def __call__(self, x: Array) -> Array:
        (fh, fw), (sh, sw) = self.size, self.strides
        n, h, w, c = x.shape
        if self.padding == "same":
            (pt, pb), (pl, pr) = _same_padding(h, fh, sh), _same_padding(w, fw, sw)
            fill = -np.inf if self.maximum else 0.0
            x = np.pad(x, ((0, 0), (pt, pb), (pl, pr), (0, 0)), constant_values=fill)
        oh, ow = (x.shape[1] - fh) // sh + 1, (x.shape[2] - fw) // sw + 1
        # One element-wise max (or sum) per window position: far faster than reducing a windowed view.
        combine = np.maximum if self.maximum else np.add
        out = None
        for i in range(fh):
            for j in range(fw):
                part = x[:, i: i + sh * (oh - 1) + 1: sh, j: j + sw * (ow - 1) + 1: sw]
                out = part.copy() if out is None else combine(out, part, out=out)
        assert out is not None
        if self.maximum:
            return out
        if self.padding == "valid":
            return out / np.float32(fh * fw)
        # TensorFlow averages over the window's real (unpadded) cells only.
        ones = np.pad(np.ones((1, h, w, 1), np.float32), ((0, 0), (pt, pb), (pl, pr), (0, 0)))
        counts = _windows(ones, (fh, fw), (sh, sw)).sum(axis=(4, 5))
        return out / counts


class _GlobalPool(_Op):
    def __init__(self, layer: Layer, in_shape: tuple[int, ...]) -> None:
        _check_image_input(layer, in_shape)
        self.maximum = layer.kind == "GlobalMaxPooling2D"
        self.keepdims = bool(layer.config.get("keepdims", False))
        _expect(layer, 0)

    def __call__(self, x: Array) -> Array:
        if self.maximum:
            return x.max(axis=(1, 2), keepdims=self.keepdims)
        return x.mean(axis=(1, 2), keepdims=self.keepdims, dtype=np.float32)


class _Dense(_Op):
    def __init__(self, layer: Layer, in_shape: tuple[int, ...]) -> None:
        cfg = layer.config
        units = int(cfg["units"])
        use_bias = bool(cfg.get("use_bias", True))
        if cfg.get("lora_rank"):
            raise NotSupported(f"{layer.name}: LoRA")
        _expect(layer, 1 + use_bias)
        self.kernel = np.ascontiguousarray(layer.variables[0], np.float32)
        if self.kernel.shape != (in_shape[-1], units):
            raise NotSupported(f"{layer.name}: kernel {self.kernel.shape}, expected {(in_shape[-1], units)}")
        self.bias = np.asarray(layer.variables[1], np.float32) if use_bias else None
        self.activation = activation(cfg.get("activation"))

    def __call__(self, x: Array) -> Array:
        out = x @ self.kernel
        if self.bias is not None:
            out += self.bias
        return self.activation(out)


class _BatchNorm(_Op):
    def __init__(self, layer: Layer, in_shape: tuple[int, ...]) -> None:
        cfg = layer.config
        axis = cfg.get("axis", -1)
        if isinstance(axis, (list, tuple)):
            if len(axis) != 1:
                raise NotSupported(f"{layer.name}: normalisation over several axes")
            axis = axis[0]
        axis = int(axis)
        index = axis if axis < 0 else axis - 1  # Keras counts the batch axis
        if not -len(in_shape) <= index < len(in_shape):
            raise NotSupported(f"{layer.name}: axis {axis}")
        scale, center = bool(cfg.get("scale", True)), bool(cfg.get("center", True))
        _expect(layer, 2 + scale + center)
        arrays = [np.asarray(v, np.float64) for v in layer.variables]
        channels = in_shape[index]
        gamma = arrays.pop(0) if scale else np.ones(channels)
        beta = arrays.pop(0) if center else np.zeros(channels)
        mean, variance = arrays
        if any(a.shape != (channels,) for a in (gamma, beta, mean, variance)):
            raise NotSupported(f"{layer.name}: statistics do not have {channels} channels")
        epsilon = float(cfg.get("epsilon", 1e-3))
        # y = (x − mean)/√(var + ε)·γ + β, folded into one multiply-add per channel.
        broadcast = [1] * (len(in_shape) + 1)
        broadcast[index if index < 0 else index + 1] = channels
        inv = gamma / np.sqrt(variance + epsilon)
        self.multiplier = inv.astype(np.float32).reshape(broadcast)
        self.offset = (beta - mean * inv).astype(np.float32).reshape(broadcast)

    def __call__(self, x: Array) -> Array:
        return x * self.multiplier + self.offset


class _Elementwise(_Op):
    def __init__(self, function: Callable[[Array], Array]) -> None:
        self.function = function

    def __call__(self, x: Array) -> Array:
        return self.function(x)


def _relu_layer(cfg: Mapping[str, Any]) -> Callable[[Array], Array]:
    max_value = cfg.get("max_value")
    slope = np.float32(cfg.get("negative_slope", 0.0) or 0.0)
    threshold = np.float32(cfg.get("threshold", 0.0) or 0.0)

    def relu(x: Array) -> Array:
        out = np.where(x >= threshold, x, slope * (x - threshold))
        return np.minimum(out, np.float32(max_value)) if max_value is not None else out

    return relu


def _elementwise(layer: Layer) -> _Op:
    cfg, kind = layer.config, layer.kind
    _expect(layer, 0)
    if kind in IDENTITY_AT_INFERENCE:
        return _Elementwise(lambda x: x)
    if kind == "Activation":
        return _Elementwise(activation(cfg.get("activation")))
    if kind == "ReLU":
        return _Elementwise(_relu_layer(cfg))
    if kind == "LeakyReLU":
        slope = np.float32(cfg.get("negative_slope", cfg.get("alpha", 0.3)))
        return _Elementwise(lambda x: np.where(x >= 0, x, slope * x))
    if kind == "ELU":
        alpha = float(cfg.get("alpha", 1.0))
        return _Elementwise(lambda x: _elu(x, alpha))
    if kind == "Softmax":
        axis = cfg.get("axis", -1)
        if not isinstance(axis, int):
            raise NotSupported(f"{layer.name}: softmax over several axes")
        return _Elementwise(lambda x: softmax(x, axis if axis < 0 else axis))
    if kind == "Rescaling":
        scale, offset = cfg.get("scale", 1.0), cfg.get("offset", 0.0)
        if isinstance(scale, Mapping) or isinstance(offset, Mapping):
            raise NotSupported(f"{layer.name}: a tensor-valued scale")
        s, o = np.asarray(scale, np.float32), np.asarray(offset, np.float32)
        return _Elementwise(lambda x: x * s + o)
    raise NotSupported(f"layer kind {kind}")


def elementwise_function(kind: str, config: Mapping[str, Any]) -> Callable[[Array], Array]:
    """What a weightless layer that works value by value computes (Activation, ReLU, Rescaling, dropout…);
    :class:`NotSupported` for any other kind."""
    op = _elementwise(Layer(kind, kind, config))
    assert isinstance(op, _Elementwise)
    return op.function


class _Flatten(_Op):
    def __call__(self, x: Array) -> Array:
        return x.reshape(x.shape[0], -1)


class _ZeroPadding2D(_Op):
    def __init__(self, layer: Layer) -> None:
        _check_channels_last(layer.config)
        self.pads = zero_padding_sides(layer.config.get("padding", 1))
        _expect(layer, 0)

    def __call__(self, x: Array) -> Array:
        return np.pad(x, ((0, 0), *self.pads, (0, 0)))


def _compile(layer: Layer, in_shape: tuple[int, ...]) -> _Op:
    kind = layer.kind
    if layer.config.get("dtype") not in (None, "float32") and _policy(layer.config.get("dtype")) != "float32":
        raise NotSupported(f"{layer.name}: dtype {_policy(layer.config.get('dtype'))}")
    if kind == "Conv2D":
        return _Conv2D(layer, in_shape)
    if kind == "DepthwiseConv2D":
        return _DepthwiseConv2D(layer, in_shape)
    if kind == "SeparableConv2D":
        return _SeparableConv2D(layer, in_shape)
    if kind == "Normalization":
        return _Normalization(layer, in_shape)
    if kind in ("MaxPooling2D", "AveragePooling2D"):
        return _Pool2D(layer, in_shape)
    if kind in ("GlobalAveragePooling2D", "GlobalMaxPooling2D"):
        return _GlobalPool(layer, in_shape)
    if kind == "Dense":
        return _Dense(layer, in_shape)
    if kind == "BatchNormalization":
        return _BatchNorm(layer, in_shape)
    if kind == "Flatten":
        _expect(layer, 0)
        return _Flatten()
    if kind == "ZeroPadding2D":
        return _ZeroPadding2D(layer)
    return _elementwise(layer)


def _policy(dtype: Any) -> str:
    """The compute dtype named by a layer's ``dtype`` setting (a string or a DTypePolicy dict)."""
    if isinstance(dtype, Mapping):
        return str(dtype.get("config", {}).get("name", "float32"))
    return str(dtype)


# --------------------------------------------------------------------------- the network


class NumpyNetwork:
    """A chain of layers run in NumPy: ``forward(batch)`` returns every layer's output."""

    def __init__(self, input_shape: Sequence[int], layers: Sequence[Layer]) -> None:
        self.input_shape = tuple(int(d) for d in input_shape)
        self.layers = tuple(layers)
        self._ops: list[_Op] = []
        shape = self.input_shape
        shapes: list[tuple[int, ...]] = []
        probe = np.zeros((1, *shape), np.float32)
        for layer in self.layers:
            try:
                op = _compile(layer, shape)
            except (ValueError, KeyError, TypeError) as exc:  # a setting that is not what Keras saves
                raise NotSupported(f"{layer.name}: {exc!r}") from None
            try:
                with np.errstate(all="ignore"):
                    probe = op(probe)
            except (ValueError, IndexError) as exc:  # shapes that cannot be chained
                raise NotSupported(f"{layer.name}: {exc}") from None
            shape = tuple(probe.shape[1:])
            if 0 in shape:
                raise NotSupported(f"{layer.name}: empty output {shape}")
            self._ops.append(op)
            shapes.append(shape)
        self.output_shapes: tuple[tuple[int, ...], ...] = tuple(shapes)

    @property
    def ops(self) -> tuple[_Op, ...]:
        """The compiled layers in order, to read their weights and settings (a backward pass needs them)."""
        return tuple(self._ops)

    def forward(self, batch: Array, stop_after: int | None = None) -> list[Array]:
        """Every layer's output for a float32 batch (N, *input_shape), up to layer ``stop_after``."""
        x = np.ascontiguousarray(batch, dtype=np.float32)
        if x.shape[1:] != self.input_shape:
            raise ValueError(f"expected inputs of shape {self.input_shape}, got {x.shape[1:]}")
        outputs = []
        last = len(self._ops) - 1 if stop_after is None else stop_after
        for op in self._ops[: last + 1]:
            x = op(x)
            if x.dtype != np.float32:
                x = x.astype(np.float32)
            outputs.append(x)
        return outputs
