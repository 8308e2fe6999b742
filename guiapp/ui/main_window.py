"""The main window: builds the panels and wires every signal between them, in one place.

Panels know nothing of each other. Drawings go from the canvas to the worker thread;
results come back as one ``Update`` and flow to every view through ``show_result``.

The live loop degrades by dropping work, never by growing late: at most one frame is
shown per display refresh (a newer result replaces one still waiting, and is counted
as dropped); views off screen are not updated; what is not needed at pointer rate —
the full recipe's reference pass, the trace's text, colour-bar axes, the timing in the
status bar — waits until the pointer has rested for ``REST_MS``.
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QColor, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSlider,
    QSplitter,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from guiapp import paths
from guiapp.core.compute_process import limit_blas_threads
from guiapp.core.data import load_samples
from guiapp.core.errors import GuiappError
from guiapp.core.inference import InferenceResult, Inspector
from guiapp.core.modelcard import describe, read_card
from guiapp.core.preprocess import PreprocessOptions
from guiapp.core.strokes import MAX_PEN_WIDTH, MIN_PEN_WIDTH
from guiapp.core.trace import INPUT, Tracer, UnitTrace
from guiapp.ui.canvas import DrawingCanvas
from guiapp.ui.drawing_files import DrawingFiles
from guiapp.ui.feature_maps import PER_MAP, SHARED, FeatureMapsView
from guiapp.ui.input_view import NetworkInputView
from guiapp.ui.kernels import KernelView
from guiapp.ui.lazy_page import LazyPage
from guiapp.ui.ledger_view import LedgerView
from guiapp.ui.map_detail import MapDetailView
from guiapp.ui.patch_worker import default_cache_dir, start_patch_thread
from guiapp.ui.plotting import ACTIVATION_LUT
from guiapp.ui.preprocess_view import PreprocessView
from guiapp.ui.probabilities import ProbabilityView
from guiapp.ui.settings import default_store, load_settings, save_settings
from guiapp.ui.unit_trace import UnitTraceView, trace_outlines, trace_summary
from guiapp.ui.worker import Update, start_worker_thread

if TYPE_CHECKING:
    from guiapp.ui.explorer import ArchitectureExplorer
    from guiapp.ui.playground import ConvPlayground

PEN_STEP = 2.0
MODEL_LOAD_DELAY_MS = 60  # after the first paint: the window appears before the model is read
REST_MS = 150  # no drawing change for this long: the pointer rests, deferred work runs
DEFAULT_REFRESH_HZ = 60.0  # when the screen does not say (offscreen)


def _is_file(path: Path) -> bool:
    """``path.is_file()``, False for a path the file system refuses (too long, a NUL byte)."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def _conv_playground() -> ConvPlayground:
    from guiapp.ui.playground import ConvPlayground

    return ConvPlayground()


def _architecture_explorer() -> ArchitectureExplorer:
    from guiapp.ui.explorer import ArchitectureExplorer

    return ArchitectureExplorer()


class MainWindow(QMainWindow):
    """The live inspector. ``MainWindow()`` opens the shipped model (or the last one used)."""

    resultShown = Signal(object)  # the Update every panel now shows

    def __init__(self, model_path: Path | str | None = None, settings: QSettings | None = None) -> None:
        super().__init__()
        self.setWindowTitle("guiapp — watch a convolutional network think")
        self._store = settings if settings is not None else default_store()
        self._settings = load_settings(self._store)
        self.inspector: Inspector | None = None
        self.last_update: Update | None = None
        self.model_error: str | None = None
        self.error_box: QMessageBox | None = None
        self._requested_model: Path | None = None
        self._closed = False
        try:
            self.samples = load_samples(paths.MNIST_SAMPLES)
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
        self.tracer: Tracer | None = None
        self.banner = QLabel("Loading TensorFlow and the model… you can draw meanwhile.")
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("padding: 6px; background: #3a3320; color: #ffd27a;")
        self.open_button = QPushButton("Open model…")
        self.open_button.hide()

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(self.canvas, 0, Qt.AlignmentFlag.AlignHCenter)
        left_layout.addWidget(self.input_view, 1)
        left_layout.addWidget(self.probabilities, 1)
        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(0, 0, 0, 0)
        centre_layout.addWidget(self.banner)
        centre_layout.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignLeft)
        centre_layout.addWidget(self.feature_maps, 1)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.ledger_view, "Ledger")
        self.tabs.addTab(self.trace_view, "Trace unit")
        self.tabs.addTab(self.kernel_view, "Kernels")
        self.tabs.addTab(self.map_detail, "Selected map")
        self.tabs.addTab(self.preprocess_view, "Preprocessing")
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("main_splitter")
        for widget in (left, centre, self.tabs):
            self.splitter.addWidget(widget)
        self.splitter.setSizes([330, 640, 560])
        # The playground and the explorer do not need the drawing: they get the whole window, and are
        # built (and their modules imported) when first opened — start-up pays only for the live page.
        self._playground_page = LazyPage(_conv_playground)
        self._explorer_page = LazyPage(_architecture_explorer)
        self.pages = QTabWidget()
        self.pages.setObjectName("pages")
        self.pages.setDocumentMode(True)
        # Opaque, so a panel's repaint stops here: otherwise the tab widget's frame is repainted under
        # every live update (measured: event → painted median 20 ms instead of 6).
        self.splitter.setAutoFillBackground(True)
        self.pages.addTab(self.splitter, "Live network")
        self.pages.addTab(self._playground_page, "Conv arithmetic")
        self.pages.addTab(self._explorer_page, "Architecture explorer")
        self.setCentralWidget(self.pages)
        self._build_actions()
        self.status_timing = QLabel("")
        self.status_model = QLabel("")
        self.statusBar().addWidget(self.status_timing)
        self.statusBar().addPermanentWidget(self.status_model)

        # ---------------------------------------------------------------- wiring
        self.worker, self._thread = start_worker_thread(self, ACTIVATION_LUT)
        self.worker.modelLoaded.connect(self._on_model_loaded)
        self.worker.modelFailed.connect(self._on_model_failed)
        self.worker.updateReady.connect(self._on_update_ready)
        self.worker.computeFailed.connect(self._on_compute_failed)
        self.canvas.drawingChanged.connect(self.worker.submit)
        self.canvas.drawingChanged.connect(self._on_drawing_changed)
        # Frame pacing: the newest result waits here for the next refresh; the pointer's rest.
        self._waiting_update: Update | None = None
        self.last_frame_time = 0.0  # perf_counter() when the last frame began to be shown
        self.frames_shown = self.results_dropped = 0
        self._frame_timer = QTimer(self)
        self._frame_timer.setSingleShot(True)
        self._frame_timer.setTimerType(Qt.TimerType.PreciseTimer)  # a coarse timer may fire 5% early
        self._frame_timer.timeout.connect(self._show_frame)
        self._moving = False
        self._rest_timer = QTimer(self)
        self._rest_timer.setSingleShot(True)
        self._rest_timer.setInterval(REST_MS)
        self._rest_timer.timeout.connect(self._on_rest)
        self.filter_patches = None
        self.patch_worker = None
        self._patches_due: Inspector | None = None  # searched once the pointer first rests on this model
        if self.samples is not None:  # what each filter looks for, searched once per model in its own thread
            self.patch_worker, self._patch_thread = start_patch_thread(self, self.samples, default_cache_dir())
            self.patch_worker.progress.connect(self.kernel_view.set_patch_progress)
            self.patch_worker.ready.connect(self._on_patches_ready)
            self.patch_worker.failed.connect(self._on_compute_failed)
        self.canvas.penWidthChanged.connect(self._on_pen_width_changed)
        self.ledger_view.layerSelected.connect(self.feature_maps.highlight_layer)
        self.feature_maps.mapClicked.connect(self._on_map_clicked)
        self.feature_maps.unitClicked.connect(self._on_unit_clicked)
        self.feature_maps.unitHovered.connect(self.trace_view.hover)
        self.trace_view.traceChanged.connect(self._on_trace_changed)
        self.preprocess_view.optionsChanged.connect(self._on_preprocess_options)
        self.open_button.clicked.connect(self.open_model_dialog)
        self.pages.currentChanged.connect(self._on_page_changed)

        self._restore()
        chosen = model_path or self._settings.model_path or paths.DEFAULT_MODEL
        if model_path is None and not _is_file(Path(chosen)):
            chosen = paths.DEFAULT_MODEL
        # Reading the model (and, for a model only Keras runs, TensorFlow's import) waits for the first paint.
        limit_blas_threads()  # this process' numpy work is small; the other core is the compute process'
        self.status_model.setText(f"loading {chosen}")
        self._initial_model: Path | None = Path(chosen)
        QTimer.singleShot(MODEL_LOAD_DELAY_MS, self._load_initial_model)

    @property
    def playground(self) -> ConvPlayground:
        return self._playground_page.content()  # type: ignore[return-value]

    @property
    def explorer(self) -> ArchitectureExplorer:
        return self._explorer_page.content()  # type: ignore[return-value]

    # -------------------------------------------------------------------- actions and toolbar

    def _action(self, text: str, slot, shortcuts=(), tip: str = "") -> QAction:
        action = QAction(text, self)
        action.setShortcuts([QKeySequence(s) for s in shortcuts])
        action.setToolTip(f"{tip or text} ({', '.join(str(s) for s in shortcuts)})" if shortcuts else tip or text)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        stack = self.canvas.undo_stack
        self.undo_action = stack.createUndoAction(self, "Undo")
        self.undo_action.setShortcuts([QKeySequence(QKeySequence.StandardKey.Undo)])
        self.redo_action = stack.createRedoAction(self, "Redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.addActions([self.undo_action, self.redo_action])
        self.clear_action = self._action("Clear", self.canvas.clear, ("Delete", "Backspace"))
        self.thinner_action = self._action("Thinner pen", lambda: self._step_pen(-PEN_STEP), ("[",))
        self.thicker_action = self._action("Thicker pen", lambda: self._step_pen(PEN_STEP), ("]",))
        self.eraser_action = self._action("Eraser", lambda on: self.canvas.set_eraser(on), ("E",),
                                          "Erase with the left button (the right button always erases)")
        self.eraser_action.setCheckable(True)
        self.previous_action = self._action("◀ Sample", lambda: self.load_sample(self.sample_index - 1), ("P",),
                                            "Previous MNIST test digit")
        self.next_action = self._action("Sample ▶", lambda: self.load_sample(self.sample_index + 1), ("N",),
                                        "Next MNIST test digit")
        self.random_action = self._action("Random sample", self._load_random_sample, ("R",))
        self.open_action = self._action("Open model…", self.open_model_dialog, ("Ctrl+O",))
        self.files = DrawingFiles(self, self.canvas, lambda message: self.statusBar().showMessage(message, 6000))
        self.quit_action = self._action("Quit", self.close, ("Ctrl+Q",))
        self._drawing_actions = [self.undo_action, self.redo_action, self.clear_action, self.thinner_action,
                                 self.thicker_action, self.eraser_action, self.previous_action, self.next_action,
                                 self.random_action]
        self._drawing_shortcuts = {action: action.shortcuts() for action in self._drawing_actions}
        self.page_actions = [
            self._action(text, lambda _=False, i=i: self.pages.setCurrentIndex(i), (f"Ctrl+{i + 1}",), tip)
            for i, (text, tip) in enumerate((
                ("Live network", "Draw and watch every layer"),
                ("Conv arithmetic", "Play with input size, filter, padding and stride"),
                ("Architecture explorer", "Edit the network and watch shapes and parameters follow"),
            ))
        ]
        colours = QActionGroup(self)
        self.shared_action = QAction("Colour scale shared per layer", colours, checkable=True)
        self.per_map_action = QAction("Colour scale per map", colours, checkable=True)
        self.shared_action.triggered.connect(lambda: self._set_colour_mode(SHARED))
        self.per_map_action.triggered.connect(lambda: self._set_colour_mode(PER_MAP))

        self.pen_slider = QSlider(Qt.Orientation.Horizontal)
        self.pen_slider.setRange(int(MIN_PEN_WIDTH), int(MAX_PEN_WIDTH))
        self.pen_slider.setFixedWidth(120)
        self.pen_slider.setToolTip("Pen width ([ and ])")
        self.pen_slider.valueChanged.connect(lambda value: self.canvas.set_pen_width(value))
        self.pen_label = QLabel()
        toolbar = QToolBar("Tools")
        toolbar.setObjectName("tools")
        toolbar.addActions([self.undo_action, self.redo_action, self.clear_action, self.eraser_action])
        toolbar.addSeparator()
        toolbar.addWidget(QLabel(" Pen "))
        toolbar.addWidget(self.pen_slider)
        toolbar.addWidget(self.pen_label)
        toolbar.addSeparator()
        toolbar.addActions([self.previous_action, self.next_action, self.random_action])
        toolbar.addSeparator()
        toolbar.addActions([self.shared_action, self.per_map_action])
        self.addToolBar(toolbar)
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        file_menu.addActions(self.files.actions)
        file_menu.addSeparator()
        file_menu.addActions([self.open_action, self.quit_action])
        self.model_menu = menu.addMenu("&Model")
        self.model_group = QActionGroup(self)
        self.model_actions: dict[Path, QAction] = {}
        for path in sorted(paths.MODELS_DIR.glob("*.keras")):
            card = read_card(path)
            accuracy = f" — {card['test']['accuracy']:.2%} on MNIST test" if card and "test" in card else ""
            default = " (default)" if path.resolve() == paths.DEFAULT_MODEL.resolve() else ""
            action = QAction(f"{path.stem}{default}{accuracy}", self.model_group, checkable=True)
            action.setToolTip(describe(card))
            action.setStatusTip(describe(card))
            action.triggered.connect(lambda _=False, p=path: self.load_model(p))
            self.model_actions[path.resolve()] = action
            self.model_menu.addAction(action)
        self.model_menu.addSeparator()
        self.model_menu.addAction(self.open_action)
        edit_menu = menu.addMenu("&Edit")
        edit_menu.addActions([self.undo_action, self.redo_action, self.clear_action, self.eraser_action,
                              self.thinner_action, self.thicker_action])
        view_menu = menu.addMenu("&View")
        view_menu.addActions(self.page_actions)
        view_menu.addSeparator()
        view_menu.addActions([self.shared_action, self.per_map_action])
        samples_menu = menu.addMenu("&Samples")
        samples_menu.addActions([self.previous_action, self.next_action, self.random_action])

    # -------------------------------------------------------------------- model

    def _load_initial_model(self) -> None:
        if self._initial_model is not None and not self._closed:
            self.load_model(self._initial_model)

    def load_model(self, path: Path) -> None:
        """Load ``path`` in the background; the window stays usable."""
        self._initial_model = None  # a model asked for before the start-up one replaces it
        self.banner.setText(f"Loading TensorFlow and {Path(path).name}… you can draw meanwhile.")
        self.banner.show()
        self.open_button.hide()
        self.status_model.setText(f"loading {path}")
        self._requested_model = Path(path)
        self.worker.load(Path(path))

    def open_model_dialog(self) -> None:
        start = str(self._requested_model.parent if self._requested_model else paths.MODELS_DIR)
        name, _ = QFileDialog.getOpenFileName(self, "Open a Keras model", start, "Keras models (*.keras *.h5)")
        if name:
            self.load_model(Path(name))

    def _on_model_loaded(self, inspector: Inspector) -> None:
        if self._closed:  # a signal queued before the window closed
            return
        self.inspector = inspector
        self.model_error = None
        self.banner.hide()
        self.open_button.hide()
        self.feature_maps.set_layers(
            [(row.name, row.kind, row.output_shape, row.params) for row in inspector.ledger.rows
             if row.kind != "InputLayer"]
        )
        self.ledger_view.set_ledger(inspector.ledger)
        self.kernel_view.set_weights(dict(inspector.weights))
        self.filter_patches = None
        # The search for each filter's top patches takes a second or two of a slow host's CPU: it waits
        # until the first prediction is on screen and the pointer rests.
        self._patches_due = inspector
        self._rest_timer.start()
        self.map_detail.set_weights(dict(inspector.weights))
        self.tracer = Tracer.for_inspector(inspector)
        self.trace_view.set_tracer(self.tracer)
        card = read_card(inspector.path) if inspector.path else None
        accuracy = f" · {card['test']['accuracy']:.2%} on MNIST test" if card and "test" in card else ""
        self.status_model.setText(f"model: {inspector.path}{accuracy}")
        for path, action in self.model_actions.items():
            action.setChecked(inspector.path is not None and inspector.path.resolve() == path)
        is_default = inspector.path is not None and inspector.path.resolve() == paths.DEFAULT_MODEL.resolve()
        self._remember(model_path="" if is_default else str(inspector.path))
        self.worker.submit(self.canvas.drawing)

    def _on_model_failed(self, message: str) -> None:
        if self._closed:
            return
        self.model_error = message
        self.banner.setText(f"The model could not be loaded: {message}")
        self.banner.show()
        self.open_button.show()
        self.status_model.setText("no model")
        self.error_box = QMessageBox(QMessageBox.Icon.Warning, "Model not loaded", message,
                                     QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Close, self)
        self.error_box.setInformativeText("Open another .keras model file, or keep drawing and open one later.")
        self.error_box.button(QMessageBox.StandardButton.Open).clicked.connect(self.open_model_dialog)
        self.error_box.open()

    # -------------------------------------------------------------------- results

    @property
    def last_result(self) -> InferenceResult | None:
        return self.last_update.result if self.last_update else None

    @property
    def frame_interval(self) -> float:
        """Seconds between two frames: one display refresh."""
        rate = self.screen().refreshRate() if self.screen() is not None else 0.0
        return 1.0 / (rate if 20.0 <= rate <= 500.0 else DEFAULT_REFRESH_HZ)

    def _on_update_ready(self) -> None:
        if self._closed:
            return
        update = self.worker.take()  # the worker starts on the next drawing while this one waits to be shown
        if update is None:  # an older notification; its update was already taken
            return
        if self._waiting_update is not None:
            self.results_dropped += 1  # computed, overtaken before its frame: never painted
        self._waiting_update = update
        if not self._frame_timer.isActive():
            wait = self.last_frame_time + self.frame_interval - time.perf_counter()
            self._frame_timer.start(max(0, math.ceil(wait * 1000)))

    def _show_frame(self) -> None:
        """Show the newest waiting update on every view in sight (at most once per display refresh)."""
        update, self._waiting_update = self._waiting_update, None
        if update is None or self._closed:
            return
        self.last_frame_time = time.perf_counter()
        self.frames_shown += 1
        self.last_update = update
        if self.pages.currentIndex() == 0:  # another page is on screen: shown when the live page returns
            self._show_update(update)
        self.resultShown.emit(update)

    def _show_update(self, update: Update) -> None:
        result, moving = update.result, self._moving
        self.input_view.show_result(result)
        self.probabilities.show_result(result)
        self.feature_maps.show_result(result, update.pictures, update.colour_mode, moving=moving)
        self.map_detail.show_result(result)
        self.trace_view.show_result(result, moving=moving)
        self.preprocess_view.show_stages(update.stages, result, update.reference)
        if not moving:
            self._show_timing(update)

    def _show_timing(self, update: Update) -> None:
        engine = self.inspector.engine.name if self.inspector is not None else ""
        self.status_timing.setText(
            f"{engine} inference {update.result.seconds * 1000:.1f} ms · "
            f"whole update {update.total_seconds * 1000:.1f} ms"
        )

    def _on_drawing_changed(self, _drawing: object) -> None:
        self._moving = True
        self._rest_timer.start()

    def _on_rest(self) -> None:
        """The pointer rests: what was deferred while it moved is done now."""
        self._moving = False
        if self._closed:
            return
        self.worker.settle(self.canvas.drawing)
        if self._patches_due is not None and self.patch_worker is not None:
            if self.last_update is None:
                self._rest_timer.start()  # not a first prediction yet: ask again later
            else:
                self.patch_worker.start(self._patches_due)
                self._patches_due = None
        self.feature_maps.settle()
        self.trace_view.settle()
        if self.last_update is not None:
            self._show_timing(self.last_update)

    def _on_patches_ready(self, inspector: Inspector, patches: object) -> None:
        if self._closed or inspector is not self.inspector or self.samples is None:
            return  # computed for a model that has since been replaced
        self.filter_patches = patches
        self.kernel_view.set_patches(patches, self.samples.images / 255.0)

    def _on_preprocess_options(self, options: PreprocessOptions) -> None:
        self.worker.set_options(options, self.canvas.drawing)
        self.input_view.set_recipe(options.label)

    def _on_compute_failed(self, message: str) -> None:
        if not self._closed:
            self.statusBar().showMessage(message, 8000)

    def _on_map_clicked(self, layer: str, index: int | None) -> None:
        self.ledger_view.select_layer(layer)
        self.feature_maps.highlight_layer(layer)
        if index is not None:
            self.map_detail.show_map(layer, index)
            if layer in self.kernel_view.panels:
                self.kernel_view.show_filter(layer, index)

    def _on_unit_clicked(self, layer: str, unit: tuple[int, ...]) -> None:
        self.trace_view.pin(layer, unit)
        self.tabs.setCurrentWidget(self.trace_view)

    def _on_trace_changed(self, trace: UnitTrace | None) -> None:
        """Outline what the traced unit sees: on the input, on the canvas and in the maps."""
        if trace is None:
            self.input_view.set_fields([])
            self.canvas.set_outlines([])
            self.feature_maps.set_marks({})
            return
        fields, marks = trace_outlines(trace, self._shown_layer)
        self.input_view.set_fields(fields)
        placement = self.last_update.placement if self.last_update is not None else None
        outlines = []
        if placement is not None:
            for field, colour in fields:
                top, left, bottom, right = placement.to_source(field.top, field.left, field.bottom, field.right)
                outlines.append((QRectF(left, top, right - left, bottom - top), QColor(colour)))
        self.canvas.set_outlines(outlines)
        self.feature_maps.set_marks(marks)
        if self.trace_view.hovering is not None:
            self.statusBar().showMessage(trace_summary(trace), 6000)

    def _shown_layer(self, name: str) -> str:
        """The layer whose panel shows ``name``'s values (a dropout's are its source's)."""
        while self.tracer is not None and name != INPUT:
            panel = self.feature_maps.panels.get(name)
            if panel is not None and panel.plot is not None:
                return name
            name = self.tracer.source_of(name)
        return name

    def _on_page_changed(self, index: int) -> None:
        """The drawing's keys act only on the live page: the explorer has its own undo, and its own keys."""
        live = index == 0
        for action in self._drawing_actions:
            action.setShortcuts(self._drawing_shortcuts[action] if live else [])
        if live and self.last_update is not None:  # updates that came meanwhile were not shown
            self._show_update(self.last_update)

    # -------------------------------------------------------------------- drawing tools

    def _step_pen(self, delta: float) -> None:
        self.canvas.set_pen_width(self.canvas.pen_width() + delta)

    def _on_pen_width_changed(self, width: float) -> None:
        self.pen_slider.blockSignals(True)
        self.pen_slider.setValue(round(width))
        self.pen_slider.blockSignals(False)
        self.pen_label.setText(f" {width:.0f} px ")
        self._remember(pen_width=width)

    def load_sample(self, index: int) -> None:
        if self.samples is None:
            return
        self.sample_index = index % len(self.samples.labels)
        image = self.samples.images[self.sample_index] / 255.0
        label = int(self.samples.labels[self.sample_index])
        self.canvas.load_picture(image, f"Sample {self.sample_index} (a {label})")
        self.statusBar().showMessage(f"MNIST test digit {self.sample_index}: labelled {label}", 4000)

    def _load_random_sample(self) -> None:
        if self.samples is not None:
            self.load_sample(random.randrange(len(self.samples.labels)))

    def _set_colour_mode(self, mode: str) -> None:
        self.worker.colour_mode = mode
        self.feature_maps.set_colour_mode(mode)
        self._remember(colour_mode=mode)

    # -------------------------------------------------------------------- persistence

    def _restore(self) -> None:
        s = self._settings
        if s.geometry is not None:
            self.restoreGeometry(s.geometry)
        else:  # first run: the designed size, but never larger than the screen (a 1366×768 laptop)
            screen = self.screen().availableGeometry()
            self.resize(min(1560, int(screen.width() * 0.95)), min(940, int(screen.height() * 0.92)))
        if s.splitter is not None:
            self.splitter.restoreState(s.splitter)
        self.canvas.set_pen_width(s.pen_width)
        self._on_pen_width_changed(self.canvas.pen_width())
        (self.per_map_action if s.colour_mode == PER_MAP else self.shared_action).setChecked(True)
        self.feature_maps.set_colour_mode(s.colour_mode)
        self.worker.colour_mode = self.feature_maps.colour_mode

    def save_settings(self) -> None:
        self._remember(geometry=self.saveGeometry(), splitter=self.splitter.saveState())
        save_settings(self._store, self._settings)

    def _remember(self, **changes: object) -> None:
        self._settings = replace(self._settings, **changes)

    def shutdown(self) -> None:
        """Disconnect and stop the worker thread (idempotent); waits for a model still loading."""
        if self._closed:
            return
        self._closed = True
        self.canvas.drawingChanged.disconnect(self.worker.submit)
        self.canvas.drawingChanged.disconnect(self._on_drawing_changed)
        self._frame_timer.stop()
        self._rest_timer.stop()
        self.worker.modelLoaded.disconnect(self._on_model_loaded)
        self.worker.modelFailed.disconnect(self._on_model_failed)
        self.worker.updateReady.disconnect(self._on_update_ready)
        self.worker.computeFailed.disconnect(self._on_compute_failed)
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

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_settings()
        self.shutdown()
        super().closeEvent(event)

