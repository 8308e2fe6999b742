"""What each page, tab and live panel shows, in one table, put on them as tooltips by :func:`apply_tips`.

A page or tab added without a tip here fails ``tests/ui/help/test_tips.py``: the table cannot go stale.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QTabWidget, QWidget

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMainWindow

PAGE_TIPS = {  # the window's pages, by title
    "Live network": "Draw a digit and watch every layer of the network respond as you draw",
    "Conv arithmetic": "Play with input size, filter, padding and stride, and see the output size worked out",
    "Architecture explorer": "Edit a network layer by layer and watch its shapes and parameter counts follow",
    "Training": "Train a network and watch its kernels form from noise, its accuracy and loss epoch by epoch",
    "Compare": "Two networks on the same drawing: their answers, layers, evidence, CKA, test digits, sanity check",
}
TAB_TIPS = {  # the live page's tabs, by title
    "Ledger": "Each layer's output shape and parameter count, with the arithmetic behind them",
    "Why": "Which pixels count for or against a class: red is evidence for it, blue against",
    "Where": "Where the drawing lands on a map of the test digits, and the ones the network finds most alike",
    "Trace unit": "One unit of a feature map traced back: the input window it sees, its weights and its sum",
    "Kernels": "Each convolution's filters, and the test-digit patches that excite each filter most",
    "Selected map": "The feature map you clicked, large, with the kernel that made it",
    "Preprocessing": "How the drawing or picture becomes the network's input, step by step; switch steps off",
}
PANEL_TIPS = {  # the live page's panels, by object name (the tabs have a tip each: none over their pages)
    "canvas": "Draw here with the mouse or a pen: left button draws, right button erases",
    "network_input": "What the network actually sees: the drawing scaled, centred and cropped to its input",
    "probabilities": "The network's answer: the probability of each class; click a bar to explain that class",
    "feature_maps": "Every layer's feature maps for the drawing; click a map to select it, a unit to trace it",
    "banner": "About the model: loading, why it could not be loaded, or which fields of its card were ignored",
}


def apply_tips(window: QMainWindow) -> list[str]:
    """Tooltips on ``window.pages``' and ``window.live_page.tabs``' tabs and on the live panels found by object
    name (a panel keeps a tooltip it already has). Returns the titles and names that have no tip here."""
    missing = _tab_tips(window.pages, PAGE_TIPS) + _tab_tips(window.live_page.tabs, TAB_TIPS)
    for name, tip in PANEL_TIPS.items():
        panel = window.findChild(QWidget, name)
        if panel is None:
            missing.append(name)
        elif not panel.toolTip():
            panel.setToolTip(tip)
    return missing


def _tab_tips(tabs: QTabWidget, tips: dict[str, str]) -> list[str]:
    missing = []
    for index in range(tabs.count()):
        title = tabs.tabText(index).replace("&", "")
        if title in tips:
            tabs.setTabToolTip(index, tips[title])
        else:
            missing.append(title)
    return missing
