"""model_switch: which model the live view shows — the command line's, else the last one used while it is still
there, else the shipped one, read once the window has painted; a model that arrives goes into the state and is
said in the status bar (a training run's moment as such, not remembered); a file's code runs only when allowed;
class names come from a file or a line saying why not. The live loop here is a stand-in that records what it is
asked (the real one: tests/ui/live/test_live_loop.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from guiapp import paths
from guiapp.core.model.inference import Inspector
from guiapp.ui.model_banner import ModelBanner
from guiapp.ui.model_switch import MODEL_LOAD_DELAY_MS, ModelSwitch
from guiapp.ui.state import WindowState

DIGITS = tuple(str(k) for k in range(10))
GERMAN = ("null", "eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun")


class RecordingLoop(QObject):
    """The live loop's side that ModelSwitch uses: three signals in, ``load`` and ``model_shown`` out."""

    modelLoaded = Signal(object)
    modelFailed = Signal(str)
    modelNeedsTrust = Signal(str, str)

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[tuple[Path, bool]] = []
        self.shown = 0

    def load(self, path: Path, trust: bool = False) -> None:
        self.loads.append((Path(path), trust))

    def model_shown(self) -> None:
        self.shown += 1


class Switched:
    """A ModelSwitch with its stand-ins, and what it said and reported."""

    def __init__(self, qtbot, class_names: Path | None = None) -> None:
        self.parent = QWidget()
        qtbot.addWidget(self.parent)
        self.state, self.live = WindowState(), RecordingLoop()
        self.banner = ModelBanner(lambda: None)
        qtbot.addWidget(self.banner)
        self.said: list[tuple[str, bool]] = []
        self.reported: list[tuple[Inspector, bool]] = []
        self.models = ModelSwitch(self.parent, self.state, self.live, self.banner,
                                  lambda message, error=False: self.said.append((message, error)),
                                  lambda inspector, remembered: self.reported.append((inspector, remembered)),
                                  class_names)


@pytest.fixture()
def switched(qtbot) -> Switched:
    return Switched(qtbot)


@pytest.fixture()
def inspector() -> Inspector:
    """A model of this test's own (renaming its classes leaves the session's shared one alone)."""
    return Inspector.load(paths.DEFAULT_MODEL)


def _names_file(tmp_path: Path, names) -> Path:
    path = tmp_path / "names.txt"
    path.write_text("\n".join(names) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("asked", "saved", "chosen"), [
    ("asked.keras", "", "asked.keras"),  # the command line's, even if it is not there: it says why
    (None, "SAVED", "SAVED"),  # the last one used, still there
    (None, "gone.keras", paths.DEFAULT_MODEL),  # the last one used, since deleted: the shipped one
    (None, "", paths.DEFAULT_MODEL),
])
def test_the_first_model_is_read_once_the_window_has_painted(qtbot, switched, tmp_path, asked, saved, chosen):
    saved_file = tmp_path / "last.keras"
    saved_file.write_bytes(b"")
    saved = str(saved_file) if saved == "SAVED" else str(tmp_path / saved) if saved else ""
    chosen = saved_file if chosen == "SAVED" else tmp_path / chosen if isinstance(chosen, str) else chosen
    switched.models.start_with(str(tmp_path / asked) if asked else None, saved, trust=True)
    assert switched.live.loads == [] and switched.models.status.text() == f"loading {chosen}"
    qtbot.waitUntil(lambda: len(switched.live.loads) == 1, timeout=MODEL_LOAD_DELAY_MS * 50)
    assert switched.live.loads == [(Path(chosen), True)] and switched.models.requested == Path(chosen)
    assert switched.banner.label.text().startswith(f"Loading TensorFlow and {Path(chosen).name}")


def test_a_model_asked_for_before_the_first_one_is_read_replaces_it(qtbot, switched, tmp_path):
    switched.models.start_with(None, "")
    switched.models.load(tmp_path / "other.keras")
    qtbot.wait(MODEL_LOAD_DELAY_MS * 3)
    assert switched.live.loads == [(tmp_path / "other.keras", False)]


def test_a_model_that_arrives_goes_into_the_state_and_is_said(switched, inspector):
    switched.live.modelLoaded.emit(inspector)
    assert switched.state.inspector is inspector and switched.state.class_names == DIGITS
    from guiapp.core.model.modelcard import card_accuracy, read_card

    shipped = card_accuracy(read_card(paths.DEFAULT_MODEL))  # the shipped card's figure, whatever model ships
    assert switched.models.status.text() == f"model: {paths.DEFAULT_MODEL} · {shipped:.2%} test accuracy"
    assert switched.reported == [(inspector, True)] and switched.live.shown == 1
    assert not switched.banner.isVisible() and switched.models.error is None


def test_a_training_runs_network_is_said_as_such_and_not_remembered(switched, tmp_path):
    network = tmp_path / "run.history" / "model.keras"
    network.parent.mkdir()
    network.write_bytes(paths.DEFAULT_MODEL.read_bytes())
    switched.state.transient.add(network)
    moment = Inspector.load(network)
    switched.live.modelLoaded.emit(moment)
    assert switched.models.status.text() == "model: mnist_cnn, the Training page's network (history run.history)"
    assert switched.reported == [(moment, False)] and switched.state.inspector is moment


def test_a_model_that_fails_is_said_in_the_banner_and_the_status(switched):
    switched.live.modelFailed.emit("/m.keras: not a readable Keras model")
    assert switched.models.error == "/m.keras: not a readable Keras model"
    assert switched.models.status.text() == "no model" and not switched.banner.isHidden()
    assert switched.banner.label.text() == "The model could not be loaded: /m.keras: not a readable Keras model"
    switched.banner.error_box.close()


@pytest.mark.parametrize("allowed", [True, False])
def test_a_files_code_runs_only_when_the_user_allows_it(switched, allowed):
    asked: list[Path] = []
    switched.models.ask_trust = lambda path: asked.append(path) or allowed
    switched.live.modelNeedsTrust.emit("/downloads/code.keras", "code.keras: contains Python code")
    assert asked == [Path("/downloads/code.keras")]
    if allowed:
        assert switched.live.loads == [(Path("/downloads/code.keras"), True)] and switched.models.error is None
    else:
        assert switched.live.loads == [] and switched.models.error == "code.keras: contains Python code"
        switched.banner.error_box.close()


def test_class_names_from_a_file_rename_the_state_and_a_bad_file_is_one_line(switched, inspector, tmp_path):
    assert not switched.models.set_class_names_from(_names_file(tmp_path, GERMAN))  # no model yet: nothing named
    switched.live.modelLoaded.emit(inspector)
    good = _names_file(tmp_path, GERMAN)
    assert switched.models.set_class_names_from(good)
    assert switched.state.class_names == GERMAN == inspector.class_names
    assert switched.said[-1] == (f"class names from {good}", False) and switched.models.class_names_error is None
    bad = tmp_path / "three.txt"
    bad.write_text("a\nb\nc\n", encoding="utf-8")
    assert not switched.models.set_class_names_from(bad)
    message, error = switched.said[-1]
    assert error and str(bad) in message and "\n" not in message
    assert switched.models.class_names_error == message and switched.state.class_names == GERMAN


def test_names_given_on_the_command_line_name_the_first_model_before_any_view_shows_it(qtbot, inspector, tmp_path):
    switched = Switched(qtbot, class_names=_names_file(tmp_path, GERMAN))
    seen: list[tuple[str, ...]] = []
    switched.state.inspectorChanged.connect(lambda model: seen.append(switched.state.class_names))
    switched.live.modelLoaded.emit(inspector)
    assert seen == [GERMAN]  # the first view to hear of the model already reads the names
    other = Inspector.load(paths.DEFAULT_MODEL)
    switched.live.modelLoaded.emit(other)  # the file named the first model only
    assert switched.state.class_names == DIGITS


def test_after_close_a_late_model_changes_nothing(switched, inspector):
    switched.models.close()
    switched.live.modelLoaded.emit(inspector)
    switched.live.modelFailed.emit("late")
    assert switched.state.inspector is None and switched.reported == [] and switched.models.error is None


def test_a_long_model_path_is_elided_in_the_middle_within_a_bounded_width(qtbot):
    """At 1280 px the status bar's hover text and the model label never run together: the label is at most
    STATUS_MAX_PX wide, a gap before its text, its path elided in the middle, the whole path in its tooltip."""
    from PySide6.QtWidgets import QLabel, QMainWindow

    from guiapp.ui.model_switch import STATUS_GAP_PX, STATUS_MAX_PX, ElidedLabel

    window = QMainWindow()
    qtbot.addWidget(window)
    window.resize(1280, 690)
    path = "/home/lecturer/autumn_term_2026/week_07_convolutional_networks/prepared_demo_models/mnist_drawn.keras"
    label = ElidedLabel(f"model: {path} · 99.21% test accuracy")
    window.statusBar().addWidget(QLabel("numpy inference 1.2 ms"))
    window.statusBar().addPermanentWidget(label)
    window.show()
    qtbot.waitExposed(window)
    window.statusBar().showMessage("conv2d_1 map 5 at (y=10, x=12): Σ 288 products -0.453 + bias +0.111 = -0.342 "
                                   "→ ReLU 0.000 · sees input rows 10–14, columns 12–16 — click to pin")
    assert label.width() <= STATUS_MAX_PX and label.x() >= 1280 - STATUS_MAX_PX - 24
    assert label.contentsRect().left() == STATUS_GAP_PX  # the message ends before the label: a gap before its text
    shown = label.shown_text()
    assert "…" in shown and shown.startswith("model: /home/") and shown.endswith("99.21% test accuracy")
    assert label.fontMetrics().horizontalAdvance(shown) <= label.contentsRect().width()
    assert label.text() == label.toolTip() == f"model: {path} · 99.21% test accuracy"
    label.setText("no model")
    assert label.shown_text() == "no model" and label.toolTip() == "no model"
