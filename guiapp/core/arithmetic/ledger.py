"""The layer ledger: every layer's shapes and parameter count, with the arithmetic that gives them.

``ledger_for_architecture`` explains a described network without Keras (so it can
also say *where* an impossible one breaks); ``ledger_for_model`` explains a built
Keras model, using Keras' own numbers for any layer it has no formula for. The
formulas of each layer kind are in :mod:`guiapp.core.arithmetic.layer_formulas`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

from guiapp.core.arithmetic.layer_formulas import Shape, UnsupportedLayer, explain_layer
from guiapp.core.model.architectures import Architecture

__all__ = ["NO_FORMULA", "Ledger", "LedgerRow", "explained_row", "ledger_for_architecture", "ledger_for_model"]

NO_FORMULA = "no formula — shape and parameter count as Keras reports them"


@dataclass(frozen=True)
class LedgerRow:
    """One layer explained."""

    name: str
    kind: str
    input_shape: Shape | None
    output_shape: Shape | None
    params: int
    trainable_params: int
    formulas: tuple[str, ...] = ()
    note: str = ""
    share: float = 0.0  # this layer's fraction of all parameters
    error: str | None = None  # why the architecture breaks here

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "input_shape": list(self.input_shape) if self.input_shape is not None else None,
            "output_shape": list(self.output_shape) if self.output_shape is not None else None,
            "params": self.params,
            "trainable_params": self.trainable_params,
            "share": self.share,
            "formulas": list(self.formulas),
            "note": self.note,
            **({"error": self.error} if self.error else {}),
        }


@dataclass(frozen=True)
class Ledger:
    """All layers of one network, in order, with totals."""

    name: str
    input_shape: Shape
    rows: tuple[LedgerRow, ...]
    total_params: int = field(init=False)
    trainable_params: int = field(init=False)

    def __post_init__(self) -> None:
        total = sum(row.params for row in self.rows)
        object.__setattr__(self, "total_params", total)
        object.__setattr__(self, "trainable_params", sum(row.trainable_params for row in self.rows))
        shared = tuple(replace(row, share=row.params / total if total else 0.0) for row in self.rows)
        object.__setattr__(self, "rows", shared)

    @property
    def non_trainable_params(self) -> int:
        return self.total_params - self.trainable_params

    @property
    def error(self) -> str | None:
        """The first reason the architecture cannot be built, or None."""
        return next((f"{row.name}: {row.error}" for row in self.rows if row.error), None)

    def row(self, name: str) -> LedgerRow:
        return next(row for row in self.rows if row.name == name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "input_shape": list(self.input_shape),
            "layers": [row.to_dict() for row in self.rows],
            "total_params": self.total_params,
            "trainable_params": self.trainable_params,
            "non_trainable_params": self.non_trainable_params,
        }


# --------------------------------------------------------------------------- whole networks


def ledger_for_architecture(arch: Architecture) -> Ledger:
    """Explain a described architecture without Keras; stop at the first impossible layer."""
    rows: list[LedgerRow] = []
    shape: Shape = tuple(arch.input_shape)
    for spec in arch.layers:
        try:
            computed = explain_layer(spec.kind, spec.config, shape)
        except (ValueError, KeyError, TypeError, UnsupportedLayer) as exc:
            reason = str(exc) if not isinstance(exc, KeyError) else f"missing setting {exc}"
            rows.append(LedgerRow(spec.name, spec.kind, shape, None, 0, 0, error=reason))
            break
        rows.append(
            LedgerRow(spec.name, spec.kind, shape, computed.output_shape, computed.params,
                      computed.trainable, computed.formulas, computed.note)
        )
        shape = computed.output_shape
    return Ledger(arch.name, tuple(arch.input_shape), tuple(rows))


def _unbatched(shape: Any) -> Shape | None:
    try:
        return tuple(int(d) for d in tuple(shape)[1:])
    except (TypeError, ValueError):
        return None


def _keras_numbers(layer: Any) -> tuple[Shape | None, Shape | None, int, int]:
    """(input shape, output shape, params, trainable params) as Keras reports them."""
    def shape_of(attribute: str) -> Shape | None:
        try:
            tensor = getattr(layer, attribute)
        except (AttributeError, ValueError):
            return None
        return None if isinstance(tensor, (list, tuple)) else _unbatched(tensor.shape)

    trainable = sum(math.prod(w.shape) for w in layer.trainable_weights)
    return shape_of("input"), shape_of("output"), int(layer.count_params()), int(trainable)


def explained_row(name: str, kind: str, config: Any, in_shape: Shape | None, out_shape: Shape | None,
                  params: int, trainable: int) -> LedgerRow:
    """A row with the formulas filled in when they reproduce the given (measured) numbers, else none."""
    row = LedgerRow(name, kind, in_shape, out_shape, params, trainable, (), NO_FORMULA)
    if in_shape is None:
        return row
    try:
        computed = explain_layer(kind, config, in_shape)
    except (UnsupportedLayer, ValueError, KeyError, TypeError):
        return row
    # Never teach a number that disagrees with the engine: fall back to its own.
    if (computed.output_shape, computed.params) != (out_shape, params):
        return row
    return LedgerRow(name, kind, in_shape, out_shape, params, trainable, computed.formulas, computed.note)


def ledger_for_model(model: Any) -> Ledger:
    """Explain a built Keras model, layer by layer; unknown layers get Keras' numbers and no formula."""
    rows: list[LedgerRow] = []
    for layer in model.layers:
        kind = type(layer).__name__
        in_shape, out_shape, params, trainable = _keras_numbers(layer)
        if kind == "InputLayer":
            in_shape = out_shape
        rows.append(explained_row(layer.name, kind, layer.get_config(), in_shape, out_shape, params, trainable))
    input_shape = _unbatched(model.inputs[0].shape) if getattr(model, "inputs", None) else None
    return Ledger(model.name, input_shape or (), tuple(rows))
