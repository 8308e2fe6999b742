"""The Compare page's door: two networks on one drawing — the live model (A) and a second one (B).

While the page is on screen it borrows the drawing column (canvas, input, A's probabilities), as the Training
page does. Every frame of A shown here asks B for the same drawing (:class:`~guiapp.ui.compare.partner.Partner`:
a second worker and compute process, the newest drawing wins), so A's loop is never slowed and B's panels
lag rather than queue when the host is loaded. What B is — a shipped model, a file, A's randomised twin, a
training snapshot — is made ready off the GUI thread (one :class:`~guiapp.ui.jobs.Jobs`), as are the analyses
over the test digits (CKA, the test set) and the sanity-check cascade (another, whose three kinds of work
share a thread and never cancel each other).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from guiapp.core.compare.pairing import (
    LayerPair,
    class_problem,
    input_note,
    pair_layers,
)
from guiapp.core.compare.twin import weighted_layers
from guiapp.core.live.live_update import AS_IT_IS, ExplainRequest, PictureInput, Update
from guiapp.ui.compare import analyses
from guiapp.ui.compare.choice import (
    FILE,
    SNAPSHOT,
    TWIN,
    Choice,
    Partnered,
    model_name,
    parse_partner,
    prepare,
    shipped_models,
)
from guiapp.ui.compare.evidence_pair import ANSWER
from guiapp.ui.compare.partner import Partner
from guiapp.ui.compare.tabs import EVIDENCE, INSIDE, LAYERS, TAB_NAMES
from guiapp.ui.feature import Door, Feature
from guiapp.ui.jobs import Jobs
from guiapp.ui.lazy_page import LazyPage
from guiapp.ui.plotting import ACTIVATION_LUT

if TYPE_CHECKING:
    from guiapp.core.model.inference import Inspector
    from guiapp.ui.compare.compare_view import CompareView

DOCK_WIDTHS = (330, 950)  # the drawing column, the comparison (at 1280 wide)


class CompareFeature(Feature):
    title = "Compare"
    is_page = True

    def __init__(self, door: Door) -> None:
        super().__init__(door)
        self.state = door.state
        self.page = self.widget = LazyPage(self._build)
        self.partner = Partner(self, ACTIVATION_LUT)
        self.partner.updated.connect(self._on_b_update)
        self.partner.failed.connect(self._on_b_failed)
        self.preparing = Jobs("compare-b", self)
        self.preparing.done.connect(self._on_prepared)
        self.preparing.failed.connect(self._on_b_failed)
        self.work = analyses.Analyses(self, door)
        self.state.classNamesChanged.connect(self._on_class_names)
        self.choice: Choice | None = None
        self.b: Partnered | None = None
        self.pairs: tuple[LayerPair, ...] = ()
        self.a_update: Update | None = None
        self.b_update: Update | None = None
        self._docked = False
        self._closed = False

    # ------------------------------------------------------------------ the page

    @property
    def view(self) -> CompareView | None:
        return cast("CompareView", self.page.content()) if self.page.built else None

    def _build(self) -> CompareView:
        from guiapp.ui.compare.compare_view import CompareView

        view = CompareView(shipped_models())
        view.bar.choiceChanged.connect(self.choose)
        view.bar.failed.connect(self._on_b_failed)
        view.tabs.currentChanged.connect(lambda _index: self._on_tab())
        view.evidence.classChosen.connect(lambda _cls: self._ask_explain())
        view.test_set.digitChosen.connect(self.load_digit)
        view.cka.cellChosen.connect(self._on_cell)
        self.work.connect_view(view)
        view.evidence.set_class_names(self.state.class_names)
        view.say("")
        self._show_a(self.state.inspector, view)
        return view

    def visibility_changed(self) -> None:
        if self.on_screen:
            view = cast("CompareView", self.page.content())
            self._dock(view)
            if self.choice is None:
                self.choose(self._first_choice())
            self._ask_explain()
            self._on_tab()
            if self.state.update is not None:
                self.show_update(self.state.update, moving=False)
        elif self._docked:
            self.door.take_back_drawing()
            self._docked = False

    def _dock(self, view: CompareView) -> None:
        if self._docked:
            return
        self._docked = True
        for index, widget in enumerate(self.door.lend_drawing(maps=False)):
            view.dock.insertWidget(index, widget)
        view.dock.setSizes(list(DOCK_WIDTHS))

    def _first_choice(self) -> Choice:
        """B at first: the seed's network, or (when A is it) its 63-filter variant."""
        a = self.state.inspector.path if self.state.inspector is not None else None
        for path in shipped_models():
            if a is None or path.resolve() != Path(a).resolve():
                return Choice(FILE, path)
        return Choice(TWIN, layers=1)

    def _on_tab(self) -> None:
        view = self.view
        if view is None or not self.on_screen:
            return
        self._ask_explain()
        tab = view.tabs.currentIndex()
        self.work.tab_shown(tab)
        if tab in (LAYERS, EVIDENCE):
            self._show_both(moving=False)

    def show(self, partner: str | None = None, tab: str = "layers") -> str | None:
        """The page on screen against ``partner`` — a model file's path, ``twin`` or ``twin:K`` (A's top K layers
        re-initialised), None: the first shipped model that is not A — on ``tab`` (one of :data:`TAB_NAMES`);
        a problem in a line (returned)."""
        if tab not in TAB_NAMES:
            return f"{tab}: no such Compare tab; the tabs are {', '.join(TAB_NAMES)}"
        choice = parse_partner(partner) if partner is not None else None
        if isinstance(choice, str):
            return choice
        self.door.show(self)
        view = cast("CompareView", self.page.content())
        view.tabs.setCurrentIndex(TAB_NAMES.index(tab))
        if choice is not None:
            inspector = self.state.inspector
            if choice.kind == TWIN and inspector is not None and not 0 <= choice.layers <= len(weighted_layers(inspector)):
                return f"{partner}: this model has {len(weighted_layers(inspector))} weighted layers to re-initialise"
            if choice.kind == TWIN:
                view.bar.choose_twin(choice.layers)
            else:
                view.bar.choose_file(choice.path)
        return None

    @property
    def settled(self) -> bool:
        """B answered the drawing A shows, and the tab on screen shows all it will (or why not)."""
        a, b, view = self.a_update, self.b_update, self.view
        if a is None or b is None or view is None or b.drawing is not a.drawing or not self.door.live.idle:
            return False
        return self.work.settled(view.tabs.currentIndex())

    # ------------------------------------------------------------------ choosing B

    def choose(self, choice: Choice) -> None:
        """Make ``choice`` B: read off the GUI thread, then run by B's worker."""
        inspector = self.state.inspector
        if choice.kind == TWIN and inspector is None:
            return
        self.choice = choice
        view = self.view
        if view is not None:
            if view.bar.choice != choice:
                view.bar.choice = choice
            view.say("reading B…")
        self.preparing.start(prepare, choice, inspector)

    def _on_prepared(self, _generation: int, partnered: Partnered) -> None:
        self.b, self.b_update = partnered, None
        self.partner.load(partnered.path, partnered.weights)
        self._pair()
        self.work.models_changed(self.state.inspector, partnered.inspector)
        if self.a_update is not None:
            self._ask_b(self.a_update, moving=False)

    def _on_b_failed(self, *args: Any) -> None:
        message = str(args[-1])
        self.door.say(message, error=True)
        if self.view is not None:
            self.view.say(message)
            if self.b is not None:  # B stays what it was: the combo says so again
                self.view.bar.show_choice(self.b.choice)

    def open_history(self, folder: Path) -> str | None:
        """B: the history at ``folder`` (its first snapshot); a one-line problem if it cannot be read (returned)."""
        return cast("CompareView", self.page.content()).bar.open_history(Path(folder))

    # ------------------------------------------------------------------ A and B

    def model_changed(self, inspector: Inspector) -> None:
        """A changed: a twin follows it; the pairs and analyses are made again."""
        self._show_a(inspector)
        self.a_update = None
        if self.choice is not None and self.choice.kind == TWIN:
            self.choose(self.choice)
        elif self.b is not None:
            self._pair()
            self.work.models_changed(inspector, self.b.inspector)

    def _show_a(self, inspector: Inspector | None, view: CompareView | None = None) -> None:
        view = view or self.view
        if view is not None and inspector is not None:
            view.bar.show_a(model_name(inspector))
            view.bar.set_weighted_layers(weighted_layers(inspector))

    def _pair(self) -> None:
        a, b = self.state.inspector, self.b.inspector if self.b is not None else None
        view = self.view
        if a is None or b is None or view is None:
            return
        self.pairs = pair_layers(a, b)
        view.pairs.set_pairs(self.pairs)
        b_title = self.b.choice.title(model_name(a)) if self.b.choice.kind != FILE else model_name(b)
        view.set_titles(model_name(a), b_title)
        view.bar.show_a(model_name(a))
        notes = [line for line in (class_problem(a, b), input_note(a, b), _end_note(self.b, self.pairs)) if line]
        view.say(" · ".join(notes))
        self._name_charts(view, self.state.class_names, b.class_names)

    def _name_charts(self, view: CompareView, names_a: tuple[str, ...], names_b: tuple[str, ...] | None) -> None:
        """The charts' classes named; what they showed is shown again (naming them clears the bars)."""
        for chart, names, update in ((view.charts[0], names_a, self.a_update), (view.charts[1], names_b, self.b_update)):
            if names is not None:
                chart.set_class_names(names)
                if update is not None and len(update.result.probabilities) == len(names):
                    chart.show_result(update.result)

    def _on_class_names(self, names: tuple[str, ...]) -> None:
        if self.view is not None:
            self.view.evidence.set_class_names(names)
            self._name_charts(self.view, names, None)

    def _ask_explain(self) -> None:
        """On the Evidence tab, A's loop computes evidence maps (the class chosen there, else its answer)."""
        view = self.view
        if view is None or not self.on_screen:
            return
        if view.tabs.currentIndex() == EVIDENCE:
            chosen = view.evidence.chosen_class
            request = ExplainRequest(target=None if chosen == ANSWER else chosen)
            if request != self.state.explain:
                self.door.live.ask_live_first()
            self.state.explain = request
        else:
            self.state.explain = None

    def show_update(self, update: Update, moving: bool) -> None:
        """A's newest frame: shown, and asked of B."""
        if not self.on_screen or self.view is None:
            return
        self.a_update = update
        self.view.charts[0].show_result(update.result)
        self._ask_b(update, moving)
        self._show_both(moving)

    def settle(self) -> None:
        if self.on_screen and self.a_update is not None:
            self._ask_b(self.a_update, moving=False)
            self._show_both(moving=False)
            self.work.rested(self.a_update)

    def _ask_b(self, update: Update, moving: bool) -> None:
        """B computes the drawing A just showed — explaining A's class, so both maps answer one question.

        Not throttled here: B's worker keeps only the newest request, so a B slower than A skips drawings (at
        most one computing, one waiting). Capping B at ten a second while the pen moved cost B two thirds of its
        answers and gave A nothing back (``benchmarks/live_loop.py --compare``: A's frames are the page's
        painting, not B's)."""
        if self.b is None:
            return
        request = self.state.request(update.drawing, at_rest=not moving)
        if request.explain is not None:
            target = request.explain.target
            if target is None:
                target = update.result.predicted
            if target >= self.b.inspector.num_classes:
                request = replace(request, explain=None)
            else:
                request = replace(request, explain=replace(request.explain, target=target))
        self.partner.ask(request)

    def _on_b_update(self, update: Update) -> None:
        if self.view is None or self.b is None:
            return
        self.b_update = update
        self.view.charts[1].show_result(update.result)
        self._show_both(moving=not self.door.live.idle)

    def _show_both(self, moving: bool) -> None:
        view = self.view
        if view is None:
            return
        self._say_disagreement()
        tab = view.tabs.currentIndex()
        if tab == LAYERS:
            view.pairs.show_updates(self.a_update, self.b_update, moving)
        elif tab == EVIDENCE:
            view.evidence.show_updates(self.a_update, self.b_update, moving)
        if tab in (LAYERS, INSIDE):
            self.work.drawing_similarity(self.a_update, self.b_update, moving)

    def _say_disagreement(self) -> None:
        if self.view is not None:
            names_b = self.b.inspector.class_names if self.b is not None else ()
            self.view.show_answers(self.a_update, self.b_update, self.state.class_names, names_b)

    def _on_cell(self, layer_a: str, layer_b: str) -> None:
        """A CKA cell: both layers' maps for the drawing, under the heatmap."""
        view = self.view
        if view is None:
            return
        picture = lambda update, name: update.pictures.get(name).rgba if (
            update is not None and update.pictures.get(name) is not None) else None
        view.cka.show_pair(f"A {layer_a}", picture(self.a_update, layer_a), f"B {layer_b}",
                           picture(self.b_update, layer_b))

    def load_digit(self, index: int) -> None:
        """A test digit the two disagree on, on the canvas (Ctrl+Z: back)."""
        found = self.work.test_digit(index)
        if found is None:
            return
        image, text = found
        self.door.show_picture(PictureInput(image, text, recipe=AS_IT_IS), "Load test digit")
        self.door.say(f"MNIST {text} · Ctrl+Z goes back")

    def shutdown(self) -> None:
        if self._closed:
            return
        self._closed = True
        self.preparing.shutdown()
        self.work.shutdown()
        self.partner.shutdown()


def _end_note(b: Partnered, pairs: tuple[LayerPair, ...]) -> str | None:
    """A snapshot compared with another network than its run's: how to compare it with its run's end."""
    if b.choice.kind != SNAPSHOT or all(pair.same_shape for pair in pairs):
        return None
    return (f"B is a moment of another network's run: open {b.path} from the Model menu as A to compare it "
            "with its run's end")
