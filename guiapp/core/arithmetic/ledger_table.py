"""The ledger as text: a table like Keras' ``model.summary()``, with the formulas under each layer."""

from __future__ import annotations

from guiapp.core.arithmetic.ledger import Ledger, LedgerRow

__all__ = ["elide_label", "keras_shape", "render_table", "share_text"]

NAME_MAX = 56  # a longer "name (Kind)" is elided in the middle of the name, so the table stays on a screen
GAP = "  "  # between columns, so a name that fills its column never touches the shape
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


def elide_label(name: str, kind: str, width: int = NAME_MAX) -> str:
    """``name (Kind)`` in at most ``width`` characters: a long name loses its middle to "…", the kind stays."""
    label = f"{name} ({kind})"
    if len(label) <= width:
        return label
    room = width - len(kind) - 4  # " (", ")" and the "…"
    if room < 6:  # a kind name as long as the column: elide the whole label
        head = (width - 1) // 2
        return label[:head] + "…" + label[len(label) - (width - 1 - head):]
    head = (room + 1) // 2
    return f"{name[:head]}…{name[len(name) - (room - head):]} ({kind})"


def render_table(ledger: Ledger, formulas: bool = True) -> str:
    """The ledger as a table whose columns fit their content; formulas (or why it breaks) indented below.

    The name column grows with the longest "name (Kind)" up to ``NAME_MAX`` characters; a longer one is
    elided in the middle, so every row's shape, parameters and share stay in their columns.
    """
    headers = ("Layer (type)", "Output Shape", "Param #", "Share")
    cells = [(elide_label(row.name, row.kind), keras_shape(row.output_shape), f"{row.params:,}", share_text(row))
             for row in ledger.rows]
    widths = [max(len(header), *(len(cell[i]) for cell in cells)) for i, header in enumerate(headers)]

    def line(cell: tuple[str, ...]) -> str:
        name, shape, params, share = cell
        return (f"{name:<{widths[0]}}{GAP}{shape:<{widths[1]}}{GAP}{params:>{widths[2]}}{GAP}"
                f"{share:>{widths[3]}}").rstrip()

    width = sum(widths) + 3 * len(GAP)
    lines = [
        f'Model: "{ledger.name}"   input {keras_shape(ledger.input_shape)}',
        "━" * width,
        line(headers),
        "━" * width,
    ]
    for index, (row, cell) in enumerate(zip(ledger.rows, cells)):
        lines.append(line(cell))
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
