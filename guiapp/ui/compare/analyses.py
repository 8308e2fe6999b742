"""The Compare page's work over many inputs, off the GUI thread: CKA over test digits, the test set, the
sanity-check cascade for the drawing, and the reference digits behind the drawing's live similarity.

Each kind is one generation-stamped :class:`~guiapp.ui.jobs.Jobs` on one shared thread (they take turns,
never cancel each other); a new A or B makes every result stale. CKA and the test set start the first time
their tab is shown for a pair; the cascade when its tab is shown and again each time the pen rests on a new
drawing there (the pen moving cancels it: a cascade for a drawing already changed is work to drop).
"""

from __future__ import annotations

import functools
import time
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QObject

from guiapp.core.compare.live_similarity import (
    REFERENCES,
    References,
    drawing_row,
    row_similarity,
)
from guiapp.ui.compare.choice import model_name
from guiapp.ui.compare.tabs import INSIDE, SANITY, TEST_SET
from guiapp.ui.jobs import Jobs

if TYPE_CHECKING:
    from guiapp.core.live.live_update import Update
    from guiapp.core.model.inference import Inspector
    from guiapp.core.training.data import LabelledDigits
    from guiapp.ui.compare.compare_view import CompareView
    from guiapp.ui.feature import Door

CKA_DIGITS, TEST_DIGITS = 500, 1_000  # defaults; the tabs' spin boxes choose others
SIMILARITY_EVERY_S = 0.1  # the drawing's similarity while the pen moves: ten times a second


class Analyses(QObject):
    """Owns the jobs; the feature tells it of models, tabs and rests, and it fills the view's tabs."""

    def __init__(self, parent: QObject, door: Door) -> None:
        super().__init__(parent)
        self.door = door
        self.cka_jobs = Jobs("compare-analysis", self)
        self.test_jobs = Jobs(share=self.cka_jobs, parent=self)
        self.cascade_jobs = Jobs(share=self.cka_jobs, parent=self)
        self.reference_jobs = Jobs(share=self.cka_jobs, parent=self)
        for jobs, done in ((self.cka_jobs, self._on_cka), (self.test_jobs, self._on_test),
                           (self.cascade_jobs, self._on_cascade), (self.reference_jobs, self._on_references)):
            jobs.done.connect(done)
        self.cka_jobs.failed.connect(lambda _g, line: self._failed("cka", line))
        self.test_jobs.failed.connect(lambda _g, line: self._failed("test", line))
        self.cascade_jobs.failed.connect(lambda _g, line: self._failed("cascade", line))
        self.reference_jobs.failed.connect(lambda _g, line: None)  # no references: no live similarity, said nowhere
        self.cka_jobs.progress.connect(lambda _g, values: self._progress("cka", *values))
        self.test_jobs.progress.connect(lambda _g, values: self._progress("test", *values))
        self.cascade_jobs.progress.connect(lambda _g, values: self._progress("cascade", *values))
        self.view: CompareView | None = None
        self.a: Inspector | None = None
        self.b: Inspector | None = None
        self.digits: LabelledDigits | None = None
        self.cka: Any = None
        self.comparison: Any = None
        self.cascade: Any = None
        self.cascade_of: object = None  # the drawing the cascade shown (or running) is for
        self.references: tuple[References, References] | None = None
        self._similarity_at = 0.0
        self.similarity: dict[int, float] = {}

    def connect_view(self, view: CompareView) -> None:
        self.view = view
        view.cka.computeRequested.connect(self.start_cka)
        view.test_set.computeRequested.connect(self.start_test)
        view.cascade.computeRequested.connect(lambda: self.start_cascade(self.door.state.update))

    # ------------------------------------------------------------------ what changed

    def models_changed(self, a: Inspector | None, b: Inspector | None) -> None:
        """A new pair: every result goes; the references for the live similarity are read again."""
        for jobs in (self.cka_jobs, self.test_jobs, self.cascade_jobs, self.reference_jobs):
            jobs.cancel()
        self.a, self.b = a, b
        self.cka = self.comparison = self.cascade = self.cascade_of = self.references = None
        self.similarity = {}
        if self.view is not None:
            self.view.cka.clear()
            self.view.test_set.clear()
            self.view.cascade.clear()
        if a is not None and b is not None:
            self.reference_jobs.start(_references, a, b, self.door.paths.where_digits)
            if self.view is not None:
                self.tab_shown(self.view.tabs.currentIndex())

    def tab_shown(self, tab: int) -> None:
        """A tab came on screen: what it shows is computed, once per pair (the cascade once per drawing)."""
        if self.a is None or self.b is None or self.view is None:
            return
        if tab == INSIDE and self.cka is None and not self.cka_jobs.busy:
            self.start_cka(CKA_DIGITS)
        elif tab == TEST_SET and self.comparison is None and not self.test_jobs.busy:
            self.start_test(TEST_DIGITS)
        elif tab == SANITY:
            self.rested(self.door.state.update)

    def rested(self, update: Update | None) -> None:
        """The pen rests: the cascade follows the drawing, if its tab is shown."""
        if self.view is not None and self.view.tabs.currentIndex() == SANITY and update is not None \
                and update.drawing is not self.cascade_of:
            self.start_cascade(update)

    def settled(self, tab: int) -> bool:
        """The tab ``tab`` shows its result, or why there is none (a tab without work: always)."""
        jobs = {INSIDE: self.cka_jobs, TEST_SET: self.test_jobs, SANITY: self.cascade_jobs}.get(tab)
        if jobs is None:
            return self.references is not None or self.reference_jobs.generation == 0 or not self.reference_jobs.busy
        result = {INSIDE: self.cka, TEST_SET: self.comparison, SANITY: self.cascade}[tab]
        return not jobs.busy and (result is not None or jobs.generation > 0)

    # ------------------------------------------------------------------ starting

    def start_cka(self, digits: int) -> None:
        if self.a is not None and self.b is not None:
            self.cka_jobs.start(_cka, self.a, self.b, int(digits), self.door.paths.where_digits)
            self._progress("cka", 0, 1)

    def start_test(self, digits: int) -> None:
        if self.a is not None and self.b is not None:
            self.test_jobs.start(_test, self.a, self.b, int(digits), self.door.paths.where_digits)
            self._progress("test", 0, 1)

    def start_cascade(self, update: Update | None) -> None:
        """The cascade for ``update``'s input, on A (the live model), its answer held fixed."""
        if self.a is None or update is None or self.view is None:
            return
        self.cascade_of = update.drawing
        if update.drawing.is_blank:
            self.cascade_jobs.cancel()
            self.view.cascade.show_message("Draw a digit: the cascade explains the drawing.")
            return
        self.cascade_jobs.start(_cascade, self.a, np.array(update.result.image))
        self._progress("cascade", 0, 1)

    # ------------------------------------------------------------------ results

    def _on_cka(self, _generation: int, found: tuple[Any, LabelledDigits]) -> None:
        self.cka, self.digits = found
        if self.view is not None:
            self.view.cka.show_matrix(self.cka, model_name(self.a), model_name(self.b))

    def _on_test(self, _generation: int, found: tuple[Any, LabelledDigits]) -> None:
        self.comparison, self.digits = found
        if self.view is not None and self.a is not None:
            images = self.digits.images[:len(self.comparison.labels)]
            self.view.test_set.show_comparison(self.comparison, images, self.door.state.class_names,
                                               model_name(self.a), model_name(self.b))

    def _on_cascade(self, _generation: int, found: tuple[Any, np.ndarray]) -> None:
        self.cascade, image = found
        if self.view is not None and self.cascade is not None:
            self.view.cascade.show_cascade(self.cascade, image)

    def _on_references(self, _generation: int, found: tuple[References, References]) -> None:
        self.references = found

    def _progress(self, kind: str, done: int, total: int) -> None:
        view = self._view_of(kind)
        if view is not None:
            view.show_progress(done, total)

    def _failed(self, kind: str, line: str) -> None:
        view = self._view_of(kind)
        if view is not None:
            view.show_message(line)
        self.door.say(line, error=True)

    def _view_of(self, kind: str) -> Any:
        if self.view is None:
            return None
        return {"cka": self.view.cka, "test": self.view.test_set, "cascade": self.view.cascade}[kind]

    # ------------------------------------------------------------------ per frame

    def drawing_similarity(self, a: Update | None, b: Update | None, moving: bool) -> None:
        """How alike A and B see the drawing at each position (layers tab) and on CKA's diagonal."""
        if self.references is None or a is None or b is None or self.view is None:
            return
        now = time.monotonic()
        if moving and now - self._similarity_at < SIMILARITY_EVERY_S:
            return
        self._similarity_at = now
        refs_a, refs_b = self.references
        values: dict[int, float] = {}
        named: dict[tuple[str, str], float] = {}
        for pair in self.view.pairs.rows:
            la, lb = pair.pair.a, pair.pair.b
            if la not in refs_a.centred or lb not in refs_b.centred:
                continue
            try:
                row_a = drawing_row(refs_a, la, a.result.layer(la).activation)
                row_b = drawing_row(refs_b, lb, b.result.layer(lb).activation)
            except (KeyError, ValueError):
                continue  # an update from a model since replaced
            values[pair.pair.position] = named[(la, lb)] = row_similarity(row_a, row_b)
        self.similarity = values
        self.view.pairs.set_similarity(values)
        self.view.cka.set_drawing_similarity(named or None)

    def test_digit(self, index: int) -> tuple[np.ndarray, str] | None:
        """Test digit ``index`` as 0..1 pixels, and how to name it (with both answers when known)."""
        digits = self.digits
        if digits is None or not 0 <= index < len(digits.labels):
            return None
        names = self.door.state.class_names
        name = lambda k: names[k] if 0 <= k < len(names) else str(k)
        text = f"test digit {index} (a {name(int(digits.labels[index]))}"
        found = self.comparison
        if found is not None and index < len(found.predicted_a):
            text += f"; A reads {name(int(found.predicted_a[index]))}, B {name(int(found.predicted_b[index]))}"
        return digits.images[index].astype(np.float32) / 255.0, text + ")"

    def shutdown(self) -> None:
        for jobs in (self.test_jobs, self.cascade_jobs, self.reference_jobs, self.cka_jobs):
            jobs.shutdown()  # the thread's owner last


@functools.lru_cache(maxsize=1)
def _test_digits(where: Any) -> LabelledDigits:
    """The test digits, read (and checked) once for every job: CKA, the test set and the references."""
    from guiapp.core.training.data import load_mnist_test

    return load_mnist_test(where)


def _digits(where: Any, count: int) -> tuple[LabelledDigits, np.ndarray]:
    digits = _test_digits(where)
    if not 1 <= count <= len(digits.labels):
        raise ValueError(f"{count:,} test digits asked for; there are {len(digits.labels):,}")
    return digits, digits.images[:count].astype(np.float32) / 255.0


def _cka(context: Any, a: Inspector, b: Inspector, count: int, where: Any) -> tuple[Any, LabelledDigits]:
    from guiapp.core.compare.cka import cka_matrix

    digits, images = _digits(where, count)
    matrix = cka_matrix(a, b, images, progress=context.progress, stopped=context.stopped)
    return matrix, digits


def _test(context: Any, a: Inspector, b: Inspector, count: int, where: Any) -> tuple[Any, LabelledDigits]:
    from guiapp.core.compare.test_set import compare_on_test

    digits, images = _digits(where, count)
    found = compare_on_test(a, b, images, digits.labels[:count], progress=context.progress, stopped=context.stopped)
    return found, digits


def _cascade(context: Any, a: Inspector, image: np.ndarray) -> tuple[Any, np.ndarray]:
    from guiapp.core.compare.sanity import cascade

    found = cascade(a, image, stopped=context.stopped, progress=context.progress)
    if found is None:
        from guiapp.ui.jobs import Stopped

        raise Stopped
    return found, image


def _references(context: Any, a: Inspector, b: Inspector, where: Any) -> tuple[References, References]:
    from guiapp.core.compare.cka import cka_layers
    from guiapp.core.compare.pairing import images_for

    _digits_found, images = _digits(where, REFERENCES)
    return (References.of(a.batch_outputs(images_for(a, images), cka_layers(a))),
            References.of(b.batch_outputs(images_for(b, images), cka_layers(b))))
