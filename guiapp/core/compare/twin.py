"""The randomised twin: the same network with its top *k* weighted layers re-initialised, for the sanity check.

Adebayo et al. ("Sanity checks for saliency maps", NeurIPS 2018) re-initialise a trained network's
layers from the top down and ask whether an evidence map changes: a map that stays the same once the
weights that make the answer are random does not explain the model. :func:`randomised_weights` gives
all the model's weights in Keras' ``get_weights()`` order (the order :meth:`Inspector.with_weights`
takes) with the top *k* weighted layers drawn again the way Keras draws a new layer's weights:

- kernels (any weight of two or more axes: Dense, Conv1D/2D/3D and their transposes, the depthwise and
  pointwise kernels of DepthwiseConv2D and SeparableConv2D) — Glorot uniform, U(±√(6/(fan_in + fan_out)))
  with Keras' fans (a convolution kernel's receptive field times its input and output channels);
- biases (1-D) and PReLU's alphas — zeros;
- BatchNormalization — γ ones, β zeros, moving mean zeros, moving variance ones;
  LayerNormalization (and other layers with γ/β) — γ ones, β zeros.

A layer's own ``kernel_initializer`` is not read: every kernel gets Keras' default, as Adebayo's
"re-initialised" does. A ``Normalization`` layer's weights are statistics adapted from the data, not
learned: it is not a weighted layer here and keeps them.

NumPy only. Each layer's values come from a generator seeded by (``seed``, its place in the chain),
so the cascade is nested: the layers randomised at *k* hold the same values at *k* + 1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from guiapp.core.model.inference import Inspector, NumpyEngine

__all__ = ["glorot_uniform", "randomised_twin", "randomised_weights", "weighted_layers"]

STATISTICS_ONLY = ("Normalization",)  # weights adapted from the data, never trained: not re-initialised
ONES = ("gamma", "moving_variance")  # Keras initialises these to 1 (scales, variances); other 1-D weights to 0
_BATCH_NORM_STATS = ["moving_mean", "moving_variance"]


@dataclass(frozen=True)
class _Held:
    """One layer's weights as the model holds them, each with its Keras role ("kernel", "bias", "gamma"…)."""

    name: str
    kind: str
    roles: tuple[str, ...]
    arrays: tuple[np.ndarray, ...]


def _roles(kind: str, config: dict, count: int, shapes: list[tuple[int, ...]]) -> tuple[str, ...]:
    """The Keras names of a saved layer's ``count`` weights (the NumPy engine keeps them unnamed, in Keras' order)."""
    if kind == "BatchNormalization":
        named = (["gamma"] if config.get("scale", True) else []) + (["beta"] if config.get("center", True) else [])
        return tuple(named + _BATCH_NORM_STATS)[:count]
    if "Normalization" in kind and kind not in STATISTICS_ONLY:  # LayerNormalization, GroupNormalization…
        named = (["gamma"] if config.get("scale", True) else []) + (["beta"] if config.get("center", True) else [])
        return tuple(named)[:count] if len(named) == count else tuple("gamma" for _ in range(count))
    if kind == "PReLU":
        return ("alpha",) * count
    return tuple("kernel" if len(shape) >= 2 else "bias" for shape in shapes)


def _held(inspector: Inspector) -> list[_Held]:
    """Every layer with its weights, in chain order; concatenated, their arrays are ``get_weights()``."""
    if isinstance(inspector.engine, NumpyEngine):
        return [_Held(layer.name, layer.kind,
                      _roles(layer.kind, dict(layer.config), len(layer.variables),
                             [tuple(np.shape(v)) for v in layer.variables]),
                      tuple(np.asarray(v, np.float32) for v in layer.variables))
                for layer in inspector.engine.network.layers]
    model = inspector.keras_model()  # the TensorFlow engine: the model is in memory already
    held = [_Held(layer.name, type(layer).__name__,
                  tuple(str(getattr(w, "path", w.name)).rsplit("/", 1)[-1].split(":")[0] for w in layer.weights),
                  tuple(np.asarray(w, np.float32) for w in layer.get_weights()))
            for layer in model.layers if type(layer).__name__ != "InputLayer"]
    if [a.shape for h in held for a in h.arrays] != [tuple(w.shape) for w in model.weights]:
        raise ValueError(f"{inspector.ledger.name}: its layers' weights are not in the order of its get_weights()")
    return held


def weighted_layers(inspector: Inspector) -> tuple[str, ...]:
    """The layers with weights to re-initialise, in chain order (mnist_cnn: conv2d, conv2d_1, dense, dense_1)."""
    return tuple(h.name for h in _held(inspector) if h.arrays and h.kind not in STATISTICS_ONLY)


def glorot_uniform(shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    """Keras' default kernel initialiser: U(−limit, limit), limit = √(6/(fan_in + fan_out))."""
    if len(shape) == 2:
        fan_in, fan_out = shape
    else:  # a convolution kernel (…spatial, in, out): each fan counts the receptive field
        field = math.prod(shape[:-2])
        fan_in, fan_out = shape[-2] * field, shape[-1] * field
    limit = math.sqrt(6.0 / max(1, fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape).astype(np.float32)


def _fresh(role: str, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    if role in ONES:
        return np.ones(shape, np.float32)
    if len(shape) >= 2 and role not in ("alpha", "beta", "gamma", "moving_mean"):
        return glorot_uniform(shape, rng)
    return np.zeros(shape, np.float32)


def randomised_weights(inspector: Inspector, k: int, seed: int = 0) -> list[np.ndarray]:
    """All the model's weights (``get_weights()`` order) with the top ``k`` weighted layers re-initialised.

    ``k`` 0 gives the model's own weights (copies); :class:`ValueError` for ``k`` outside 0 … the number of
    weighted layers, a negative seed, or a model without weights.
    """
    held = _held(inspector)
    names = [h.name for h in held if h.arrays and h.kind not in STATISTICS_ONLY]
    if not names:
        raise ValueError(f"{inspector.ledger.name} has no layers with weights: there is nothing to randomise")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 0 <= k <= len(names):
        raise ValueError(f"k = {k!r}: randomise 0 to {len(names)} layers ({inspector.ledger.name} has "
                         f"{len(names)} with weights)")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed {seed!r}: a whole number ≥ 0")
    redrawn = set(names[len(names) - int(k):])
    weights: list[np.ndarray] = []
    for place, h in enumerate(held):
        if h.name not in redrawn:
            weights.extend(np.array(a, np.float32, copy=True) for a in h.arrays)
            continue
        rng = np.random.default_rng(np.random.SeedSequence([int(seed), place]))  # per layer: nested cascade
        weights.extend(_fresh(role, a.shape, rng) for role, a in zip(h.roles, h.arrays, strict=True))
    return weights


def randomised_twin(inspector: Inspector, k: int, seed: int = 0) -> Inspector:
    """``inspector``'s network with its top ``k`` weighted layers re-initialised (:func:`randomised_weights`)."""
    return inspector.with_weights(randomised_weights(inspector, k, seed))
