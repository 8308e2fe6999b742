"""The line above the feature maps that says a model is loading, or why it could not be loaded.

A failed model also gets a dialog offering to open another file; the window stays
usable either way (the drawing is kept, and a model can be opened later). A model whose
file holds Python code is loaded only once the user says yes (:meth:`ModelBanner.confirm_trust`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget

LOADING = "Loading TensorFlow and {name}… you can draw meanwhile."
RETRY_HINT = "Open another .keras model file, or keep drawing and open one later."


class ModelBanner(QWidget):
    """The loading note or the load error, with an Open model… button; hidden once a model is in."""

    def __init__(self, open_model: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._open_model = open_model
        self.label = QLabel(LOADING.format(name="the model"))
        self.label.setObjectName("banner")
        self.label.setWordWrap(True)
        self.label.setStyleSheet("padding: 6px; background: #3a3320; color: #ffd27a;")
        self.open_button = QPushButton("Open model…")
        self.open_button.hide()
        self.open_button.clicked.connect(open_model)
        self.error: str | None = None  # why the last model could not be loaded; None once one is
        self.error_box: QMessageBox | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignLeft)

    def loading(self, path: Path) -> None:
        self.label.setText(LOADING.format(name=Path(path).name))
        self.open_button.hide()
        self.show()

    def loaded(self) -> None:
        self.error = None
        self.hide()

    def failed(self, message: str) -> None:
        """Say why, here and in a dialog that can open another model."""
        self.error = message
        self.label.setText(f"The model could not be loaded: {message}")
        self.open_button.show()
        self.show()
        self.error_box = QMessageBox(QMessageBox.Icon.Warning, "Model not loaded", message,
                                     QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Close, self)
        self.error_box.setInformativeText(RETRY_HINT)
        self.error_box.button(QMessageBox.StandardButton.Open).clicked.connect(self._open_model)
        self.error_box.open()

    def confirm_trust(self, path: Path) -> bool:
        """Ask whether to run the Python code in ``path`` as it loads, naming the risk (tests replace this)."""
        answer = QMessageBox.warning(
            self, "This model runs code as it loads",
            f"{path.name} contains Python code (a Lambda layer) that would run on this computer, with your "
            "permissions, as the model loads. Load it only if you trust where it came from.\n\nLoad it anyway?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes
