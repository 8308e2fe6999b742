"""A traced unit in words and numbers: the HTML of the Trace tab, the status-bar line, the outlines.

Pure text built from a :class:`~guiapp.core.explain.trace.UnitTrace` (no Qt), beside the
data it formats, so the view only shows it and the tests read it without a window.
Colours are CSS strings: the HTML carries them, and the outlines name theirs.
"""

from __future__ import annotations

import html
from collections.abc import Callable

import numpy as np

from guiapp.core.arithmetic.receptive_field import Field
from guiapp.core.explain.trace import (
    INPUT,
    ConvTrace,
    DenseTrace,
    PassTrace,
    PoolTrace,
    UnitTrace,
)

__all__ = [
    "CONTRIBUTION_COLOUR", "TRACED_COLOUR", "activation_name", "conv_html", "dense_html", "grid_html", "pass_html",
    "pool_html", "trace_html", "trace_outlines", "trace_summary", "where",
]

TRACED_COLOUR = "#ffb000"  # the traced unit and its receptive field (the app's highlight colour)
CONTRIBUTION_COLOUR = "#4fc3f7"  # receptive fields of a dense unit's largest inputs
POSITIVE, NEGATIVE = (214, 96, 77), (67, 147, 195)  # the kernel colours: red positive, blue negative
CHANNEL_COLUMNS = 8
RGB_NAMES = ("R", "G", "B")  # the input channels of a colour image
LOGITS_LISTED = 10  # a softmax unit lists this many pre-activations (the largest), not a hundred

Marks = dict[str, list[tuple[int, ...]]]


def activation_name(name: str | None) -> str:
    return {"relu": "ReLU", None: "linear", "linear": "linear"}.get(name, str(name))


def where(layer: str, unit: tuple[int, ...]) -> str:
    """``conv2d map 3 at (y=4, x=7)`` or ``dense unit 12``."""
    if len(unit) == 3:
        return f"{layer} map {unit[2]} at (y={unit[0]}, x={unit[1]})"
    return f"{layer} unit {unit[0]}"


def _signed_colour(value: float, scale: float) -> str:
    t = min(abs(value) / scale, 1.0) if scale > 0 else 0.0
    r, g, b = POSITIVE if value >= 0 else NEGATIVE
    mix = [round(255 + (c - 255) * t) for c in (r, g, b)]
    return f"rgb({mix[0]},{mix[1]},{mix[2]})"


def _grey(value: float) -> str:
    level = round(255 * min(max(value, 0.0), 1.0))
    return f"rgb({level},{level},{level})"


def grid_html(values: np.ndarray, kind: str, marked: tuple[int, int] | None = None,
              valid: np.ndarray | None = None, digits: int = 3) -> str:
    """A small table of numbers; ``kind`` 'grey' (pixels/activations) or 'signed' (weights, products)."""
    scale = float(np.abs(values).max()) if values.size else 0.0
    peak = max(1.0, float(values.max()) if values.size else 0.0)  # pixels are 0..1: white is 1, not the window's max
    rows = []
    for r in range(values.shape[0]):
        cells = []
        for c in range(values.shape[1]):
            v = float(values[r, c])
            if valid is not None and not valid[r, c]:
                cells.append('<td style="background:#555;color:#ccc">pad</td>')
                continue
            if kind == "grey":
                background = _grey(v / peak)
                colour = "#000" if v / peak > 0.55 else "#fff"
            else:
                background, colour = _signed_colour(v, scale), "#000"
            border = f"border:3px solid {TRACED_COLOUR};" if marked == (r, c) else ""
            cells.append(f'<td style="background:{background};color:{colour};{border}">{v:+.{digits}f}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return ('<table cellspacing="1" cellpadding="3" style="font-family:monospace;font-size:11px">'
            + "".join(rows) + "</table>")


def _row(*cells: str) -> str:
    return "<table><tr>" + "".join(f'<td style="vertical-align:middle;padding:2px">{c}</td>' for c in cells) + \
        "</tr></table>"


def _sum_line(total: float, bias: float, pre: float, activation: str | None, value: float, what: str) -> str:
    act = activation_name(activation)
    after = "" if act == "linear" else f" &nbsp;→&nbsp; {act}({pre:+.4f}) = <b>{value:.4f}</b>"
    return (f"<p style='font-family:monospace'>{what} = {total:+.4f}<br>+ bias {bias:+.4f} = "
            f"<b>{pre:+.4f}</b> (before the activation){after}</p>")


def _channel_name(source: str, channel: int, channels: int) -> str:
    """``R`` for a colour input's red channel, else the channel's number."""
    return RGB_NAMES[channel] if source == INPUT and channels == 3 else str(channel)


def conv_html(trace: UnitTrace, detail: ConvTrace) -> str:
    fh, fw, cin = detail.window.shape
    src = "the input" if trace.source == INPUT else trace.source
    parts = [(f"<p>Reads a {fh}×{fw}{'' if cin == 1 else f'×{cin}'} window of {html.escape(src)} "
             f"(rows {detail.origin[0]}–{detail.origin[0] + fh - 1}, columns {detail.origin[1]}–"
             f"{detail.origin[1] + fw - 1}) and multiplies it, element by element, by filter {trace.index[2]}'s "
             f"kernel: {fh * fw * cin:,} products.</p>")]
    if cin == 1:
        parts.append(_row("window<br>" + grid_html(detail.window[:, :, 0], "grey"), "×",
                          "kernel<br>" + grid_html(detail.kernel[:, :, 0], "signed"), "=",
                          "products<br>" + grid_html(detail.products[:, :, 0], "signed", digits=4)))
        parts.append(_sum_line(detail.total, detail.bias, detail.pre_activation, detail.activation, detail.value,
                               f"Σ of the {fh * fw} products"))
        return "".join(parts)
    sums = detail.channel_sums
    pad = (-cin) % CHANNEL_COLUMNS
    grid = np.concatenate([sums, np.full(pad, np.nan)]).reshape(-1, CHANNEL_COLUMNS)
    scale = float(np.abs(sums).max()) or 1.0
    rows = []
    for r, line in enumerate(grid):
        cells = []
        for c, v in enumerate(line):
            channel = r * CHANNEL_COLUMNS + c
            if np.isnan(v):
                cells.append("<td></td>")
                continue
            cells.append(f'<td style="background:{_signed_colour(float(v), scale)};color:#000">'
                         f'<small>{_channel_name(trace.source, channel, cin)}:</small> {v:+.3f}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    what = "colour channel (R, G, B)" if trace.source == INPUT and cin == 3 else "input channel c"
    parts.append(f"<p>Per {what}: Σ window<sub>c</sub>·kernel<sub>c</sub> over its {fh * fw} taps "
                 f"(the {cin} partial sums):</p>"
                 '<table cellspacing="1" cellpadding="3" style="font-family:monospace;font-size:11px">'
                 + "".join(rows) + "</table>")
    parts.append(_sum_line(detail.total, detail.bias, detail.pre_activation, detail.activation, detail.value,
                           f"Σ of the {cin} partial sums"))
    top = int(np.argmax(np.abs(sums)))
    if trace.source == INPUT:
        which = f"channel {_channel_name(trace.source, top, cin)} of the input"
    else:
        which = f"channel {top} ({html.escape(src)} map {top})"
    parts.append(f"<p>The largest partial sum, {which}:</p>")
    parts.append(_row("window<br>" + grid_html(detail.window[:, :, top], "grey"), "×",
                      "kernel<br>" + grid_html(detail.kernel[:, :, top], "signed"), "=",
                      "products<br>" + grid_html(detail.products[:, :, top], "signed", digits=4),
                      f"Σ = {sums[top]:+.4f}"))
    return "".join(parts)


def pool_html(trace: UnitTrace, detail: PoolTrace) -> str:
    ph, pw = detail.window.shape
    oy, ox = detail.origin
    how = "the largest of" if detail.winner is not None else "the mean of"
    return (f"<p>{how.capitalize()} a {ph}×{pw} window of {html.escape(trace.source)} map {trace.index[2]} "
            f"(rows {oy}–{oy + ph - 1}, columns {ox}–{ox + pw - 1}); no weights.</p>"
            + _row(grid_html(detail.window, "grey", marked=detail.winner, valid=detail.valid, digits=4),
                   f"→ {how} them = <b>{detail.value:.4f}</b>"
                   + (" (the outlined winner)" if detail.winner is not None else "")))


def _logits_text(logits: np.ndarray) -> str:
    """All pre-activations of a softmax layer, or the largest ones when there are many."""
    if logits.size <= LOGITS_LISTED:
        return f"all {logits.size} z: " + ", ".join(f"{z:+.2f}" for z in logits)
    top = np.argsort(logits)[::-1][:LOGITS_LISTED]
    return (f"the largest {LOGITS_LISTED} of {logits.size} z: "
            + ", ".join(f"z<sub>{i}</sub> {logits[i]:+.2f}" for i in top))


def dense_html(trace: UnitTrace, detail: DenseTrace) -> str:
    rows = ["<tr><th>#</th><th>input</th><th>from</th><th>value</th><th>× weight</th><th>= product</th></tr>"]
    for rank, c in enumerate(detail.top, 1):
        place = where(c.source, c.location) if len(c.location) == 3 else f"{c.source} unit {c.location[0]}"
        rows.append(f"<tr><td>{rank}</td><td>{c.index:,}</td><td>{html.escape(place)}</td>"
                    f"<td>{c.value:.4f}</td><td>{c.weight:+.4f}</td>"
                    f'<td style="background:{_signed_colour(c.product, abs(detail.top[0].product))};color:#000">'
                    f"{c.product:+.4f}</td></tr>")
    others = detail.inputs - len(detail.top)
    rows.append(f"<tr><td></td><td colspan='4'>the other {others:,} inputs</td><td>{detail.rest:+.4f}</td></tr>")
    parts = [(f"<p>Σ over all {detail.inputs:,} inputs ({detail.active_inputs:,} of them non-zero for this "
             f"drawing) of input × weight, plus a bias. The {len(detail.top)} largest terms (outlined in the "
             "maps):</p>"),
             '<table cellspacing="1" cellpadding="3" style="font-family:monospace;font-size:11px">'
             + "".join(rows) + "</table>"]
    if detail.activation == "softmax" and detail.logits is not None:
        unit = trace.index[0]
        parts.append(f"<p style='font-family:monospace'>Σ = {detail.total:+.4f}<br>+ bias {detail.bias:+.4f} = "
                     f"<b>z<sub>{unit}</sub> = {detail.pre_activation:+.4f}</b><br>softmax: e<sup>z{unit}</sup> / "
                     f"Σ<sub>j</sub> e<sup>zj</sup> = <b>{detail.value:.4f}</b><br>"
                     f"<small>{_logits_text(np.asarray(detail.logits))}</small></p>")
    else:
        parts.append(_sum_line(detail.total, detail.bias, detail.pre_activation, detail.activation, detail.value,
                               f"Σ of the {detail.inputs:,} products"))
    return "".join(parts)


def pass_html(trace: UnitTrace, detail: PassTrace) -> str:
    return f"<p>{html.escape(detail.note)}: <b>{detail.value:.4f}</b>.</p>"


def trace_html(trace: UnitTrace) -> str:
    """The whole explanation of one traced unit."""
    head = f"<h3 style='margin:2px'>{html.escape(where(trace.layer, trace.index))} — {trace.kind}</h3>"
    value = f"<p>The network computed <b>{trace.shown:.4f}</b>.</p>"
    if trace.field is not None:
        h, w = trace.field.size
        value += (f"<p>Receptive field: {h}×{w} input pixels (rows {trace.field.top}–{trace.field.bottom - 1}, "
                  f"columns {trace.field.left}–{trace.field.right - 1}), outlined on the canvas and the input.</p>")
    if trace.stop and trace.stop != trace.reason:  # the unknown layer itself says it in its body
        value += f"<p style='color:#b06000'>{html.escape(trace.stop)[:1].upper()}{html.escape(trace.stop)[1:]}.</p>"
    detail = trace.detail
    if isinstance(detail, ConvTrace):
        body = conv_html(trace, detail)
    elif isinstance(detail, PoolTrace):
        body = pool_html(trace, detail)
    elif isinstance(detail, DenseTrace):
        body = dense_html(trace, detail)
    elif isinstance(detail, PassTrace):
        body = pass_html(trace, detail)
    else:
        body = f"<p>{html.escape(trace.reason or 'no step-by-step arithmetic for this layer')}</p>"
    return head + value + body


def trace_summary(trace: UnitTrace) -> str:
    """One line for the status bar."""
    detail = trace.detail
    if isinstance(detail, ConvTrace):
        n = detail.products.size
        text = (f"Σ {n:,} products {detail.total:+.3f} + bias {detail.bias:+.3f} = {detail.pre_activation:+.3f}"
                f" → {activation_name(detail.activation)} {detail.value:.3f}")
    elif isinstance(detail, PoolTrace):
        how = "max" if detail.winner is not None else "mean"
        text = f"{how} of its {detail.window.size} inputs = {detail.value:.3f}"
    elif isinstance(detail, DenseTrace):
        text = (f"Σ {detail.inputs:,} products {detail.total:+.3f} + bias {detail.bias:+.3f} = "
                f"{detail.pre_activation:+.3f} → {activation_name(detail.activation)} {detail.value:.3f}")
    elif isinstance(detail, PassTrace):
        text = f"{detail.note}: {detail.value:.3f}"
    else:
        text = f"{trace.shown:.3f}"
    field = f" · sees input rows {trace.field.top}–{trace.field.bottom - 1}, columns {trace.field.left}–" \
            f"{trace.field.right - 1}" if trace.field is not None else ""
    return f"{where(trace.layer, trace.index)}: {text}{field} — click to pin, Trace tab for every number"


def trace_outlines(trace: UnitTrace, shown_layer: Callable[[str], str]) -> tuple[list[tuple[Field, str]], Marks]:
    """What to outline for a traced unit: ([(input field, colour)], {layer: units to mark in its panel}).

    ``shown_layer(name)`` names the panel that shows a layer's values (a dropout's are its source's).
    """
    fields = [(trace.field, TRACED_COLOUR)] if trace.field is not None else []
    marks: Marks = {trace.layer: [trace.index]}
    detail = trace.detail
    if isinstance(detail, DenseTrace):
        for contribution in detail.top:
            if contribution.field is not None:
                fields.append((contribution.field, CONTRIBUTION_COLOUR))
            marks.setdefault(shown_layer(contribution.source), []).append(contribution.location)
    elif isinstance(detail, PoolTrace) and detail.winner is not None:
        y, x = detail.origin[0] + detail.winner[0], detail.origin[1] + detail.winner[1]
        marks.setdefault(shown_layer(trace.source), []).append((y, x, trace.index[2]))
    return fields, marks
