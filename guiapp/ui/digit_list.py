"""Digits as a wrapping strip of crisp, clickable thumbnails (the Where tab's cells, the Compare page's test set)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QListView, QListWidget


def thumbnail(image: np.ndarray, side: int) -> QPixmap:
    """``image`` (uint8 grey, or RGB) at ``side`` pixels, without smoothing: each pixel stays a crisp square."""
    pixels = np.asarray(image)
    if pixels.ndim == 3 and pixels.shape[2] == 1:
        pixels = pixels[:, :, 0]
    pixels = np.ascontiguousarray(pixels[..., :3] if pixels.ndim == 3 else pixels, np.uint8)
    h, w = pixels.shape[:2]
    fmt = QImage.Format.Format_RGB888 if pixels.ndim == 3 else QImage.Format.Format_Grayscale8
    qimage = QImage(pixels.data, w, h, pixels.strides[0], fmt)
    # scaled() copies, so nothing points into the NumPy buffer afterwards.
    return QPixmap.fromImage(qimage.scaled(side, side, Qt.AspectRatioMode.KeepAspectRatio,
                                           Qt.TransformationMode.FastTransformation))


def digit_list(side: int) -> QListWidget:
    """An empty list of ``side``-pixel icons laid left to right and wrapped, fixed in place, one size each."""
    widget = QListWidget()
    widget.setViewMode(QListView.ViewMode.IconMode)
    widget.setIconSize(QSize(side, side))
    widget.setFlow(QListView.Flow.LeftToRight)
    widget.setWrapping(True)
    widget.setResizeMode(QListView.ResizeMode.Adjust)
    widget.setMovement(QListView.Movement.Static)
    widget.setDragEnabled(False)
    widget.setUniformItemSizes(True)
    widget.setWordWrap(False)  # wrapping would squeeze the text to the icon's width
    return widget
