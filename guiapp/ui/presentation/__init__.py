"""Presentation mode: the projector theme, full screen, zoom and the panels a lecturer shows, per screen."""

from guiapp.ui.presentation.presentation import Presentation, install

__all__ = ["Presentation", "install"]
