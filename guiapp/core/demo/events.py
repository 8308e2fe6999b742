"""A demo's events: one frozen dataclass per kind, each at ``t`` seconds from the start of the recording.

Pages and tabs are named by their title, not their position, so a demo still replays after the tabs are
reordered. A stroke keeps each point's time, so its replay draws at the pace it was drawn. The limits
here are what the reader accepts and the recorder keeps to (a recording stops at them, saying so).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from guiapp.core.drawing.strokes import CANVAS_SIZE, DEFAULT_PEN_WIDTH, Stroke

__all__ = [
    "FORMAT", "MAX_DURATION", "MAX_EVENTS", "MAX_POINTS", "MAX_TEXT", "VERSION", "ClassEvent", "ClearEvent",
    "Demo", "DrawingEvent", "Event", "MapEvent", "ModelEvent", "PageEvent", "RedoEvent", "SampleEvent",
    "StrokeEvent", "TabEvent", "UndoEvent", "describe",
]

FORMAT = "guiapp-demo"
VERSION = 1
MAX_DURATION = 3600.0  # seconds: an hour's lecture
MAX_EVENTS = 20_000
MAX_POINTS = 250_000  # in all strokes together (a minute of steady drawing is some 4,000)
MAX_TEXT = 4096  # characters in a title, a layer name or a model path


@dataclass(frozen=True)
class StrokeEvent:
    """Pen down at ``t``; ``times[i]`` is when ``points[i]`` (canvas pixels) arrived."""

    t: float
    points: tuple[tuple[float, float], ...]
    times: tuple[float, ...]
    width: float = DEFAULT_PEN_WIDTH
    erase: bool = False
    kind = "stroke"

    @property
    def end(self) -> float:
        return self.times[-1]

    @property
    def stroke(self) -> Stroke:
        return Stroke(self.points, self.width, self.erase)


@dataclass(frozen=True)
class DrawingEvent:
    """The canvas shows these strokes (a drawing opened, or the canvas as the recording began)."""

    t: float
    strokes: tuple[Stroke, ...]
    kind = "drawing"


@dataclass(frozen=True)
class SampleEvent:
    """MNIST test digit ``index`` put on the canvas."""

    t: float
    index: int
    kind = "sample"


@dataclass(frozen=True)
class ClearEvent:
    t: float
    kind = "clear"


@dataclass(frozen=True)
class UndoEvent:
    t: float
    kind = "undo"


@dataclass(frozen=True)
class RedoEvent:
    t: float
    kind = "redo"


@dataclass(frozen=True)
class PageEvent:
    """The page titled ``title`` shown."""

    t: float
    title: str
    kind = "page"


@dataclass(frozen=True)
class TabEvent:
    """The tab titled ``title`` (beside the feature maps) shown."""

    t: float
    title: str
    kind = "tab"


@dataclass(frozen=True)
class ClassEvent:
    """A probability bar clicked: explain class ``index``."""

    t: float
    index: int
    kind = "class"


@dataclass(frozen=True)
class MapEvent:
    """A layer's maps clicked: ``layer``, and the map ``index`` (None: the layer only)."""

    t: float
    layer: str
    index: int | None = None
    kind = "map"


@dataclass(frozen=True)
class ModelEvent:
    """The model at ``path`` opened; ``shipped``: ``path`` is a file name among the models guiapp ships."""

    t: float
    path: str
    shipped: bool = False
    kind = "model"


Event = Union[StrokeEvent, DrawingEvent, SampleEvent, ClearEvent, UndoEvent, RedoEvent, PageEvent, TabEvent,
              ClassEvent, MapEvent, ModelEvent]


@dataclass(frozen=True)
class Demo:
    """Events in the order they happened, on a ``canvas`` (width, height) of canvas pixels."""

    events: tuple[Event, ...] = ()
    canvas: tuple[int, int] = (CANVAS_SIZE, CANVAS_SIZE)

    @property
    def duration(self) -> float:
        """Seconds from the start to the last point drawn or the last event."""
        return max((getattr(e, "end", e.t) for e in self.events), default=0.0)

    @property
    def point_count(self) -> int:
        return sum(len(e.points) for e in self.events if isinstance(e, StrokeEvent)) + sum(
            len(s.points) for e in self.events if isinstance(e, DrawingEvent) for s in e.strokes)


def describe(event: Event) -> str:
    """A few words for a status bar: ``stroke (24 points)``, ``tab "Why"``, ``class 3``."""
    if isinstance(event, StrokeEvent):
        return f"{'eraser' if event.erase else 'stroke'} ({len(event.points)} points)"
    if isinstance(event, (PageEvent, TabEvent)):
        return f'{event.kind} "{event.title}"'
    if isinstance(event, (ClassEvent, SampleEvent)):
        return f"{'explain class' if isinstance(event, ClassEvent) else 'test digit'} {event.index}"
    if isinstance(event, MapEvent):
        return f"map {event.layer}" + (f" #{event.index}" if event.index is not None else "")
    if isinstance(event, ModelEvent):
        return f"model {event.path}"
    if isinstance(event, DrawingEvent):
        return f"drawing ({len(event.strokes)} strokes)"
    return event.kind
