"""Which model the live view shows: opening one (a file dialog, the Model menu, the command line), asking
before a file's code may run, naming its classes, and saying in the banner and the status bar what happened.

The model itself is read in the worker's thread (the window stays usable); when it arrives it goes into the
state, which every feature follows. A model shown by the Training page as a moment of its run is not
remembered as the last model (:meth:`~guiapp.ui.state.WindowState.is_transient`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QSize, Qt, QTimer
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QFileDialog, QLabel, QWidget

from guiapp import paths as shipped
from guiapp.core.errors import GuiappError
from guiapp.core.model.class_names import read_class_names
from guiapp.core.model.inference import Inspector
from guiapp.core.model.modelcard import card_accuracy
from guiapp.ui.live.live_loop import LiveLoop
from guiapp.ui.model_banner import ModelBanner
from guiapp.ui.state import WindowState


MODEL_LOAD_DELAY_MS = 60  # after the first paint: the window appears before the model is read
STATUS_MAX_PX = 420  # the model label's widest: the rest of a 1280 px status bar is for the hover text
STATUS_MIN_PX = 160  # its narrowest, on a smaller window
STATUS_GAP_PX = 16  # between the status bar's message and the model label, so they never run together


class ElidedLabel(QLabel):
    """A one-line label at most ``STATUS_MAX_PX`` wide: a longer text loses its middle to "…" (a path keeps its
    start and its file name), the whole text in the tooltip. ``text()`` is the whole text."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMaximumWidth(STATUS_MAX_PX)
        self.setContentsMargins(STATUS_GAP_PX, 0, 0, 0)
        self.setText(text)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's name)
        super().setText(text)
        self.setToolTip(text)

    def shown_text(self) -> str:
        """The text as painted, elided to the width the label has."""
        width = self.contentsRect().width()
        return self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideMiddle, max(width, 0))

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        hint = super().sizeHint()
        return QSize(min(hint.width(), STATUS_MAX_PX), hint.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(min(super().sizeHint().width(), STATUS_MIN_PX), super().minimumSizeHint().height())

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.setPen(self.palette().windowText().color())
        painter.drawText(self.contentsRect(), int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                         self.shown_text())


def _is_file(path: Path) -> bool:
    """``path.is_file()``, False for a path the file system refuses (too long, a NUL byte)."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


class ModelSwitch(QObject):
    """Loads models into the live loop and the state; ``banner`` says how it went. ``say(message, error)`` writes
    the status bar;
    ``loaded(inspector, remembered)`` is told of each model shown (the menus, the settings)."""

    def __init__(self, parent: QWidget, state: WindowState, live: LiveLoop, banner: ModelBanner,
                 say: Callable[..., None], loaded: Callable[[Inspector, bool], None],
                 class_names: Path | None = None) -> None:
        super().__init__(parent)
        self._parent, self.state, self.live, self.say, self._loaded = parent, state, live, say, loaded
        self.banner = banner  # above the feature maps: loading, failed, or what of the card was ignored
        self.ask_trust: Callable[[Path], bool] | None = None  # may a file's code run? (None: the banner asks)
        self.status = ElidedLabel("")  # the model's path and accuracy, at the status bar's right (elided)
        self.requested: Path | None = None
        self.class_names_error: str | None = None  # why the last class-names file was refused
        self._class_names_file = class_names  # --classes FILE: applied to the first model that loads
        self._closed = False
        self._initial = None
        live.modelLoaded.connect(self._on_loaded)
        live.modelFailed.connect(self._on_failed)
        live.modelNeedsTrust.connect(self._on_needs_trust)

    @property
    def error(self) -> str | None:
        """Why the last model asked for could not be loaded; None once one is."""
        return self.banner.error

    def start_with(self, asked: Path | str | None, saved: str, trust: bool = False) -> None:
        """The first model: ``asked`` (the command line's), else the one ``saved`` as last used if it is still
        there, else the shipped one — read once the window has painted (and TensorFlow's import, for a model only
        Keras runs, waits for it too). A model asked for meanwhile replaces it."""
        chosen = Path(asked or saved or shipped.DEFAULT_MODEL)
        if asked is None and not _is_file(chosen):
            chosen = shipped.DEFAULT_MODEL
        self.status.setText(f"loading {chosen}")
        self._initial: tuple[Path, bool] | None = (chosen, trust)
        QTimer.singleShot(MODEL_LOAD_DELAY_MS, self._load_initial)

    def _load_initial(self) -> None:
        if self._initial is not None and not self._closed:
            self.load(*self._initial)

    def load(self, path: Path, trust: bool = False) -> None:
        """Load ``path`` in the background; the window stays usable. ``trust``: let its code run."""
        self._initial = None  # a model asked for before the start-up one replaces it
        self.banner.loading(path)
        self.status.setText(f"loading {path}")
        self.requested = Path(path)
        self.live.load(Path(path), trust)

    def open_dialog(self) -> None:
        start = str(self.requested.parent if self.requested else shipped.MODELS_DIR)
        name, _ = QFileDialog.getOpenFileName(self._parent, "Open a Keras model", start, "Keras models (*.keras *.h5)")
        if name:
            self.load(Path(name))

    def _on_loaded(self, inspector: Inspector) -> None:
        if self._closed:  # a signal queued before the window closed
            return
        self.banner.loaded(inspector.card_notes)  # a card field ignored: said above the maps, not in a dialog
        if self._class_names_file is not None:  # named before any view shows the model
            path, self._class_names_file = self._class_names_file, None
            names = self._read_class_names(path, inspector)
            if names is not None:
                inspector.set_class_names(names)
        transient = self.state.is_transient(inspector.path)
        self.state.inspector = inspector  # every feature follows, names first
        score = card_accuracy(inspector.card)
        accuracy = f" · {score:.2%} test accuracy" if score is not None else ""
        self.status.setText(f"model: {inspector.path}{accuracy}" if not transient else
                            f"model: {inspector.ledger.name}, the Training page's network "
                            f"(history {inspector.path.parent.name})")
        self._loaded(inspector, not transient)
        self.live.model_shown()

    def _on_failed(self, message: str) -> None:
        if not self._closed:
            self.status.setText("no model")
            self.banner.failed(message)

    def _on_needs_trust(self, path: str, message: str) -> None:
        """The file holds Python code that would run as it loads: ask, naming the risk."""
        if self._closed:
            return
        ask = self.ask_trust or self.banner.confirm_trust
        if ask(Path(path)):
            self.live.load(Path(path), trust=True)
        else:
            self._on_failed(message)

    def class_names_dialog(self) -> None:
        if self.state.inspector is None:
            return
        name, _ = QFileDialog.getOpenFileName(self._parent, "Class names, one per line", "",
                                              "Class names (*.txt *.json);;All files (*)")
        if name:
            self.set_class_names_from(Path(name))

    def set_class_names_from(self, path: Path) -> bool:
        """Name the classes from ``path`` (every view follows the state); the status bar says what is wrong."""
        inspector = self.state.inspector
        names = self._read_class_names(path, inspector) if inspector is not None else None
        if names is None:
            return False
        self.state.class_names = names
        self.say(f"class names from {path}")
        return True

    def _read_class_names(self, path: Path, inspector: Inspector) -> tuple[str, ...] | None:
        try:
            names = read_class_names(path, inspector.num_classes)
        except GuiappError as exc:
            self.class_names_error = str(exc)
            self.say(str(exc), error=True)
            return None
        self.class_names_error = None
        return names

    def close(self) -> None:
        self._closed = True
