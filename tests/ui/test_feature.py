"""feature: what every page and tab is — told of each model once it is in the state (its class names already
there, never of "no model"), on screen when its door says so, idle by default — and the door the window offers,
which has every verb the protocol names."""

from __future__ import annotations

import inspect
from types import SimpleNamespace

from PySide6.QtWidgets import QLabel

from guiapp.ui.feature import Door, Feature
from guiapp.ui.state import WindowState
from guiapp.ui.window_door import WindowDoor


class Recording(Feature):
    """A tab that writes down the models it is told of, with the class names the state had then."""

    title = "Recording"

    def __init__(self, door) -> None:
        super().__init__(door)
        self.widget = QLabel("recording")
        self.models: list[tuple[object, tuple[str, ...]]] = []

    def model_changed(self, inspector) -> None:
        self.models.append((inspector, self.door.state.class_names))


def _model(names: tuple[str, ...]) -> SimpleNamespace:
    return SimpleNamespace(class_names=names, set_class_names=lambda new: None)


def _door(shown: set[object]) -> SimpleNamespace:
    return SimpleNamespace(state=WindowState(), on_screen=lambda feature: feature in shown)


def test_a_feature_is_told_of_each_model_with_its_names_already_in_the_state(qtbot):
    door = _door(set())
    feature = Recording(door)
    first, second = _model(("a", "b")), _model(("x", "y", "z"))
    door.state.inspector = first
    door.state.inspector = first  # the same model again: not news
    door.state.inspector = None  # no model: nothing to show
    door.state.inspector = second
    assert feature.models == [(first, ("a", "b")), (second, ("x", "y", "z"))]


def test_on_screen_is_the_doors_word_and_a_feature_is_idle_unless_it_says_otherwise(qtbot):
    shown: set[object] = set()
    feature = Recording(_door(shown))
    assert not feature.on_screen and not feature.busy
    shown.add(feature)
    assert feature.on_screen
    assert (Feature.title, Feature.is_page) == ("", False)  # a tab beside the maps unless it says it is a page


def test_the_windows_door_has_every_verb_and_field_the_protocol_names():
    verbs = {name for name, member in vars(Door).items() if inspect.isfunction(member) and not name.startswith("_")}
    assert verbs == {"say", "show", "on_screen", "find", "load_model", "add_model", "show_picture", "overlay",
                     "lend_drawing", "take_back_drawing", "busy"}
    for name in verbs:
        ours = inspect.signature(getattr(WindowDoor, name))
        theirs = inspect.signature(getattr(Door, name))
        assert list(ours.parameters) == list(theirs.parameters), name
    fields = set(Door.__annotations__)
    assert fields == {"state", "live", "paths", "samples"}
    source = inspect.getsource(WindowDoor.__init__)
    assert all(f"self.{field}" in source for field in fields)
