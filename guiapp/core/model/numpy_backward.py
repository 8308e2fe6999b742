"""Each layer's backward rule for the NumPy engine (:mod:`guiapp.core.model.numpy_engine`): the
vector-Jacobian product ∂y/∂input from ∂y/∂output, with TensorFlow's semantics down to ties.

Max pooling hands a window's gradient to its first maximum in row-major order (TensorFlow's CPU
kernel), a global max splits it among all maxima (``reduce_max``'s gradient). Activation
derivatives come from the layer's output where the output determines them (relu, sigmoid,
tanh…), so a saved forward pass suffices; the few that need the pre-activation (silu, gelu,
mish, hard silu) recompute it for their layer alone. :func:`backward_step` is the entry point;
:class:`~guiapp.core.explain.numpy_gradients.NumpyGradients` chains the steps.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from guiapp.core.model.numpy_engine import (
    _SELU_ALPHA,
    _SELU_SCALE,
    ACTIVATIONS,
    IDENTITY_AT_INFERENCE,
    NotSupported,
    _same_padding,
)

__all__ = ["backward_step"]

Array = np.ndarray
Step = Callable[[Array, Array, Array], Array]  # (∂y/∂output, input, output) → ∂y/∂input
LEAKY_SLOPE = 0.2  # Keras 3's leaky_relu activation
_ONE, _ZERO = np.float32(1), np.float32(0)


# --------------------------------------------------------------------------- activations: ∂output/∂pre-activation


def _gelu_derivative(x: Array) -> Array:
    from scipy.special import erf  # only models that use gelu pay for the import

    cdf = 0.5 * (1.0 + erf(x / np.float32(math.sqrt(2.0))))
    return (cdf + x * np.exp(-0.5 * x * x) / np.float32(math.sqrt(2 * math.pi))).astype(np.float32)


def _silu_derivative(x: Array) -> Array:
    s = ACTIVATIONS["sigmoid"](x)
    return s * (1 + x * (1 - s))


def _mish_derivative(x: Array) -> Array:
    t = np.tanh(ACTIVATIONS["softplus"](x))
    return t + x * ACTIVATIONS["sigmoid"](x) * (1 - t * t)


# From the output alone (TensorFlow's own gradients read the output for relu, elu, selu, sigmoid, tanh).
_FROM_OUTPUT: dict[str, Callable[[Array], Array]] = {
    "relu": lambda y: y > 0,
    "relu6": lambda y: (y > 0) & (y < 6),
    "leaky_relu": lambda y: np.where(y > 0, _ONE, np.float32(LEAKY_SLOPE)),
    "elu": lambda y: np.where(y > 0, _ONE, y + 1),
    "selu": lambda y: np.where(y > 0, np.float32(_SELU_SCALE), y + np.float32(_SELU_SCALE * _SELU_ALPHA)),
    "sigmoid": lambda y: y * (1 - y),
    "hard_sigmoid": lambda y: np.where((y > 0) & (y < 1), np.float32(1 / 6), _ZERO),
    "tanh": lambda y: 1 - y * y,
    "softplus": lambda y: -np.expm1(-y),  # sigmoid(x) = 1 − e^(−softplus(x))
    "softsign": lambda y: np.square(1 - np.abs(y)),  # 1/(1+|x|)² = (1 − |y|)²
    "exponential": lambda y: y,
}
# The rest need the pre-activation x.
_FROM_INPUT: dict[str, Callable[[Array], Array]] = {
    "silu": _silu_derivative,
    "swish": _silu_derivative,
    "gelu": _gelu_derivative,
    "mish": _mish_derivative,
    "hard_silu": lambda x: np.where(x < -3, _ZERO, np.where(x > 3, _ONE, (2 * x + 3) / np.float32(6))),
}
_FROM_INPUT["hard_swish"] = _FROM_INPUT["hard_silu"]


def _softmax_vjp(g: Array, s: Array, axis: int = -1) -> Array:
    return s * (g - (g * s).sum(axis=axis, keepdims=True))


def _activation_step(name: Any, pre_of: Callable[[Array], Array]) -> Step:
    """g ↦ ∂y/∂pre-activation; ``pre_of(input)`` recomputes the pre-activation when the output is not enough."""
    name = name or "linear"
    if name == "linear":
        return lambda g, x, y: g
    if name in _FROM_OUTPUT:
        derivative = _FROM_OUTPUT[name]
        return lambda g, x, y: g * derivative(y)
    if name in _FROM_INPUT:
        from_input = _FROM_INPUT[name]
        return lambda g, x, y: g * from_input(pre_of(x))
    if name == "softmax":
        return lambda g, x, y: _softmax_vjp(g, y)
    if name == "log_softmax":
        return lambda g, x, y: g - np.exp(y) * g.sum(axis=-1, keepdims=True)
    raise NotSupported(f"no gradient for activation {name!r}")


# --------------------------------------------------------------------------- spatial helpers


def _taps(size: Sequence[int], strides: Sequence[int], dilation: Sequence[int],
          out_hw: Sequence[int]) -> Iterator[tuple[int, int, tuple[slice, slice, slice]]]:
    """Each kernel position (i, j) with the (padded) input cells it reads across all windows."""
    (sh, sw), (dh, dw), (oh, ow) = strides, dilation, out_hw
    for i in range(size[0]):
        for j in range(size[1]):
            yield i, j, (slice(None), slice(i * dh, i * dh + sh * (oh - 1) + 1, sh),
                         slice(j * dw, j * dw + sw * (ow - 1) + 1, sw))


def _pads(padding: str, in_hw: Sequence[int], reach: Sequence[int], strides: Sequence[int]) -> list[tuple[int, int]]:
    if padding != "same":
        return [(0, 0), (0, 0)]
    return [_same_padding(in_hw[a], reach[a], strides[a]) for a in (0, 1)]


def _zeros_padded(n: int, in_shape: Sequence[int], pads: list[tuple[int, int]]) -> Array:
    (pt, pb), (pl, pr) = pads
    return np.zeros((n, in_shape[0] + pt + pb, in_shape[1] + pl + pr, in_shape[2]), np.float32)


def _cropped(dx: Array, in_shape: Sequence[int], pads: list[tuple[int, int]]) -> Array:
    (pt, _), (pl, _) = pads
    return dx[:, pt:pt + in_shape[0], pl:pl + in_shape[1]]


# --------------------------------------------------------------------------- layers: ∂y/∂output ↦ ∂y/∂input


def _conv_input(op: Any, in_shape: Sequence[int]) -> Callable[[Array], Array]:
    """Conv2D: each tap's kernel carries the gradient back to the cells the tap read (col2im).

    With stride 1 the gradient is laid out on rows as wide as the padded input, so each tap's share is
    one contiguous run of the flattened input (the extra columns hold zeros): far faster to add.
    """
    fh, fw, g_in, filters = op.kernel.shape
    g_out = filters // op.groups
    # Per group, (taps, Cout/g, Cin/g): one matrix product per tap takes Cout/g gradients to Cin/g cells.
    matrices = [np.ascontiguousarray(op.kernel[..., k * g_out:(k + 1) * g_out].transpose(0, 1, 3, 2)
                                     .reshape(fh * fw, g_out, g_in)) for k in range(op.groups)]
    pads = _pads(op.padding, in_shape, op.reach, op.strides)
    hp, wp = in_shape[0] + sum(pads[0]), in_shape[1] + sum(pads[1])
    dh, dw = op.dilation

    def wide(g: Array) -> Array:
        n, oh, ow, _ = g.shape
        rows = np.zeros((n, oh, wp, filters), np.float32)
        rows[:, :, :ow] = g
        dx = np.zeros((n, (hp + 1) * wp, in_shape[2]), np.float32)  # one spare row: the last tap's run overhangs
        for k, taps in enumerate(matrices):
            part = rows[..., k * g_out:(k + 1) * g_out].reshape(n * oh * wp, g_out)
            if g_in == 1:  # one product for all taps (each tap's column is still one long run)
                shares = (taps[..., 0] @ part.T).reshape(fh * fw, n, oh * wp, 1)
            else:
                shares = np.matmul(part, taps).reshape(fh * fw, n, oh * wp, g_in)
            for t in range(fh * fw):
                start = (t // fw) * dh * wp + (t % fw) * dw
                dx[:, start:start + oh * wp, k * g_in:(k + 1) * g_in] += shares[t]
        return _cropped(dx[:, :hp * wp].reshape(n, hp, wp, in_shape[2]), in_shape, pads)

    def strided(g: Array) -> Array:
        n, oh, ow, _ = g.shape
        dx = _zeros_padded(n, in_shape, pads)
        for k, taps in enumerate(matrices):
            part = g[..., k * g_out:(k + 1) * g_out].reshape(n * oh * ow, g_out)
            shares = np.matmul(part, taps).reshape(fh, fw, n, oh, ow, g_in)
            for i, j, cells in _taps(op.size, op.strides, op.dilation, (oh, ow)):
                dx[(*cells, slice(k * g_in, (k + 1) * g_in))] += shares[i, j]
        return _cropped(dx, in_shape, pads)

    return wide if tuple(op.strides) == (1, 1) else strided


def _depthwise_input(windows: Any, in_shape: Sequence[int]) -> Callable[[Array], Array]:
    """The depthwise step: each tap's kernel weighs the gradient of the maps its input channel feeds."""
    m = windows.multiplier
    pads = _pads(windows.padding, in_shape, windows.reach, windows.strides)

    def backward(g: Array) -> Array:
        n, oh, ow, _ = g.shape
        g5 = g.reshape(n, oh, ow, in_shape[2], m)
        dx = _zeros_padded(n, in_shape, pads)
        for i, j, cells in _taps(windows.size, windows.strides, windows.dilation, (oh, ow)):
            tap = windows.kernel[i, j]
            dx[cells] += g5[..., 0] * tap[:, 0] if m == 1 else (g5 * tap).sum(axis=-1)
        return _cropped(dx, in_shape, pads)

    return backward


def _pool_step(op: Any, in_shape: Sequence[int]) -> Step:
    """Max pooling: each window's gradient to its first maximum (row-major), as TensorFlow's CPU kernel
    gives it; average pooling: shared among the window's real (unpadded) cells, as TensorFlow divides."""
    pads = _pads(op.padding, in_shape, op.size, op.strides)
    (pt, pb), (pl, pr) = pads
    ones = np.pad(np.ones((1, *in_shape[:2], 1), np.float32), ((0, 0), (pt, pb), (pl, pr), (0, 0)))
    (fh, fw), (sh, sw) = op.size, op.strides
    oh, ow = (ones.shape[1] - fh) // sh + 1, (ones.shape[2] - fw) // sw + 1
    taps = list(_taps(op.size, op.strides, (1, 1), (oh, ow)))
    counts = sum(ones[cells] for _, _, cells in taps)
    padded = pt + pb + pl + pr > 0
    exact = not padded and (oh * fh, ow * fw) == tuple(in_shape[:2])
    tiled = (fh, fw) == (sh, sw)  # windows tile the input: one reshape gives every window's cells at once

    def tiles(g: Array, x: Array, y: Array) -> Array:
        n, c = len(x), x.shape[3]
        if not op.maximum:
            return np.broadcast_to((g / counts)[:, :, np.newaxis, :, np.newaxis], (n, oh, fh, ow, fw, c))
        xp = np.pad(x, ((0, 0), (pt, pb), (pl, pr), (0, 0)), constant_values=-np.inf) if padded else x
        hit = xp[:, :oh * fh, :ow * fw].reshape(n, oh, fh, ow, fw, c) == y[:, :, np.newaxis, :, np.newaxis]
        taken = hit[:, :, 0, :, 0].copy()
        for i, j, _ in taps[1:]:  # a later maximum of a window whose first one is found gets nothing
            later = hit[:, :, i, :, j]
            np.greater(later, taken, out=later)
            taken |= later
        return hit * g[:, :, np.newaxis, :, np.newaxis]

    def backward(g: Array, x: Array, y: Array) -> Array:
        if tiled and exact:
            return tiles(g, x, y).reshape(x.shape)
        dx = _zeros_padded(len(x), in_shape, pads)
        if tiled:
            dx[:, :oh * fh, :ow * fw] = tiles(g, x, y).reshape(len(x), oh * fh, ow * fw, x.shape[3])
            return _cropped(dx, in_shape, pads)
        xp = np.pad(x, ((0, 0), (pt, pb), (pl, pr), (0, 0)), constant_values=-np.inf) if padded else x
        share, open_ = g / counts, np.ones(y.shape, bool)  # open_: windows whose maximum is not found yet
        for _, _, cells in taps:
            if op.maximum:
                hit = (xp[cells] == y) & open_
                open_ &= ~hit
                share = hit * g
            dx[cells] += share
        return _cropped(dx, in_shape, pads)

    return backward


def _global_pool_step(op: Any) -> Step:
    def backward(g: Array, x: Array, y: Array) -> Array:
        g = g.reshape(len(x), 1, 1, x.shape[3])
        if not op.maximum:
            return np.broadcast_to(g / np.float32(x.shape[1] * x.shape[2]), x.shape)
        hit = x == y.reshape(g.shape)
        return np.where(hit, g / hit.sum(axis=(1, 2), keepdims=True), _ZERO)

    return backward


def _linear_clone(op: Any) -> Any:
    """The op without its activation: the pre-activation, for derivatives the output does not give."""
    clone = copy.copy(op)
    clone.activation = ACTIVATIONS["linear"]
    return clone


def _weighted_step(kind: str, op: Any, config: dict[str, Any], in_shape: Sequence[int]) -> Step:
    act = _activation_step(config.get("activation"), _linear_clone(op))
    if kind == "Dense":
        kernel_t = op.kernel.T
        return lambda g, x, y: act(g, x, y) @ kernel_t
    if kind == "Conv2D":
        conv = _conv_input(op, in_shape)
        return lambda g, x, y: conv(act(g, x, y))
    depthwise = _depthwise_input(op.depthwise, in_shape)
    if kind == "DepthwiseConv2D":
        return lambda g, x, y: depthwise(act(g, x, y))
    pointwise_t = op.pointwise.T
    return lambda g, x, y: depthwise(act(g, x, y) @ pointwise_t)


def _elementwise_step(kind: str, op: Any, config: dict[str, Any]) -> Step:
    if kind in IDENTITY_AT_INFERENCE:
        return lambda g, x, y: g
    if kind == "Activation":
        return _activation_step(config.get("activation"), lambda x: x)
    if kind == "LeakyReLU":
        slope = np.float32(config.get("negative_slope", config.get("alpha", 0.3)))
        return lambda g, x, y: g * np.where(x > 0, _ONE, slope)
    if kind == "ELU":
        alpha = np.float32(config.get("alpha", 1.0))
        return lambda g, x, y: g * np.where(x > 0, _ONE, alpha * np.exp(np.minimum(x, 0)))
    if kind == "ReLU":
        top = config.get("max_value")
        slope = np.float32(config.get("negative_slope", 0.0) or 0.0)
        threshold = np.float32(config.get("threshold", 0.0) or 0.0)
        inside = (lambda x: x <= np.float32(top)) if top is not None else (lambda x: True)
        return lambda g, x, y: g * np.where(x > threshold, np.where(inside(x), _ONE, _ZERO), slope)
    if kind == "Softmax":
        axis = int(config.get("axis", -1))
        return lambda g, x, y: _softmax_vjp(g, y, axis)
    if kind == "Rescaling":
        scale = np.asarray(config.get("scale", 1.0), np.float32)
        return lambda g, x, y: g * scale
    raise NotSupported(f"no gradient for layer kind {kind}")


def backward_step(layer: Any, op: Any, in_shape: Sequence[int]) -> Step:
    """The rule for ``layer`` (compiled as ``op``, reading ``in_shape``); :class:`NotSupported` when it has none."""
    kind, config = layer.kind, dict(layer.config)
    if kind in ("Dense", "Conv2D", "DepthwiseConv2D", "SeparableConv2D"):
        return _weighted_step(kind, op, config, in_shape)
    if kind in ("MaxPooling2D", "AveragePooling2D"):
        return _pool_step(op, in_shape)
    if kind in ("GlobalAveragePooling2D", "GlobalMaxPooling2D"):
        return _global_pool_step(op)
    if kind == "Flatten":
        return lambda g, x, y: g.reshape(x.shape)
    if kind == "BatchNormalization":
        return lambda g, x, y: g * op.multiplier
    if kind == "Normalization":
        return (lambda g, x, y: g * op.deviation) if op.invert else (lambda g, x, y: g / op.deviation)
    if kind == "ZeroPadding2D":
        (top, _), (left, _) = op.pads
        return lambda g, x, y: g[:, top:top + x.shape[1], left:left + x.shape[2]]
    return _elementwise_step(kind, op, config)


