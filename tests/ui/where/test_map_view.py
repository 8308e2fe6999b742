"""The map of the test digits: the painted points, picking by hover and click, the drawing's star."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from guiapp.core.where.raster import point_pixels
from guiapp.ui.where.map_view import PICK_RADIUS_PX, RENDER_DELAY_MS, MapView
from guiapp.ui.where.palette import label_colour, label_rgba

COUNT = 300
NAMES = tuple(str(i) for i in range(10))
LONE = COUNT - 1  # a point far from every cluster: nothing covers it, nothing else is near it
LONE_XY = (0.0, 60.0)
MISTAKES = slice(5, None, 23)  # 13 of them: 5, 28, …, 281


@pytest.fixture(scope="module")
def digits(mnist_npz):
    with np.load(mnist_npz) as data:
        return data["x_test"][:COUNT], data["y_test"][:COUNT].astype(np.int64)


@pytest.fixture(scope="module")
def layout(digits):
    """10 clusters on a circle of radius 40, one per label, and one lone point above them."""
    _, labels = digits
    rng = np.random.default_rng(0)
    angles = labels * (2 * np.pi / 10)
    points = np.c_[40 * np.cos(angles), 40 * np.sin(angles)] + rng.normal(0, 3, (COUNT, 2))
    points[LONE] = LONE_XY
    predicted = labels.copy()
    predicted[MISTAKES] = (labels[MISTAKES] + 1) % 10  # fake mistakes (not the lone point: no cross over it)
    return points.astype(np.float32), predicted


@pytest.fixture()
def view(qtbot, digits, layout):
    images, labels = digits
    points, predicted = layout
    widget = MapView()
    qtbot.addWidget(widget)
    widget.resize(560, 700)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_class_names(NAMES)
    widget.set_map(points, labels, predicted, images, "t-SNE of the dense layer; the drawing by neighbours")
    return widget


def _viewport_pos(view: MapView, x: float, y: float) -> QPoint:
    scene = view.view_box.mapViewToScene(QPointF(x, y))
    return view.plot.mapFromScene(scene)


def test_the_picture_holds_each_label_colour_where_its_points_are(view, digits, layout):
    _, labels = digits
    points, _ = layout
    # The last point painted is on top of its own centre pixel.
    last = int(view.order[-1])
    rows, cols = point_pixels(points[[last, LONE]], view.raster_view, view.raster.shape[1::-1])
    assert tuple(view.raster[rows[0], cols[0]]) == tuple(label_rgba(labels[[last]])[0])
    assert tuple(view.raster[rows[1], cols[1]]) == tuple(label_rgba(labels[[LONE]])[0])
    # On screen too: the lone point's colour is at its place in the widget.
    grabbed = view.plot.grab().toImage()
    at = _viewport_pos(view, *LONE_XY)
    assert grabbed.pixelColor(at).name() == label_colour(labels[LONE])
    assert grabbed.pixelColor(at + QPoint(10, 0)).name() == "#1e1e1e"  # the background beside it
    # Every label's colour is painted somewhere, and the picture matches the view (one pixel a pixel).
    painted = {tuple(c) for c in view.raster[view.raster[..., 3] > 0].tolist()}
    assert painted == {tuple(c) for c in label_rgba(np.arange(10)).tolist()}
    assert view.raster.shape[:2] == (round(view.view_box.height()), round(view.view_box.width()))


def test_the_default_view_shows_every_point_with_a_margin(view, layout):
    points, _ = layout
    (x0, x1), (y0, y1) = view.view_box.viewRange()
    low, high = points.min(0), points.max(0)
    span = high - low
    assert x0 <= low[0] - 0.04 * span[0] and x1 >= high[0] + 0.04 * span[0]
    assert y0 <= low[1] - 0.04 * span[1] and y1 >= high[1] + 0.04 * span[1]


def test_digit_at_finds_the_point_within_the_pick_radius(view, layout):
    points, _ = layout
    assert view.digit_at(*LONE_XY) == LONE
    assert view.digit_at(*points[17]) == 17
    pixel = view.view_box.viewPixelSize()[0]
    assert view.digit_at(LONE_XY[0] + (PICK_RADIUS_PX - 2) * pixel, LONE_XY[1]) == LONE
    assert view.digit_at(LONE_XY[0] + (PICK_RADIUS_PX + 2) * pixel, LONE_XY[1]) is None


def test_a_click_on_a_point_emits_its_index(view, qtbot):
    at = _viewport_pos(view, *LONE_XY)
    with qtbot.waitSignal(view.digitClicked, timeout=2000) as clicked:
        qtbot.mouseClick(view.plot.viewport(), Qt.MouseButton.LeftButton, pos=at)
    assert clicked.args == [LONE]
    emitted: list[int] = []
    view.digitClicked.connect(emitted.append)
    qtbot.mouseClick(view.plot.viewport(), Qt.MouseButton.LeftButton, pos=at + QPoint(40, 0))  # empty space
    qtbot.mouseClick(view.plot.viewport(), Qt.MouseButton.RightButton, pos=at)
    qtbot.wait(50)
    assert emitted == []


def test_hovering_a_point_shows_its_digit_and_the_network_reading(view, digits):
    images, labels = digits
    view._on_mouse_moved(view.view_box.mapViewToScene(QPointF(*LONE_XY)))
    assert view.inset.isVisible()
    text = view.inset_text.text()
    assert text.startswith(f"Test digit {LONE}:<br>a {labels[LONE]}, ")
    assert text.endswith(f"read as {labels[LONE]}")
    thumb = view.inset_image.pixmap().toImage()
    assert (thumb.width(), thumb.height()) == (84, 84)
    row, col = np.unravel_index(int(images[LONE].argmax()), (28, 28))
    assert thumb.pixelColor(col * 3 + 1, row * 3 + 1).value() == images[LONE].max()  # unsmoothed, 3× per pixel
    view._on_mouse_moved(view.view_box.mapViewToScene(QPointF(LONE_XY[0] + 30, LONE_XY[1])))
    assert not view.inset.isVisible()
    view._on_mouse_moved(view.view_box.mapViewToScene(QPointF(*view.points[5])))  # a mistake: its reading in red
    assert view.inset.isVisible()
    assert view.inset_text.text().endswith(f'<span style="color:#ff2020">read as {(labels[5] + 1) % 10}</span>')


def test_the_drawing_marker_moves_and_the_same_point_costs_nothing(view, monkeypatch):
    assert not view.drawing_marker.isVisible() and view.drawing_xy is None
    calls: list[object] = []
    set_data = view.drawing_marker.setData
    monkeypatch.setattr(view.drawing_marker, "setData", lambda *a, **k: (calls.append(k), set_data(*a, **k)))
    view.set_drawing((3.5, -2.0), answer=4)
    marker = view.drawing_marker.data
    assert view.drawing_marker.isVisible() and len(marker) == 1
    assert (marker["x"][0], marker["y"][0]) == (3.5, -2.0) and view.drawing_xy == (3.5, -2.0)
    assert "your drawing, read as 4" in view.markers.text()
    view.set_drawing((3.5, -2.0), answer=4)
    assert len(calls) == 1
    view.set_drawing((5.0, 1.0), answer=4)
    assert len(calls) == 2 and tuple(view.drawing_marker.data[["x", "y"]][0]) == (5.0, 1.0)
    view.set_drawing(None)
    assert not view.drawing_marker.isVisible() and view.drawing_xy is None and len(calls) == 2
    assert "read as" not in view.markers.text()


def test_the_mistakes_are_marked(view, digits, layout):
    _, labels = digits
    points, predicted = layout
    wrong = labels != predicted
    marked = view.mistake_marker.data
    assert len(marked) == wrong.sum() == 13
    assert sorted(zip(marked["x"], marked["y"])) == sorted(map(tuple, points[wrong].tolist()))
    assert "(13)" in view.markers.text()
    assert [name in view.legend.text() for name in NAMES] == [True] * 10


def test_zooming_paints_the_points_again_for_the_new_range(view, qtbot):
    view.view_box.setRange(xRange=(-5, 5), yRange=(50, 70), padding=0)
    qtbot.waitUntil(lambda: not view._render_timer.isActive(), timeout=RENDER_DELAY_MS * 20)
    (x0, x1), (y0, y1) = view.view_box.viewRange()
    assert view.raster_view == (x0, y0, x1, y1) and x0 >= -15 and x1 <= 15
    # Zoomed in, the lone point is still at its place and the picture still one pixel per screen pixel.
    assert view.raster.shape[:2] == (round(view.view_box.height()), round(view.view_box.width()))
    rows, cols = point_pixels(np.array([LONE_XY]), view.raster_view, view.raster.shape[1::-1])
    assert view.raster[rows[0], cols[0], 3] == 255


def test_a_message_hides_the_map_until_the_next_map(view, digits, layout):
    view.show_message("Computing the map… 35%")
    assert view.message.isVisible() and view.message.text() == "Computing the map… 35%"
    assert not view.plot.isVisible()
    assert view.digit_at(*LONE_XY) == LONE  # the data stay; only the view is covered
    images, labels = digits
    points, predicted = layout
    view.set_map(points, labels, predicted, images, "again")
    assert view.plot.isVisible() and not view.message.isVisible() and view.method.text() == "again"
