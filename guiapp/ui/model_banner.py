"""The line above the feature maps that says a model is loading, why it could not be loaded, or which fields
of its card were ignored.

A failed model also gets a dialog offering to open another file; the window stays
usable either way (the drawing is kept, and a model can be opened later). A model whose
file holds Python code is loaded only once the user says yes (:meth:`ModelBanner.confirm_trust`).
In presentation mode the lecturer may hide it (:meth:`ModelBanner.set_suppressed`): its notes wait until it is
allowed back; a failed load still says so in its dialog.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget

LOADING = "Loading TensorFlow and {name}… you can draw meanwhile."
RETRY_HINT = "Open another .keras model file, or keep drawing and open one later."


class ModelBanner(QWidget):
    """The loading note or the load error, with an Open model… button; once a model is in, its card's notes
    (with a Hide button) or nothing."""

    def __init__(self, open_model: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._open_model = open_model
        self.label = QLabel(LOADING.format(name="the model"))
        self.label.setObjectName("banner")
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # paths and messages from files: never markup
        self.label.setWordWrap(True)
        self.label.setStyleSheet("padding: 6px; background: #3a3320; color: #ffd27a;")
        self.open_button = QPushButton("Open model…")
        self.open_button.hide()
        self.open_button.clicked.connect(open_model)
        self.hide_button = QPushButton("Hide")
        self.hide_button.setToolTip("Hide these notes until the next model")
        self.hide_button.hide()
        self.hide_button.clicked.connect(self.hide)
        self.error: str | None = None  # why the last model could not be loaded; None once one is
        self.notes: tuple[str, ...] = ()  # the loaded model's card fields that were ignored, one line each
        self.error_box: QMessageBox | None = None
        self._suppressed = False
        self._wanted = True  # shown, were it not suppressed
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.hide_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

    def setVisible(self, visible: bool) -> None:
        self._wanted = visible
        super().setVisible(visible and not self._suppressed)

    def set_suppressed(self, suppressed: bool) -> None:
        """Keep the banner hidden whatever it has to say (True), or let it show what it holds again (False)."""
        self._suppressed = suppressed
        self.setVisible(self._wanted)

    @property
    def suppressed(self) -> bool:
        return self._suppressed

    def loading(self, path: Path) -> None:
        self.label.setText(LOADING.format(name=Path(path).name))
        self.open_button.hide()
        self.hide_button.hide()
        self.show()

    def loaded(self, notes: Sequence[str] = ()) -> None:
        """A model is in: the banner goes, unless its card had fields that were ignored (``notes``, one line
        each): those stay above the maps until the next model, with a button to hide them, as nothing is wrong
        enough to ask the user for a click."""
        self.error = None
        self.notes = tuple(notes)
        self.open_button.hide()
        if not self.notes:
            self.hide()
            return
        self.label.setText("\n".join(f"Note: {note}" for note in self.notes))
        self.hide_button.show()
        self.show()

    def failed(self, message: str) -> None:
        """Say why, here and in a dialog that can open another model."""
        self.error = message
        self.label.setText(f"The model could not be loaded: {message}")
        self.open_button.show()
        self.hide_button.hide()
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
