"""The Training page's door, in the window: built when first shown; coming on screen it docks the drawing column and
the feature maps (moved, not copied) and leaving it gives them back where they were; a network sent from the explorer
opens the page on it; a finished run's model joins the Model menu, the live model changes only when the user takes
it; closing asks only while a run goes."""

from __future__ import annotations

import shutil

from guiapp import paths
from guiapp.core.model.architectures import ARCHITECTURES
from guiapp.ui.training.feature import DOCK_WIDTHS, TrainingFeature
from guiapp.ui.training.form import FROM_EXPLORER
from tests.ui.conftest import MODEL_TIMEOUT_MS

TRAINING_PAGE = 3


def test_the_drawing_column_is_docked_while_the_page_is_shown_and_comes_back(qtbot, window):
    training = window.feature(TrainingFeature)
    assert training.title == "Training" and training.is_page and not training.page.built
    canvas, maps = window.canvas, window.feature_maps
    column = window.splitter.widget(0)
    sizes = window.splitter.sizes()
    window.pages.setCurrentIndex(TRAINING_PAGE)
    page = training.view
    assert page is not None and training.on_screen and window.live_page.lent
    assert page.dock.widget(0) is column and page.dock.isAncestorOf(canvas) and page.dock.isAncestorOf(maps)
    assert canvas.isVisibleTo(page) and len(page.dock.sizes()) == len(DOCK_WIDTHS)
    assert window.splitter.count() == 1  # only the tabs stay on the live page
    window.pages.setCurrentIndex(0)
    assert not window.live_page.lent and window.splitter.widget(0) is column
    assert window.splitter.isAncestorOf(canvas) and window.splitter.isAncestorOf(maps)
    assert window.splitter.sizes() == sizes
    assert not training.busy and training.confirm_close(window)  # no run: closing asks nothing


def test_the_explorers_network_opens_the_page_on_it(qtbot, window):
    arch = ARCHITECTURES["mnist_cnn"]
    window.state.train(arch)
    assert window.pages.currentIndex() == TRAINING_PAGE
    form = window.feature(TrainingFeature).view.form
    assert form.arch_box.currentText() == FROM_EXPLORER and form.architecture() == arch


def test_a_trained_model_joins_the_menu_and_is_used_only_when_taken(qtbot, window, tmp_path):
    training = window.feature(TrainingFeature)
    trained = tmp_path / "tiny-20260101-000000.keras"
    shutil.copy(paths.DEFAULT_MODEL, trained)
    training.model_trained(str(trained), 0.9876)
    assert trained.resolve() in window.menus.model_actions
    assert window.statusBar().currentMessage().startswith(f"trained {trained.name}: 98.76% test accuracy")
    assert window.inspector.path == paths.DEFAULT_MODEL  # not taken yet
    training.use_model(str(trained))
    qtbot.waitUntil(lambda: window.inspector.path == trained, timeout=MODEL_TIMEOUT_MS)
    assert training.chosen == trained
