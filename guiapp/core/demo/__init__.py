"""Demos: what a lecturer did in the window (strokes with their timing, pages, tabs, classes, maps, models,
test digits, undo), as one JSON file that the window replays live.

:mod:`.events` holds the events and the limits every demo keeps; :mod:`.reader` reads a stranger's file,
refusing anything out of those limits in one line; :mod:`.writer` writes one atomically, never over a file
unless asked.
"""

# The package's modules; each names what it exports in its own __all__.
__all__ = ["events", "reader", "writer"]
