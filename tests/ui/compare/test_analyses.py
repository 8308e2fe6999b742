"""analyses: the Compare page's work over test digits, off the GUI thread, against a stand-in door — CKA of a model
with itself is 1 on the diagonal, the test set's digits can be put on the canvas, the drawing seen by a model and
itself is alike (1.0) at every position with references, a failure is one line, a new pair forgets the old."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from PySide6.QtCore import QObject

from guiapp import paths
from guiapp.core.compare.cka import cka_layers
from guiapp.core.compare.pairing import pair_layers
from guiapp.core.drawing.strokes import Drawing, Stroke
from guiapp.core.live.live_update import compute_update
from guiapp.core.model.inference import Inspector
from guiapp.ui.compare.analyses import Analyses
from guiapp.ui.compare.compare_view import CompareView
from guiapp.ui.compare.tabs import INSIDE, LAYERS, TEST_SET
from guiapp.ui.plotting import ACTIVATION_LUT

TIMEOUT_MS = 60_000
DIGITS = 60
SEVEN = Drawing(strokes=(Stroke(((60.0, 60.0), (200.0, 60.0), (120.0, 230.0)), 20.0),))


@pytest.fixture(scope="module")
def seed():
    return Inspector.load(paths.SEED_MODEL)


@pytest.fixture()
def work(qtbot, where_digits):
    said: list[tuple[str, bool]] = []
    door = SimpleNamespace(state=SimpleNamespace(update=None, class_names=tuple(str(k) for k in range(10))),
                           paths=SimpleNamespace(where_digits=where_digits),
                           say=lambda message, error=False: said.append((message, error)))
    view = CompareView([paths.SEED_MODEL])
    qtbot.addWidget(view)
    view.resize(1100, 1600)
    view.show()
    parent = QObject()
    analyses = Analyses(parent, door)
    analyses.connect_view(view)
    analyses.said = said
    yield analyses
    analyses.shutdown()


def test_cka_of_a_model_with_itself_is_one_on_the_diagonal(qtbot, work, seed):
    work.models_changed(seed, seed)
    assert work.view.tabs.currentIndex() == LAYERS and work.cka is None  # the Layers tab starts no CKA
    work.start_cka(DIGITS)
    qtbot.waitUntil(lambda: work.cka is not None, timeout=TIMEOUT_MS)
    assert work.cka.digits == DIGITS and work.cka.rows == work.cka.cols == cka_layers(seed)
    np.testing.assert_allclose(work.cka.diagonal(), 1.0, atol=1e-4)
    assert work.view.cka.matrix.rows == cka_layers(seed)
    assert len(work.digits.labels) >= DIGITS
    qtbot.waitUntil(lambda: work.settled(INSIDE), timeout=TIMEOUT_MS)


def test_showing_the_cka_tab_computes_once_per_pair(qtbot, work, seed, monkeypatch):
    started: list[int] = []
    monkeypatch.setattr(work, "start_cka", lambda digits: started.append(digits))
    work.view.tabs.setCurrentIndex(INSIDE)
    work.models_changed(seed, seed)
    work.tab_shown(INSIDE)
    assert len(started) == 2  # (nothing marks it computed here: the spy starts no job)
    work.cka = object()
    work.tab_shown(INSIDE)
    assert len(started) == 2


def test_a_test_digit_is_given_with_its_label_and_both_answers(qtbot, work, seed):
    work.models_changed(seed, seed)
    work.start_test(DIGITS)
    qtbot.waitUntil(lambda: work.comparison is not None, timeout=TIMEOUT_MS)
    assert work.comparison.agreement == 1.0 and len(work.comparison.labels) == DIGITS
    qtbot.waitUntil(lambda: work.settled(TEST_SET), timeout=TIMEOUT_MS)
    image, text = work.test_digit(3)
    label, answer = int(work.digits.labels[3]), int(work.comparison.predicted_a[3])
    assert text == f"test digit 3 (a {label}; A reads {answer}, B {answer})"
    np.testing.assert_allclose(image, work.digits.images[3] / 255.0)
    assert image.dtype == np.float32 and image.max() <= 1.0
    assert work.test_digit(-1) is None and work.test_digit(len(work.digits.labels)) is None


def test_the_drawing_seen_by_a_model_and_itself_is_alike_at_every_position(qtbot, work, seed):
    pairs = pair_layers(seed, seed)
    work.view.pairs.set_pairs(pairs)
    work.models_changed(seed, seed)
    qtbot.waitUntil(lambda: work.references is not None, timeout=TIMEOUT_MS)
    update = compute_update(seed, SEVEN, lut=ACTIVATION_LUT)
    work.drawing_similarity(update, update, moving=False)
    with_references = {pair.position for pair in pairs if pair.a in work.references[0].centred}
    assert with_references and set(work.similarity) == with_references
    assert all(value == pytest.approx(1.0) for value in work.similarity.values())
    for row in work.view.pairs.rows:
        assert (row.similarity is not None) == (row.pair.position in with_references)
    assert work.view.cka.drawing.text().startswith("the drawing: ")
    work.drawing_similarity(update, None, moving=False)  # B not yet answered: what was shown stays
    assert set(work.similarity) == with_references


def test_a_failure_is_one_line_and_a_new_pair_forgets_the_results(qtbot, work, seed):
    work.models_changed(seed, seed)
    work.start_cka(0)
    qtbot.waitUntil(lambda: len(work.said) > 0, timeout=TIMEOUT_MS)
    message, error = work.said[-1]
    assert error and "\n" not in message and "test digits asked for" in message
    assert work.view.cka.bar.status.text() == message
    work.cka, work.comparison, work.similarity = object(), object(), {0: 1.0}
    work.models_changed(seed, seed)
    assert work.cka is None and work.comparison is None and work.similarity == {}


def test_a_blank_drawing_gets_a_message_instead_of_a_cascade(work, seed):
    work.models_changed(seed, seed)
    blank = SimpleNamespace(drawing=Drawing(), result=None)
    work.start_cascade(blank)
    assert work.cascade_of is blank.drawing and not work.cascade_jobs.busy
    assert work.view.cascade.bar.status.text() == "Draw a digit: the cascade explains the drawing."
