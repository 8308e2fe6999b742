"""The drawing's nearest test digits as a strip of tiles, with the vote they make against the network's answer.

One custom-painted widget rather than 8 labels: the window may call ``show_neighbours`` 60×/s while the
user draws, so a call costs a comparison and, at most, one repaint.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from guiapp.ui.plotting import HIGHLIGHT
from guiapp.ui.where.palette import label_colour

SLOTS = 8  # tiles are sized for at least this many, so fewer neighbours do not blow up
TILE_MAX, TILE_MIN = 56, 28  # 2× and 1× an MNIST digit
MARGIN, GAP, FRAME = 6, 6, 2
VOTE_LINES = 2  # the disagreeing verdict wraps at ~540 px; reserving both lines keeps the tiles still
CACHE_LIMIT = 512  # thumbnails kept; drawing visits a few hundred digits at most, 784 bytes each
BACKGROUND = QColor("#1e1e1e")  # the plots' background: the tiles are white on black like the map's digits
TEXT = QColor("#d0d0d0")
DIM_TEXT = QColor("#a0a0a0")
EMPHASIS = QColor(HIGHLIGHT)


def _article(name: str) -> str:
    """'a' or 'an' before a class name read aloud ("an 8", "an airplane", "a 4")."""
    return "an" if name[:1].lower() in "aeiou8" or name in ("11", "18") else "a"


def _thumbnail(image: np.ndarray) -> QImage:
    """A QImage owning its pixels (grey, or RGB for colour data sets)."""
    pixels = np.ascontiguousarray(image if image.ndim == 2 or image.shape[-1] == 3 else image[..., 0],
                                  dtype=np.uint8)
    height, width = pixels.shape[:2]
    if pixels.ndim == 3:
        return QImage(pixels.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()
    return QImage(pixels.data, width, height, width, QImage.Format.Format_Grayscale8).copy()


class NeighboursView(QWidget):
    """Eight tiles, nearest first, each framed in its true label's colour; a click asks to draw that digit."""

    neighbourClicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        self._images: np.ndarray | None = None
        self._labels: np.ndarray | None = None
        self._names: tuple[str, ...] = ()
        self._cache: dict[int, QImage] = {}
        self._shown: tuple[int, ...] = ()
        self._distances: tuple[str, ...] = ()
        self._vote: tuple[int, int] | None = None
        self._answer: int | None = None
        self._verdict = ""
        self._agree = True
        self._message = ""
        self._hand = False
        self._label_font = QFont(self.font())
        self._label_font.setBold(True)
        self._distance_font = QFont(self.font())
        self._distance_font.setPointSizeF(self.font().pointSizeF() * 0.9)
        self._small_font = QFont(self.font())  # for distances when the tiles shrink to their minimum
        self._small_font.setPointSizeF(self.font().pointSizeF() * 0.75)
        self._bold_font = QFont(self.font())
        self._bold_font.setBold(True)

    # --- data -----------------------------------------------------------------------------------------------
    def set_digits(self, images: np.ndarray, labels: np.ndarray) -> None:
        """The test set the indices refer to; references only, thumbnails are made when first shown."""
        self._images, self._labels = images, np.asarray(labels)
        self._cache.clear()
        self.show_message("")

    def set_class_names(self, names: tuple[str, ...]) -> None:
        """The classes, named: the verdict on screen is said again with them."""
        self._names = tuple(names)
        if self._vote is not None and self._answer is not None:
            self._verdict, self._agree = self._verdict_text(self._vote, self._answer, len(self._shown))
        self.update()

    def show_neighbours(self, indices: np.ndarray, distances: np.ndarray, vote: tuple[int, int],
                        answer: int) -> None:
        """Show the tiles; returns early when nothing on screen would change (distances compared as shown)."""
        shown = tuple(int(i) for i in indices)
        texts = tuple(f"{float(d):.3f}" for d in distances)
        vote = (int(vote[0]), int(vote[1]))
        answer = int(answer)
        if (not self._message and shown == self._shown and texts == self._distances and vote == self._vote
                and answer == self._answer):
            return
        if shown != self._shown or vote != self._vote or answer != self._answer:
            self._verdict, self._agree = self._verdict_text(vote, answer, len(shown))
        self._shown, self._distances, self._vote, self._answer = shown, texts, vote, answer
        self._message = ""
        self.update()

    def show_message(self, text: str) -> None:
        """Replace the tiles by ``text`` (progress, or why the tab cannot work for this model)."""
        if self._message == text and not self._shown:
            return
        self._message, self._shown, self._distances = text, (), ()
        self._vote = self._answer = None
        self._verdict = ""
        self._set_hand(False)
        self.update()

    @property
    def shown(self) -> tuple[int, ...]:
        return self._shown

    @property
    def message(self) -> str:
        """The text shown in place of the tiles ("": the tiles are shown)."""
        return self._message

    @property
    def verdict(self) -> str:
        return self._verdict

    def _name(self, label: int) -> str:
        return self._names[label] if 0 <= label < len(self._names) else str(label)

    def _verdict_text(self, vote: tuple[int, int], answer: int, k: int) -> tuple[str, bool]:
        label, count = vote
        said, voted = self._name(answer), self._name(label)
        if label == answer:
            return f"Nearest test digits: {voted} ({count} of {k}) — the network says {said} too", True
        return (f"The network says {said}, but its nearest test digits say {voted} ({count} of {k}): "
                f"an interesting drawing"), False

    def _thumb(self, index: int) -> QImage:
        image = self._cache.get(index)
        if image is None:
            if len(self._cache) >= CACHE_LIMIT:
                self._cache.clear()
            assert self._images is not None
            image = self._cache[index] = _thumbnail(self._images[index])
        return image

    # --- geometry -------------------------------------------------------------------------------------------
    def _text_heights(self) -> tuple[int, int, int]:
        """Heights of the vote box, the label line and the distance line."""
        return (VOTE_LINES * QFontMetrics(self._bold_font).height(), QFontMetrics(self._label_font).height(),
                QFontMetrics(self._distance_font).height())

    def _height_for(self, tile: int) -> int:
        vote, label, distance = self._text_heights()
        return 2 * MARGIN + vote + 4 + tile + 2 * FRAME + 2 + label + distance

    def sizeHint(self) -> QSize:
        return QSize(540, self._height_for(TILE_MAX))

    def minimumSizeHint(self) -> QSize:
        return QSize(2 * MARGIN + SLOTS * (TILE_MIN + 2 * FRAME + GAP), self._height_for(TILE_MIN))

    def _tile_size(self) -> int:
        slots = max(SLOTS, len(self._shown))
        by_width = (self.width() - 2 * MARGIN) // slots - GAP - 2 * FRAME
        by_height = self.height() - self._height_for(0)
        return max(TILE_MIN, min(TILE_MAX, by_width, by_height))

    def tile_rect(self, i: int) -> QRect:
        """The i-th shown digit's picture, without its frame (the frame is FRAME px around it)."""
        tile, n = self._tile_size(), len(self._shown)
        outer = tile + 2 * FRAME
        x0 = (self.width() - (n * outer + (n - 1) * GAP)) // 2
        y0 = max(0, (self.height() - self._height_for(tile)) // 2) + MARGIN + self._text_heights()[0] + 4
        return QRect(x0 + i * (outer + GAP) + FRAME, y0 + FRAME, tile, tile)

    def _tile_at(self, point: QPoint) -> int | None:
        for i in range(len(self._shown)):
            if self.tile_rect(i).adjusted(-FRAME, -FRAME, FRAME, FRAME).contains(point):
                return i
        return None

    def tooltip_at(self, point: QPoint) -> str:
        """What hovering ``point`` tells: which test digit, its label and distance ("" off the tiles)."""
        i = self._tile_at(point)
        if i is None or self._labels is None:
            return ""
        index, name = self._shown[i], self._name(int(self._labels[self._shown[i]]))
        return f"Test digit {index}: {_article(name)} {name} · distance {self._distances[i]} · click to draw it"

    # --- events ---------------------------------------------------------------------------------------------
    def _set_hand(self, hand: bool) -> None:
        if hand != self._hand:
            self._hand = hand
            if hand:
                self.setCursor(Qt.CursorShape.PointingHandCursor)
            else:
                self.unsetCursor()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        self._set_hand(self._tile_at(event.position().toPoint()) is not None)
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self._set_hand(False)
        super().leaveEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        i = self._tile_at(event.position().toPoint())
        if event.button() == Qt.MouseButton.LeftButton and i is not None:
            self.neighbourClicked.emit(self._shown[i])
            event.accept()
            return
        super().mousePressEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.tooltip_at(event.pos())
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), BACKGROUND)
        inner = self.rect().adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN)
        if not self._shown or self._labels is None:
            painter.setPen(TEXT)
            painter.drawText(inner, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self._message)
            painter.end()
            return
        tile = self._tile_size()
        first = self.tile_rect(0)
        vote_h, label_h, distance_h = self._text_heights()
        vote_box = QRect(inner.left(), first.top() - FRAME - 4 - vote_h, inner.width(), vote_h)
        painter.setFont(self.font() if self._agree else self._bold_font)
        painter.setPen(TEXT if self._agree else EMPHASIS)
        painter.drawText(vote_box, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom
                         | Qt.TextFlag.TextWordWrap, self._verdict)
        slot = tile + 2 * FRAME + GAP
        fits = QFontMetrics(self._distance_font).horizontalAdvance("0.000") + 8 <= slot
        distance_font = self._distance_font if fits else self._small_font
        for i, index in enumerate(self._shown):
            rect = self.tile_rect(i)
            label = int(self._labels[index])
            colour = QColor(label_colour(label))
            painter.fillRect(rect.adjusted(-FRAME, -FRAME, FRAME, FRAME), colour)
            painter.drawImage(rect, self._thumb(index))  # no SmoothPixmapTransform: crisp pixels
            below = QRect(rect.center().x() - slot // 2, rect.bottom() + FRAME + 3, slot, label_h)
            painter.setFont(self._label_font)
            painter.setPen(colour)
            painter.drawText(below, Qt.AlignmentFlag.AlignCenter, QFontMetrics(self._label_font).elidedText(
                self._name(label), Qt.TextElideMode.ElideRight, slot))
            painter.setFont(distance_font)
            painter.setPen(DIM_TEXT)
            painter.drawText(below.translated(0, label_h).adjusted(0, 0, 0, distance_h - label_h),
                             Qt.AlignmentFlag.AlignCenter, self._distances[i])
        painter.end()
