"""The traced unit: the window it read, the weights, the products and the sums, with the live numbers.

Hovering a unit in the feature maps shows it here; clicking pins it (hovering
elsewhere shows that unit until the pointer leaves). Every number comes from a
:class:`~guiapp.core.trace.UnitTrace` recomputed for each new drawing, so the
sums shown add up to the value the network computed.
"""

from __future__ import annotations

import html
import time

import numpy as np
from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

from guiapp.core.inference import InferenceResult
from guiapp.core.trace import (
    INPUT,
    ConvTrace,
    DenseTrace,
    PassTrace,
    PoolTrace,
    Tracer,
    UnitTrace,
)
from guiapp.ui.plotting import HIGHLIGHT

HINT = (
    "<b>Trace a unit</b><br>Hover over any feature map or unit strip to see how that one number is made: "
    "the input window it reads (outlined on the canvas and on the 28×28 input), the kernel, every product, "
    "the sums, the bias and the activation — with the numbers of your drawing. Click to pin a unit."
)
CONTRIBUTION_COLOUR = "#4fc3f7"  # receptive fields of a dense unit's largest inputs
RENDER_INTERVAL_MS = 60  # the text is re-laid out at most this often (the numbers stay readable)
POSITIVE, NEGATIVE = (214, 96, 77), (67, 147, 195)  # the kernel colours: red positive, blue negative
CHANNEL_COLUMNS = 8


def _activation_name(name: str | None) -> str:
    return {"relu": "ReLU", None: "linear", "linear": "linear"}.get(name, str(name))


def _where(layer: str, unit: tuple[int, ...]) -> str:
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
            border = "border:3px solid #ffb000;" if marked == (r, c) else ""
            cells.append(f'<td style="background:{background};color:{colour};{border}">{v:+.{digits}f}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return ('<table cellspacing="1" cellpadding="3" style="font-family:monospace;font-size:11px">'
            + "".join(rows) + "</table>")


def _row(*cells: str) -> str:
    return "<table><tr>" + "".join(f'<td style="vertical-align:middle;padding:2px">{c}</td>' for c in cells) + \
        "</tr></table>"


def _sum_line(total: float, bias: float, pre: float, activation: str | None, value: float, what: str) -> str:
    act = _activation_name(activation)
    after = "" if act == "linear" else f" &nbsp;→&nbsp; {act}({pre:+.4f}) = <b>{value:.4f}</b>"
    return (f"<p style='font-family:monospace'>{what} = {total:+.4f}<br>+ bias {bias:+.4f} = "
            f"<b>{pre:+.4f}</b> (before the activation){after}</p>")


def conv_html(trace: UnitTrace, detail: ConvTrace) -> str:
    fh, fw, cin = detail.window.shape
    src = "the input" if trace.source == INPUT else trace.source
    parts = [f"<p>Reads a {fh}×{fw}{'' if cin == 1 else f'×{cin}'} window of {html.escape(src)} "
             f"(rows {detail.origin[0]}–{detail.origin[0] + fh - 1}, columns {detail.origin[1]}–"
             f"{detail.origin[1] + fw - 1}) and multiplies it, element by element, by filter {trace.index[2]}'s "
             f"kernel: {fh * fw * cin:,} products.</p>"]
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
                         f'<small>{channel}:</small> {v:+.3f}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    parts.append(f"<p>Per input channel c: Σ window<sub>c</sub>·kernel<sub>c</sub> over its {fh * fw} taps "
                 f"(the {cin} partial sums):</p>"
                 '<table cellspacing="1" cellpadding="3" style="font-family:monospace;font-size:11px">'
                 + "".join(rows) + "</table>")
    parts.append(_sum_line(detail.total, detail.bias, detail.pre_activation, detail.activation, detail.value,
                           f"Σ of the {cin} partial sums"))
    top = int(np.argmax(np.abs(sums)))
    parts.append(f"<p>The largest partial sum, channel {top} ({html.escape(src)} map {top}):</p>")
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


def dense_html(trace: UnitTrace, detail: DenseTrace) -> str:
    rows = ["<tr><th>#</th><th>input</th><th>from</th><th>value</th><th>× weight</th><th>= product</th></tr>"]
    for rank, c in enumerate(detail.top, 1):
        where = _where(c.source, c.location) if len(c.location) == 3 else f"{c.source} unit {c.location[0]}"
        rows.append(f"<tr><td>{rank}</td><td>{c.index:,}</td><td>{html.escape(where)}</td>"
                    f"<td>{c.value:.4f}</td><td>{c.weight:+.4f}</td>"
                    f'<td style="background:{_signed_colour(c.product, abs(detail.top[0].product))};color:#000">'
                    f"{c.product:+.4f}</td></tr>")
    others = detail.inputs - len(detail.top)
    rows.append(f"<tr><td></td><td colspan='4'>the other {others:,} inputs</td><td>{detail.rest:+.4f}</td></tr>")
    parts = [f"<p>Σ over all {detail.inputs:,} inputs ({detail.active_inputs:,} of them non-zero for this "
             f"drawing) of input × weight, plus a bias. The {len(detail.top)} largest terms (outlined in the "
             "maps):</p>",
             '<table cellspacing="1" cellpadding="3" style="font-family:monospace;font-size:11px">'
             + "".join(rows) + "</table>"]
    if detail.activation == "softmax" and detail.logits is not None:
        unit = trace.index[0]
        logits = ", ".join(f"{z:+.2f}" for z in detail.logits)
        parts.append(f"<p style='font-family:monospace'>Σ = {detail.total:+.4f}<br>+ bias {detail.bias:+.4f} = "
                     f"<b>z<sub>{unit}</sub> = {detail.pre_activation:+.4f}</b><br>softmax: e<sup>z{unit}</sup> / "
                     f"Σ<sub>j</sub> e<sup>zj</sup> = <b>{detail.value:.4f}</b><br>"
                     f"<small>all ten z: {logits}</small></p>")
    else:
        parts.append(_sum_line(detail.total, detail.bias, detail.pre_activation, detail.activation, detail.value,
                               f"Σ of the {detail.inputs:,} products"))
    return "".join(parts)


def pass_html(trace: UnitTrace, detail: PassTrace) -> str:
    return f"<p>{html.escape(detail.note)}: <b>{detail.value:.4f}</b>.</p>"


def trace_html(trace: UnitTrace) -> str:
    """The whole explanation of one traced unit."""
    head = f"<h3 style='margin:2px'>{html.escape(_where(trace.layer, trace.index))} — {trace.kind}</h3>"
    value = f"<p>The network computed <b>{trace.shown:.4f}</b>.</p>"
    if trace.field is not None:
        h, w = trace.field.size
        value += (f"<p>Receptive field: {h}×{w} input pixels (rows {trace.field.top}–{trace.field.bottom - 1}, "
                  f"columns {trace.field.left}–{trace.field.right - 1}), outlined on the canvas and the input.</p>")
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


class UnitTraceView(QWidget):
    """Shows the hovered (or else the pinned) unit and re-traces it for every new result.

    The trace itself (and ``traceChanged``, which moves the outlines) follows every result;
    the text is built and laid out only while it is on screen, at most every
    ``RENDER_INTERVAL_MS``, and while the pointer draws (``moving``) not before it rests
    (:meth:`settle`), so a pinned unit never slows the live drawing loop.
    """

    traceChanged = Signal(object)  # the UnitTrace shown, or None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("unit_trace")
        self.browser = QTextBrowser()  # lays out rich text several times faster than a word-wrapped QLabel
        self.browser.setOpenLinks(False)
        self.browser.setHtml(HINT)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.browser)
        self.html = HINT  # what the view shows (or will show once on screen)
        self._rendered = HINT
        self._last_render = 0.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._render)
        self.tracer: Tracer | None = None
        self.trace: UnitTrace | None = None
        self.pinned: tuple[str, tuple[int, ...]] | None = None
        self.hovering: tuple[str, tuple[int, ...]] | None = None
        self._result: InferenceResult | None = None
        self._text_stale = False  # the trace moved on while the pointer drew; the text waits for rest

    def set_tracer(self, tracer: Tracer | None) -> None:
        """A new model: forget the units (their layers may not exist any more)."""
        self.tracer = tracer
        self.pinned = self.hovering = None
        self._refresh()

    def hover(self, layer: str, unit: tuple[int, ...] | None) -> None:
        self.hovering = (layer, tuple(unit)) if unit is not None else None
        self._refresh()

    def pin(self, layer: str, unit: tuple[int, ...] | None) -> None:
        self.pinned = (layer, tuple(unit)) if unit is not None else None
        self._refresh()

    @property
    def current(self) -> tuple[str, tuple[int, ...]] | None:
        return self.hovering or self.pinned

    def show_result(self, result: InferenceResult, moving: bool = False) -> None:
        self._result = result
        if self.current is not None:
            self._refresh(text=not moving)

    def settle(self) -> None:
        """The pointer rests: write out the text that waited while it moved."""
        if self._text_stale:
            self._refresh()

    def _refresh(self, text: bool = True) -> None:
        trace = None
        current, result = self.current, self._result
        if current is not None and result is not None and self.tracer is not None:
            try:
                trace = self.tracer.trace(result, *current)
            except (KeyError, IndexError):
                trace = None
        self.trace = trace
        self._text_stale = not text
        if text:
            if self.tracer is None and current is not None:
                self.html = ("<p>This model's layers are not a simple chain, so its units cannot be traced "
                             "step by step.</p>")
            else:
                self.html = trace_html(trace) if trace is not None else HINT
            self._schedule_render()
        self.traceChanged.emit(trace)

    def _schedule_render(self) -> None:
        if not self.isVisible() or self._timer.isActive():
            return  # rendered when shown, or by the pending timer (with the newest text)
        wait_ms = RENDER_INTERVAL_MS - (time.perf_counter() - self._last_render) * 1000
        if wait_ms <= 0:
            self._render()
        else:
            self._timer.start(int(wait_ms) + 1)

    def _render(self) -> None:
        if self.html != self._rendered:
            scroll = self.browser.verticalScrollBar().value()
            self.browser.setHtml(self.html)
            self.browser.verticalScrollBar().setValue(scroll)  # keep the reader's place while values change
            self._rendered = self.html
        self._last_render = time.perf_counter()

    def rendered_text(self) -> str:
        """The text on screen (plain), for tests and accessibility."""
        return self.browser.toPlainText()

    def showEvent(self, event) -> None:
        self._render()
        super().showEvent(event)


def trace_summary(trace: UnitTrace) -> str:
    """One line for the status bar."""
    where = _where(trace.layer, trace.index)
    detail = trace.detail
    if isinstance(detail, ConvTrace):
        n = detail.products.size
        text = (f"Σ {n:,} products {detail.total:+.3f} + bias {detail.bias:+.3f} = {detail.pre_activation:+.3f}"
                f" → {_activation_name(detail.activation)} {detail.value:.3f}")
    elif isinstance(detail, PoolTrace):
        how = "max" if detail.winner is not None else "mean"
        text = f"{how} of its {detail.window.size} inputs = {detail.value:.3f}"
    elif isinstance(detail, DenseTrace):
        text = (f"Σ {detail.inputs:,} products {detail.total:+.3f} + bias {detail.bias:+.3f} = "
                f"{detail.pre_activation:+.3f} → {_activation_name(detail.activation)} {detail.value:.3f}")
    elif isinstance(detail, PassTrace):
        text = f"{detail.note}: {detail.value:.3f}"
    else:
        text = f"{trace.shown:.3f}"
    field = f" · sees input rows {trace.field.top}–{trace.field.bottom - 1}, columns {trace.field.left}–" \
            f"{trace.field.right - 1}" if trace.field is not None else ""
    return f"{where}: {text}{field} — click to pin, Trace tab for every number"


def trace_outlines(trace: UnitTrace, shown_layer) -> tuple[list, dict[str, list[tuple[int, ...]]]]:
    """What to outline for a traced unit: ([(input field, colour)], {layer: units to mark in its panel}).

    ``shown_layer(name)`` names the panel that shows a layer's values (a dropout's are its source's).
    """
    fields = [(trace.field, HIGHLIGHT)] if trace.field is not None else []
    marks: dict[str, list[tuple[int, ...]]] = {trace.layer: [trace.index]}
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
