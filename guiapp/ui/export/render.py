"""A widget as a picture for a slide: a PNG at 1–4×, a plot as SVG, the clipboard, an RGB frame for a clip.

At scale k the widget is painted again into a QImage k× its size whose device pixel ratio is k, so Qt draws
text, lines and curves at that resolution: crisp, not a bitmap blown up. Pictures the widget shows (a feature
map, the drawing) are pixel images and stay so. Files are written atomically and never over an existing one
unless asked (the Save dialogs ask the user first).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMimeData, QPoint
from PySide6.QtGui import QGuiApplication, QImage, QRegion
from PySide6.QtWidgets import QWidget

from guiapp.core.atomic import atomic_path, refuse_overwrite
from guiapp.core.errors import GuiappError

SCALES = (1, 2, 3, 4)
COPY_SCALE = 2  # the clipboard's picture: sharp on a projector slide without choosing
SVG_MIME = "image/svg+xml"


def check_scale(scale: int) -> int:
    if scale not in SCALES:
        raise GuiappError(f"scale {scale!r}: a picture is exported at {', '.join(f'{s}×' for s in SCALES)}")
    return int(scale)


def widget_image(widget: QWidget, scale: int = 1) -> QImage:
    """``widget`` painted into an image ``scale``× its size (device pixel ratio ``scale``)."""
    scale = check_scale(scale)
    layout = widget.layout()
    if layout is not None:
        layout.activate()  # a page not on screen may not be laid out at its size yet
    width, height = max(widget.width(), 1), max(widget.height(), 1)
    image = QImage(width * scale, height * scale, QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(scale)
    image.fill(widget.palette().color(widget.backgroundRole()))  # no transparent holes between the children
    # QWidget's render, also for a QGraphicsView (whose own render() paints its scene into a painter).
    QWidget.render(widget, image, QPoint(), QRegion(), QWidget.RenderFlag.DrawWindowBackground
                   | QWidget.RenderFlag.DrawChildren)
    return image


def frame_rgb(image: QImage) -> np.ndarray:
    """A QImage as an (H, W, 3) uint8 array (a copy)."""
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    height, width, stride = rgb.height(), rgb.width(), rgb.bytesPerLine()
    rows = np.frombuffer(rgb.constBits(), np.uint8, count=stride * height).reshape(height, stride)
    return rows[:, :width * 3].reshape(height, width, 3).copy()


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise OSError("Qt could not encode the PNG")
    buffer.close()
    return bytes(data.data())


def save_png(widget: QWidget, path: Path | str, scale: int = 1, *, overwrite: bool = False) -> tuple[int, int]:
    """Write ``widget`` at ``scale`` to ``path`` (PNG, atomically); its (width, height) in pixels."""
    path = Path(path)
    refuse_overwrite(path, force=overwrite)
    image = widget_image(widget, scale)
    data = png_bytes(image)
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return image.width(), image.height()


def render_window_png(window: QWidget, path: Path | str, scale: int = 1, *, overwrite: bool = False) -> tuple[int, int]:
    """The whole window (menus, toolbar, status bar and all) at ``scale`` to ``path``: for ``--screenshot``."""
    return save_png(window, path, scale, overwrite=overwrite)


def plot_svg(view: pg.GraphicsView) -> bytes:
    """The pyqtgraph view's whole scene (plots, axes, labels, images) as an SVG document."""
    from pyqtgraph.exporters import SVGExporter

    with _paths_pyqtgraph_reads():
        svg = SVGExporter(view.scene()).export(toBytes=True)
    if not svg:
        raise OSError("pyqtgraph made no SVG of this plot")
    return bytes(svg)


@contextlib.contextmanager
def _paths_pyqtgraph_reads() -> Iterator[None]:
    """pyqtgraph 0.14's SVG exporter reads a path as "Mx,y Lx,y …" only; Qt ≥ 6.8 closes a path with "Z" and
    the exporter fails (pyqtgraph issue #3485, open). Each "Z" becomes a line back to where its subpath began,
    the same outline, for the length of one export."""
    module = sys.modules.get("pyqtgraph.exporters.SVGExporter")
    correct = getattr(module, "correctCoordinates", None)
    if correct is None:
        yield
        return

    def corrected(node: Any, defs: Any, item: Any, options: Any) -> Any:
        for path in node.getElementsByTagName("path"):
            path.setAttribute("d", closed_as_lines(path.getAttribute("d")))
        return correct(node, defs, item, options)

    module.correctCoordinates = corrected
    try:
        yield
    finally:
        module.correctCoordinates = correct


def closed_as_lines(d: str) -> str:
    """An SVG path's "Z" (close) commands as "L" back to the subpath's start: "M0,0 L1,0 Z" → "M0,0 L1,0 L0,0"."""
    out: list[str] = []
    start = ""
    for token in d.split():
        if token in ("Z", "z"):
            if start:
                out.append(f"L{start}")
            continue
        if token[:1] in ("M", "m"):
            start = token[1:]
        out.append(token)
    return " ".join(out)


def save_svg(view: pg.GraphicsView, path: Path | str, *, overwrite: bool = False) -> int:
    """Write the plot in ``view`` to ``path`` as SVG (atomically); the bytes written."""
    path = Path(path)
    refuse_overwrite(path, force=overwrite)
    data = plot_svg(view)
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return len(data)


def copy_image(image: QImage, svg: bytes | None = None) -> None:
    """Put ``image`` (and, for a plot, its SVG too: vector-aware programs take that) on the clipboard."""
    mime = QMimeData()
    mime.setImageData(image)
    if svg is not None:
        mime.setData(SVG_MIME, QByteArray(svg))
    QGuiApplication.clipboard().setMimeData(mime)


if __name__ == "__main__":  # a plot, saved at 2× and as SVG beside the working folder
    import sys

    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    plot = pg.PlotWidget(title="a curve")
    plot.plot(np.sin(np.linspace(0, 6, 50)))
    plot.resize(400, 300)
    plot.show()
    print(save_png(plot, "curve@2x.png", 2, overwrite=True), save_svg(plot, "curve.svg", overwrite=True))
