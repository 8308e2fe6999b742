"""The layer ledger in the window: shapes, parameters, shares, and the formulas with the numbers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from guiapp.core.arithmetic.ledger import Ledger
from guiapp.core.arithmetic.ledger_table import keras_shape, share_text

if TYPE_CHECKING:
    from guiapp.core.model.inference import Inspector

COLUMNS = ("Layer (type)", "Output shape", "Params", "Share")
ERROR_BRUSH = QBrush(QColor("#e53935"))


class LedgerView(QTreeWidget):
    """One row per layer, its formulas underneath; selecting a row emits ``layerSelected``."""

    layerSelected = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ledger")
        self.setColumnCount(len(COLUMNS))
        self.setHeaderLabels(COLUMNS)
        self.setAlternatingRowColors(True)
        self.setUniformRowHeights(False)
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # formulas span all columns
        for column in range(1, len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self._items: dict[str, QTreeWidgetItem] = {}
        self.itemSelectionChanged.connect(self._on_selection_changed)
        self.totals = ""

    def show_model(self, inspector: Inspector) -> None:
        """The ledger of a newly loaded model."""
        self.set_ledger(inspector.ledger)

    def set_ledger(self, ledger: Ledger) -> None:
        self.clear()
        self._items = {}
        for row in ledger.rows:
            item = QTreeWidgetItem([f"{row.name} ({row.kind})", keras_shape(row.output_shape),
                                    f"{row.params:,}", share_text(row)])
            item.setData(0, Qt.ItemDataRole.UserRole, row.name)
            for column in (2, 3):
                item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            for line in (*row.formulas, *([row.note] if row.note else [])):
                child = QTreeWidgetItem([line])
                child.setToolTip(0, line)
                child.setFirstColumnSpanned(True)
                child.setFlags(Qt.ItemFlag.ItemIsEnabled)
                item.addChild(child)
            if row.error:  # an impossible architecture: say why, at the layer where it breaks
                for column in range(len(COLUMNS)):
                    item.setForeground(column, ERROR_BRUSH)
                item.setText(1, "invalid")
                child = QTreeWidgetItem([f"✗ {row.error}"])
                child.setForeground(0, ERROR_BRUSH)
                child.setToolTip(0, row.error)
                child.setFirstColumnSpanned(True)
                child.setFlags(Qt.ItemFlag.ItemIsEnabled)
                item.addChild(child)
            self.addTopLevelItem(item)
            self._items[row.name] = item
        self.totals = (
            f"Total params: {ledger.total_params:,} · trainable {ledger.trainable_params:,} · "
            f"non-trainable {ledger.non_trainable_params:,}"
        )
        total = QTreeWidgetItem([self.totals])
        total.setFirstColumnSpanned(True)
        total.setFlags(Qt.ItemFlag.ItemIsEnabled)
        self.addTopLevelItem(total)
        self.expandAll()

    def select_layer(self, name: str) -> None:
        item = self._items.get(name)
        if item is not None and not item.isSelected():
            self.setCurrentItem(item)
            self.scrollToItem(item)

    def selected_layer(self) -> str | None:
        items = self.selectedItems()
        return items[0].data(0, Qt.ItemDataRole.UserRole) if items else None

    def _on_selection_changed(self) -> None:
        name = self.selected_layer()
        if name:
            self.layerSelected.emit(name)


if __name__ == "__main__":  # look at the panel alone: the seed network's ledger, no TensorFlow needed
    import sys

    from PySide6.QtWidgets import QApplication

    from guiapp.core.arithmetic.ledger import ledger_for_architecture
    from guiapp.core.model.architectures import ARCHITECTURES

    app = QApplication(sys.argv)
    view = LedgerView()
    view.set_ledger(ledger_for_architecture(ARCHITECTURES["mnist_cnn"]))
    view.resize(700, 600)
    view.show()
    sys.exit(app.exec())
