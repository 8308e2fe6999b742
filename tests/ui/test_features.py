"""Every page and tab comes through the same door: registered once, shown by the door, and no feature module
reaches another feature's folder."""

from __future__ import annotations

import ast
from pathlib import Path

import guiapp
from guiapp.ui.feature import Feature
from guiapp.ui.features import PAGES, TABS

UI = Path(guiapp.__file__).parent / "ui"
SHARED = {"feature", "state", "lazy_page", "layout", "plotting", "model_banner", "frame_pacer"}  # ui/ modules any may use


def test_every_tab_and_page_is_registered_once_and_in_the_window(window):
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    pages = [window.pages.tabText(i) for i in range(window.pages.count())]
    assert titles == [kind.title for kind in TABS] == ["Ledger", "Why", "Where", "Trace unit", "Kernels",
                                                        "Selected map", "Preprocessing"]
    assert pages == ["Live network"] + [kind.title for kind in PAGES]
    assert len(window.door.features) == 1 + len(TABS) + len(PAGES)
    assert all(isinstance(feature, Feature) for feature in window.door.features)


def test_the_door_shows_a_feature_and_says_which_is_on_screen(window):
    from guiapp.ui.kernels.feature import KernelsFeature
    from guiapp.ui.training.feature import TrainingFeature

    kernels, training = window.feature(KernelsFeature), window.feature(TrainingFeature)
    window.door.show(kernels)
    assert window.tabs.currentWidget() is kernels.widget and kernels.on_screen and not training.on_screen
    window.door.show(training)
    assert window.pages.currentWidget() is training.widget and training.on_screen
    assert not kernels.on_screen  # the Training page borrows the canvas, not the tabs
    window.door.show(kernels)
    assert window.pages.currentIndex() == 0 and kernels.on_screen


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


# Widget classes and picture helpers another feature builds its own copy of (no instance is shared).
REUSED = {"guiapp.ui.kernels.kernels", "guiapp.ui.ledger.ledger_view", "guiapp.ui.live.probabilities",
          "guiapp.ui.explain.heat_panel", "guiapp.ui.live.worker"}


def test_no_feature_folder_reaches_into_another():
    """A module in guiapp/ui/<feature>/ imports from its own folder, the shared ui modules and the core —
    never another feature's folder (the live page's canvas included: features ask the door), but for the
    reusable widget classes in REUSED."""
    folders = {path.parent.name for path in UI.glob("*/feature.py")} | {"live"}
    crossings = []
    for folder in folders:
        for module in (UI / folder).glob("*.py"):
            for name in _imports(module):
                parts = name.split(".")
                if parts[:2] == ["guiapp", "ui"] and len(parts) > 3 and parts[2] in folders and parts[2] != folder \
                        and name not in REUSED:
                    crossings.append(f"{folder}/{module.name} imports {name}")
    assert crossings == []


def test_the_window_module_is_small_and_only_one_module_starts_processes():
    assert len((UI / "main_window.py").read_text(encoding="utf-8").splitlines()) <= 250
    starters = sorted(str(path.relative_to(UI.parent)) for path in UI.parent.rglob("*.py")
                      if any(text in path.read_text(encoding="utf-8")
                             for text in ("get_context(", "subprocess.Popen", "subprocess.run(", "os.fork(")))
    assert starters == ["core/child_process.py"]
