"""Every panel of the window exports: at 2× its PNG is exactly twice the panel's size; every plot in it to an
SVG that parses and holds the plot; right-click opens the export menu (never on the canvas, whose right button
erases); Ctrl+Shift+C copies the panel under the pointer; the Save dialog's file is never replaced silently."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pyqtgraph as pg
import pytest
from PIL import Image
from PySide6.QtCore import QPoint
from PySide6.QtGui import QContextMenuEvent, QGuiApplication
from PySide6.QtWidgets import QApplication, QFileDialog

from guiapp.ui.export import panels as panels_module
from guiapp.ui.export.panels import LIVE_PANELS, PanelExport
from guiapp.ui.export.render import plot_svg, save_png

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture()
def export(window):
    """The window's own (its commands install it once, with its actions in the File menu)."""
    found = window.findChildren(PanelExport)
    assert len(found) == 1
    texts = {a.text(): a for a in window.actions()}
    assert {"Copy panel under the pointer", "Copy window"} <= set(texts)
    assert texts["Copy panel under the pointer"].shortcut().toString() == "Ctrl+Shift+C"
    return found[0]


def _every_panel(window):
    """(title, a function that brings the panel on screen and returns its widget), for every panel."""
    live = window.live_page
    found = [(title, lambda a=attribute: (window.pages.setCurrentIndex(0), getattr(live, a))[1])
             for attribute, _name, title in LIVE_PANELS]
    for i in range(window.tabs.count()):
        found.append((window.tabs.tabText(i), lambda i=i: (window.pages.setCurrentIndex(0),
                                                           window.tabs.setCurrentIndex(i), window.tabs.widget(i))[2]))
    for i in range(window.pages.count()):
        found.append((window.pages.tabText(i), lambda i=i: (window.pages.setCurrentIndex(i), window.pages.widget(i))[1]))
    return found


def _settle():
    for _ in range(5):
        QApplication.processEvents()


def test_the_table_names_every_panel(export, window):
    titles = set(export.titles.values())
    assert {"Drawing", "Network input", "Probabilities", "Feature maps", "Ledger", "Why", "Where", "Trace unit",
            "Kernels", "Selected map", "Preprocessing", "Live network", "Conv arithmetic", "Architecture explorer",
            "Training"} <= titles
    assert all(window.tabs.widget(i).objectName() for i in range(window.tabs.count()))
    assert window.live_page.canvas.objectName() == "canvas"  # the names the window gave stay


def test_every_panel_exports_to_png_at_twice_its_size_and_every_plot_to_svg(export, window, tmp_path):
    window.load_sample(0)
    saved = tmp_path / "seen"
    saved.mkdir()
    plots_seen = 0
    for title, bring in _every_panel(window):
        widget = bring()
        _settle()
        panel = export.panel_of(widget)
        assert panel is not None and panel.title == title and panel.widget is widget
        path = saved / f"{panel.stem}.png"
        assert save_png(widget, path, 2) == (2 * widget.width(), 2 * widget.height())
        with Image.open(path) as png:
            assert png.size == (2 * widget.width(), 2 * widget.height())
            assert len(png.convert("RGB").getcolors(1 << 20) or range(2)) > 1, title  # not one flat colour
        for view in widget.findChildren(pg.GraphicsView)[:2]:
            if not view.isVisible():
                continue
            inner = export.panel_of(view)
            assert inner is not None and inner.plot is view
            root = ET.fromstring(plot_svg(view))
            assert root.tag == f"{SVG}svg", title
            assert any(True for _ in root.iter(f"{SVG}path")) or any(True for _ in root.iter(f"{SVG}image")), title
            plots_seen += 1
    assert plots_seen >= 10


def _right_click(widget, pos=None):
    pos = pos or widget.rect().center()
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, widget.mapToGlobal(pos))
    QApplication.sendEvent(widget, event)
    return event


def test_right_click_on_a_plot_offers_png_and_svg(export, window):
    window.pages.setCurrentIndex(0)
    _settle()
    view = window.live_page.probabilities.findChildren(pg.GraphicsView)[0]
    _right_click(view.viewport())
    assert export.menu is not None
    texts = [a.text() for a in export.menu.actions()]
    assert texts[0] == "Copy “Probabilities”" and "Save plot as SVG…" in texts and "Copy window" in texts
    scales = [a.text() for a in export.menu.actions()[1].menu().actions()]
    width, height = window.live_page.probabilities.width(), window.live_page.probabilities.height()
    assert scales[1] == f"2× ({2 * width}×{2 * height} px)…" and len(scales) == 4
    export.menu.close()


def test_right_click_on_the_canvas_stays_the_canvas_eraser(export, window):
    window.pages.setCurrentIndex(0)
    _settle()
    _right_click(window.live_page.canvas)
    assert export.menu is None


def test_the_copy_key_copies_the_panel_under_the_pointer_at_twice_its_size(export, window, monkeypatch):
    window.pages.setCurrentIndex(0)
    _settle()
    canvas = window.live_page.canvas
    monkeypatch.setattr(panels_module, "QCursor", type("Cursor", (), {"pos": staticmethod(
        lambda: canvas.mapToGlobal(canvas.rect().center()))}))
    panel = export.copy_under_pointer()
    assert panel is not None and panel.widget is canvas  # the canvas too, though its right button is its own
    image = QGuiApplication.clipboard().image()
    assert (image.width(), image.height()) == (2 * canvas.width(), 2 * canvas.height())
    monkeypatch.setattr(panels_module, "QCursor", type("Cursor", (), {"pos": staticmethod(lambda: QPoint(-5000, -5000))}))
    assert export.copy_under_pointer() is None
    assert "no panel under the pointer" in window.statusBar().currentMessage()


def test_the_save_dialog_writes_the_scale_chosen_and_never_replaces_silently(export, window, tmp_path, monkeypatch):
    window.pages.setCurrentIndex(0)
    _settle()
    panel = export.panel_of(window.live_page.input_view)
    chosen = tmp_path / "input.png"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *args: (str(chosen), "")))
    assert export.save_png_dialog(panel, 3) == chosen
    with Image.open(chosen) as png:
        assert png.size == (3 * panel.widget.width(), 3 * panel.widget.height())
    # A name typed without its suffix, where that file exists: the dialog asked about another name, so no.
    typed = tmp_path / "input"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *args: (str(typed), "")))
    before = chosen.read_bytes()
    assert export.save_png_dialog(panel, 1) is None
    assert chosen.read_bytes() == before and "already exists" in window.statusBar().currentMessage()
    svg = tmp_path / "input.svg"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *args: (str(svg), "")))
    assert export.save_svg_dialog(panel) == svg
    assert ET.parse(svg).getroot().tag == f"{SVG}svg"
