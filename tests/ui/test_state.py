"""The window's state: one signal per field, emitted on a change only; and every view that names the classes
or shows the model follows it through model switches (grey → RGB → grey) and Model → Class names…."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from PySide6.QtCore import Qt

from guiapp import paths
from guiapp.ui.state import WindowState
from tests.ui.conftest import MODEL_TIMEOUT_MS, settled

DIGITS = tuple(str(k) for k in range(10))
COLOUR_NAMES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")  # its card's
GERMAN = ("null", "eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun")


def _model(names: tuple[str, ...]) -> SimpleNamespace:
    """What the state reads of an Inspector: its class names (and it renames them)."""
    model = SimpleNamespace(class_names=names)
    model.set_class_names = lambda new: setattr(model, "class_names", tuple(new))
    return model


def test_each_field_signals_once_per_change_and_not_for_the_same_value(qtbot):
    state = WindowState()
    models, names = [], []
    state.inspectorChanged.connect(models.append)
    state.classNamesChanged.connect(names.append)
    first = _model(DIGITS)
    state.inspector = first
    state.inspector = first
    assert models == [first] and names == [DIGITS]
    state.class_names = list(GERMAN)
    state.class_names = GERMAN
    assert names == [DIGITS, GERMAN] and state.class_names == GERMAN
    assert first.class_names == GERMAN  # the model itself says the same names
    second = _model(GERMAN)  # a new model with the names already shown: only the model changed
    state.inspector = second
    assert models == [first, second] and names == [DIGITS, GERMAN]
    state.inspector = _model(DIGITS)
    assert len(models) == 3 and names == [DIGITS, GERMAN, DIGITS]


def _layers(window) -> list[str]:
    ledger = window.ledger_view
    rows = (ledger.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole) for i in range(ledger.topLevelItemCount()))
    return [name for name in rows if name is not None]  # the total row names no layer


def _switch(qtbot, window, model) -> None:
    """Load ``model`` and wait until the Why tab explains a sample through it."""
    window.load_model(model)
    qtbot.waitUntil(lambda: window.inspector is not None and window.inspector.path == model, timeout=MODEL_TIMEOUT_MS)
    window.load_sample(0)
    qtbot.waitUntil(lambda: settled(window) and window.last_update.explanation is not None, timeout=MODEL_TIMEOUT_MS)


def _assert_named(window, names: tuple[str, ...], where: bool = False) -> None:
    """Every view that names the classes says ``names``; the Ledger and Kernels show the model loaded."""
    answer = window.last_update.result.predicted
    assert window.state.class_names == names
    assert window.probabilities.bar_names() == list(names)
    assert window.probabilities.top_text == names[answer]
    why = window.why_view
    assert why.summary.text().startswith(f"<b>why {names[answer]}</b>")
    assert [why.target_box.itemText(i) for i in range(1, why.target_box.count())] == list(names)
    assert [why.contrast_box.itemText(i) for i in range(1, why.contrast_box.count())] == list(names)
    boxes = why.counterfactual.target_box
    assert [boxes.itemText(i) for i in range(boxes.count())] == list(names)
    assert window.preprocess_view.class_names == names
    view = window.where.view
    assert view.class_names == names and view.map.class_names == names
    if where:  # the map of the test digits is there: its legend and the confusion matrix's labels
        legend = view.map.legend.text()
        assert all(f"&nbsp;{name}" in legend for name in names), legend
        assert view.confusion._names == names
    inspector = window.inspector
    assert _layers(window) == [row.name for row in inspector.ledger.rows]
    assert set(window.kernel_view.panels) == {name for name, layer in inspector.weights.items()
                                              if layer.kind == "Conv2D"}


def test_every_view_follows_model_switches_and_class_names(qtbot, window, tmp_path):
    grey, colour = paths.DEFAULT_MODEL, paths.MODELS_DIR / "colour_digits.keras"
    window.tabs.setCurrentWidget(window.where.page)  # built now: it follows every switch from here
    window.show_why()
    _switch(qtbot, window, colour)
    _assert_named(window, COLOUR_NAMES)
    _switch(qtbot, window, grey)
    _assert_named(window, DIGITS)
    window.tabs.setCurrentWidget(window.where.page)
    qtbot.waitUntil(lambda: window.where.points is not None, timeout=MODEL_TIMEOUT_MS)
    window.show_why()
    qtbot.waitUntil(lambda: settled(window) and window.last_update.explanation is not None, timeout=MODEL_TIMEOUT_MS)
    _assert_named(window, DIGITS, where=True)

    names = tmp_path / "german.txt"
    names.write_text("\n".join(GERMAN) + "\n", encoding="utf-8")
    assert window.set_class_names_from(names)
    _assert_named(window, GERMAN, where=True)
    assert window.inspector.class_names == GERMAN


def test_the_choices_are_read_together_into_one_frozen_request(qtbot):
    """Options, picture choice, colour mode and the Why request each signal once per change, and a request
    carries all of them as they were when it was made."""
    import dataclasses

    from guiapp.core.drawing.preprocess import PreprocessOptions
    from guiapp.core.drawing.strokes import Drawing
    from guiapp.core.live.layer_picture import PER_MAP
    from guiapp.core.live.live_update import ExplainRequest
    from guiapp.ui.state import PictureChoice

    state = WindowState()
    seen: list[tuple[str, object]] = []
    for name in ("optionsChanged", "pictureChanged", "colourModeChanged", "explainChanged"):
        getattr(state, name).connect(lambda value, name=name: seen.append((name, value)))
    drawing = Drawing()
    before = state.request(drawing)
    state.options = PreprocessOptions(fit=False)
    state.options = PreprocessOptions(fit=False)  # the same: no signal
    state.picture = PictureChoice(None, (0.0, 255.0))
    state.colour_mode = PER_MAP
    state.explain = ExplainRequest(target=3)
    after = state.request(drawing, at_rest=True)
    assert [name for name, _ in seen] == ["optionsChanged", "pictureChanged", "colourModeChanged", "explainChanged"]
    assert before.options == PreprocessOptions() and before.explain is None and not before.at_rest
    assert (after.options.fit, after.input_range, after.colour_mode, after.explain.target, after.at_rest) == (
        False, (0.0, 255.0), PER_MAP, 3, True)
    assert after.source is drawing and state.input_range == (0.0, 255.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        after.at_rest = False  # type: ignore[misc]


def test_a_request_says_when_rest_adds_work():
    from guiapp.core.drawing.preprocess import PreprocessOptions
    from guiapp.core.drawing.strokes import Drawing
    from guiapp.core.live.live_request import LiveRequest
    from guiapp.core.live.live_update import ExplainRequest

    drawing = Drawing()
    assert not LiveRequest(drawing).rest_adds_work  # every step on, no Why tab: one pass is all there is
    assert LiveRequest(drawing, PreprocessOptions(centre=False)).rest_adds_work  # the full recipe's reference
    assert LiveRequest(drawing, explain=ExplainRequest()).rest_adds_work  # the Why tab's slower methods
    moving = LiveRequest(drawing, PreprocessOptions(centre=False))
    resting = moving.resting()
    assert resting.at_rest and resting.same_choices(moving) and resting.resting() is resting
    assert not LiveRequest(Drawing()).same_choices(moving)  # another drawing object: another request
