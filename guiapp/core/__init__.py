"""The Qt-free core: architectures, layer arithmetic, data, training, inference.

Nothing under this package imports PySide6, PyQt or pyqtgraph (a test enforces it),
so the command line, the tests and the window all share it.
"""
