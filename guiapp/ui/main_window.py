"""The main window: the state, the live loop, and every page and tab through the same door.

The window holds one :class:`~guiapp.ui.state.WindowState`; the features (:mod:`guiapp.ui.features`, each a
folder under ``guiapp/ui/``) read it and listen to it, and reach the rest of the window only through the
:class:`~guiapp.ui.window_door.WindowDoor`. The drawing goes from the canvas through the
:class:`~guiapp.ui.live.live_loop.LiveLoop` (one frozen request per change, a worker thread, a compute
process) and comes back as one ``Update``, which the window hands to every feature in sight.

The live loop degrades by dropping work, never by growing late (:mod:`guiapp.ui.frame_pacer`): at most one
frame per display refresh; features off screen are not updated; what is not needed at pointer rate — the
full recipe's reference pass, the trace's text, colour-bar axes, the timing in the status bar — waits until
the pointer rests.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QTabWidget

from guiapp import paths as shipped
from guiapp.core.errors import GuiappError
from guiapp.core.live.compute_process import limit_blas_threads
from guiapp.core.live.live_update import Update
from guiapp.core.model.inference import Inspector
from guiapp.core.training.data import load_samples
from guiapp.ui.commands import build_menus
from guiapp.ui.features import PAGES, TABS
from guiapp.ui.frames import FrameDispatch
from guiapp.ui.live.drawing_files import DrawingFiles
from guiapp.ui.live.live_loop import LiveLoop
from guiapp.ui.live.live_page import LivePage
from guiapp.ui.live.picture_intake import PictureIntake
from guiapp.ui.model_switch import ModelSwitch
from guiapp.ui.persistence import Persistence
from guiapp.ui.plotting import ACTIVATION_LUT
from guiapp.ui.settings import default_store
from guiapp.ui.state import WindowState
from guiapp.ui.training.feature import TrainingFeature
from guiapp.ui.window_door import WindowDoor
from guiapp.ui.window_facade import WindowFacade
from guiapp.ui.window_paths import WindowPaths

class MainWindow(QMainWindow, WindowFacade):
    """The live inspector. ``MainWindow()`` opens the shipped model (or the last one used).

    ``paths``: where its caches and trained models go and which digits the Where tab reads (default: the user's).
    """

    resultShown = Signal(object)  # the Update every panel now shows

    def __init__(self, model_path: Path | str | None = None, settings: QSettings | None = None, *,
                 paths: WindowPaths | None = None, trust_model: bool = False,
                 class_names: Path | None = None) -> None:
        super().__init__()
        self.setWindowTitle("guiapp — watch a convolutional network think")
        self.persistence = Persistence(settings if settings is not None else default_store())
        self.paths = paths if paths is not None else WindowPaths.default()
        self.state = WindowState(self)
        self.closed = False
        self._closing_unasked = False  # close_without_asking: a signal closes without the training question
        try:
            self.samples = load_samples(shipped.MNIST_SAMPLES)
        except GuiappError:
            self.samples = None
        self.sample_index = -1

        # ---------------------------------------------------------------- the live page, its loop, the features
        self.door = door = WindowDoor(self)
        self.live_page = LivePage(door, lambda: self.models.open_dialog())
        self.live = door.live = LiveLoop(self.state, self.live_page.canvas, self, ACTIVATION_LUT)
        self.models = ModelSwitch(self, self.state, self.live, self.live_page.model_banner, door.say,
                                  self._on_model_shown, class_names)
        self.pages = QTabWidget()
        self.pages.setObjectName("pages")
        self.pages.setDocumentMode(True)
        self.pages.addTab(self.live_page.widget, self.live_page.title)
        door.features = [self.live_page]
        for make in TABS + PAGES:
            feature = make(door)
            door.features.append(feature)
            (self.pages if feature.is_page else self.live_page.tabs).addTab(feature.widget, feature.title)
        self.setCentralWidget(self.pages)
        self.frames = FrameDispatch(door.features, lambda: self.live.pacer.frame_interval,
                                    lateness=lambda: self.live.pacer.lateness)

        # ---------------------------------------------------------------- menus, files, status bar
        canvas = self.live_page.canvas
        self.files = DrawingFiles(self, canvas, door.say)
        self.intake = PictureIntake(self)
        self.setAcceptDrops(True)  # pictures dropped anywhere on the window: dragEnterEvent, dropEvent
        self.menus = build_menus(self)
        self.status_timing = QLabel("")
        self.statusBar().addWidget(self.status_timing)
        self.statusBar().addPermanentWidget(self.models.status)

        # ---------------------------------------------------------------- wiring
        self.intake.pictureReady.connect(canvas.show_picture)
        self.intake.failed.connect(lambda message: door.say(message, error=True))
        self.live.failed.connect(lambda message: door.say(message, error=True))
        self.live.frameDue.connect(self._on_frame_due)
        self.live.rested.connect(self._on_rest)
        canvas.penWidthChanged.connect(self._on_pen_width_changed)
        self.menus.colourModeChosen.connect(self._on_colour_mode_chosen)
        self.menus.resetLayoutRequested.connect(self.reset_layout)
        self.state.classNamesChanged.connect(lambda _names: self._reshow())
        self.pages.currentChanged.connect(self._on_page_changed)
        self.live_page.tabs.currentChanged.connect(self._on_visibility_changed)

        self.persistence.restore(self)
        self._on_pen_width_changed(canvas.pen_width())
        limit_blas_threads()  # this process' numpy work is small; the other core is the compute process'
        self.models.start_with(model_path, self.persistence.settings.model_path, trust_model)

    # -------------------------------------------------------------------- the model

    def load_model(self, path: Path, trust: bool = False) -> None:
        """Load ``path`` in the background; the window stays usable. ``trust``: let its code run."""
        self.models.load(Path(path), trust)

    def open_picture(self, path: Path) -> bool:
        """Show the picture at ``path`` in place of the drawing (File → Open image…)."""
        return self.intake.open_file(Path(path))

    def _on_model_shown(self, inspector: Inspector, remembered: bool) -> None:
        self.menus.show_model_path(inspector.path)
        if remembered:  # a history's network, shown by the Training page, is a moment, not a choice
            is_default = inspector.path is not None and inspector.path.resolve() == shipped.DEFAULT_MODEL.resolve()
            self.persistence.remember(model_path="" if is_default else str(inspector.path))

    # -------------------------------------------------------------------- updates

    @property
    def _live_in_sight(self) -> bool:
        """The live page, or a page showing its drawing column (the Training page), is the one shown."""
        return self.pages.currentIndex() == 0 or self.live_page.lent

    def _on_frame_due(self, update: Update, moving: bool) -> None:
        """Show the newest update on every feature in sight (the pacer calls at most once per refresh)."""
        self.state.show_update(update)
        if self._live_in_sight:  # others: shown when the live page returns
            self._show(update, moving)
        self.resultShown.emit(update)

    def _show(self, update: Update, moving: bool) -> None:
        self.frames.show(update, moving)
        if not moving:
            self._show_timing(update)

    def _reshow(self) -> None:
        if self.state.update is not None and self._live_in_sight:
            self._show(self.state.update, self.live.moving)

    def _show_timing(self, update: Update) -> None:
        engine = self.inspector.engine.name if self.inspector is not None else ""
        self.status_timing.setText(f"{engine} inference {update.result.seconds * 1000:.1f} ms · "
                                   f"whole update {update.total_seconds * 1000:.1f} ms")

    def _on_rest(self) -> None:
        """The pointer rests: what was deferred while it moved is done now."""
        self.frames.rest(self.state.update if self._live_in_sight else None)
        if self.state.update is not None:
            self._show_timing(self.state.update)

    def _on_visibility_changed(self, *_args: object) -> None:
        # Those going off screen first: a page that lent itself the drawing gives it back before the next borrows it.
        for feature in sorted(self.door.features, key=lambda feature: feature.on_screen):
            feature.visibility_changed()

    def _on_page_changed(self, _index: int) -> None:
        """The drawing's keys act only where the drawing is (the live page, or a page that borrows it)."""
        self._on_visibility_changed()
        self.menus.set_live(self._live_in_sight)
        self._reshow()  # updates that came meanwhile were not shown

    # -------------------------------------------------------------------- settings

    def _on_pen_width_changed(self, width: float) -> None:
        self.menus.show_pen_width(width)
        self.persistence.remember(pen_width=width)

    def _on_colour_mode_chosen(self, mode: str) -> None:
        self.state.colour_mode = mode
        self.persistence.remember(colour_mode=mode)

    def reset_layout(self) -> None:
        """View → Reset layout (Ctrl+Shift+R)."""
        self.persistence.reset(self)

    def save_settings(self) -> None:
        self.persistence.save(self)

    # -------------------------------------------------------------------- closing

    def shutdown(self) -> None:
        """Stop every feature's work, the live loop's thread and its compute process (idempotent)."""
        if self.closed:
            return
        self.closed = True
        self.models.close()
        for feature in self.door.features:
            feature.shutdown()
        self.live.shutdown()

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
        if not self._closing_unasked and not self.feature(TrainingFeature).confirm_close(self):
            event.ignore()
            return
        self.save_settings()
        self.shutdown()
        super().closeEvent(event)
