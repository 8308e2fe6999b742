"""The window's commands, gathered in one place: each menu's actions from the object that owns them.

The drawing files, the picture intake, the model switch, the Training page, presentation mode, help,
export and demo recording each own their actions; this module puts them in the window's menus
(:class:`~guiapp.ui.menus.WindowMenus`) once the pages and tabs are in, so tooltips and the panel table
can reach every one of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from guiapp.ui.export import install as install_export
from guiapp.ui.export.clip_actions import install as install_clips
from guiapp.ui.help import install as install_help
from guiapp.ui.menus import WindowMenus, make_action
from guiapp.ui.presentation import Presentation
from guiapp.ui.replay.actions import install as install_demos
from guiapp.ui.training.feature import TrainingFeature

if TYPE_CHECKING:
    from guiapp.ui.main_window import MainWindow


def build_menus(window: MainWindow) -> WindowMenus:
    """Every command of ``window`` in its menus and keys; sets ``window.presentation``."""
    training = window.feature(TrainingFeature)
    picture_actions = [
        make_action(window, "Open image…", window.intake.open_dialog, ("Ctrl+I",),
                    "Open a picture: it is fitted to the model's input as the Preprocessing tab shows"),
        make_action(window, "Paste picture", window.intake.paste, ("Ctrl+V",),
                    "Paste a picture (or a copied picture file); dropping one on the window works too"),
    ]
    class_names = make_action(window, "Class names…", window.models.class_names_dialog, (),
                              "Name the model's classes from a file (one name per line, or a JSON list)")
    history = make_action(window, "Open training history…", lambda: training.open_history_dialog(window),
                          ("Ctrl+Shift+H",), "Replay a run saved by the Training page or guiapp train --history DIR")
    window.presentation = Presentation(window)
    help_actions = install_help(window)
    export_actions = install_export(window)
    demo_actions = install_demos(window) + install_clips(window)
    return WindowMenus(window, window.live_page.canvas, window.files.actions, window.load_model,
                       window.models.open_dialog, window.step_sample, window.pages.setCurrentIndex,
                       picture_actions=picture_actions, model_extras=[class_names],
                       file_extras=[history, *demo_actions, *export_actions], view_extras=window.presentation.menu_actions(),
                       help_actions=help_actions, trained=window.paths.trained_models)
