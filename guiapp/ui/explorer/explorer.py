"""The architecture explorer: edit a network's layers and watch shapes, parameters and formulas follow.

Nothing is trained: every edit re-runs :func:`~guiapp.core.arithmetic.ledger.ledger_for_architecture`
(pure arithmetic, instant). An impossible network is shown broken at the layer where it
breaks, with the reason. Edits are undoable (Qt's undo stack), and an edited network
can be saved as JSON and trained with ``guiapp train --arch FILE.json``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from guiapp.core.arithmetic.ledger import Ledger, ledger_for_architecture
from guiapp.core.errors import GuiappError
from guiapp.core.model import arch_edit
from guiapp.core.model.architectures import (
    ARCHITECTURES,
    DEFAULT_ARCHITECTURE,
    MNIST_INPUT_SHAPE,
    Architecture,
    LayerSpec,
)
from guiapp.ui.explorer.comparison import NOT_COMPUTED, comparison_text
from guiapp.ui.explorer.layer_settings import LayerSettingsForm
from guiapp.ui.ledger.ledger_view import LedgerView
from guiapp.ui.explorer.share_chart import ShareChart

if TYPE_CHECKING:
    from guiapp.core.model.inference import Inspector

OPENED = "opened"  # the seed box's entry for the model open in the live page
_KERAS_BOOKKEEPING = ("name", "trainable", "dtype", "batch_input_shape", "data_format")


def architecture_of(inspector: Inspector) -> Architecture:
    """The opened model's layers as an editable architecture (its settings, not Keras' bookkeeping)."""
    layers = tuple(
        LayerSpec(info.kind, info.name, {key: value for key, value in info.config.items()
                                         if key not in _KERAS_BOOKKEEPING
                                         and not key.endswith(("_initializer", "_regularizer", "_constraint"))})
        for info in inspector.layer_infos if info.kind != "InputLayer"
    )
    name = inspector.path.stem if inspector.path is not None else "opened_model"
    return Architecture(name, layers, tuple(inspector.input_shape), f"the layers of {name}")


def layer_text(spec: LayerSpec) -> str:
    """``conv2d_1 — Conv2D 64 3×3 relu`` for the layer list."""
    cfg = spec.config
    parts: list[str] = []
    if spec.kind == "Conv2D":
        parts.append(f"{cfg.get('filters')} filters {_pair_text(cfg.get('kernel_size'))}")
    if spec.kind in ("MaxPooling2D", "AveragePooling2D"):
        parts.append(_pair_text(cfg.get("pool_size")))
    if spec.kind == "Dense":
        parts.append(f"{cfg.get('units')} units")
    if spec.kind == "Dropout":
        parts.append(f"rate {cfg.get('rate')}")
    strides = cfg.get("strides")
    if strides not in (None, (1, 1), 1) and spec.kind == "Conv2D":
        parts.append(f"stride {_pair_text(strides)}")
    if cfg.get("padding") == "same":
        parts.append("same")
    if cfg.get("activation") not in (None, "linear"):
        parts.append(str(cfg["activation"]))
    return f"{spec.name} — {spec.kind} {' '.join(parts)}".rstrip()


def _pair_text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return f"{value[0]}×{value[1]}"
    return f"{value}×{value}" if value is not None else "?"


class _Edit(QUndoCommand):
    """One change of the architecture; consecutive changes of the same setting merge into one step."""

    def __init__(self, explorer: ArchitectureExplorer, before: Architecture, after: Architecture, text: str,
                 merge_key: tuple | None = None, select: int | None = None) -> None:
        super().__init__(text)
        self.explorer, self.before, self.after = explorer, before, after
        self.merge_key, self.select = merge_key, select

    def redo(self) -> None:
        self.explorer._apply(self.after, self.select)

    def undo(self) -> None:
        self.explorer._apply(self.before, self.select)

    def id(self) -> int:
        return 1 if self.merge_key else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, _Edit) or other.merge_key != self.merge_key:
            return False
        self.after = other.after
        return True


class ArchitectureExplorer(QWidget):
    """Start from a seed network, edit it, read the ledger; see the module docstring."""

    trainRequested = Signal(object)  # the Architecture to train on the Training page

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("explorer")
        self.undo_stack = QUndoStack(self)
        self.architecture: Architecture = ARCHITECTURES[DEFAULT_ARCHITECTURE]
        self.baseline: Architecture = self.architecture
        self.ledger: Ledger = ledger_for_architecture(self.architecture)
        self.selected = 0
        self.saved_path: Path | None = None
        self.opened: Architecture | None = None  # the live page's model, offered as a start

        self.seed_box = QComboBox()
        self.seed_box.addItems(list(ARCHITECTURES))
        self.seed_box.setToolTip("Start again from one of the networks in the articles this app was made from")
        self.undo_button = QPushButton("Undo")
        self.redo_button = QPushButton("Redo")
        self.save_button = QPushButton("Save…")
        self.save_button.setToolTip("Save as JSON, to train with guiapp train --arch FILE.json")
        self.train_button = QPushButton("Train this network")
        self.train_button.setToolTip("Open it on the Training page and watch its kernels form (Ctrl+4)")
        top = QHBoxLayout()
        top.addWidget(QLabel("Start from"))
        top.addWidget(self.seed_box)
        top.addStretch(1)
        for button in (self.undo_button, self.redo_button, self.save_button, self.train_button):
            top.addWidget(button)

        self.layer_list = QListWidget()
        self.layer_list.setObjectName("layer_list")
        self.kind_box = QComboBox()
        self.kind_box.addItems(list(arch_edit.PALETTE))
        self.add_button = QPushButton("Add after")
        self.remove_button = QPushButton("Remove")
        self.up_button = QPushButton("▲")
        self.down_button = QPushButton("▼")
        palette = QHBoxLayout()
        palette.addWidget(self.kind_box, 1)
        palette.addWidget(self.add_button)
        moves = QHBoxLayout()
        for button in (self.remove_button, self.up_button, self.down_button):
            moves.addWidget(button)
        self.editor = LayerSettingsForm()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel("<b>Layers</b> (select one to edit it)"))
        left_layout.addWidget(self.layer_list, 1)
        left_layout.addLayout(palette)
        left_layout.addLayout(moves)
        left_layout.addWidget(self.editor)

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.comparison = QLabel()
        self.comparison.setWordWrap(True)
        self.ledger_view = LedgerView()
        self.chart = ShareChart()
        self.chart.setMinimumHeight(160)
        right_split = QSplitter(Qt.Orientation.Vertical)
        right_split.addWidget(self.ledger_view)
        right_split.addWidget(self.chart)
        right_split.setSizes([480, 200])
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.status)
        right_layout.addWidget(self.comparison)
        right_layout.addWidget(right_split, 1)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([330, 800])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)

        self.seed_box.activated.connect(self._on_seed_chosen)
        self.undo_button.clicked.connect(self.undo_stack.undo)
        self.redo_button.clicked.connect(self.undo_stack.redo)
        self.undo_stack.canUndoChanged.connect(self.undo_button.setEnabled)
        self.undo_stack.canRedoChanged.connect(self.redo_button.setEnabled)
        self.save_button.clicked.connect(self.save_dialog)
        self.train_button.clicked.connect(lambda: self.trainRequested.emit(self.architecture))
        self.layer_list.currentRowChanged.connect(self._on_row_changed)
        self.editor.edited.connect(self._edit)
        self.add_button.clicked.connect(lambda: self.insert_layer(self.selected + 1, self.kind_box.currentText()))
        self.remove_button.clicked.connect(lambda: self.remove_layer(self.selected))
        self.up_button.clicked.connect(lambda: self.move_layer(self.selected, -1))
        self.down_button.clicked.connect(lambda: self.move_layer(self.selected, 1))
        for keys, slot in ((QKeySequence.StandardKey.Undo, self.undo_stack.undo),
                           (QKeySequence("Ctrl+Shift+Z"), self.undo_stack.redo)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self.undo_button.setEnabled(False)
        self.redo_button.setEnabled(False)
        self._apply(self.architecture, 0)

    # ------------------------------------------------------------------ edits (public API)

    def show_model(self, inspector: Inspector) -> None:
        """Offer the model opened in the live page as a start; start from it unless edits are under way."""
        self.opened = architecture_of(inspector)
        label = f"the opened model ({self.opened.name}, {'×'.join(map(str, self.opened.input_shape))})"
        if self.seed_box.itemData(0) == OPENED:
            self.seed_box.setItemText(0, label)
        else:
            self.seed_box.insertItem(0, label, OPENED)
        if self.undo_stack.count() == 0:  # nothing edited yet: the opened model is the natural start
            self.baseline = self.opened
            self.seed_box.setCurrentIndex(0)
            self._apply(self.opened, 0)

    def load_seed(self, name: str) -> None:
        """Start again from a seed network (or, for ``OPENED``, the opened model); undoable."""
        arch = self.opened if name == OPENED and self.opened is not None else ARCHITECTURES[name]
        self._push(arch, f"Start from {arch.name}", select=0)
        self.baseline = arch
        self._refresh_comparison()

    def _on_seed_chosen(self, index: int) -> None:
        self.load_seed(self.seed_box.itemData(index) or self.seed_box.itemText(index))

    def set_layer_setting(self, index: int, key: str, value: Any) -> None:
        after = arch_edit.set_setting(self.architecture, index, key, value)
        self._push(after, f"{self.architecture.layers[index].name}: {key} = {value}", (index, key), select=index)

    def insert_layer(self, index: int, kind: str) -> None:
        index = min(max(index, 0), len(self.architecture.layers))
        self._push(arch_edit.insert_layer(self.architecture, index, kind), f"Add {kind}", select=index)

    def remove_layer(self, index: int) -> None:
        if len(self.architecture.layers) <= 1:
            return
        name = self.architecture.layers[index].name
        self._push(arch_edit.remove_layer(self.architecture, index), f"Remove {name}",
                   select=min(index, len(self.architecture.layers) - 2))

    def move_layer(self, index: int, delta: int) -> None:
        target = min(max(index + delta, 0), len(self.architecture.layers) - 1)
        if target != index:
            self._push(arch_edit.move_layer(self.architecture, index, delta), "Move layer", select=target)

    def select_layer(self, index: int) -> None:
        self.layer_list.setCurrentRow(index)

    def save(self, path: Path | str, *, force: bool = False) -> Path:
        """Write the current architecture as JSON (atomically); refuses to overwrite unless ``force``."""
        self.saved_path = arch_edit.save_architecture(self.architecture, path, force=force)
        self._refresh_status()
        return self.saved_path

    def save_dialog(self) -> None:
        start = str((self.saved_path.parent if self.saved_path else Path.cwd()) / arch_edit.default_file_name(
            self.architecture))
        name, _ = QFileDialog.getSaveFileName(self, "Save the architecture", start,
                                              "Architecture JSON (*.json)")
        if not name:
            return
        try:  # Qt's dialog has already asked before replacing an existing file
            self.save(Path(name), force=True)
        except (GuiappError, OSError) as exc:
            QMessageBox.warning(self, "Not saved", str(exc))

    # ------------------------------------------------------------------ internals

    def _push(self, after: Architecture, text: str, merge_key: tuple | None = None, select: int | None = None):
        self.undo_stack.push(_Edit(self, self.architecture, after, text, merge_key, select))

    def _apply(self, arch: Architecture, select: int | None) -> None:
        """Show ``arch`` (called by the undo commands)."""
        self.architecture = arch
        self.ledger = ledger_for_architecture(arch)
        self.layer_list.blockSignals(True)
        if self.layer_list.count() != len(arch.layers):
            self.layer_list.clear()
            self.layer_list.addItems([layer_text(spec) for spec in arch.layers])
        else:
            for i, spec in enumerate(arch.layers):
                self.layer_list.item(i).setText(layer_text(spec))
        broken = next((i for i, row in enumerate(self.ledger.rows) if row.error), None)
        for i in range(self.layer_list.count()):
            item = self.layer_list.item(i)
            computed = i < len(self.ledger.rows)
            item.setForeground(Qt.GlobalColor.red if i == broken else self.palette().text().color() if computed
                               else self.palette().placeholderText().color())
            item.setToolTip(self.ledger.rows[i].error or "" if computed else NOT_COMPUTED)
        index = select if select is not None else self.selected
        self.selected = min(max(index, 0), len(arch.layers) - 1)
        self.layer_list.setCurrentRow(self.selected)
        self.layer_list.blockSignals(False)
        self.ledger_view.set_ledger(self.ledger)
        self.chart.set_ledger(self.ledger)
        self._sync_editor()
        self._refresh_status()
        self._refresh_comparison()

    def _on_row_changed(self, row: int) -> None:
        if row >= 0:
            self.selected = row
            self._sync_editor()
            name = self.architecture.layers[row].name
            self.ledger_view.select_layer(name)

    def _sync_editor(self) -> None:
        spec = self.architecture.layers[self.selected]
        self.editor.show_layer(self.selected, spec)

    @property
    def _editors(self) -> dict[str, Any]:
        return self.editor.editors

    def _edit(self, key: str, value: Any) -> None:
        try:
            self.set_layer_setting(self.selected, key, value)
        except (ValueError, KeyError) as exc:
            self.status.setText(f"<span style='color:#e53935'>{exc}</span>")

    def _refresh_status(self) -> None:
        ledger = self.ledger
        problem = None if ledger.error else arch_edit.training_problem(self.architecture, ledger)
        self.train_button.setEnabled(not ledger.error and problem is None)
        if ledger.error:
            text = f"<span style='color:#e53935'><b>Invalid</b> at {ledger.error}</span>"
        else:
            text = f"<b>{ledger.total_params:,} parameters</b>"
            shape = tuple(self.architecture.input_shape)
            if shape != MNIST_INPUT_SHAPE:  # guiapp train (and the architecture files) take MNIST digits
                text += (f" · <span style='color:#e0a000'>a {'×'.join(map(str, shape))} input: guiapp train "
                         "trains 28×28×1 digit classifiers only, so this one is for reading, not training</span>")
            elif problem:
                text += f" · <span style='color:#e0a000'>builds, but cannot be trained as a digit classifier: " \
                        f"{problem}</span>"
            else:
                where = self.saved_path or Path(arch_edit.default_file_name(self.architecture))
                text += (f" · train it here (Train this network), or: <code>guiapp train --arch {where} "
                         f"--out {arch_edit.suggested_model_path(where)}</code>"
                         + ("" if self.saved_path else " (Save… first)"))
        self.status.setText(text)

    def _refresh_comparison(self) -> None:
        if hasattr(self, "baseline"):
            self.comparison.setText(comparison_text(self.baseline, self.architecture, self.ledger))


if __name__ == "__main__":  # look at the explorer alone
    import sys

    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    explorer = ArchitectureExplorer()
    explorer.resize(1200, 800)
    explorer.show()
    sys.exit(app.exec())
