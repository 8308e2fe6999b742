"""The test digits of one confusion-matrix cell, as thumbnails with the network's confidence."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFontMetrics, QIcon, QPixmap
from PySide6.QtWidgets import (
    QLabel,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from guiapp.ui.digit_list import digit_list, thumbnail

MAX_SHOWN = 120  # thumbnails; a cell can hold a thousand digits
ICON_PX = 56  # twice MNIST's 28 pixels: sharp, and nine fit across the tab
ITEM_MIN_W, ITEM_MAX_W = 72, 150  # the item's text decides its width, within these
ITEM_PAD = 16  # around the text inside a grid cell
ITEM_SPACING = 4  # between neighbouring items
INDEX_ROLE = Qt.ItemDataRole.UserRole
PROMPT = "Click a cell of the confusion matrix to see its digits."


def _percent(p: float) -> str:
    """Whole percents, but a small non-zero chance is not '0%'."""
    return "<1%" if 0 < p < 0.005 else f"{p:.0%}"


def _article(name: str) -> str:
    """'a 4' but 'an 8', 'an 11', 'an apple'."""
    vowel = name[:1].lower() in "aeiou8" or name in ("11", "18")
    return f"an {name}" if vowel else f"a {name}"


def _thumbnail(image: np.ndarray) -> QPixmap:
    """The digit at ICON_PX, scaled without smoothing so each pixel stays a crisp square."""
    return thumbnail(image, ICON_PX)


class CellDigits(QWidget):
    """A header saying which cell, then its digits, most confident first; clicking one asks to draw it."""

    digitClicked = Signal(int)  # test-digit index

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.header = QLabel(PROMPT)
        self.header.setWordWrap(True)
        self.list = digit_list(ICON_PX)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.itemClicked.connect(self._clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addWidget(self.list, 1)
        self._shown: tuple[int, ...] = ()

    @property
    def shown(self) -> tuple[int, ...]:
        return self._shown

    def show_cell(self, true: int, answered: int, indices: np.ndarray, images: np.ndarray,
                  probabilities: np.ndarray, class_names: tuple[str, ...]) -> None:
        """List the cell's digits (``indices`` already most confident first), at most MAX_SHOWN of them."""
        indices = np.asarray(indices, np.int64).ravel()
        names = tuple(class_names)
        t, a = names[true], names[answered]
        total = len(indices)
        kept = indices[:MAX_SHOWN]
        lead = f"{t}s read as {a}" if true == answered else f"True {t} read as {a}"
        if total == 0:
            self.header.setText(f"No {t} was read as {a}.")
        elif total > len(kept):
            self.header.setText(f"{lead}: the {len(kept)} most confident of {total:,} digits")
        else:
            self.header.setText(f"{lead}: {total:,} digit{'' if total == 1 else 's'}")
        texts, tips = [], []
        for index in kept:
            p = probabilities[index]
            second = f"{a}: {_percent(float(p[answered]))}"
            if true != answered:
                second += f" · {t}: {_percent(float(p[true]))}"
            texts.append(f"#{index}\n{second}")
            tips.append(f"Test digit {index}: {_article(t)}, read as {a} ({_percent(float(p[answered]))}) · click to draw it")
        cell = self._fit_grid(texts)
        self.list.setUpdatesEnabled(False)
        self.list.clear()
        for index, text, tip in zip(kept, texts, tips):
            item = QListWidgetItem(QIcon(_thumbnail(images[index])), text)
            item.setData(INDEX_ROLE, int(index))
            item.setToolTip(tip)
            item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
            item.setSizeHint(cell)  # the delegate's own hint is a few pixels short and elides the text
            self.list.addItem(item)
        self.list.setCurrentRow(-1)  # no item looks chosen before the user chooses one
        self.list.setUpdatesEnabled(True)
        self._shown = tuple(int(i) for i in kept)

    def _fit_grid(self, texts: list[str]) -> QSize:
        """One grid size for every item, wide enough for the longest text line (within limits); the item size."""
        fm = QFontMetrics(self.list.font())
        text_w = max((fm.horizontalAdvance(line) for s in texts for line in s.split("\n")), default=0)
        width = max(min(max(ICON_PX, text_w) + ITEM_PAD, ITEM_MAX_W), ITEM_MIN_W)
        height = ICON_PX + 2 * fm.lineSpacing() + ITEM_PAD
        self.list.setGridSize(QSize(width, height))
        return QSize(width - ITEM_SPACING, height - ITEM_SPACING)

    def clear(self) -> None:
        self.list.clear()
        self.header.setText(PROMPT)
        self._shown = ()

    def _clicked(self, item: QListWidgetItem) -> None:
        self.digitClicked.emit(int(item.data(INDEX_ROLE)))
