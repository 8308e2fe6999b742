"""window_facade: what scripts, screenshots and tests may ask of the window — a test digit, the Why and Where tabs
with a line for a class or cell the model lacks, a drawing, names, a history — and read-only views of what a person
sees, each the feature's own."""

from __future__ import annotations

from guiapp.ui.explain.feature import ExplainFeature
from guiapp.ui.kernels.feature import KernelsFeature
from guiapp.ui.ledger.feature import LedgerFeature
from guiapp.ui.map_detail.feature import MapDetailFeature
from guiapp.ui.preprocess.feature import PreprocessFeature
from guiapp.ui.trace.feature import TraceFeature
from guiapp.ui.where.feature import WhereFeature
from tests.ui.conftest import MODEL_TIMEOUT_MS, settled

GERMAN = ("null", "eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun")


def test_test_digits_are_put_on_the_canvas_in_turn_wrapping_round(qtbot, window):
    count = len(window.samples.labels)
    window.load_sample(0)  # MNIST test digit 0: a 7
    assert window.sample_index == 0 and window.canvas.undo_stack.undoText() == "Sample 0 (a 7)"
    assert window.statusBar().currentMessage() == "MNIST test digit 0: labelled 7"
    qtbot.waitUntil(lambda: settled(window), timeout=MODEL_TIMEOUT_MS)
    assert window.last_result.predicted == 7 and window.last_result is window.state.update.result
    assert window.last_update is window.state.update and window.inspector is window.state.inspector
    window.step_sample(-1)
    assert window.sample_index == count - 1  # before the first: the last
    window.step_sample(+1)
    assert window.sample_index == 0
    window.step_sample(None)  # one at random
    assert 0 <= window.sample_index < count


def test_why_and_where_say_what_the_model_lacks_in_one_line(qtbot, window):
    assert window.show_why(12) == "class 12 is out of range: this model has classes 0 to 9"
    assert window.show_why(3, 10) == "class 10 is out of range: this model has classes 0 to 9"
    assert not window.why_page.built  # nothing was shown for a class the model lacks
    assert window.show_why(3, 5) is None
    assert window.tabs.currentWidget() is window.why_page
    assert (window.why_view.target_box.currentData(), window.why_view.contrast_box.currentData()) == (3, 5)
    assert window.show_where((12, 0)) == "12:0 is not a cell: this model's classes are 0 to 9"
    problem = window.show_where("no_such_layer")
    assert problem.startswith("no_such_layer: no map of that layer; this model's are ") and "dense" in problem
    assert window.tabs.currentWidget() is window.why_page  # neither brought the Where tab up


def test_the_views_are_the_features_own(window):
    assert window.ledger_view is window.feature(LedgerFeature).view
    assert window.kernel_view is window.feature(KernelsFeature).view
    assert window.map_detail is window.feature(MapDetailFeature).view
    assert window.trace_view is window.feature(TraceFeature).view
    assert window.preprocess_view is window.feature(PreprocessFeature).view
    assert window.why is window.feature(ExplainFeature) and window.where is window.feature(WhereFeature)
    assert window.canvas is window.live_page.canvas and window.tabs is window.live_page.tabs
    assert window.worker is window.live.worker and window.pacer is window.live.pacer
    assert window.model_banner is window.models.banner and window.status_model is window.models.status
    assert window.input_view is window.live_page.input_view and window.feature_maps is window.live_page.feature_maps
    assert window.model_error is None and window.class_names_error is None


def test_names_drawings_histories_and_trust_from_a_script(qtbot, window, tmp_path):
    names = tmp_path / "german.txt"
    names.write_text("\n".join(GERMAN) + "\n", encoding="utf-8")
    assert window.set_class_names_from(names) and window.state.class_names == GERMAN
    three = tmp_path / "three.txt"
    three.write_text("a\nb\nc\n", encoding="utf-8")
    assert not window.set_class_names_from(three) and str(three) in window.class_names_error
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    assert not window.open_drawing(broken)
    window.files.error_box.close()
    not_a_history = tmp_path / "empty"
    not_a_history.mkdir()
    problem = window.open_history(not_a_history)
    assert problem and str(not_a_history) in problem and window.pages.currentWidget() is window.training_page
    window.never_trust()
    assert window.models.ask_trust(tmp_path / "code.keras") is False


def test_make_it_searches_in_the_why_tab(qtbot, window):
    window.load_sample(0)
    qtbot.waitUntil(lambda: settled(window), timeout=MODEL_TIMEOUT_MS)
    window.make_it(7)  # already a 7: found at once
    assert window.tabs.currentWidget() is window.why_page
    qtbot.waitUntil(lambda: window.why.found is not None, timeout=MODEL_TIMEOUT_MS)
    assert window.why.found.target == 7 and window.why.found.steps == 0
