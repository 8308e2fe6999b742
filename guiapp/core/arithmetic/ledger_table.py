"""The ledger as text: a table like Keras' ``model.summary()``, with the formulas under each layer."""

from __future__ import annotations

from guiapp.core.arithmetic.ledger import Ledger, LedgerRow

__all__ = ["keras_shape", "render_table", "share_text"]

NAME_WIDTH = 34
SHAPE_WIDTH = 22
PARAM_WIDTH = 11
SHARE_WIDTH = 8
INDENT = "    "


def keras_shape(shape: tuple[int, ...] | None) -> str:
    """(26, 26, 32) → ``(None, 26, 26, 32)``, as Keras prints it."""
    if shape is None:
        return "—"
    return "(" + ", ".join(["None", *(str(d) for d in shape)]) + ")"


def share_text(row: LedgerRow) -> str:
    if row.params == 0:
        return "—"
    percent = row.share * 100
    return f"{percent:.2f}%" if percent < 0.1 else f"{percent:.1f}%"


def render_table(ledger: Ledger, formulas: bool = True) -> str:
    """The ledger as a fixed-width table; formulas (or the reason it breaks) indented below each row."""
    width = NAME_WIDTH + SHAPE_WIDTH + PARAM_WIDTH + SHARE_WIDTH
    lines = [
        f'Model: "{ledger.name}"   input {keras_shape(ledger.input_shape)}',
        "━" * width,
        f"{'Layer (type)':<{NAME_WIDTH}}{'Output Shape':<{SHAPE_WIDTH}}{'Param #':>{PARAM_WIDTH}}{'Share':>{SHARE_WIDTH}}",
        "━" * width,
    ]
    for index, row in enumerate(ledger.rows):
        label = f"{row.name} ({row.kind})"
        lines.append(
            f"{label:<{NAME_WIDTH}}{keras_shape(row.output_shape):<{SHAPE_WIDTH}}"
            f"{row.params:>{PARAM_WIDTH},}{share_text(row):>{SHARE_WIDTH}}"
        )
        if formulas:
            lines.extend(INDENT + text for text in row.formulas)
            if row.note:
                lines.append(INDENT + row.note)
        if row.error:
            lines.append(f"{INDENT}✗ cannot be built here: {row.error}")
        lines.append("─" * width if index < len(ledger.rows) - 1 else "━" * width)
    lines += [
        f"Total params: {ledger.total_params:,}",
        f"Trainable params: {ledger.trainable_params:,}",
        f"Non-trainable params: {ledger.non_trainable_params:,}",
    ]
    return "\n".join(lines)
