"""The layer ledger in the window: shapes, parameters, shares, and the formulas with the numbers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPainter, QResizeEvent
from PySide6.QtWidgets import (
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from guiapp.core.arithmetic.ledger import Ledger
from guiapp.core.arithmetic.ledger_table import keras_shape, share_text

if TYPE_CHECKING:
    from guiapp.core.model.inference import Inspector

COLUMNS = ("Layer (type)", "Output shape", "Params", "Share")
ERROR_BRUSH = QBrush(QColor("#e53935"))
TEXT_MARGIN = 8  # the style's padding left and right of a cell's text, with room to spare


class _SpannedRowDelegate(QStyledItemDelegate):
    """Sizes a formula row (spanned over every column) to its text wrapped at the view's whole width.

    Qt sizes a spanned row from its first column alone, so a long formula was cut at one line
    ("= …"); here its height is that of the text wrapped in the width it is painted in.
    """

    def __init__(self, view: QTreeWidget) -> None:
        super().__init__(view)
        self._view = view

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802 (Qt's name)
        hint = super().sizeHint(option, index)
        if not self._spanned(index):
            return hint  # a layer's own row: its columns
        width = self.text_width(index)
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        box = option.fontMetrics.boundingRect(QRect(0, 0, width, 100_000), int(Qt.TextFlag.TextWordWrap), text)
        return QSize(hint.width(), max(hint.height(), box.height() + 4))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        if self._spanned(index):  # wrapped in the part of the row on screen, as sizeHint measured it
            option = QStyleOptionViewItem(option)
            option.rect.setRight(min(option.rect.right(), self._view.viewport().width() - 1))
        super().paint(painter, option, index)

    def _spanned(self, index: QModelIndex) -> bool:
        """A formula row or the totals (spanned over every column), not a layer's own row."""
        return index.parent().isValid() or index.row() == self._view.topLevelItemCount() - 1

    def text_width(self, index: QModelIndex) -> int:
        """The width a spanned row's text is wrapped in: the viewport less the tree's indentation."""
        depth = 1 if index.parent().isValid() else 0
        margin = 2 * TEXT_MARGIN + self._view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin)
        return max(40, self._view.viewport().width() - self._view.indentation() * (depth + 1) - margin)


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
        # The name column takes what the others leave, but never less than the longest layer name needs
        # (_fit_name_column): a narrow tab scrolls sideways rather than cutting "conv2d_1" to "conv".
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.sectionResized.connect(self._on_section_resized)
        self._name_width = 0
        for column in range(1, len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.setItemDelegate(_SpannedRowDelegate(self))
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
            item.setToolTip(0, f"{row.name} ({row.kind})")
            for column in (2, 3):
                item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.addTopLevelItem(item)  # first: a span set on an item outside the tree is lost
            for line in (*row.formulas, *([row.note] if row.note else [])):
                child = QTreeWidgetItem([line])
                child.setToolTip(0, line)
                child.setFlags(Qt.ItemFlag.ItemIsEnabled)
                item.addChild(child)
                child.setFirstColumnSpanned(True)
            if row.error:  # an impossible architecture: say why, at the layer where it breaks
                for column in range(len(COLUMNS)):
                    item.setForeground(column, ERROR_BRUSH)
                item.setText(1, "invalid")
                child = QTreeWidgetItem([f"✗ {row.error}"])
                child.setForeground(0, ERROR_BRUSH)
                child.setToolTip(0, row.error)
                child.setFlags(Qt.ItemFlag.ItemIsEnabled)
                item.addChild(child)
                child.setFirstColumnSpanned(True)
            self._items[row.name] = item
        self.totals = (
            f"Total params: {ledger.total_params:,} · trainable {ledger.trainable_params:,} · "
            f"non-trainable {ledger.non_trainable_params:,}"
        )
        total = QTreeWidgetItem([self.totals])
        total.setFlags(Qt.ItemFlag.ItemIsEnabled)
        self.addTopLevelItem(total)
        total.setFirstColumnSpanned(True)
        self.expandAll()
        metrics = self.fontMetrics()
        self._name_width = max((metrics.horizontalAdvance(f"{row.name} (") for row in ledger.rows), default=0) \
            + self.indentation() + 2 * TEXT_MARGIN
        self._fit_name_column()

    def _fit_name_column(self) -> None:
        """The name column: the width the other columns leave, at least that of the longest layer name."""
        header = self.header()
        others = sum(header.sectionSize(column) for column in range(1, len(COLUMNS)))
        width = max(self._name_width, self.viewport().width() - others)
        if header.sectionSize(0) != width:
            header.resizeSection(0, width)

    def _on_section_resized(self, column: int, _old: int, _new: int) -> None:
        if column:  # a number column grew to its content: the name column gives or takes the difference
            self._fit_name_column()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._fit_name_column()
        self.scheduleDelayedItemsLayout()  # the formulas wrap anew at the new width

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
