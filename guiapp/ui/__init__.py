"""The Qt window. ``MainWindow()`` opens the shipped model; ``MainWindow(path)`` another one."""

from __future__ import annotations

from guiapp.ui.main_window import MainWindow

__all__ = ["MainWindow"]
