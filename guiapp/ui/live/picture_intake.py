"""Pictures into the window: File → Open image…, drag and drop, paste.

Each way ends in ``pictureReady(PictureInput)`` or, for anything that is not a usable picture,
``failed(message)`` with one line naming the file and the problem; the window stays as it was.
Files are read by :func:`guiapp.core.drawing.images.load_picture` (bounded: decompression bombs,
huge or disguised ``.npy`` files are refused unread); a pasted or dropped image is held to the
same bounds.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QMimeData, QObject, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication, QImage, QPainter
from PySide6.QtWidgets import QFileDialog, QWidget

from guiapp.core.drawing.images import (
    MAX_PIXELS,
    MAX_WORKING_SIDE,
    as_picture,
    load_picture,
)
from guiapp.core.errors import GuiappError
from guiapp.core.live.live_update import PictureInput

FILE_FILTER = "Pictures (*.png *.jpg *.jpeg *.bmp *.gif *.webp *.tif *.tiff *.npy);;All files (*)"


class PictureIntake(QObject):
    """Turns files, drops and the clipboard into :class:`PictureInput` for the canvas."""

    pictureReady = Signal(object)  # PictureInput
    failed = Signal(str)  # one line

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._parent = parent
        self.last_folder = ""

    # ----------------------------------------------------------------- the three ways in

    def open_dialog(self) -> None:
        """Ask for a picture file (File → Open image…, Ctrl+I)."""
        path, _ = QFileDialog.getOpenFileName(self._parent, "Open a picture", self.last_folder, FILE_FILTER)
        if path:
            self.open_file(Path(path))

    def open_file(self, path: Path) -> bool:
        """Read ``path`` as a picture; ``pictureReady`` or ``failed`` follows. True when it was read."""
        self.last_folder = str(Path(path).parent)
        try:
            picture = load_picture(path)
        except GuiappError as exc:
            self.failed.emit(str(exc))
            return False
        self.pictureReady.emit(PictureInput(picture, Path(path).name))
        return True

    def paste(self) -> bool:
        """Take a picture from the clipboard (Ctrl+V): image data, or a picture file copied in a file manager."""
        return self.take_mime(QGuiApplication.clipboard().mimeData(), "the clipboard")

    def take_mime(self, mime: QMimeData | None, where: str) -> bool:
        """A picture from dragged or pasted data; ``failed`` names ``where`` when there is none."""
        if mime is not None and mime.hasUrls():
            files = [url.toLocalFile() for url in mime.urls() if url.isLocalFile()]
            if files:
                return self.open_file(Path(files[0]))
        if mime is not None and mime.hasImage():
            image = QImage(mime.imageData())
            if not image.isNull():
                return self.take_image(image, f"picture from {where}")
        self.failed.emit(f"{where} holds no picture: copy an image or a picture file, then paste")
        return False

    def take_image(self, image: QImage, name: str) -> bool:
        """A QImage (pasted or dropped) as a picture, held to the same bounds as files."""
        if image.width() * image.height() > MAX_PIXELS:
            self.failed.emit(f"{name}: {image.width()}×{image.height()} pixels is more than guiapp reads "
                             f"({MAX_PIXELS // 1_000_000} megapixels)")
            return False
        self.pictureReady.emit(PictureInput(qimage_to_picture(image), name))
        return True

    # ----------------------------------------------------------------- drag and drop

    # The window's own dragEnterEvent/dropEvent call these: an event filter would run Python for every
    # event the window receives (3,242 calls in a 6.7 s live-loop profile), not only for drags.

    @staticmethod
    def drag_entered(event: QDragEnterEvent) -> None:
        """Accept a drag that carries files or image data."""
        mime = event.mimeData()
        if mime.hasUrls() or mime.hasImage():
            event.acceptProposedAction()

    def dropped(self, event: QDropEvent) -> None:
        self.take_mime(event.mimeData(), "the dropped data")
        event.acceptProposedAction()


def qimage_to_picture(image: QImage) -> np.ndarray:
    """A QImage → float32 0..1 (h, w, 3) colour or (h, w) grey, reduced to at most MAX_WORKING_SIDE a side.

    Transparent pixels count as white paper, as they do for files.
    """
    if max(image.width(), image.height()) > MAX_WORKING_SIDE:
        image = image.scaled(MAX_WORKING_SIDE, MAX_WORKING_SIDE, Qt.AspectRatioMode.KeepAspectRatio,
                             Qt.TransformationMode.SmoothTransformation)
    if image.hasAlphaChannel():
        paper = QImage(image.size(), QImage.Format.Format_RGB888)
        paper.fill(0xFFFFFF)
        painter = QPainter(paper)
        painter.drawImage(0, 0, image)
        painter.end()
        image = paper
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    width, height = image.width(), image.height()
    row = image.bytesPerLine()
    data = np.frombuffer(image.constBits(), np.uint8, count=row * height).reshape(height, row)
    rgb = data[:, :width * 3].reshape(height, width, 3).astype(np.float32) / 255.0
    return as_picture(rgb)
