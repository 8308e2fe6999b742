"""The Qt-free core: architectures, layer arithmetic, data, training, inference.

Nothing under this package imports PySide6, PyQt or pyqtgraph (a test enforces it),
so the command line, the tests and the window all share it.
"""

# The package's modules; each names what it exports in its own __all__.
__all__ = [
    "arithmetic", "atomic", "cache_file", "child_process", "compare", "demo", "drawing", "errors", "explain", "files",
    "live", "model", "palettes", "training", "video", "where",
]
