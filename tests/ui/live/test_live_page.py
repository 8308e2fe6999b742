"""live_page: the "Live network" page shows each update in its own widgets, turns what the user points at in them
into the state's events and follows the state's choices; what other features ask through the door — a picture on
the canvas, a heat map over it, the drawing column lent — it does. The door here is a stand-in holding a real
state (the page in the window: tests/ui/test_window_door.py)."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import numpy as np
import pytest
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QLabel, QSplitter

from guiapp.core.drawing.preprocess import PreprocessOptions
from guiapp.core.drawing.strokes import Drawing, Stroke
from guiapp.core.explain.trace import Tracer
from guiapp.core.live.layer_picture import PER_MAP
from guiapp.core.live.live_update import PictureInput, compute_update, nan_problem
from guiapp.ui.live.live_page import LivePage
from guiapp.ui.plotting import ACTIVATION_LUT
from guiapp.ui.state import PictureChoice, WindowState

SEVEN = Drawing(strokes=(Stroke(((60.0, 60.0), (200.0, 60.0), (120.0, 230.0)), 20.0),))


@pytest.fixture()
def page(qtbot, shipped_inspector):
    door = SimpleNamespace(state=WindowState(), said=[])
    door.say = lambda message, error=False: door.said.append((message, error))
    opened: list[bool] = []
    made = LivePage(door, lambda: opened.append(True))
    made.opened = opened
    qtbot.addWidget(made.widget)
    made.widget.resize(1400, 900)
    made.widget.show()
    door.state.inspector = shipped_inspector
    return made


@pytest.fixture(scope="module")
def update(shipped_inspector):
    return compute_update(shipped_inspector, SEVEN, lut=ACTIVATION_LUT)


def _events(state: WindowState) -> list[tuple]:
    seen: list[tuple] = []
    for name in ("layerHighlighted", "mapSelected", "unitPinned", "unitHovered", "classChosen"):
        getattr(state, name).connect(lambda *args, name=name: seen.append((name, *args)))
    return seen


def test_a_model_in_the_state_is_shown_by_every_widget_of_the_page(page, shipped_inspector):
    assert page.title == "Live network" and page.is_page and page.widget is page.splitter
    assert list(page.feature_maps.panels) == [row.name for row in shipped_inspector.ledger.rows]
    assert page.probabilities.bar_names() == [str(k) for k in range(10)]
    assert page.input_view.input_shape == (28, 28, 1)
    page.model_banner.open_button.click()  # the banner's Open model… is the window's dialog
    assert page.opened == [True]


def test_an_update_is_shown_in_the_input_the_probabilities_and_the_maps(qtbot, page, update):
    page.show_update(update, moving=False)
    np.testing.assert_array_equal(page.input_view.image, update.result.image)
    np.testing.assert_array_equal(page.probabilities.probabilities, update.result.probabilities)
    assert page.probabilities.top_text == "7"
    np.testing.assert_array_equal(page.feature_maps.panels["conv2d"].image.image, update.pictures["conv2d"].rgba)
    assert "MNIST recipe" in page.input_view.title.text() and page.door.said == []


def test_the_input_says_its_recipe_a_drawings_from_the_state_a_pictures_its_own(page, shipped_inspector, update):
    page.door.state.options = PreprocessOptions(crop=False)
    assert "without crop" in page.input_view.title.text()
    page.show_update(update, moving=True)
    assert "without crop" in page.input_view.title.text()  # the state's, whatever the update was computed with
    picture = compute_update(shipped_inspector, PictureInput(np.ones((30, 40), np.float32), "paper.png"))
    page.show_update(picture, moving=False)
    assert f"picture: {picture.stages.recipe.label}" in page.input_view.title.text()


def test_a_model_computing_nan_is_said_in_the_status_bar(page, shipped_inspector, update):
    result = dataclasses.replace(update.result, probabilities=np.full(10, np.nan, np.float32))
    page.show_update(dataclasses.replace(update, result=result), moving=False)
    assert page.door.said == [(nan_problem(shipped_inspector), True)]


def test_the_states_choices_reach_the_pages_widgets(page):
    state = page.door.state
    state.colour_mode = PER_MAP
    assert page.feature_maps.colour_mode == PER_MAP
    state.picture = PictureChoice(None, (0.0, 255.0))
    assert page.input_view.input_range == (0.0, 255.0)
    state.class_names = tuple("abcdefghij")
    assert page.probabilities.bar_names() == list("abcdefghij")
    state.highlight_layer("dense")
    assert "border" in page.feature_maps.panels["dense"].styleSheet()
    state.select_map("conv2d", 4)
    assert "border" in page.feature_maps.panels["conv2d"].styleSheet()
    assert page.feature_maps.panels["dense"].styleSheet() == ""


def test_what_the_user_points_at_becomes_the_states_events(page):
    seen = _events(page.door.state)
    maps = page.feature_maps
    maps.mapClicked.emit("conv2d", 3)
    maps.unitClicked.emit("conv2d", (1, 2, 3))
    maps.unitHovered.emit("dense", (5,))
    maps.unitHovered.emit("dense", None)
    page.probabilities.classClicked.emit(4)
    assert seen == [("mapSelected", "conv2d", 3), ("unitPinned", "conv2d", (1, 2, 3)), ("unitHovered", "dense", (5,)),
                    ("unitHovered", "dense", None), ("classChosen", 4)]


def test_a_traced_unit_is_outlined_on_the_input_the_canvas_and_its_maps(page, shipped_inspector, update):
    state = page.door.state
    page.show_update(update, moving=False)
    state.show_update(update)
    trace = Tracer.for_inspector(shipped_inspector).trace(update.result, "conv2d_1", (10, 12, 5))
    state.show_outlines(trace)
    field = trace.field
    assert page.input_view.fields[0][0] == field
    marked = [mark for mark in page.feature_maps.panels["conv2d_1"]._marks if mark.isVisible()]
    assert len(marked) == 1
    (outline, _colour), *_ = page.canvas.outlines
    top, left, bottom, right = update.placement.to_source(field.top, field.left, field.bottom, field.right)
    assert outline == QRectF(left, top, right - left, bottom - top)  # where those input pixels come from
    state.show_outlines(None)
    assert page.input_view.fields == [] and page.canvas.outlines == []


def test_the_door_puts_a_picture_and_a_heat_map_on_the_canvas(page):
    picture = PictureInput(np.zeros((10, 10), np.float32), "blank.png")
    page.show_picture(picture, "Open image")
    assert page.canvas.drawing is picture
    page.canvas.undo_stack.undo()
    assert page.canvas.drawing.is_blank
    page.overlay(np.full((28, 28, 4), 200, np.uint8), QRectF(10, 10, 100, 100))
    assert page.canvas.heat is not None and page.canvas.heat[1] == QRectF(10, 10, 100, 100)
    page.overlay(None)
    assert page.canvas.heat is None


def test_the_drawing_column_and_the_maps_are_lent_and_come_back_where_they_were(qtbot, page):
    splitter = page.splitter
    before = [splitter.widget(i) for i in range(splitter.count())]
    page.splitter.setSizes([300, 600, 500])
    sizes = splitter.sizes()
    lent = page.lend_drawing()
    assert lent == before[:2] and page.lent and page.lend_drawing() == lent  # asked twice: the same two
    elsewhere = QSplitter()
    qtbot.addWidget(elsewhere)
    for widget in lent:
        elsewhere.addWidget(widget)  # docked on another page
    assert splitter.count() == 1 and page.canvas.window() is not page.widget.window()
    page.take_back_drawing()
    assert [splitter.widget(i) for i in range(splitter.count())] == before and not page.lent
    assert splitter.sizes() == sizes
    page.take_back_drawing()  # nothing lent: nothing to do
    assert splitter.count() == 3


def test_tabs_added_scroll_and_hidden_panels_give_their_room(qtbot, page):
    wide = QLabel("a page that would force 900 pixels on the window")
    wide.setMinimumWidth(900)
    assert page.add_tab(wide, "Wide") == 0 and page.tabs.currentWidget() is wide
    assert page.tabs.minimumSizeHint().width() < 900
    qtbot.wait(20)
    maps = page.feature_maps.width()
    page.set_panel_visible("tabs", False)
    assert not page.panel_visible("tabs") and not page.tabs.isVisible()
    qtbot.waitUntil(lambda: page.feature_maps.width() > maps)
    page.set_panel_visible("tabs", True)
    qtbot.waitUntil(lambda: page.tabs.isVisible() and page.feature_maps.width() <= maps + 1)
    for name in ("canvas", "input", "probabilities"):
        page.set_panel_visible(name, False)
    assert not page.canvas_column.isVisible()  # nothing left in the column: it goes, and its width with it
    page.set_panel_visible("canvas", True)
    assert page.canvas_column.isVisible() and page.canvas.isVisible() and not page.probabilities.isVisible()
