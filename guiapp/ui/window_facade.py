"""The window's public face for scripts, screenshots and tests: verbs (open a model, a picture, a test
digit, a history; ask why; show the Where tab) and read-only views of what is shown.

Everything here goes through the window's features and state; nothing outside a feature's folder changes a
feature's widgets. The views (``kernel_view``, ``trace_view``, …) are for reading what a person would see.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from guiapp.ui.compare.feature import CompareFeature
from guiapp.ui.explain.feature import ExplainFeature
from guiapp.ui.explorer.feature import ExplorerFeature
from guiapp.ui.feature import Feature
from guiapp.ui.kernels.feature import KernelsFeature
from guiapp.ui.ledger.feature import LedgerFeature
from guiapp.ui.map_detail.feature import MapDetailFeature
from guiapp.ui.playground.feature import PlaygroundFeature
from guiapp.ui.preprocess.feature import PreprocessFeature
from guiapp.ui.trace.feature import TraceFeature
from guiapp.ui.training.feature import TrainingFeature
from guiapp.ui.where.feature import WhereFeature

if TYPE_CHECKING:
    from guiapp.core.live.live_update import Update
    from guiapp.core.model.inference import InferenceResult, Inspector

F = TypeVar("F", bound=Feature)


class WindowFacade:
    """Mixed into :class:`~guiapp.ui.main_window.MainWindow`."""

    door: Any
    files: Any
    live: Any
    live_page: Any
    models: Any
    state: Any
    samples: Any
    sample_index: int

    def feature(self, kind: type[F]) -> F:
        return cast(F, self.door.find(kind))

    # ------------------------------------------------------------------ verbs

    def load_sample(self, index: int) -> None:
        """Put MNIST test digit ``index`` (modulo their count) on the canvas."""
        if self.samples is None:
            return
        self.sample_index = index % len(self.samples.labels)
        image = self.samples.images[self.sample_index] / 255.0
        label = int(self.samples.labels[self.sample_index])
        self.live_page.canvas.load_picture(image, f"Sample {self.sample_index} (a {label})")
        self.door.say(f"MNIST test digit {self.sample_index}: labelled {label}")

    def step_sample(self, step: int | None) -> None:
        """The previous (−1) or next (+1) sample, or a random one (None)."""
        if self.samples is not None:
            self.load_sample(random.randrange(len(self.samples.labels)) if step is None else self.sample_index + step)

    def show_why(self, target: int | None = None, contrast: int | None = None) -> str | None:
        """The Why tab on screen, explaining ``target`` (None: the answer) against ``contrast``; a problem in a line."""
        return self.feature(ExplainFeature).show(target, contrast)

    def open_drawing(self, path: Path) -> bool:
        """Open a saved stroke file (File → Open drawing…); False: refused, said in the status bar."""
        return self.files.open(Path(path))

    def never_trust(self) -> None:
        """Refuse, without asking, any model file whose code would run as it loads (for unattended runs)."""
        self.models.ask_trust = lambda _path: False

    def make_it(self, target: int) -> None:
        """Search for the smallest change that makes the input a ``target`` (the Why tab's panel shows it)."""
        self.feature(ExplainFeature).make_it(target)

    def show_where(self, target: tuple[int, int] | str | None = None) -> str | None:
        """The Where tab on screen: on the map, a confusion cell (true, answer) or a layer's map; a problem in a line."""
        return self.feature(WhereFeature).show(target, self.state.inspector)

    def show_compare(self, partner: str | None = None, tab: str = "layers") -> str | None:
        """The Compare page against ``partner`` (a model file, ``twin`` or ``twin:K``) on ``tab``; a problem in a line."""
        return self.feature(CompareFeature).show(partner, tab)

    def set_class_names_from(self, path: Path) -> bool:
        return self.models.set_class_names_from(Path(path))

    def open_history(self, folder: Path, snapshot: int | None = None) -> str | None:
        """Replay the training history in ``folder`` (at ``snapshot``); a problem in a line."""
        training = self.training
        if not training.open_history(Path(folder)):
            return self.training_view.status.text()
        if snapshot is not None:
            self.training_view.history_bar.choose(snapshot)
        return self.training_view.snapshot_problem

    def page_titles(self) -> tuple[str, ...]:
        """The pages' titles, in order (a demo names pages by title: reordering them breaks no demo)."""
        pages = cast(Any, self).pages
        return tuple(pages.tabText(i) for i in range(pages.count()))

    def tab_titles(self) -> tuple[str, ...]:
        """The titles of the tabs beside the feature maps, in order."""
        tabs = self.live_page.tabs
        return tuple(tabs.tabText(i) for i in range(tabs.count()))

    def show_page_titled(self, title: str) -> bool:
        """Show the page titled ``title`` (False: there is none)."""
        titles = self.page_titles()
        if title in titles:
            cast(Any, self).pages.setCurrentIndex(titles.index(title))
        return title in titles

    def show_tab_titled(self, title: str) -> bool:
        """Show the tab titled ``title`` beside the feature maps (False: there is none)."""
        titles = self.tab_titles()
        if title in titles:
            self.live_page.tabs.setCurrentIndex(titles.index(title))
        return title in titles

    def play_demo(self, path: Path, speed: float = 1.0) -> str | None:
        """Replay the demo at ``path`` live (Space pauses, → steps); a problem in a line (nothing is played)."""
        from guiapp.ui.replay.actions import play

        return play(self, Path(path), speed)

    # ------------------------------------------------------------------ what is shown

    @property
    def inspector(self) -> Inspector | None:
        return self.state.inspector

    @property
    def last_update(self) -> Update | None:
        return self.state.update

    @property
    def last_result(self) -> InferenceResult | None:
        return self.state.update.result if self.state.update is not None else None

    @property
    def model_error(self) -> str | None:
        return self.models.error

    @property
    def class_names_error(self) -> str | None:
        return self.models.class_names_error

    @property
    def canvas(self):  # noqa: ANN201 — the live page's DrawingCanvas
        return self.live_page.canvas

    @property
    def worker(self):  # noqa: ANN201
        return self.live.worker

    @property
    def pacer(self):  # noqa: ANN201
        return self.live.pacer

    @property
    def tabs(self):  # noqa: ANN201
        return self.live_page.tabs

    @property
    def splitter(self):  # noqa: ANN201
        return self.live_page.splitter

    @property
    def model_banner(self):  # noqa: ANN201
        return self.models.banner

    @property
    def status_model(self):  # noqa: ANN201
        return self.models.status

    input_view = property(lambda self: self.live_page.input_view)
    probabilities = property(lambda self: self.live_page.probabilities)
    feature_maps = property(lambda self: self.live_page.feature_maps)
    ledger_view = property(lambda self: self.feature(LedgerFeature).view)
    kernel_view = property(lambda self: self.feature(KernelsFeature).view)
    filter_patches = property(lambda self: self.feature(KernelsFeature).patches)
    map_detail = property(lambda self: self.feature(MapDetailFeature).view)
    trace_view = property(lambda self: self.feature(TraceFeature).view)
    preprocess_view = property(lambda self: self.feature(PreprocessFeature).view)
    why = property(lambda self: self.feature(ExplainFeature))
    why_page = property(lambda self: self.feature(ExplainFeature).page)
    why_view = property(lambda self: self.feature(ExplainFeature).page.content())
    where = property(lambda self: self.feature(WhereFeature))
    training = property(lambda self: self.feature(TrainingFeature))
    training_page = property(lambda self: self.feature(TrainingFeature).page)
    training_view = property(lambda self: self.feature(TrainingFeature).page.content())
    playground = property(lambda self: self.feature(PlaygroundFeature).view)
    explorer = property(lambda self: self.feature(ExplorerFeature).view)
