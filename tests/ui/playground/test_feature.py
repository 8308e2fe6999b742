"""The "Conv arithmetic" page's door, in the window: nothing of the playground is built (or imported) until its
page is first shown; then it is there, once."""

from __future__ import annotations

import subprocess
import sys

from guiapp.ui.playground.feature import PlaygroundFeature
from guiapp.ui.playground.playground import ConvPlayground


def test_the_playground_is_built_only_when_its_page_is_first_shown(qtbot, window):
    playground = window.feature(PlaygroundFeature)
    assert playground.title == "Conv arithmetic" and playground.is_page
    assert not playground.page.built and playground.page.findChildren(ConvPlayground) == []
    window.pages.setCurrentWidget(playground.widget)
    assert playground.page.built and playground.on_screen
    view = playground.view
    assert isinstance(view, ConvPlayground) and view.isVisible() and view.output_shape == (26, 26)
    window.pages.setCurrentIndex(0)
    window.pages.setCurrentWidget(playground.widget)
    assert playground.view is view and len(playground.page.findChildren(ConvPlayground)) == 1


def test_the_feature_module_does_not_import_the_playground():
    code = ("import sys; import guiapp.ui.playground.feature; "
            "print('guiapp.ui.playground.playground' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert done.stdout.strip() == "False", done.stderr
