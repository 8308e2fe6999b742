"""The main window: builds the panels and wires every signal between them, in one place.

Panels know nothing of each other. A newly loaded model goes to every panel through
``show_model(inspector)``; drawings go from the canvas to the worker thread; results
come back as one ``Update`` and flow to every view through ``show_result``.

The live loop degrades by dropping work, never by growing late (:mod:`guiapp.ui.frame_pacer`):
at most one frame per display refresh; views off screen are not updated; what is not
needed at pointer rate — the full recipe's reference pass, the trace's text, colour-bar
axes, the timing in the status bar — waits until the pointer rests.
"""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QRectF, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QColor, QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QTabWidget,
)

from guiapp import paths as shipped
from guiapp.core.drawing.picture import PictureRecipe
from guiapp.core.drawing.preprocess import PreprocessOptions
from guiapp.core.errors import GuiappError
from guiapp.core.explain.trace import UnitTrace
from guiapp.core.explain.trace_text import trace_outlines, trace_summary
from guiapp.core.training.data import load_samples
from guiapp.core.live.compute_process import limit_blas_threads
from guiapp.core.live.layer_picture import PER_MAP
from guiapp.core.live.live_update import PictureInput, computes_nan, nan_problem
from guiapp.core.model.class_names import read_class_names
from guiapp.core.model.inference import InferenceResult, Inspector
from guiapp.core.model.modelcard import card_accuracy, read_card
from guiapp.ui.frame_pacer import FramePacer
from guiapp.ui.layout import (
    COLUMN_WIDTHS,
    default_geometry,
    explorer_page,
    live_splitter,
    playground_page,
    usable_columns,
    usable_geometry,
)
from guiapp.ui.lazy_page import LazyPage
from guiapp.ui.live.canvas import DrawingCanvas
from guiapp.ui.live.drawing_files import DrawingFiles
from guiapp.ui.live.feature_maps import FeatureMapsView
from guiapp.ui.live.input_view import NetworkInputView
from guiapp.ui.kernels.patch_worker import start_patch_thread
from guiapp.ui.live.picture_intake import PictureIntake
from guiapp.ui.live.probabilities import ProbabilityView
from guiapp.ui.live.worker import Update, start_worker_thread
from guiapp.ui.menus import WindowMenus, make_action
from guiapp.ui.model_banner import ModelBanner
from guiapp.ui.window_paths import WindowPaths
from guiapp.ui.plotting import ACTIVATION_LUT
from guiapp.ui.settings import default_store, forget_layout, load_settings, save_settings
from guiapp.ui.state import WindowState
from guiapp.ui.kernels.filter_patches_view import SEARCHED_SHAPE
from guiapp.ui.kernels.kernels import KernelView
from guiapp.ui.ledger.ledger_view import LedgerView
from guiapp.ui.map_detail.map_detail import MapDetailView
from guiapp.ui.preprocess.preprocess_view import PreprocessView
from guiapp.ui.trace.unit_trace import UnitTraceView
from guiapp.ui.training.training_wiring import TrainingWiring
from guiapp.ui.where.where_wiring import WhereWiring
from guiapp.ui.explain.explain_wiring import ExplainWiring

if TYPE_CHECKING:
    from guiapp.core.drawing.strokes import Drawing
    from guiapp.core.explain.filter_patches import FilterPatches
    from guiapp.ui.explorer.explorer import ArchitectureExplorer
    from guiapp.ui.playground.playground import ConvPlayground
    from guiapp.ui.training.training_page import TrainingPage
    from guiapp.ui.explain.explain_view import ExplainView

MODEL_LOAD_DELAY_MS = 60  # after the first paint: the window appears before the model is read
MESSAGE_MS, ERROR_MESSAGE_MS = 6000, 8000  # how long the status bar keeps a message
TRAINING_PAGE = 3


def _is_file(path: Path) -> bool:
    """``path.is_file()``, False for a path the file system refuses (too long, a NUL byte)."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


class MainWindow(QMainWindow):
    """The live inspector. ``MainWindow()`` opens the shipped model (or the last one used).

    ``paths``: where its caches and trained models go and which digits the Where tab reads (default: the user's).
    """

    resultShown = Signal(object)  # the Update every panel now shows

    def __init__(self, model_path: Path | str | None = None, settings: QSettings | None = None, *,
                 paths: WindowPaths | None = None, trust_model: bool = False,
                 class_names: Path | None = None) -> None:
        super().__init__()
        self.setWindowTitle("guiapp — watch a convolutional network think")
        self._store = settings if settings is not None else default_store()
        self._settings = load_settings(self._store)
        self.paths = paths if paths is not None else WindowPaths.default()
        self.state = WindowState(self)  # the model and its class names: the views follow it
        self.last_update: Update | None = None
        self.filter_patches: FilterPatches | None = None
        self._requested_model: Path | None = None
        self.class_names_error: str | None = None  # why the last class-names file was refused
        self._trust_initial = trust_model  # the command line said --trust-model for the model it names
        self._class_names_file = class_names  # --classes FILE: applied to the first model that loads
        self._closed = False
        self._closing_unasked = False  # close_without_asking: a signal closes without the training question
        try:
            self.samples = load_samples(shipped.MNIST_SAMPLES)
        except GuiappError:
            self.samples = None
        self.sample_index = -1

        # ---------------------------------------------------------------- panels
        self.canvas = DrawingCanvas()
        self.input_view = NetworkInputView()
        self.probabilities = ProbabilityView()
        self.feature_maps = FeatureMapsView()
        self.ledger_view = LedgerView()
        self.kernel_view = KernelView()
        self.map_detail = MapDetailView()
        self.trace_view = UnitTraceView()
        self.preprocess_view = PreprocessView()
        self.why_page = LazyPage(self._build_why)  # the Why tab, built when first shown
        self.model_banner = ModelBanner(self.open_model_dialog)

        self.tabs = QTabWidget()
        # Where the drawing stands among the test digits: its pass starts when the tab is first opened.
        self.where = WhereWiring(self.tabs, self.canvas, lambda message: self.statusBar().showMessage(
            message, MESSAGE_MS), self.paths.where_cache, self.paths.where_digits, state=self.state)
        for panel, title in ((self.ledger_view, "Ledger"), (self.why_page, "Why"), (self.where.page, "Where"),
                             (self.trace_view, "Trace unit"),
                             (self.kernel_view, "Kernels"), (self.map_detail, "Selected map"),
                             (self.preprocess_view, "Preprocessing")):
            self.tabs.addTab(panel, title)
        self.splitter = live_splitter((self.canvas, self.input_view, self.probabilities),
                                      (self.model_banner, self.feature_maps), self.tabs)
        # The playground and the explorer do not need the drawing: they get the whole window, and are
        # built (and their modules imported) when first opened — start-up pays only for the live page.
        self._playground_page, self._explorer_page = playground_page(), explorer_page(
            lambda arch: self.training.train_architecture(arch))
        self.trained_folder = self.paths.trained_models
        self.training_page = LazyPage(lambda: self.training.build_page(self.trained_folder))
        self.pages = QTabWidget()
        self.pages.setObjectName("pages")
        self.pages.setDocumentMode(True)
        self.pages.addTab(self.splitter, "Live network")
        self.pages.addTab(self._playground_page, "Conv arithmetic")
        self.pages.addTab(self._explorer_page, "Architecture explorer")
        self.pages.addTab(self.training_page, "Training")
        self.setCentralWidget(self.pages)
        # Everything that shows the model: each gets the new one through show_model(inspector), from the state.
        self._model_views = (self.input_view, self.probabilities, self.feature_maps, self.ledger_view,
                             self.kernel_view, self.map_detail, self.trace_view, self.preprocess_view,
                             self.why_page, self._explorer_page)
        self.files = DrawingFiles(self, self.canvas, lambda message: self.statusBar().showMessage(message,
                                                                                                 MESSAGE_MS))
        self.intake = PictureIntake(self)
        self.setAcceptDrops(True)  # pictures dropped anywhere on the window: dragEnterEvent, dropEvent
        picture_actions = [
            make_action(self, "Open image…", self.intake.open_dialog, ("Ctrl+I",),
                        "Open a picture: it is fitted to the model's input as the Preprocessing tab shows"),
            make_action(self, "Paste picture", self.intake.paste, ("Ctrl+V",),
                        "Paste a picture (or a copied picture file); dropping one on the window works too"),
        ]
        class_names = make_action(self, "Class names…", self.class_names_dialog, (),
                                  "Name the model's classes from a file (one name per line, or a JSON list)")
        history = make_action(self, "Open training history…", lambda: self.training.open_history_dialog(self),
                              ("Ctrl+Shift+H",),
                              "Replay a run saved by the Training page or guiapp train --history DIR")
        self.menus = WindowMenus(self, self.canvas, self.files.actions, self.load_model, self.open_model_dialog,
                                 self._step_sample, self.pages.setCurrentIndex,
                                 picture_actions=picture_actions, model_extras=[class_names],
                                 file_extras=[history], trained=self.trained_folder)
        self.status_timing = QLabel("")
        self.status_model = QLabel("")
        self.statusBar().addWidget(self.status_timing)
        self.statusBar().addPermanentWidget(self.status_model)

        # ---------------------------------------------------------------- wiring
        self.worker, self._thread = start_worker_thread(self, ACTIVATION_LUT)
        self.worker.modelLoaded.connect(self._on_model_loaded)
        self.worker.modelFailed.connect(self._on_model_failed)
        self.worker.modelNeedsTrust.connect(self._on_model_needs_trust)
        self.intake.pictureReady.connect(self.canvas.show_picture)
        self.intake.failed.connect(self._on_compute_failed)
        self.worker.updateReady.connect(self._on_update_ready)
        self.worker.computeFailed.connect(self._on_compute_failed)
        self.pacer = FramePacer(self)
        self.pacer.frameDue.connect(self._on_frame_due)
        self.pacer.rested.connect(self._on_rest)
        self.canvas.drawingChanged.connect(self.worker.submit)
        self.canvas.drawingChanged.connect(self._on_drawing_changed)
        self.patch_worker = None
        self._patches_due: Inspector | None = None  # searched once the pointer first rests on this model
        if self.samples is not None:  # what each filter looks for, searched once per model in its own thread
            self.patch_worker, self._patch_thread = start_patch_thread(self, self.samples, self.paths.filter_patches)
            self.patch_worker.progress.connect(self.kernel_view.set_patch_progress)
            self.patch_worker.ready.connect(self._on_patches_ready)
            self.patch_worker.failed.connect(self._on_compute_failed)
        self.canvas.penWidthChanged.connect(self._on_pen_width_changed)
        self.menus.colourModeChosen.connect(self._on_colour_mode_chosen)
        self.menus.resetLayoutRequested.connect(self.reset_layout)
        self.ledger_view.layerSelected.connect(self.feature_maps.highlight_layer)
        self.feature_maps.mapClicked.connect(self._on_map_clicked)
        self.feature_maps.unitClicked.connect(self._on_unit_clicked)
        self.feature_maps.unitHovered.connect(self.trace_view.hover)
        self.trace_view.traceChanged.connect(self._on_trace_changed)
        self.preprocess_view.optionsChanged.connect(self._on_preprocess_options)
        self.preprocess_view.recipeChanged.connect(self._on_picture_recipe)
        self.pages.currentChanged.connect(self._on_page_changed)
        # The Why tab: explained only while on screen; a probability bar or a layer's maps choose what.
        self.why = ExplainWiring(self.why_page, self.tabs, self.pages, self.worker, self.canvas,
                             lambda message: self.statusBar().showMessage(message, MESSAGE_MS), state=self.state)
        # The state tells each view a new model and new class names (the Why and Where tabs: their wiring).
        self.state.classNamesChanged.connect(self.probabilities.set_class_names)
        self.state.classNamesChanged.connect(self.preprocess_view.set_class_names)
        for view in self._model_views:
            self.state.inspectorChanged.connect(view.show_model)
        # A tab or a page shown may bring the Why tab on screen or take it away (the request changes only then;
        # after _on_page_changed, which docks the canvas on the Training page or gives it back).
        self.tabs.currentChanged.connect(self._on_why_request)
        self.pages.currentChanged.connect(self._on_why_request)
        self.tabs.currentChanged.connect(self.where.tab_changed)
        self.probabilities.classClicked.connect(self.why.class_clicked)
        self.worker.counterfactualReady.connect(self.why.counterfactual_found)
        self.worker.counterfactualFailed.connect(self.why.counterfactual_failed)
        # The Training page borrows the drawing column and sends the weights it shows to the worker.
        self.training = TrainingWiring(self.training_page, self.pages, self.splitter, self.worker, self.canvas,
                                       self.load_model, self.menus.add_model,
                                       lambda message: self.statusBar().showMessage(message, MESSAGE_MS))

        self._restore()
        chosen = model_path or self._settings.model_path or shipped.DEFAULT_MODEL
        if model_path is None and not _is_file(Path(chosen)):
            chosen = shipped.DEFAULT_MODEL
        # Reading the model (and, for a model only Keras runs, TensorFlow's import) waits for the first paint.
        limit_blas_threads()  # this process' numpy work is small; the other core is the compute process'
        self.status_model.setText(f"loading {chosen}")
        self._initial_model: Path | None = Path(chosen)
        QTimer.singleShot(MODEL_LOAD_DELAY_MS, self._load_initial_model)

    @property
    def inspector(self) -> Inspector | None:
        """The loaded model (None before one loads): the state's."""
        return self.state.inspector

    @property
    def playground(self) -> ConvPlayground:
        return cast("ConvPlayground", self._playground_page.content())

    @property
    def explorer(self) -> ArchitectureExplorer:
        return cast("ArchitectureExplorer", self._explorer_page.content())

    # -------------------------------------------------------------------- model

    def _load_initial_model(self) -> None:
        if self._initial_model is not None and not self._closed:
            self.load_model(self._initial_model, trust=self._trust_initial)

    def load_model(self, path: Path, trust: bool = False) -> None:
        """Load ``path`` in the background; the window stays usable. ``trust``: let its code run."""
        self._initial_model = None  # a model asked for before the start-up one replaces it
        self.model_banner.loading(path)
        self.status_model.setText(f"loading {path}")
        self._requested_model = Path(path)
        self.worker.load(Path(path), trust)

    def open_model_dialog(self) -> None:
        start = str(self._requested_model.parent if self._requested_model else shipped.MODELS_DIR)
        name, _ = QFileDialog.getOpenFileName(self, "Open a Keras model", start, "Keras models (*.keras *.h5)")
        if name:
            self.load_model(Path(name))

    def _on_model_loaded(self, inspector: Inspector) -> None:
        if self._closed:  # a signal queued before the window closed
            return
        self.model_banner.loaded(inspector.card_notes)  # a card field ignored: said above the maps, not in a dialog
        if self._class_names_file is not None:  # named before any view shows the model
            path, self._class_names_file = self._class_names_file, None
            names = self._read_class_names(path, inspector)
            if names is not None:
                inspector.set_class_names(names)
        self.state.inspector = inspector  # every view in _model_views, then its class names
        self.filter_patches = None
        # The search for each filter's top patches takes a second or two of a slow host's CPU: it waits
        # until the first prediction is on screen and the pointer rests. It reads the MNIST test digits,
        # so it is only for models that take them.
        # A network being trained (a history's) is a moment, not a choice: not searched, not remembered.
        in_training = inspector.path in self.training.transient
        self._patches_due = inspector if inspector.input_shape == SEARCHED_SHAPE and not in_training else None
        self.pacer.rest_later()
        card = read_card(inspector.path) if inspector.path else None
        score = card_accuracy(card)
        accuracy = f" · {score:.2%} test accuracy" if score is not None else ""
        self.status_model.setText(f"model: {inspector.path}{accuracy}" if not in_training else
                                  f"model: {inspector.ledger.name} as it trains ({inspector.path.parent.name})")
        self.menus.show_model_path(inspector.path)
        is_default = inspector.path is not None and inspector.path.resolve() == shipped.DEFAULT_MODEL.resolve()
        if not in_training:
            self._remember(model_path="" if is_default else str(inspector.path))
        self.worker.submit(self.canvas.drawing)
        self.why.model_loaded(inspector)
        self.where.model_loaded(inspector, training=in_training)
        self.training.model_loaded(inspector)

    def _on_model_failed(self, message: str) -> None:
        if self._closed:
            return
        self.status_model.setText("no model")
        self.model_banner.failed(message)

    def _on_model_needs_trust(self, path: str, message: str) -> None:
        """The file holds Python code that would run as it loads: ask, naming the risk."""
        if self._closed:
            return
        if self.model_banner.confirm_trust(Path(path)):
            self.worker.load(Path(path), trust=True)
        else:
            self._on_model_failed(message)

    def class_names_dialog(self) -> None:
        if self.inspector is None:
            return
        name, _ = QFileDialog.getOpenFileName(self, "Class names, one per line", "",
                                              "Class names (*.txt *.json);;All files (*)")
        if name:
            self.set_class_names_from(Path(name))

    def set_class_names_from(self, path: Path) -> bool:
        """Name the classes from ``path`` (every view follows the state); the status bar says what is wrong."""
        names = self._read_class_names(path, self.inspector) if self.inspector is not None else None
        if names is None:
            return False
        self.state.class_names = names
        if self.last_update is not None:
            self._show_update(self.last_update)
        self.statusBar().showMessage(f"class names from {path}", MESSAGE_MS)
        return True

    def _read_class_names(self, path: Path, inspector: Inspector) -> tuple[str, ...] | None:
        """The names in ``path`` for ``inspector``'s classes; None (said in the status bar) when refused."""
        try:
            names = read_class_names(path, inspector.num_classes)
        except GuiappError as exc:
            self.class_names_error = str(exc)
            self._on_compute_failed(str(exc))
            return None
        self.class_names_error = None
        return names

    def open_picture(self, path: Path) -> bool:
        """Show the picture at ``path`` in place of the drawing (File → Open image…)."""
        return self.intake.open_file(Path(path))

    @property
    def model_error(self) -> str | None:
        """Why the last model asked for could not be loaded; None once one is."""
        return self.model_banner.error

    # -------------------------------------------------------------------- results

    @property
    def last_result(self) -> InferenceResult | None:
        return self.last_update.result if self.last_update else None

    def _on_update_ready(self) -> None:
        if self._closed:
            return
        update = self.worker.take()  # the worker starts on the next drawing while this one waits to be shown
        if update is not None:  # None: an older notification, whose update was already taken
            self.pacer.offer(update)

    def _on_frame_due(self, update: Update) -> None:
        """Show the newest update on every view in sight (the pacer calls at most once per refresh)."""
        if self._closed:
            return
        self.last_update = update
        if self.pages.currentIndex() in (0, TRAINING_PAGE):  # others: shown when the live page returns
            self._show_update(update)
        self.resultShown.emit(update)

    def _show_update(self, update: Update) -> None:
        result, moving = update.result, self.pacer.moving
        nan = computes_nan(result.probabilities)
        if nan and self.inspector is not None:  # no answer: the probabilities say so, the status bar why
            # (nan_problem reads the weights: 0.25 ms for the shipped 1.2 M, and only for a model computing NaN)
            self.statusBar().showMessage(nan_problem(self.inspector), ERROR_MESSAGE_MS)
        self.input_view.show_result(result)
        self.probabilities.show_result(result)
        self.feature_maps.show_result(result, update.pictures, update.colour_mode, moving=moving)
        self.map_detail.show_result(result)
        self.trace_view.show_result(result, moving=moving)
        self.why.show_update(update, moving)
        self.where.show_update(update, moving)
        # The steps to the input still hold; the answer they lead to is not a number, so none is compared.
        shown, reference = (None, None) if nan else (result, update.reference)
        if isinstance(update.drawing, PictureInput):
            self.input_view.set_recipe(update.stages.recipe.label, picture=True)
            self.preprocess_view.show_stages(update.stages, shown, reference, update.drawing.name)
        else:
            self.input_view.set_recipe(self.preprocess_view.options.label)
            self.preprocess_view.show_stages(update.stages, shown, reference)
        if not moving:
            self._show_timing(update)

    def _show_timing(self, update: Update) -> None:
        engine = self.inspector.engine.name if self.inspector is not None else ""
        self.status_timing.setText(
            f"{engine} inference {update.result.seconds * 1000:.1f} ms · "
            f"whole update {update.total_seconds * 1000:.1f} ms"
        )

    def _on_drawing_changed(self, _drawing: Drawing) -> None:
        self.pacer.moved()

    def _on_rest(self) -> None:
        """The pointer rests: what was deferred while it moved is done now."""
        if self._closed:
            return
        self.worker.settle(self.canvas.drawing)
        if self._patches_due is not None and self.patch_worker is not None:
            if self.last_update is None or self.training.running:
                self.pacer.rest_later()  # no first prediction yet, or a run needs the cores: ask again later
            else:
                self.patch_worker.start(self._patches_due)
                self._patches_due = None
        self.feature_maps.settle()
        self.trace_view.settle()
        self.why.settle()
        self.where.settle()
        if self.last_update is not None:
            self._show_timing(self.last_update)

    def _on_patches_ready(self, inspector: Inspector, patches: FilterPatches) -> None:
        if self._closed or inspector is not self.inspector or self.samples is None:
            return  # computed for a model that has since been replaced
        self.filter_patches = patches
        self.kernel_view.set_patches(patches, self.samples.images / 255.0)

    def _on_preprocess_options(self, options: PreprocessOptions) -> None:
        self.worker.set_options(options, self.canvas.drawing)
        self.input_view.set_recipe(options.label)

    def _on_picture_recipe(self, recipe: PictureRecipe, input_range: tuple[float, float] | None) -> None:
        self.worker.set_recipe(recipe, input_range, self.canvas.drawing)
        if self.inspector is not None:
            self.input_view.set_input_range(input_range or self.inspector.input_range)

    def _on_compute_failed(self, message: str) -> None:
        if not self._closed:
            self.statusBar().showMessage(message, ERROR_MESSAGE_MS)

    def _on_map_clicked(self, layer: str, index: int | None) -> None:
        self.why.layer_clicked(layer)  # Grad-CAM on the layer looked at, when it is a convolution
        self.ledger_view.select_layer(layer)
        self.feature_maps.highlight_layer(layer)
        if index is not None:
            self.map_detail.show_map(layer, index)
            self.kernel_view.show_filter(layer, index)

    @property
    def why_view(self) -> ExplainView:
        """The Why tab (built now if it was not yet)."""
        return cast("ExplainView", self.why_page.content())

    def _build_why(self) -> ExplainView:
        """The Why tab, when first shown, and its connections."""
        from guiapp.ui.explain.explain_view import ExplainView

        view = ExplainView()
        view.requestChanged.connect(self._on_why_request)
        view.canvasMethodChanged.connect(lambda _method: self.why.show_canvas_heat(self.last_update))
        view.counterfactual.findRequested.connect(
            lambda target: self.worker.request_counterfactual(self.canvas.drawing, target))
        view.counterfactual.showRequested.connect(self.why.show_counterfactual)
        self.why.dress(view)
        return view

    def _on_why_request(self, *_args: object) -> None:
        self.why.request_changed()
        self.why.show_canvas_heat(self.last_update)

    def show_why(self, target: int | None = None, contrast: int | None = None) -> str | None:
        """The Why tab on screen, explaining ``target`` (None: the answer) against ``contrast``; a problem in a line."""
        return self.why.show(self.inspector, target, contrast)

    def _on_unit_clicked(self, layer: str, unit: tuple[int, ...]) -> None:
        self.trace_view.pin(layer, unit)
        self.tabs.setCurrentWidget(self.trace_view)

    def _on_trace_changed(self, trace: UnitTrace | None) -> None:
        """Outline what the traced unit sees: on the input, on the canvas and in the maps."""
        fields, marks = trace_outlines(trace, self.feature_maps.shown_layer) if trace is not None else ([], {})
        self.input_view.set_fields(fields)
        self.feature_maps.set_marks(marks)
        placement = self.last_update.placement if self.last_update is not None else None
        outlines = []
        if placement is not None:
            for field, colour in fields:
                top, left, bottom, right = placement.to_source(field.top, field.left, field.bottom, field.right)
                outlines.append((QRectF(left, top, right - left, bottom - top), QColor(colour)))
        self.canvas.set_outlines(outlines)
        if trace is not None and self.trace_view.hovering is not None:
            self.statusBar().showMessage(trace_summary(trace), MESSAGE_MS)

    # -------------------------------------------------------------------- training

    @property
    def training_view(self) -> TrainingPage:
        """The Training page (built now if it was not yet)."""
        return cast("TrainingPage", self.training_page.content())

    def _on_page_changed(self, index: int) -> None:
        """The drawing's keys act only on the live page (and the Training page, which borrows the drawing)."""
        if index == TRAINING_PAGE:
            self.training.dock()
        else:
            self.training.undock()
        live = index in (0, TRAINING_PAGE)
        self.menus.set_live(live)
        if live and self.last_update is not None:  # updates that came meanwhile were not shown
            self._show_update(self.last_update)

    # -------------------------------------------------------------------- drawing tools

    def _on_pen_width_changed(self, width: float) -> None:
        self.menus.show_pen_width(width)
        self._remember(pen_width=width)

    def load_sample(self, index: int) -> None:
        """Put MNIST test digit ``index`` (modulo their count) on the canvas."""
        if self.samples is None:
            return
        self.sample_index = index % len(self.samples.labels)
        image = self.samples.images[self.sample_index] / 255.0
        label = int(self.samples.labels[self.sample_index])
        self.canvas.load_picture(image, f"Sample {self.sample_index} (a {label})")
        self.statusBar().showMessage(f"MNIST test digit {self.sample_index}: labelled {label}", MESSAGE_MS)

    def _step_sample(self, step: int | None) -> None:
        """The previous (−1) or next (+1) sample, or a random one (None)."""
        if self.samples is not None:
            self.load_sample(random.randrange(len(self.samples.labels)) if step is None else self.sample_index + step)

    def _on_colour_mode_chosen(self, mode: str) -> None:
        self.worker.colour_mode = mode
        self.feature_maps.set_colour_mode(mode)
        self._remember(colour_mode=mode)

    # -------------------------------------------------------------------- persistence

    def _restore(self) -> None:
        s = self._settings
        screens = [screen.availableGeometry() for screen in QGuiApplication.screens()]
        # A saved window too small, or off every screen (one since unplugged), is not restored: the designed one is.
        if s.geometry is None or not self.restoreGeometry(s.geometry) or not usable_geometry(self.frameGeometry(),
                                                                                             screens):
            self._designed_geometry()
        if s.columns is not None:  # only widths that show every column are read (load_settings)
            self.splitter.setSizes(list(s.columns))
        self.canvas.set_pen_width(s.pen_width)
        self._on_pen_width_changed(self.canvas.pen_width())
        self.menus.show_colour_mode(PER_MAP if s.colour_mode == PER_MAP else s.colour_mode)
        self.feature_maps.set_colour_mode(s.colour_mode)
        self.worker.colour_mode = self.feature_maps.colour_mode

    def _designed_geometry(self) -> None:
        """First run, or Reset layout: the designed size, but never larger than the screen (a 1366×768 laptop)."""
        self.setWindowState(Qt.WindowState.WindowNoState)
        self.setGeometry(default_geometry(self.screen().availableGeometry()))

    def reset_layout(self) -> None:
        """View → Reset layout: the live page with its columns and the window at their designed sizes; the saved
        layout is forgotten (what is saved at quit is this one, unless the user changes it)."""
        self.pages.setCurrentIndex(0)  # the columns the Training page borrows come back first
        self.splitter.setSizes(list(COLUMN_WIDTHS))
        self._designed_geometry()
        self._remember(geometry=None, columns=None)
        forget_layout(self._store)

    def save_settings(self) -> None:
        # The columns as they are on the live page, not as a page borrowing two of them left it; only usable ones.
        columns = tuple(self.splitter.live_sizes())
        self._remember(geometry=self.saveGeometry(),
                       columns=columns if usable_columns(columns) else self._settings.columns)
        save_settings(self._store, self._settings)

    def _remember(self, **changes: object) -> None:
        self._settings = replace(self._settings, **changes)

    def shutdown(self) -> None:
        """Disconnect and stop the worker thread (idempotent); waits for a model still loading."""
        if self._closed:
            return
        self._closed = True
        self.training.shutdown()
        self.where.shutdown()
        self.canvas.drawingChanged.disconnect(self.worker.submit)
        self.canvas.drawingChanged.disconnect(self._on_drawing_changed)
        self.pacer.stop()
        self.worker.modelLoaded.disconnect(self._on_model_loaded)
        self.worker.modelFailed.disconnect(self._on_model_failed)
        self.worker.modelNeedsTrust.disconnect(self._on_model_needs_trust)
        self.worker.updateReady.disconnect(self._on_update_ready)
        self.worker.computeFailed.disconnect(self._on_compute_failed)
        self.worker.counterfactualReady.disconnect(self.why.counterfactual_found)
        self.worker.counterfactualFailed.disconnect(self.why.counterfactual_failed)
        self._thread.quit()
        if self.patch_worker is not None:
            self.patch_worker.cancel()
            self.patch_worker.progress.disconnect(self.kernel_view.set_patch_progress)
            self.patch_worker.ready.disconnect(self._on_patches_ready)
            self.patch_worker.failed.disconnect(self._on_compute_failed)
            self._patch_thread.quit()
            self._patch_thread.wait()
        self._thread.wait()
        self.worker.stop()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        self.intake.drag_entered(event)

    def dropEvent(self, event: QDropEvent) -> None:
        self.intake.dropped(event)

    def close_without_asking(self) -> bool:
        """Close as the close button does, but without asking to stop a running training (True: closed).

        For Ctrl-C or SIGTERM from the terminal: the signal is the answer. The run stops as "Yes" would
        stop it, its history so far stays, and no model is written.
        """
        self._closing_unasked = True
        return self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closing_unasked and not self.training.confirm_close(self):
            event.ignore()
            return
        self.save_settings()
        self.shutdown()
        super().closeEvent(event)
