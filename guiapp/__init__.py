"""guiapp: draw a digit and watch a convolutional network think."""

from __future__ import annotations

__version__ = "0.1.0"
