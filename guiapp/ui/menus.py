"""The window's actions, toolbar and menu bar, built from tables in one place.

Every QAction comes from :func:`make_action` (text, slot, shortcuts, tooltip with the
keys). The menus are tables of sections (a separator between two), so adding a command
is adding a row. The window builds one :class:`WindowMenus`, handing it the sections
other objects own (the drawing files, the picture intake, the class names, presentation and help), and
connects the few signals that come back (the pen width, the colour mode, the model shown, Reset layout).
The drawing toolbar shows only where the drawing is; its buttons keep their text and width whatever the
undo stack says (the full "Undo Sample 0 (a 7)" is in their tooltip).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, QSize, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QUndoStack
from PySide6.QtWidgets import QLabel, QMainWindow, QMenu, QSizePolicy, QSlider, QToolBar, QWidget

from guiapp import paths
from guiapp.core.drawing.strokes import MAX_PEN_WIDTH, MIN_PEN_WIDTH
from guiapp.core.live.layer_picture import PER_MAP, SHARED
from guiapp.core.model.modelcard import card_accuracy, describe, read_card

if TYPE_CHECKING:
    from guiapp.ui.live.canvas import DrawingCanvas

PEN_STEP = 2.0
PAGES = (  # (tab title, what it is for); Ctrl+1, Ctrl+2, … switch to them
    ("Live network", "Draw and watch every layer"),
    ("Conv arithmetic", "Play with input size, filter, padding and stride"),
    ("Architecture explorer", "Edit the network and watch shapes and parameters follow"),
    ("Training", "Train a network and watch its kernels form from noise"),
    ("Compare", "Two networks side by side on the same drawing: maps, evidence, CKA, the test set, the sanity check"),
)

Section = Sequence[QAction]


def make_action(parent: QWidget, text: str, slot: Callable[..., object] | None = None,
                shortcuts: Iterable[str | QKeySequence] = (), tip: str = "", checkable: bool = False) -> QAction:
    """One action with its keys in its tooltip, added to ``parent`` so its keys work anywhere in it."""
    shortcuts = [QKeySequence(s) for s in shortcuts]
    action = QAction(text, parent)
    action.setShortcuts(shortcuts)
    keys = ", ".join(s.toString() for s in shortcuts)
    action.setToolTip(f"{tip or text} ({keys})" if keys else tip or text)
    action.setCheckable(checkable)
    if slot is not None:
        action.triggered.connect(slot)
    parent.addAction(action)
    return action


def add_menu(window: QMainWindow, title: str, sections: Iterable[Section]) -> QMenu:
    """A menu from sections of actions, a separator between two non-empty sections."""
    menu = window.menuBar().addMenu(title)
    for i, section in enumerate(s for s in sections if s):
        if i:
            menu.addSeparator()
        menu.addActions(list(section))
    return menu


class WindowMenus(QObject):
    """Every command of the live window: the actions, the toolbar, the menus.

    The callables are the window's verbs the commands call: ``load_model(path)``,
    ``open_model()`` (a dialog), ``step_sample(step)`` (−1, +1, or None for a random
    sample) and ``show_page(index)``. ``picture_actions`` (open, paste a picture) and
    ``file_extras`` (open a training history) go in the File menu, ``model_extras`` (class names…)
    in the Model menu, ``view_extras`` (presentation, zoom…) in the View menu, ``help_actions`` in a Help menu
    (none without them). ``trained`` is the folder of models trained on the Training page: they are
    listed after the shipped ones (and :meth:`add_model` adds one trained now).
    """

    colourModeChosen = Signal(str)  # SHARED or PER_MAP
    resetLayoutRequested = Signal()  # View → Reset layout

    def __init__(self, window: QMainWindow, canvas: DrawingCanvas, file_actions: Section,
                 load_model: Callable[[Path], None], open_model: Callable[[], None],
                 step_sample: Callable[[int | None], None], show_page: Callable[[int], None], *,
                 picture_actions: Section = (), model_extras: Section = (), file_extras: Section = (),
                 view_extras: Section = (), help_actions: Section = (), trained: Path | None = None) -> None:
        super().__init__(window)
        stack = canvas.undo_stack
        self.undo = stack.createUndoAction(window, "Undo")
        self.undo.setShortcuts([QKeySequence(QKeySequence.StandardKey.Undo)])
        self.redo = stack.createRedoAction(window, "Redo")
        self.redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        window.addActions([self.undo, self.redo])
        for action, name in ((self.undo, "Undo"), (self.redo, "Redo")):
            action.setProperty("sheet_text", name)  # the shortcut sheet's name: its text follows the stack
        pen = canvas.set_pen_width
        self.clear = make_action(window, "Clear", canvas.clear, ("Delete", "Backspace"))
        self.thinner = make_action(window, "Thinner pen", lambda: pen(canvas.pen_width() - PEN_STEP), ("[",))
        self.thicker = make_action(window, "Thicker pen", lambda: pen(canvas.pen_width() + PEN_STEP), ("]",))
        self.eraser = make_action(window, "Eraser", canvas.set_eraser, ("E",),
                                  "Erase with the left button (the right button always erases)", checkable=True)
        self.previous = make_action(window, "◀ Sample", lambda: step_sample(-1), ("P",), "Previous MNIST test digit")
        self.next = make_action(window, "Sample ▶", lambda: step_sample(1), ("N",), "Next MNIST test digit")
        self.random = make_action(window, "Random sample", lambda: step_sample(None), ("R",))
        self.open_model = make_action(window, "Open model…", open_model, ("Ctrl+O",))
        self.quit = make_action(window, "Quit", window.close, ("Ctrl+Q",))
        self.pages = [make_action(window, text, lambda _=False, i=i: show_page(i), (f"Ctrl+{i + 1}",), tip)
                      for i, (text, tip) in enumerate(PAGES)]
        colours = QActionGroup(self)
        self.shared = make_action(window, "Colour scale shared per layer", checkable=True)
        self.per_map = make_action(window, "Colour scale per map", checkable=True)
        for action, mode in ((self.shared, SHARED), (self.per_map, PER_MAP)):
            colours.addAction(action)
            action.triggered.connect(lambda _=False, m=mode: self.colourModeChosen.emit(m))
        self.reset_layout = make_action(window, "Reset layout", lambda _=False: self.resetLayoutRequested.emit(),
                                        ("Ctrl+Shift+R",), "The live page's columns and the window at their "
                                        "designed sizes; the saved ones are forgotten")
        # The drawing's keys act only on the live page (the explorer has its own undo and keys).
        self.drawing_actions = [self.undo, self.redo, self.clear, self.thinner, self.thicker, self.eraser,
                                self.previous, self.next, self.random]
        self._drawing_shortcuts = {action: action.shortcuts() for action in self.drawing_actions}
        self._live = True
        self._toolbar_allowed = True  # False in presentation mode

        self.pen_slider = QSlider(Qt.Orientation.Horizontal)
        self.pen_slider.setRange(int(MIN_PEN_WIDTH), int(MAX_PEN_WIDTH))
        self.pen_slider.setFixedWidth(120)
        self.pen_slider.setToolTip("Pen width ([ and ])")
        self.pen_slider.valueChanged.connect(pen)
        self.pen_label = _FixedLabel(f" {MAX_PEN_WIDTH:.0f} px ")
        self.toolbar = self._build_toolbar(window, stack)

        self.model_group = QActionGroup(self)
        self.model_actions: dict[Path, QAction] = {}
        self._load_model = load_model
        trained_models = sorted(trained.glob("*.keras")) if trained is not None and trained.is_dir() else []
        for path in sorted(paths.MODELS_DIR.glob("*.keras")) + trained_models:
            self._model_action(path)
        add_menu(window, "&File", (
            file_actions,  # drawings: open, save, export
            picture_actions,  # pictures: open, paste
            [self.open_model, *file_extras],
            [self.quit],
        ))
        self.model_menu = add_menu(window, "&Model", (list(self.model_actions.values()), [self.open_model],
                                                      model_extras))
        add_menu(window, "&Edit", ([self.undo, self.redo, self.clear, self.eraser, self.thinner, self.thicker],))
        add_menu(window, "&View", (self.pages, [self.shared, self.per_map], [self.reset_layout], view_extras))
        add_menu(window, "&Samples", ([self.previous, self.next, self.random],))
        if help_actions:
            add_menu(window, "&Help", (help_actions,))

    def _model_action(self, path: Path) -> QAction:
        card = read_card(path)
        action = QAction(_model_text(path, card), self.model_group, checkable=True)
        action.setToolTip(describe(card))
        action.setStatusTip(action.toolTip())
        action.triggered.connect(lambda _=False, p=path: self._load_model(p))
        self.model_actions[path.resolve()] = action
        return action

    def add_model(self, path: Path) -> None:
        """List a model trained now in the Model menu (after the others; once)."""
        if path.resolve() in self.model_actions:
            return
        before = next((a for a in self.model_menu.actions() if a.isSeparator()), None)
        self.model_menu.insertAction(before, self._model_action(path))

    def _build_toolbar(self, window: QMainWindow, stack: QUndoStack) -> QToolBar:
        toolbar = QToolBar("Tools")
        toolbar.setObjectName("tools")
        # The toolbar's Undo and Redo: fixed words (the menu's actions say "Undo Sample 0 (a 7)", which would
        # push every button after them to the right as the text grows), the stack's text in their tooltips.
        self.undo_button = _StackButton(window, "Undo", self.undo, stack.canUndoChanged, stack.undoTextChanged)
        self.redo_button = _StackButton(window, "Redo", self.redo, stack.canRedoChanged, stack.redoTextChanged)
        toolbar.addActions([self.undo_button, self.redo_button, self.clear, self.eraser])
        toolbar.addSeparator()
        toolbar.addWidget(QLabel(" Pen "))
        toolbar.addWidget(self.pen_slider)
        toolbar.addWidget(self.pen_label)
        toolbar.addSeparator()
        toolbar.addActions([self.previous, self.next, self.random])
        toolbar.addSeparator()
        toolbar.addActions([self.shared, self.per_map])
        window.addToolBar(toolbar)
        return toolbar

    def set_live(self, live: bool) -> None:
        """The drawing's keys work, and its toolbar shows, only where the drawing is (the live page, or a page
        that borrows it)."""
        self._live = live
        for action in self.drawing_actions:
            action.setShortcuts(self._drawing_shortcuts[action] if live else [])
        self.toolbar.setVisible(live and self._toolbar_allowed)

    def set_toolbar_allowed(self, allowed: bool) -> None:
        """Presentation mode hides the toolbar on every page (False) and gives it back (True)."""
        self._toolbar_allowed = allowed
        self.toolbar.setVisible(self._live and allowed)

    def designed_keys(self, action: QAction) -> list[QKeySequence]:
        """An action's keys, the drawing's included while they are off (for the shortcut sheet)."""
        return list(self._drawing_shortcuts.get(action, action.shortcuts()))

    def show_pen_width(self, width: float) -> None:
        self.pen_slider.blockSignals(True)
        self.pen_slider.setValue(round(width))
        self.pen_slider.blockSignals(False)
        self.pen_label.setText(f" {width:.0f} px ")

    def show_colour_mode(self, mode: str) -> None:
        (self.per_map if mode == PER_MAP else self.shared).setChecked(True)

    def show_model_path(self, path: Path | None) -> None:
        """Tick the shipped model now open (none for a model opened from elsewhere)."""
        current = path.resolve() if path is not None else None
        for model, action in self.model_actions.items():
            action.setChecked(model == current)


def _model_text(path: Path, card: dict | None) -> str:
    """``mnist_cnn (default) — 99.12% test accuracy`` for the Model menu."""
    score = card_accuracy(card)
    accuracy = f" — {score:.2%} test accuracy" if score is not None else ""
    default = " (default)" if path.resolve() == paths.DEFAULT_MODEL.resolve() else ""
    return f"{path.stem}{default}{accuracy}"


class _StackButton(QAction):
    """A toolbar twin of the undo stack's Undo (or Redo) action: the same command and enabled state, a fixed
    text, the stack's full text in the tooltip. No keys of its own: the menu's action has them."""

    def __init__(self, parent: QWidget, text: str, action: QAction, can_changed: Signal, text_changed: Signal) -> None:
        super().__init__(text, parent)
        self._action = action
        self._keys = ", ".join(key.toString() for key in action.shortcuts())
        self.setEnabled(action.isEnabled())
        self._on_text_changed(action.text())
        self.triggered.connect(action.trigger)
        can_changed.connect(self.setEnabled)
        text_changed.connect(self._on_text_changed)  # a method: disconnected when this action goes

    def _on_text_changed(self, text: str) -> None:
        """``text``: the stack's command ("Sample 0 (a 7)"), or the whole "Undo …" at start."""
        if not shiboken6.isValid(self):  # the stack outlives the toolbar's copy as the window closes
            return
        full = text if text.startswith(self.text()) else f"{self.text()} {text}".strip()
        self.setToolTip(f"{full} ({self._keys})" if self._keys else full)


class _FixedLabel(QLabel):
    """A label as wide as its widest text (``widest``) in its current font: the toolbar does not shift as it
    changes, and grows with the type when the font is zoomed."""

    def __init__(self, widest: str) -> None:
        super().__init__()
        self._widest = widest
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def sizeHint(self) -> QSize:
        margins = self.contentsMargins()
        width = self.fontMetrics().horizontalAdvance(self._widest) + margins.left() + margins.right()
        return QSize(width, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()
