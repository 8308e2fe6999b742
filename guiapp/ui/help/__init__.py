"""Help: the shortcut sheet generated from the window's actions, the Help menu, and a tooltip per page, tab and
panel."""

from guiapp.ui.help.help_menu import HelpMenu, install
from guiapp.ui.help.shortcut_sheet import ShortcutSheet, shortcut_rows
from guiapp.ui.help.tips import apply_tips

__all__ = ["HelpMenu", "ShortcutSheet", "apply_tips", "install", "shortcut_rows"]
