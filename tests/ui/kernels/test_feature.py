"""The Kernels tab's door, in the window: each model's filters at once, the patch search only once the pointer rests
on a model (never while a run needs the cores, never for a training run's passing network, never for a model that
does not take MNIST's digits), and a map clicked shows the filter that made it."""

from __future__ import annotations

import shutil

from guiapp import paths
from guiapp.ui.kernels.feature import KernelsFeature
from guiapp.ui.training.feature import TrainingFeature
from tests.ui.conftest import MODEL_TIMEOUT_MS

OTHER_MODEL = paths.MODELS_DIR / "mnist_cnn.keras"
COLOUR_MODEL = paths.MODELS_DIR / "colour_digits.keras"


class Starts:
    """The searches the feature starts, and how many had started when each model reached the state."""

    def __init__(self, window, monkeypatch) -> None:
        self.models: list[object] = []
        self.when_shown: list[int] = []
        self.rests = 0
        worker = window.feature(KernelsFeature).patch_worker
        monkeypatch.setattr(worker, "start", self.models.append)
        window.state.inspectorChanged.connect(lambda _model: self.when_shown.append(len(self.models)))
        window.live.rested.connect(self._on_rest)

    def _on_rest(self) -> None:
        self.rests += 1


def _load(qtbot, window, path) -> None:
    """Load ``path`` and wait until the state has shown it (a training run's network shown while the Training page
    is off screen is swapped back to the user's model at once: the state saw it, the window may not show it now)."""
    shown: list[object] = []
    record = lambda model: shown.append(model.path if model is not None else None)
    window.state.inspectorChanged.connect(record)
    try:
        window.load_model(path)
        qtbot.waitUntil(lambda: path in shown, timeout=MODEL_TIMEOUT_MS)
    finally:
        window.state.inspectorChanged.disconnect(record)


def test_the_search_starts_once_the_pointer_rests_on_a_model(qtbot, window, monkeypatch):
    kernels = window.feature(KernelsFeature)
    assert kernels.title == "Kernels" and kernels.widget is kernels.view is window.kernel_view
    qtbot.waitUntil(lambda: window.filter_patches is not None, timeout=MODEL_TIMEOUT_MS)  # the shipped model's
    assert set(window.filter_patches.layers) == {"conv2d", "conv2d_1"}
    starts = Starts(window, monkeypatch)
    _load(qtbot, window, OTHER_MODEL)
    assert starts.when_shown == [0] and kernels.patches is None  # not when the model arrives
    assert set(kernels.view.panels) == {"conv2d", "conv2d_1"}  # its filters, at once
    qtbot.waitUntil(lambda: len(starts.models) == 1, timeout=MODEL_TIMEOUT_MS)
    assert starts.models == [window.inspector] and starts.rests >= 1
    window.live.rest_later()  # another rest: the search is not asked for again
    qtbot.waitUntil(lambda: starts.rests >= 2, timeout=MODEL_TIMEOUT_MS)
    assert len(starts.models) == 1


def test_no_search_while_a_run_needs_the_cores_nor_for_a_moment_of_training(qtbot, window, monkeypatch, tmp_path):
    starts = Starts(window, monkeypatch)
    busy = {"now": True}
    monkeypatch.setattr(TrainingFeature, "busy", property(lambda self: busy["now"]))
    _load(qtbot, window, OTHER_MODEL)
    qtbot.waitUntil(lambda: starts.rests >= 2, timeout=MODEL_TIMEOUT_MS)  # rested, and asked to rest again
    assert starts.models == []
    busy["now"] = False
    qtbot.waitUntil(lambda: len(starts.models) == 1, timeout=MODEL_TIMEOUT_MS)  # the run is over: searched now

    moment = tmp_path / "run.history" / "model.keras"
    moment.parent.mkdir()
    shutil.copy(paths.DEFAULT_MODEL, moment)
    window.state.transient.add(moment)  # a training run's network, shown by the Training page
    _load(qtbot, window, moment)
    _load(qtbot, window, COLOUR_MODEL)  # 32×32 RGB: MNIST's digits are not its input
    rests = starts.rests
    window.live.rest_later()
    qtbot.waitUntil(lambda: starts.rests > rests, timeout=MODEL_TIMEOUT_MS)
    assert len(starts.models) == 1 and window.feature(KernelsFeature).patches is None


def test_a_map_clicked_shows_the_filter_that_made_it(window):
    view = window.feature(KernelsFeature).view
    window.state.select_map("conv2d_1", 9)
    assert view.current_panel() is view.panels["conv2d_1"] and view.panels["conv2d_1"].selected == 9
    window.state.select_map("dense", 3)  # no kernels: nothing changes
    assert view.current_panel() is view.panels["conv2d_1"]
