"""The Compare page's top line: A (the live model) against B, and what B is — a shipped model, a file,
A's randomised twin (how many layers from the top, which seed), or a training snapshot (which one)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QSlider,
    QSpinBox,
    QWidget,
)

from guiapp.core.errors import GuiappError
from guiapp.core.training.history import TrainingHistory
from guiapp.paths import MODELS_DIR
from guiapp.ui.compare.choice import FILE, SNAPSHOT, TWIN, Choice

OPEN_FILE, OPEN_HISTORY = "open-file", "open-history"  # combo entries that ask for a path first
MAX_SEED = 9_999


def _key(kind: str, path: Path | None = None) -> str:
    """A combo entry's data: its kind, and its path after a colon (plain strings compare by value in Qt)."""
    return kind if path is None else f"{kind}:{Path(path).resolve()}"


def _parse(key: str | None) -> tuple[str, Path | None]:
    kind, colon, path = (key or "").partition(":")
    return kind, Path(path) if colon else None


class ChoiceBar(QWidget):
    """``choiceChanged(Choice)`` when B changes; ``openFileRequested`` / ``openHistoryRequested`` before the
    file dialogs ask for a path; ``failed`` (one line) when a history cannot be read."""

    choiceChanged = Signal(object)
    openFileRequested = Signal()
    openHistoryRequested = Signal()
    failed = Signal(str)

    def __init__(self, shipped: list[Path], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.a_label = QLabel("A: —")
        self.a_label.setObjectName("compare_a")
        self.combo = QComboBox()
        self.combo.setObjectName("compare_b")
        self.combo.setToolTip("What to compare the live model (A) with")
        for path in shipped:
            self.combo.addItem(path.stem, _key(FILE, path))
        self.combo.addItem("A's randomised twin", TWIN)
        self.combo.addItem("a model file…", OPEN_FILE)
        self.combo.addItem("a training snapshot…", OPEN_HISTORY)
        self.combo.activated.connect(self._on_activated)
        self.twin_label = QLabel("re-initialise the top")
        self.layers = QSlider(Qt.Orientation.Horizontal)
        self.layers.setObjectName("twin_layers")
        self.layers.setRange(0, 4)
        self.layers.setValue(1)
        self.layers.setFixedWidth(110)
        self.layers.setPageStep(1)
        self.layers.setToolTip("How many weighted layers, from the top down, get random weights (Adebayo et al. 2018)")
        self.layers_text = QLabel("")
        self.seed = QSpinBox()
        self.seed.setRange(0, MAX_SEED)
        self.seed.setPrefix("seed ")
        self.snapshot = QSlider(Qt.Orientation.Horizontal)
        self.snapshot.setObjectName("snapshot")
        self.snapshot.setFixedWidth(160)
        self.snapshot_text = QLabel("")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(self.a_label)
        layout.addWidget(QLabel("  against  B:"))
        layout.addWidget(self.combo)
        for widget in (self.twin_label, self.layers, self.layers_text, self.seed, self.snapshot, self.snapshot_text):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.layers.valueChanged.connect(self._on_twin_changed)
        self.seed.valueChanged.connect(self._on_twin_changed)
        self.snapshot.valueChanged.connect(self._on_snapshot_changed)
        self._history: Path | None = None
        self._snapshots: list[str] = []
        self.choice: Choice | None = None
        self._show_controls(None)
        self.openFileRequested.connect(self._ask_file)
        self.openHistoryRequested.connect(self._ask_history)

    # ------------------------------------------------------------------ shown

    def show_a(self, name: str) -> None:
        self.a_label.setText(f"<b>A:</b> {name}")

    def set_weighted_layers(self, names: tuple[str, ...]) -> None:
        """A's weighted layers: the twin's slider runs from none to all of them."""
        self.layers.blockSignals(True)
        self.layers.setRange(0, len(names))
        self.layers.blockSignals(False)
        self._names = names
        self._say_layers()

    def _say_layers(self) -> None:
        names = getattr(self, "_names", ())
        k = self.layers.value()
        top = ", ".join(reversed(names[len(names) - k:])) if k else "none"
        self.layers.setToolTip(f"re-initialised: {top}")
        self.layers_text.setText(f"{k} of {len(names)}")

    def set_history(self, folder: Path, snapshots: list[str]) -> None:
        """A history opened: its snapshots on the slider (``snapshots``: a line each), the first chosen."""
        self._history, self._snapshots = folder, snapshots
        self.snapshot.blockSignals(True)
        self.snapshot.setRange(0, max(len(snapshots) - 1, 0))
        self.snapshot.setValue(0)
        self.snapshot.blockSignals(False)
        index = self.combo.findData(_key(SNAPSHOT, folder))
        if index < 0:
            self.combo.insertItem(self.combo.count() - 2, f"{folder.name} (history)", _key(SNAPSHOT, folder))
            index = self.combo.findData(_key(SNAPSHOT, folder))
        self.combo.setCurrentIndex(index)
        self._on_snapshot_changed(0)

    def add_file(self, path: Path) -> None:
        """A model file opened: listed, and chosen."""
        index = self.combo.findData(_key(FILE, path))
        if index < 0:
            self.combo.insertItem(self.combo.count() - 3, path.name, _key(FILE, path))
            index = self.combo.findData(_key(FILE, path))
        self.combo.setCurrentIndex(index)
        self._choose(Choice(FILE, path))

    def choose_file(self, path: Path) -> None:
        """Choose a listed (or new) model file as B."""
        self.add_file(path)

    def choose_twin(self, layers: int, seed: int = 0) -> None:
        self.combo.setCurrentIndex(self.combo.findData(TWIN))
        self.layers.blockSignals(True)
        self.seed.blockSignals(True)
        self.layers.setValue(layers)
        self.seed.setValue(seed)
        self.layers.blockSignals(False)
        self.seed.blockSignals(False)
        self._on_twin_changed()

    def _ask_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Compare with a model", str(MODELS_DIR),
                                              "Keras models (*.keras *.h5);;All files (*)")
        if path:
            self.add_file(Path(path))

    def _ask_history(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Compare with a training snapshot")
        if folder:
            self.open_history(Path(folder))

    def open_history(self, folder: Path) -> str | None:
        """B: the history at ``folder``, its first snapshot; a one-line problem if it cannot be read (returned,
        and ``failed``)."""
        try:
            history = TrainingHistory.open(folder)
        except GuiappError as exc:
            self.failed.emit(str(exc))
            return str(exc)
        self.set_history(Path(folder), [f"step {s.step:,} (epoch {s.epoch:.2f})" for s in history.snapshots])
        return None

    # ------------------------------------------------------------------ chosen

    def _on_activated(self, index: int) -> None:
        kind, path = _parse(self.combo.itemData(index))
        if kind == OPEN_FILE:
            self._restore_combo()
            self.openFileRequested.emit()
        elif kind == OPEN_HISTORY:
            self._restore_combo()
            self.openHistoryRequested.emit()
        elif kind == TWIN:
            self._on_twin_changed()
        elif kind == SNAPSHOT:
            self._history = path
            self._on_snapshot_changed(self.snapshot.value())
        else:
            self._choose(Choice(FILE, path))

    def show_choice(self, choice: Choice) -> None:
        """Say ``choice`` is B (the one that stayed when another failed), without choosing anew."""
        self.choice = choice
        self._restore_combo()
        self._show_controls(choice.kind)

    def _restore_combo(self) -> None:
        """Back to what B is until the dialog gives a path (nothing, if it is cancelled)."""
        choice = self.choice
        if choice is None:
            return
        index = self.combo.findData(_key(choice.kind, choice.path))
        if index >= 0:
            self.combo.setCurrentIndex(index)

    def _on_twin_changed(self, *_args: object) -> None:
        self._say_layers()
        if self.combo.currentData() == TWIN:
            self._choose(Choice(TWIN, layers=self.layers.value(), seed=self.seed.value()))

    def _on_snapshot_changed(self, index: int) -> None:
        if self._snapshots:
            self.snapshot_text.setText(self._snapshots[min(index, len(self._snapshots) - 1)])
        kind, _path = _parse(self.combo.currentData())
        if kind == SNAPSHOT and self._history is not None:
            self._choose(Choice(SNAPSHOT, self._history, snapshot=index))

    def _choose(self, choice: Choice) -> None:
        self._show_controls(choice.kind)
        if choice != self.choice:
            self.choice = choice
            self.choiceChanged.emit(choice)

    def _show_controls(self, kind: str | None) -> None:
        for widget in (self.twin_label, self.layers, self.layers_text, self.seed):
            widget.setVisible(kind == TWIN)
        for widget in (self.snapshot, self.snapshot_text):
            widget.setVisible(kind == SNAPSHOT)
