"""The "Architecture explorer" page's door, in the window: built when first shown, starting from the model last
loaded (even one loaded before it was built); its "Train this network" goes to the state, and the Training page
follows it."""

from __future__ import annotations

from guiapp import paths
from guiapp.ui.explorer.feature import ExplorerFeature
from guiapp.ui.training.feature import TrainingFeature
from tests.ui.conftest import MODEL_TIMEOUT_MS

COLOUR_MODEL = paths.MODELS_DIR / "colour_digits.keras"


def test_built_when_first_shown_from_the_model_last_loaded(qtbot, window):
    explorer = window.feature(ExplorerFeature)
    assert explorer.title == "Architecture explorer" and explorer.is_page and not explorer.page.built
    window.load_model(COLOUR_MODEL)  # before the page exists
    qtbot.waitUntil(lambda: window.inspector.path == COLOUR_MODEL, timeout=MODEL_TIMEOUT_MS)
    assert not explorer.page.built
    window.pages.setCurrentWidget(explorer.widget)
    view = explorer.view
    assert explorer.page.built and view.architecture.input_shape == (32, 32, 3)
    assert view.seed_box.itemText(0).startswith("the opened model (")


def test_train_this_network_goes_through_the_state_to_the_training_page(qtbot, window):
    explorer = window.feature(ExplorerFeature)
    window.pages.setCurrentWidget(explorer.widget)
    sent: list[object] = []
    window.state.trainRequested.connect(sent.append)
    explorer.view.train_button.click()
    assert sent == [explorer.view.architecture]
    training = window.feature(TrainingFeature)
    assert window.pages.currentWidget() is training.widget
    assert training.view.form.architecture() == explorer.view.architecture
