"""The Compare page's door, in one window shared by the module: showing the page docks the drawing column and
leaving gives it back (one canvas, whatever the pages visited); B defaults to the seed's network; a drawn 7 gets
a line naming each model's answer; the randomised twin with nothing re-initialised answers as A does, with all
its layers re-initialised otherwise; pairs follow the chains; the Evidence tab asks for A's evidence and B
explains A's class; a broken B file or history folder is one line and the page goes on; a test digit goes on
the canvas."""

from __future__ import annotations

import time
import numpy as np
import pytest
from PySide6.QtCore import QSettings

from guiapp import paths
from guiapp.core.compare.pairing import pair_layers
from guiapp.core.compare.twin import randomised_weights, weighted_layers
from guiapp.core.live.live_update import PictureInput, shown_as_copy
from guiapp.core.model.inference import Inspector
from guiapp.ui.compare.choice import FILE, TWIN, Choice, shipped_models
from guiapp.ui.compare.feature import CompareFeature
from guiapp.ui.compare.tabs import EVIDENCE, LAYERS, TAB_NAMES
from guiapp.ui.live.canvas import DrawingCanvas
from guiapp.ui.training.feature import TrainingFeature
from guiapp.ui.window_paths import WHERE_DIGITS_ENV, WindowPaths
from tests.ui.conftest import MODEL_TIMEOUT_MS

TIMEOUT_MS = 60_000
SEVEN = paths.RESOURCES_DIR / "drawn_seven.json"
COLOUR = paths.MODELS_DIR / "colour_digits.keras"


def _wait(app, condition, timeout_s: float = MODEL_TIMEOUT_MS / 1000) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "the window did not open its model in time"
        app.processEvents()
        time.sleep(0.01)


@pytest.fixture(scope="module")
def window(qapp, tmp_path_factory, patch_cache, where_cache, where_digits):
    """One window for the module (a window and two compute processes cost seconds each on this host)."""
    from guiapp.ui import MainWindow

    folder = tmp_path_factory.mktemp("compare_window")
    with pytest.MonkeyPatch.context() as env:
        for name in ("XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME"):
            env.setenv(name, str(folder / name.lower()))
        env.setenv(WHERE_DIGITS_ENV, str(where_digits))
        store = QSettings(str(folder / "guiapp.ini"), QSettings.Format.IniFormat)
        window_paths = WindowPaths(filter_patches=patch_cache, where_cache=where_cache, where_digits=where_digits,
                                   trained_models=folder / "trained")
        win = MainWindow(settings=store, paths=window_paths)
        win.resize(1280, 800)
        win.show()
        _wait(qapp, lambda: win.inspector is not None)
        yield win
        problem = win.worker.process_problem
        win.shutdown()
        win.close()
        win.deleteLater()
        qapp.processEvents()
    assert problem is None, problem


@pytest.fixture()
def feature(window) -> CompareFeature:
    found = window.door.find(CompareFeature)
    window.pages.setCurrentWidget(found.widget)
    return found


def _b_answered(window, feature, expected=None) -> bool:
    """B shows the drawing A shows (and, given ``expected``, B's probabilities are these)."""
    a, b = feature.a_update, feature.b_update
    if a is None or b is None or feature.b is None or not feature.partner.ready:
        return False
    if a.drawing is not window.canvas.drawing or b.drawing is not a.drawing:
        return False
    return expected is None or (b.result.probabilities.shape == np.shape(expected(a))
                                and np.allclose(b.result.probabilities, expected(a), atol=1e-4))


def _choose(qtbot, window, feature, choice: Choice) -> None:
    view = feature.view
    if choice.kind == TWIN:
        view.bar.choose_twin(choice.layers, choice.seed)
    else:
        view.bar.choose_file(choice.path)
    qtbot.waitUntil(lambda: feature.b is not None and feature.b.choice == choice, timeout=TIMEOUT_MS)


def _seven(qtbot, window) -> None:
    """The drawn 7 on the canvas (opened again only if something else was put there)."""
    if getattr(window, "_seven", None) is not window.canvas.drawing:
        assert window.open_drawing(SEVEN)
        window._seven = window.canvas.drawing


def test_the_page_borrows_the_drawing_column_and_gives_it_back(qtbot, window):
    feature = window.door.find(CompareFeature)
    assert feature.title == "Compare" and feature.is_page
    canvas = window.canvas
    window.pages.setCurrentWidget(feature.widget)
    view = feature.view
    assert view is not None and feature.on_screen and window.live_page.lent
    assert view.dock.isAncestorOf(canvas) and canvas.isVisibleTo(view)
    # B at first: the seed's network, as A is the shipped default.
    assert window.inspector.path.resolve() == paths.DEFAULT_MODEL.resolve()
    assert feature.choice == Choice(FILE, paths.SEED_MODEL)
    assert shipped_models()[0] == paths.SEED_MODEL
    qtbot.waitUntil(lambda: feature.b_update is not None, timeout=TIMEOUT_MS)
    assert feature.b.inspector.path.resolve() == paths.SEED_MODEL.resolve()
    window.pages.setCurrentIndex(0)
    assert not window.live_page.lent and window.splitter.isAncestorOf(canvas) and not view.dock.isAncestorOf(canvas)
    # Compare → Training → Compare: one canvas, always in the page on screen.
    training = window.door.find(TrainingFeature)
    window.pages.setCurrentWidget(feature.widget)
    window.pages.setCurrentWidget(training.widget)
    assert training.view.dock.isAncestorOf(canvas) and not view.dock.isAncestorOf(canvas)
    window.pages.setCurrentWidget(feature.widget)
    assert view.dock.isAncestorOf(canvas) and not training.view.dock.isAncestorOf(canvas)
    assert window.findChildren(DrawingCanvas) == [canvas]
    window.pages.setCurrentIndex(0)
    assert window.splitter.isAncestorOf(canvas) and window.findChildren(DrawingCanvas) == [canvas]


def test_a_drawn_seven_gets_a_line_naming_each_models_answer(qtbot, window, feature):
    _choose(qtbot, window, feature, Choice(FILE, paths.SEED_MODEL))
    _seven(qtbot, window)
    seed = Inspector.load(paths.SEED_MODEL)
    qtbot.waitUntil(lambda: _b_answered(window, feature, lambda a: seed.run(a.result.image).probabilities),
                    timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: feature.view.line.text() != "", timeout=TIMEOUT_MS)
    pa, pb = feature.a_update.result.probabilities, feature.b_update.result.probabilities
    names_a, names_b = window.state.class_names, seed.class_names
    top_a, top_b = names_a[int(np.argmax(pa))], names_b[int(np.argmax(pb))]
    text = feature.view.line.text()
    assert (top_a, top_b) == ("7", "2")  # the classic network reads this drawn 7 as a 2 (99% against 0.1%)
    assert "They disagree" in text
    assert f"A: {top_a} ({float(pa.max()):.0%}), B: {top_b} ({float(pb.max()):.0%})" in text


def test_the_twin_with_nothing_reinitialised_answers_as_a_and_with_everything_does_not(qtbot, window, feature):
    _seven(qtbot, window)
    a = window.inspector
    _choose(qtbot, window, feature, Choice(TWIN, layers=0))
    qtbot.waitUntil(lambda: _b_answered(window, feature, lambda u: u.result.probabilities), timeout=TIMEOUT_MS)
    np.testing.assert_allclose(feature.b_update.result.probabilities, feature.a_update.result.probabilities,
                               atol=1e-5)
    qtbot.waitUntil(lambda: "Both say" in feature.view.line.text(), timeout=TIMEOUT_MS)
    assert feature.view.titles[1].text().endswith("(nothing re-initialised)")
    every = len(weighted_layers(a))
    twin = a.with_weights(randomised_weights(a, every, 0))
    _choose(qtbot, window, feature, Choice(TWIN, layers=every))
    qtbot.waitUntil(lambda: _b_answered(window, feature, lambda u: twin.run(u.result.image).probabilities),
                    timeout=TIMEOUT_MS)
    assert np.abs(feature.b_update.result.probabilities - feature.a_update.result.probabilities).max() > 1e-3
    assert f"top {every} layers re-initialised (seed 0)" in feature.view.titles[1].text()


def test_pairs_follow_the_chains_and_a_difference_is_drawn_only_where_shapes_agree(qtbot, window, feature):
    _seven(qtbot, window)
    feature.view.tabs.setCurrentIndex(LAYERS)
    for partner in (paths.SEED_MODEL, COLOUR):
        _choose(qtbot, window, feature, Choice(FILE, partner))
        b = Inspector.load(partner)
        expected = pair_layers(window.inspector, b)
        assert feature.pairs == expected
        infos_a, infos_b = window.inspector.layer_infos, b.layer_infos
        assert len(feature.pairs) == max(len(infos_a), len(infos_b))
        for position, pair in enumerate(feature.pairs):
            assert pair.position == position
            for infos, name, shape in ((infos_a, pair.a, pair.shape_a), (infos_b, pair.b, pair.shape_b)):
                if position < len(infos):
                    assert (name, shape) == (infos[position].name, tuple(infos[position].output_shape))
                else:
                    assert (name, shape) == (None, None)  # the shorter chain stands beside nothing
        rows = feature.view.pairs.rows
        assert [row.pair for row in rows] == list(expected)
        qtbot.waitUntil(lambda: _b_answered(window, feature), timeout=TIMEOUT_MS)
        feature.settle()
        shown = [row for row in rows if row.on_screen]
        assert shown
        for row in shown:
            difference = row.images[2]
            if row.pair.same_shape and not shown_as_copy(row.pair.kind_a):
                assert difference.isVisible() and row.difference_max is not None, row.pair
            if not row.pair.same_shape:
                assert not difference.isVisible() and "shapes differ" in row.notes[2].text()
        same = [row.pair.same_shape for row in rows]
        if partner == COLOUR:
            assert not all(same)  # 32×32×3 against 28×28×1
            assert "A reads" in feature.view.note.text()
        else:
            assert all(same)


def test_the_evidence_tab_asks_for_evidence_and_b_explains_as_class(qtbot, window, feature):
    _choose(qtbot, window, feature, Choice(FILE, paths.SEED_MODEL))
    _seven(qtbot, window)
    feature.view.tabs.setCurrentIndex(EVIDENCE)
    assert window.state.explain is not None and window.state.explain.target is None

    def explained() -> bool:
        b = feature.b_update
        return _b_answered(window, feature) and b.explanation is not None and feature.a_update.explanation is not None

    qtbot.waitUntil(explained, timeout=TIMEOUT_MS)
    answer = int(np.argmax(feature.a_update.result.probabilities))
    assert feature.b_update.explanation.target == answer
    feature.view.tabs.setCurrentIndex(LAYERS)
    assert window.state.explain is None
    feature.view.tabs.setCurrentIndex(EVIDENCE)
    assert window.state.explain is not None
    window.pages.setCurrentIndex(0)
    assert window.state.explain is None
    window.pages.setCurrentWidget(feature.widget)
    feature.view.tabs.setCurrentIndex(LAYERS)


def test_a_truncated_model_file_is_one_line_and_the_page_goes_on(qtbot, window, feature, tmp_path):
    broken = tmp_path / "broken.keras"
    broken.write_bytes(paths.SEED_MODEL.read_bytes()[:2000])
    a = window.inspector
    feature.view.bar.choose_file(broken)
    qtbot.waitUntil(lambda: "broken.keras" in feature.view.note.text(), timeout=TIMEOUT_MS)
    note = feature.view.note.text()
    status = window.statusBar().currentMessage()
    assert "\n" not in note and "broken.keras" in status and "\n" not in status
    assert window.inspector is a and feature.on_screen and window.live_page.lent
    _choose(qtbot, window, feature, Choice(FILE, paths.SEED_MODEL))  # and another B is taken after
    qtbot.waitUntil(lambda: _b_answered(window, feature), timeout=TIMEOUT_MS)


def test_a_nonsense_history_folder_is_one_line(window, feature, tmp_path):
    (tmp_path / "history.json").write_text("{ this is not json")
    problem = feature.open_history(tmp_path)
    assert problem is not None and "\n" not in problem and "history.json" in problem
    assert window.statusBar().currentMessage() == problem
    empty = tmp_path / "empty"
    empty.mkdir()
    problem = feature.open_history(empty)
    assert problem is not None and str(empty) in problem and "\n" not in problem


def test_show_refuses_unknown_tabs_and_too_many_twin_layers(window, feature):
    assert "no such Compare tab" in feature.show(tab="nowhere")
    every = len(weighted_layers(window.inspector))
    assert f"has {every} weighted layers" in feature.show(f"twin:{every + 1}")
    assert "expected twin or twin:K" in feature.show("twin:many")
    assert feature.show(tab=TAB_NAMES[0]) is None


def test_a_test_digit_chosen_goes_on_the_canvas(qtbot, window, feature):
    feature.work.start_cka(60)
    qtbot.waitUntil(lambda: feature.work.digits is not None, timeout=TIMEOUT_MS)
    digits = feature.work.digits
    feature.view.test_set.digitChosen.emit(5)
    drawing = window.canvas.drawing
    assert isinstance(drawing, PictureInput) and "test digit 5" in drawing.name
    assert f"(a {int(digits.labels[5])}" in drawing.name
    np.testing.assert_allclose(drawing.picture, digits.images[5] / 255.0, atol=1e-6)
    feature.view.test_set.digitChosen.emit(10**7)  # no such digit: the canvas keeps what it had
    assert window.canvas.drawing is drawing
