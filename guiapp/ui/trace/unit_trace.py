"""The traced unit: the window it read, the weights, the products and the sums, with the live numbers.

Hovering a unit in the feature maps shows it here; clicking pins it (hovering
elsewhere shows that unit until the pointer leaves). Every number comes from a
:class:`~guiapp.core.explain.trace.UnitTrace` recomputed for each new drawing, so the
sums shown add up to the value the network computed.
"""

from __future__ import annotations

import html
import time

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

from guiapp.core.explain.trace import Tracer, UnitTrace
from guiapp.core.explain.trace_text import trace_html, where
from guiapp.core.model.inference import InferenceResult, Inspector

HINT = (
    "<b>Trace a unit</b><br>Hover over any feature map or unit strip to see how that one number is made: "
    "the input window it reads (outlined on the canvas and on the network input), the kernel, every product, "
    "the sums, the bias and the activation — with the numbers of your drawing. Click to pin a unit."
)
RENDER_INTERVAL_MS = 60  # the text is re-laid out at most this often (the numbers stay readable)


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

    def show_model(self, inspector: Inspector) -> None:
        """A new model: trace its units (when its layers are a chain); forget the units of the last one."""
        self.tracer = Tracer.for_inspector(inspector)
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
        trace, problem = None, None
        current, result = self.current, self._result
        if current is not None and result is not None and self.tracer is not None:
            try:
                trace = self.tracer.trace(result, *current)
            except (KeyError, IndexError):
                trace = None  # a unit of a layer the new result does not have
            except ValueError as exc:  # the tracer cannot follow this layer: say so, never a traceback
                problem = f"<p>{html.escape(where(*current))} cannot be traced step by step: {html.escape(str(exc))}</p>"
        self.trace = trace
        self._text_stale = not text
        if text:
            if self.tracer is None and current is not None:
                self.html = ("<p>This model's layers are not a simple chain, so its units cannot be traced "
                             "step by step.</p>")
            else:
                self.html = problem or (trace_html(trace) if trace is not None else HINT)
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
