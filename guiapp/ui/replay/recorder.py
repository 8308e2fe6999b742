"""Recording a demo: what the user does in the window, as events with their times (no Qt event is stored).

The recorder listens, and changes nothing: the canvas' drawings (a stroke's points, timed as they arrive),
its undo stack (what each change was: a stroke, a clear, a test digit, an undo, a redo), the pages and tabs
shown (by title), the state's class chosen, map clicked and model opened. It starts with the window as it
is — the model, the page, the tab, the canvas — so the replay starts from the same place.

A picture (opened, pasted, or the Why tab's counterfactual) is not kept in a demo: it is said once in the
status bar, and the replay shows the canvas as it was without it.
"""

from __future__ import annotations

import re
import time
from typing import Any

from PySide6.QtCore import QObject, Signal

from guiapp import paths as shipped
from guiapp.core.demo import events as ev
from guiapp.core.drawing.strokes import Drawing

SAMPLE_TEXT = re.compile(r"Sample (\d+) \(")  # the undo text of WindowFacade.load_sample
STROKE_TEXTS = ("Stroke", "Erase")  # the canvas' undo texts for a stroke drawn


class DemoRecorder(QObject):
    """Records ``window`` from :meth:`start` to :meth:`stop` (which returns the :class:`Demo`)."""

    limitReached = Signal(str)  # one line: the recording stopped itself at a limit of the demo format
    noted = Signal(str)  # one line the user should know (a picture not kept)

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.recording = False
        self.events: list[ev.Event] = []
        self._start = 0.0
        self._connections: list[tuple[Any, Any]] = []

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self._start if self.recording else 0.0

    def start(self) -> str | None:
        """Begin with the window as it is; a line when the canvas had to be cleared first (undoable)."""
        window, canvas = self.window, self.window.canvas
        note = None
        first = self._content(canvas.drawing, canvas.undo_stack.undoText(), 0.0)
        if first is None:  # a picture, or strokes over a test digit: not something a demo holds
            canvas.clear()
            first = ev.ClearEvent(0.0)
            note = "the canvas was cleared to start the demo (Ctrl+Z brings back what was on it)"
        self.events = []
        if window.inspector is not None:
            self._on_model(window.inspector, 0.0)
        self.events += [ev.PageEvent(0.0, window.pages.tabText(window.pages.currentIndex())),
                        ev.TabEvent(0.0, window.tabs.tabText(window.tabs.currentIndex())), first]
        stack = canvas.undo_stack
        self._seen = [stack.command(i) for i in range(stack.count())]
        self._index = self._floor = stack.index()
        self._base = canvas.drawing  # the drawing committed (a stroke in progress is drawn over it)
        self._times: list[float] = []  # when each point of the stroke in progress arrived
        self._points = 0
        self._noted = False
        self._start = time.monotonic()
        self.recording = True
        for signal, slot in ((canvas.drawingChanged, self._on_drawing), (stack.indexChanged, self._on_index),
                             (window.pages.currentChanged, self._on_page), (window.tabs.currentChanged, self._on_tab),
                             (window.state.classChosen, self._on_class), (window.state.mapSelected, self._on_map),
                             (window.state.inspectorChanged, self._on_model)):
            signal.connect(slot)
            self._connections.append((signal, slot))
        return note

    def stop(self) -> ev.Demo:
        """Stop listening; the demo recorded (events in the order they began)."""
        for signal, slot in self._connections:
            signal.disconnect(slot)
        self._connections = []
        self.recording = False
        return ev.Demo(tuple(sorted(self.events, key=lambda e: e.t)))

    # ------------------------------------------------------------------ what is recorded

    def _now(self) -> float:
        return time.monotonic() - self._start

    def _add(self, event: ev.Event | None) -> None:
        if event is None or not self.recording:
            return
        self.events.append(event)
        if isinstance(event, (ev.StrokeEvent, ev.DrawingEvent)):
            self._points += len(event.points) if isinstance(event, ev.StrokeEvent) else \
                sum(len(s.points) for s in event.strokes)
        over = (f"{ev.MAX_EVENTS:,} events" if len(self.events) >= ev.MAX_EVENTS else
                f"{ev.MAX_POINTS:,} points" if self._points > ev.MAX_POINTS * 0.98 else
                f"{ev.MAX_DURATION / 60:.0f} minutes" if self._now() >= ev.MAX_DURATION * 0.99 else None)
        if over is not None:
            self.limitReached.emit(f"the recording stopped at {over}, as long as a demo may be")

    def check_limits(self) -> None:
        """Called by the indicator's clock: a recording left running ends at the longest a demo may last."""
        if self.recording and self._now() >= ev.MAX_DURATION * 0.99:
            self.limitReached.emit(f"the recording stopped at {ev.MAX_DURATION / 60:.0f} minutes, as long as a "
                                   "demo may be")

    def _content(self, drawing: Any, undo_text: str, t: float) -> ev.Event | None:
        """The event that puts ``drawing`` on the canvas (None: a picture, or strokes over a test digit)."""
        if not isinstance(drawing, Drawing):
            return None
        if drawing.background is None:
            return ev.DrawingEvent(t, drawing.strokes) if drawing.strokes else ev.ClearEvent(t)
        match = SAMPLE_TEXT.match(undo_text)
        if match and not drawing.strokes and int(match.group(1)) == self.window.sample_index:
            return ev.SampleEvent(t, int(match.group(1)))
        return None

    def _add_content(self, undo_text: str) -> None:
        event = self._content(self.window.canvas.drawing, undo_text, self._now())
        if event is None and not self._noted:
            self._noted = True
            self.noted.emit("a picture is not kept in a demo: its replay shows the canvas without it")
        self._add(event)

    def _on_drawing(self, drawing: Any) -> None:
        """A stroke in progress adds points (timed now); anything else waits for the undo stack to say what."""
        base = self._base.strokes if isinstance(self._base, Drawing) else ()
        if not isinstance(drawing, Drawing) or len(drawing.strokes) != len(base) + 1 or \
                any(a is not b for a, b in zip(drawing.strokes, base)):
            return
        now, count = self._now(), len(drawing.strokes[-1].points)
        if count < len(self._times):  # another stroke (a redo, seen before the stack says so)
            self._times = []
        self._times += [now] * (count - len(self._times))

    def _on_index(self, index: int) -> None:
        stack, canvas = self.window.canvas.undo_stack, self.window.canvas
        before, self._index = self._index, index
        times, self._times = self._times, []
        if index < before:  # undone: below the start of the demo, the replay is told what is on the canvas
            if index >= self._floor:
                for _ in range(before - index):  # several at once: the Undo view's click
                    self._add(ev.UndoEvent(self._now()))
            else:
                self._add_content(stack.undoText())
        elif index > before:
            command = stack.command(index - 1)
            if index - 1 < len(self._seen) and self._seen[index - 1] is command:  # redone
                self._add(ev.RedoEvent(self._now()) if before >= self._floor else None)
                if before < self._floor:
                    self._add_content(stack.undoText())
            else:  # a new change
                self._seen = self._seen[:index - 1] + [command]
                self._floor = min(self._floor, index - 1)
                self._on_pushed(stack.text(index - 1), canvas.drawing, times)
        self._base = canvas.drawing

    def _on_pushed(self, text: str, drawing: Any, times: list[float]) -> None:
        if text in STROKE_TEXTS and isinstance(drawing, Drawing) and drawing.strokes:
            stroke = drawing.strokes[-1]
            now = self._now()
            times = (times + [now] * len(stroke.points))[:len(stroke.points)]
            self._add(ev.StrokeEvent(times[0], stroke.points, tuple(times), stroke.width, stroke.erase))
        elif text == "Clear":
            self._add(ev.ClearEvent(self._now()))
        else:
            self._add_content(text)

    def _on_page(self, index: int) -> None:
        self._add(ev.PageEvent(self._now(), self.window.pages.tabText(index)))

    def _on_tab(self, index: int) -> None:
        self._add(ev.TabEvent(self._now(), self.window.tabs.tabText(index)))

    def _on_class(self, index: int) -> None:
        self._add(ev.ClassEvent(self._now(), int(index)))

    def _on_map(self, layer: str, index: object) -> None:
        self._add(ev.MapEvent(self._now(), str(layer), None if index is None else int(index)))

    def _on_model(self, inspector: Any, t: float | None = None) -> None:
        path = getattr(inspector, "path", None)
        if path is None or self.window.state.is_transient(path):
            return  # a training run's moment, not a model the lecturer opened
        path = path.resolve()
        is_shipped = path.parent == shipped.MODELS_DIR.resolve()
        event = ev.ModelEvent(self._now() if t is None else t, path.name if is_shipped else str(path), is_shipped)
        if t is None:
            self._add(event)
        else:
            self.events.append(event)
