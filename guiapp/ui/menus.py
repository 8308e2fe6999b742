"""The window's actions, toolbar and menu bar, built from tables in one place.

Every QAction comes from :func:`make_action` (text, slot, shortcuts, tooltip with the
keys). The menus are tables of sections (a separator between two), so adding a command
is adding a row. The window builds one :class:`WindowMenus`, handing it the sections
other objects own (the drawing files, the picture intake, the class names), and connects
the few signals that come back (the pen width, the colour mode, the model shown, Reset layout).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMenu, QSlider, QToolBar, QWidget

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
    in the Model menu. ``trained`` is the folder of models trained on the Training page: they are
    listed after the shipped ones (and :meth:`add_model` adds one trained now).
    """

    colourModeChosen = Signal(str)  # SHARED or PER_MAP
    resetLayoutRequested = Signal()  # View → Reset layout

    def __init__(self, window: QMainWindow, canvas: DrawingCanvas, file_actions: Section,
                 load_model: Callable[[Path], None], open_model: Callable[[], None],
                 step_sample: Callable[[int | None], None], show_page: Callable[[int], None], *,
                 picture_actions: Section = (), model_extras: Section = (), file_extras: Section = (),
                 trained: Path | None = None) -> None:
        super().__init__(window)
        stack = canvas.undo_stack
        self.undo = stack.createUndoAction(window, "Undo")
        self.undo.setShortcuts([QKeySequence(QKeySequence.StandardKey.Undo)])
        self.redo = stack.createRedoAction(window, "Redo")
        self.redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        window.addActions([self.undo, self.redo])
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

        self.pen_slider = QSlider(Qt.Orientation.Horizontal)
        self.pen_slider.setRange(int(MIN_PEN_WIDTH), int(MAX_PEN_WIDTH))
        self.pen_slider.setFixedWidth(120)
        self.pen_slider.setToolTip("Pen width ([ and ])")
        self.pen_slider.valueChanged.connect(pen)
        self.pen_label = QLabel()
        self._build_toolbar(window)

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
        add_menu(window, "&View", (self.pages, [self.shared, self.per_map], [self.reset_layout]))
        add_menu(window, "&Samples", ([self.previous, self.next, self.random],))

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

    def _build_toolbar(self, window: QMainWindow) -> None:
        toolbar = QToolBar("Tools")
        toolbar.setObjectName("tools")
        toolbar.addActions([self.undo, self.redo, self.clear, self.eraser])
        toolbar.addSeparator()
        toolbar.addWidget(QLabel(" Pen "))
        toolbar.addWidget(self.pen_slider)
        toolbar.addWidget(self.pen_label)
        toolbar.addSeparator()
        toolbar.addActions([self.previous, self.next, self.random])
        toolbar.addSeparator()
        toolbar.addActions([self.shared, self.per_map])
        window.addToolBar(toolbar)

    def set_live(self, live: bool) -> None:
        """The drawing's keys work on the live page only."""
        for action in self.drawing_actions:
            action.setShortcuts(self._drawing_shortcuts[action] if live else [])

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
