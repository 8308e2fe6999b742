"""Export for slides: any panel or the whole window as PNG (1–4×), a plot as SVG, the clipboard; clips (GIF, MP4)
of a training history or any stepped demo, made offscreen.

The window calls :func:`install` once and puts the actions it returns in the File menu.
"""

from guiapp.ui.export.clips import history_video, record_frames
from guiapp.ui.export.panels import PanelExport, install
from guiapp.ui.export.render import render_window_png, save_png, save_svg

__all__ = ["PanelExport", "history_video", "install", "record_frames", "render_window_png", "save_png", "save_svg"]
