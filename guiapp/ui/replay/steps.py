"""A demo's events as the window's own verbs: each event becomes one or more timed actions that act on the
window as a user would — strokes as pointer presses, moves and releases on the canvas, pages and tabs by
their title, the chosen class and map through the state — so the live loop recomputes everything.

Shared by the live :mod:`~guiapp.ui.replay.player` and the offscreen :mod:`~guiapp.ui.replay.driver`. A
:class:`Session` holds what a replay borrows from the window (the pen width, the eraser, trusting no model's
code) and gives it back.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent

from guiapp import paths as shipped
from guiapp.core.demo import events as ev
from guiapp.core.drawing.strokes import Drawing

#: An action returns None when done, a line when the event could not be played (it is skipped), or
#: :data:`WAIT_MODEL` when a model is loading (the replay waits for it).
WAIT_MODEL = "wait for the model"


@dataclass(frozen=True)
class Action:
    time: float  # seconds into the demo
    event: int  # the index of the event it plays
    run: Callable[[], str | None]
    last: bool  # the event's last action


class StopReplay(Exception):
    """An event the rest of the demo depends on cannot be played (a model not on this computer)."""


def _widget(value: float, scale: float) -> float:
    """The widget coordinate the canvas turns back into ``value`` (``to_canvas`` divides by the scale): exactly
    where a double does so, else the nearest (a last bit off: no pixel of the input changes)."""
    position = value * scale
    for _ in range(8):
        back = position / scale
        if back == value:
            break
        position = math.nextafter(position, math.inf if back < value else -math.inf)
    return position


def model_path(event: ev.ModelEvent) -> Path:
    return shipped.MODELS_DIR / event.path if event.shipped else Path(event.path)


class Session:
    """One replay in ``window``: turns events into actions and gives back what it borrowed (:meth:`close`)."""

    def __init__(self, window: Any, name: str) -> None:
        self.window, self.name = window, name
        canvas = window.canvas
        self._pen, self._eraser = canvas.pen_width(), canvas.eraser()
        self._ask_trust = window.models.ask_trust
        window.models.ask_trust = lambda _path: False  # a stranger's demo never runs a model's code
        canvas.set_eraser(False)
        self.loading: tuple[Path, object] | None = None  # the model asked for, and the error before it
        self.closed = False

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        canvas = self.window.canvas
        canvas.set_pen_width(self._pen)
        canvas.set_eraser(self._eraser)
        self.window.models.ask_trust = self._ask_trust

    # ------------------------------------------------------------------ events → actions

    def actions(self, demo: ev.Demo) -> list[Action]:
        """Every action of ``demo`` in order, each no earlier than the one before."""
        out: list[Action] = []
        for i, event in enumerate(demo.events):
            for time, run, last in self._event_actions(event):
                time = max(time, out[-1].time) if out else time
                out.append(Action(time, i, run, last))
        return out

    def _event_actions(self, event: ev.Event) -> list[tuple[float, Callable[[], str | None], bool]]:
        if isinstance(event, ev.StrokeEvent):
            button = Qt.MouseButton.RightButton if event.erase else Qt.MouseButton.LeftButton
            moves = [(t, lambda p=p: self._mouse(QEvent.Type.MouseMove, p, button), False)
                     for p, t in zip(event.points[1:], event.times[1:])]
            return [(event.t, lambda: self._press(event, button), False), *moves,
                    (event.end, lambda: self._mouse(QEvent.Type.MouseButtonRelease, event.points[-1], button), True)]
        return [(event.t, lambda: self._play(event), True)]

    def _press(self, event: ev.StrokeEvent, button: Qt.MouseButton) -> None:
        self.window.canvas.set_pen_width(event.width)
        self._mouse(QEvent.Type.MouseButtonPress, event.points[0], button)

    def _mouse(self, kind: QEvent.Type, point: tuple[float, float], button: Qt.MouseButton) -> None:
        """The pointer at ``point`` (canvas pixels), as the canvas receives it from a mouse: at the widget
        position that draws there, whatever size the canvas is shown at now."""
        canvas = self.window.canvas
        scale = getattr(canvas, "scale", 1.0)  # widget pixels per canvas pixel (the canvas grows with the window)
        position = QPointF(_widget(point[0], scale), _widget(point[1], scale))
        held = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseButtonRelease else button
        pressed = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseMove else button
        event = QMouseEvent(kind, position, QPointF(canvas.mapToGlobal(position)), pressed, held,
                            Qt.KeyboardModifier.NoModifier)
        QCoreApplication.sendEvent(canvas, event)

    def _play(self, event: ev.Event) -> str | None:
        window = self.window
        canvas = window.canvas
        if isinstance(event, ev.ClearEvent):
            canvas.clear()
        elif isinstance(event, ev.UndoEvent):
            canvas.undo_stack.undo()
        elif isinstance(event, ev.RedoEvent):
            canvas.undo_stack.redo()
        elif isinstance(event, ev.DrawingEvent):
            if event.strokes:
                canvas.load_drawing(Drawing(strokes=event.strokes), "Demo drawing")
            else:
                canvas.clear()
        elif isinstance(event, ev.SampleEvent):
            if window.samples is None:
                return f"test digit {event.index} skipped: this guiapp has no test digits"
            window.load_sample(event.index)
        elif isinstance(event, (ev.PageEvent, ev.TabEvent)):
            shown = window.show_page_titled(event.title) if isinstance(event, ev.PageEvent) else \
                window.show_tab_titled(event.title)
            return None if shown else f'{event.kind} "{event.title}" skipped: this window has none of that name'
        elif isinstance(event, ev.ClassEvent):
            return self._choose_class(event.index)
        elif isinstance(event, ev.MapEvent):
            return self._select_map(event.layer, event.index)
        elif isinstance(event, ev.ModelEvent):
            return self._open_model(event)
        return None

    def _choose_class(self, index: int) -> str | None:
        inspector = self.window.inspector
        if inspector is None or index >= inspector.num_classes:
            count = inspector.num_classes if inspector is not None else 0
            return f"class {index} skipped: this model has classes 0 to {count - 1}"
        self.window.state.explain_class(index)
        return None

    def _select_map(self, layer: str, index: int | None) -> str | None:
        inspector, result = self.window.inspector, self.window.last_result
        if inspector is None or layer not in inspector.layer_names:
            return f"the maps of {layer[:60]} skipped: this model has no such layer"
        if index is not None and result is not None:
            activation = result.layer(layer).activation
            count = activation.shape[-1] if activation.ndim == 3 else activation.size
            if index >= count:
                return f"map {index} of {layer} skipped: the layer has {count}"
        self.window.state.select_map(layer, index)
        return None

    def _open_model(self, event: ev.ModelEvent) -> str | None:
        path = model_path(event)
        try:
            there = path.is_file()
        except (OSError, ValueError):
            there = False
        if not there:
            raise StopReplay(f"{self.name}: the model {path} is not on this computer — the replay stopped there")
        current = self.window.inspector
        if current is not None and current.path is not None and current.path.resolve() == path.resolve():
            return None
        self.loading = (path, self.window.model_error)
        self.window.load_model(path)
        return WAIT_MODEL

    def model_ready(self) -> bool:
        """The model asked for is shown (True); :class:`StopReplay` if it could not be loaded."""
        if self.loading is None:
            return True
        path, error_before = self.loading
        current = self.window.inspector
        if current is not None and current.path is not None and current.path.resolve() == path.resolve():
            self.loading = None
            return True
        error = self.window.model_error
        if error is not None and error is not error_before:
            self.loading = None
            raise StopReplay(f"{self.name}: the model {path} could not be opened ({error}) — the replay stopped there")
        return False
