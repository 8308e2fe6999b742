"""The Where tab's door, in the window: nothing is computed at start-up; coming on screen starts the model's pass
once (not on every visit), a model switch once the tab exists starts the new model's, a training run's network
gets a note instead; the drawing is placed only while the tab is on screen."""

from __future__ import annotations

from guiapp import paths
from guiapp.ui.ledger.feature import LedgerFeature
from guiapp.ui.where.feature import TRAINING_NOTE, WhereFeature
from tests.ui.conftest import MODEL_TIMEOUT_MS, settled, wait_settled

OTHER_MODEL = paths.MODELS_DIR / "mnist_cnn.keras"


def _spied(window, monkeypatch) -> list[object]:
    """The models whose pass the tab starts (each is still started)."""
    where = window.feature(WhereFeature)
    started: list[object] = []
    real = where.worker.start

    def start(inspector, *args, **kwargs):
        started.append(inspector)
        return real(inspector, *args, **kwargs)

    monkeypatch.setattr(where.worker, "start", start)
    return started


def test_coming_on_screen_starts_the_pass_once(qtbot, window, monkeypatch):
    where = window.feature(WhereFeature)
    assert where.title == "Where" and where.widget is where.page
    started = _spied(window, monkeypatch)
    window.load_sample(0)
    wait_settled(qtbot, window)
    assert started == [] and not where.page.built and where.points is None  # start-up pays nothing
    window.tabs.setCurrentWidget(where.page)
    assert started == [window.inspector] and where.page.built
    ledger = window.feature(LedgerFeature).widget
    window.tabs.setCurrentWidget(ledger)
    window.tabs.setCurrentWidget(where.page)
    assert started == [window.inspector]  # once per model
    qtbot.waitUntil(lambda: where.points is not None, timeout=MODEL_TIMEOUT_MS)
    qtbot.waitUntil(lambda: where.view.neighbours.shown != (), timeout=MODEL_TIMEOUT_MS)  # the drawing placed
    assert where.view.map.drawing_xy is not None


def test_a_model_switch_once_the_tab_exists_starts_the_new_pass_and_a_moment_of_training_gets_a_note(
        qtbot, window, monkeypatch):
    where = window.feature(WhereFeature)
    window.tabs.setCurrentWidget(where.page)
    window.tabs.setCurrentWidget(window.feature(LedgerFeature).widget)  # built, and off screen
    started = _spied(window, monkeypatch)
    window.load_model(OTHER_MODEL)
    qtbot.waitUntil(lambda: window.inspector.path == OTHER_MODEL, timeout=MODEL_TIMEOUT_MS)
    assert started == [window.inspector] and where.inspector is window.inspector
    seen: list[tuple[object, str | None, int]] = []  # (model, the tab's note, passes started) as each arrives
    window.state.inspectorChanged.connect(lambda model: seen.append((model.path, where.note, len(started))))
    window.state.transient.add(paths.DEFAULT_MODEL)  # as the Training page's network
    window.load_model(paths.DEFAULT_MODEL)  # (the Training page, off screen, then gives the user's model back)
    qtbot.waitUntil(lambda: any(path == paths.DEFAULT_MODEL for path, _, _ in seen), timeout=MODEL_TIMEOUT_MS)
    assert (paths.DEFAULT_MODEL, TRAINING_NOTE, 1) in seen  # a note, no pass


def test_off_screen_the_drawing_is_not_placed(qtbot, window):
    where = window.feature(WhereFeature)
    window.tabs.setCurrentWidget(where.page)
    qtbot.waitUntil(lambda: where.points is not None, timeout=MODEL_TIMEOUT_MS)
    window.tabs.setCurrentWidget(window.feature(LedgerFeature).widget)
    shown = where.view.neighbours.shown
    window.load_sample(3)
    qtbot.waitUntil(lambda: settled(window), timeout=MODEL_TIMEOUT_MS)
    assert where.view.neighbours.shown == shown  # nothing done off screen
    window.tabs.setCurrentWidget(where.page)  # back on screen: it catches up with the drawing
    assert where.view.neighbours.shown != shown and where.view.neighbours.shown != ()
