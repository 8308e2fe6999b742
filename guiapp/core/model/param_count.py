"""How many parameters a Keras model config declares, counted without building it.

Each layer is counted by the ledger's own formula (:func:`~guiapp.core.arithmetic.layer_formulas.explain_layer`)
for every input shape it may be built with; a layer without a formula, or whose input is unknown, by the
fewest parameters its config alone implies (filters × kernel, units, …). So the count is exact for the layers
guiapp explains and a lower bound otherwise: enough to refuse a file that declares too many before an engine
builds them (:mod:`guiapp.core.model.model_check`).
"""

from __future__ import annotations

import math
from typing import Any

from guiapp.core.arithmetic.layer_formulas import explain_layer

__all__ = ["count_declared", "declared_params"]

MAX_NESTING = 32  # models inside models counted; deeper ones count as nothing (Keras refuses far less)
Shape = tuple[int, ...]


def declared_params(config: dict[str, Any]) -> int:
    """The parameters a Keras model config declares: exact where the ledger has each layer's formula, else at
    least this many."""
    return _model_params(config, None, 0)[0]


def count_declared(config: dict[str, Any]) -> tuple[int, tuple[str, int]]:
    """:func:`declared_params`, and the layer that declares the most (its name and count)."""
    return _model_params(config, None, 0)


def _model_params(model: dict[str, Any], in_shape: Shape | None, depth: int) -> tuple[int, tuple[str, int]]:
    """(parameters a model config declares — exact, or at least this many —, the largest layer's name and count).

    A layer is counted by the ledger's formula for each input shape it may be built with: the previous
    layer's output (Sequential) or its source's (Functional, by name), the shape its inbound tensor
    declares, the shape its ``build_config`` declares; the largest count is kept, and never less than
    what its config alone implies. A stranger's file cannot lower the count by lying in one place.
    """
    body = model.get("config")
    entries = body.get("layers") if isinstance(body, dict) else None
    if not isinstance(entries, list) or depth > MAX_NESTING:
        return 0, ("", 0)
    sequential = model.get("class_name") == "Sequential"
    if in_shape is None:
        in_shape = _build_shape(model)
    outputs: dict[str, Shape | None] = {}
    shape = in_shape
    total, largest = 0, ("", 0)
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        cfg = entry.get("config") if isinstance(entry.get("config"), dict) else {}
        kind = str(entry.get("class_name"))
        shapes = [shape] if sequential else _functional_inputs(entry, outputs)
        shapes.append(_build_shape(entry))
        if kind == "InputLayer":
            params, shape = 0, _declared_shape(cfg.get("batch_shape") or cfg.get("batch_input_shape"))
        elif isinstance(cfg.get("layers"), list):  # a model used as a layer
            params, shape = _model_params(entry, next((s for s in shapes if s is not None), None), depth + 1)[0], None
        else:
            params, shape = _layer_params(kind, cfg, shapes)
        total += params
        name = str(cfg.get("name", kind))
        outputs[name] = shape
        if params > largest[1]:
            largest = (name, params)
    return total, largest


def _layer_params(kind: str, cfg: dict[str, Any], shapes: list[Shape | None]) -> tuple[int, Shape | None]:
    """One layer's parameters (the most any of its possible input shapes gives, at least :func:`_at_least`)
    and its output shape (from the first shape its formula takes; None if none does)."""
    params, output = _at_least(kind, cfg), None
    for shape in dict.fromkeys(s for s in shapes if s is not None):
        try:
            explained = explain_layer(kind, cfg, shape)
        except Exception:  # noqa: BLE001 — no formula (UnsupportedLayer), or numbers no engine would build
            continue
        params = max(params, explained.params)
        output = explained.output_shape if output is None else output
    return params, output


def _at_least(kind: str, cfg: dict[str, Any]) -> int:
    """The fewest parameters a layer with this config can have, whatever its input (taken as one channel)."""
    kernel = math.prod(_counts(cfg.get("kernel_size"))) if "kernel_size" in cfg else 1
    bounds = [0]
    if "filters" in cfg:  # Conv1D/2D/3D and their transposes: filters × kernel × input channels
        bounds.append(_count(cfg["filters"]) * kernel)
    if "depth_multiplier" in cfg:  # DepthwiseConv2D, SeparableConv2D
        bounds.append(_count(cfg["depth_multiplier"]) * kernel)
    if "units" in cfg:  # Dense: units × inputs; a recurrent layer also units × units
        units = _count(cfg["units"])
        bounds.append(units * units if "recurrent_initializer" in cfg else units)
    if "input_dim" in cfg and "output_dim" in cfg:  # Embedding
        bounds.append(_count(cfg["input_dim"]) * _count(cfg["output_dim"]))
    if "num_heads" in cfg and "key_dim" in cfg:  # MultiHeadAttention
        bounds.append(_count(cfg["num_heads"]) * _count(cfg["key_dim"]))
    return max(bounds)


def _count(value: Any) -> int:
    """A size from a config as a whole number ≥ 0; 0 for anything else (which no engine would build)."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return max(value, 0)
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return max(int(value), 0)
    return 0


def _counts(value: Any) -> list[int]:
    return [_count(v) for v in value] if isinstance(value, list) else [_count(value)]


def _declared_shape(batch_shape: Any) -> Shape | None:
    """``[None, 28, 28, 1]`` → ``(28, 28, 1)``; None unless every size after the batch is a whole number ≥ 1."""
    if not isinstance(batch_shape, list) or len(batch_shape) < 2:
        return None
    sizes = batch_shape[1:]
    if not all(isinstance(d, int) and not isinstance(d, bool) and d >= 1 for d in sizes):
        return None
    return tuple(sizes)


def _build_shape(entry: dict[str, Any]) -> Shape | None:
    """The input shape a layer's (or model's) ``build_config`` says Keras builds it with."""
    build = entry.get("build_config")
    return _declared_shape(build.get("input_shape")) if isinstance(build, dict) else None


def _functional_inputs(entry: dict[str, Any], outputs: dict[str, Shape | None]) -> list[Shape | None]:
    """The shapes a Functional model's layer may read, when it reads one tensor: its source layer's output
    (as counted here) and the shape the tensor declares. Nothing for a layer reading several (Add, Concatenate)."""
    tensors = []
    for node in entry.get("inbound_nodes") or []:
        if isinstance(node, dict):  # Keras 3: {"args": [tensor, …], "kwargs": {…}}
            for arg in node.get("args") or []:
                tensors += [t for t in (arg if isinstance(arg, list) else [arg])
                            if isinstance(t, dict) and t.get("class_name") == "__keras_tensor__"]
        elif isinstance(node, list):  # Keras 2: [[name, node, tensor, kwargs], …]
            tensors += [{"config": {"keras_history": item}} for item in node if isinstance(item, list)]
    if len(tensors) != 1:
        return []
    config = tensors[0].get("config") if isinstance(tensors[0].get("config"), dict) else {}
    history = config.get("keras_history")
    source = outputs.get(str(history[0])) if isinstance(history, list) and history else None
    return [source, _declared_shape(config.get("shape"))]
