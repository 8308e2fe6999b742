"""A widget as a picture: k× its size with crisp text (drawn again, not blown up), a plot as SVG that parses
and holds the plot, files written atomically and never over an old one unless asked."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pyqtgraph as pg
import pytest
from PIL import Image
from PySide6.QtWidgets import QApplication, QLabel

from guiapp.core.errors import GuiappError, OutputExistsError
from guiapp.ui.export.render import (
    closed_as_lines,
    frame_rgb,
    plot_svg,
    render_window_png,
    save_png,
    save_svg,
    widget_image,
)


@pytest.fixture()
def plot(qtbot):
    widget = pg.PlotWidget(title="loss per epoch")
    widget.plot(np.sin(np.linspace(0, 6, 40)), pen="y")
    widget.resize(320, 210)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.mark.parametrize("scale", [1, 2, 3, 4])
def test_an_image_is_scale_times_the_widget(plot, scale):
    image = widget_image(plot, scale)
    assert (image.width(), image.height()) == (320 * scale, 210 * scale)
    assert image.devicePixelRatio() == scale


def test_twice_the_size_is_drawn_again_not_blown_up(qtbot):
    label = QLabel("Network input — 28×28")
    label.resize(200, 40)
    qtbot.addWidget(label)
    label.show()
    small, large = frame_rgb(widget_image(label, 1)), frame_rgb(widget_image(label, 2))
    assert large.shape == (80, 400, 3)
    blown_up = np.repeat(np.repeat(small, 2, axis=0), 2, axis=1)
    assert not np.array_equal(large, blown_up)  # text edges drawn at the finer grid
    assert len(np.unique(large.reshape(-1, 3), axis=0)) > 2  # the text is there, anti-aliased


def test_a_png_is_written_and_an_old_one_kept_unless_overwriting(plot, tmp_path):
    path = tmp_path / "plot.png"
    assert save_png(plot, path, 2) == (640, 420)
    with Image.open(path) as png:
        assert png.size == (640, 420)
    with pytest.raises(OutputExistsError):
        save_png(plot, path, 1)
    assert save_png(plot, path, 1, overwrite=True) == (320, 210)
    assert [p.name for p in tmp_path.iterdir()] == ["plot.png"]


def test_a_scale_outside_1_to_4_is_refused(plot):
    with pytest.raises(GuiappError, match="1×, 2×, 3×, 4×"):
        widget_image(plot, 5)


def test_a_plot_exports_to_svg_with_its_curve_and_its_text(plot, tmp_path):
    path = tmp_path / "plot.svg"
    assert save_svg(plot, path) > 0
    root = ET.parse(path).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    paths = root.iter("{http://www.w3.org/2000/svg}path")
    assert max(len(p.get("d", "").split()) for p in paths) >= 40  # the curve's 40 points
    texts = "".join("".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert "loss per epoch" in texts
    with pytest.raises(OutputExistsError):
        save_svg(plot, path)


def test_closed_paths_become_lines_back_to_their_start():
    assert closed_as_lines("M0,0 L1,0 L1,1 Z M5,5 L6,5 Z ") == "M0,0 L1,0 L1,1 L0,0 M5,5 L6,5 L5,5"
    assert closed_as_lines("M1,2 L3,4") == "M1,2 L3,4"


def test_the_svg_exporter_is_left_as_it_was(plot):
    import sys

    module = sys.modules["pyqtgraph.exporters.SVGExporter"]
    before = module.correctCoordinates
    plot_svg(plot)
    assert module.correctCoordinates is before


def test_render_window_png_is_the_whole_window(qtbot, tmp_path):
    from PySide6.QtWidgets import QMainWindow

    window = QMainWindow()
    window.setCentralWidget(QLabel("centre"))
    window.statusBar().showMessage("status")
    window.resize(300, 200)
    qtbot.addWidget(window)
    window.show()
    assert render_window_png(window, tmp_path / "w.png", 3) == (900, 600)
    with Image.open(tmp_path / "w.png") as png:
        assert png.size == (900, 600)
    QApplication.processEvents()
