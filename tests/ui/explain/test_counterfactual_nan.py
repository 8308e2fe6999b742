""""What would make it a k" on a model that computes NaN, in the Why tab and in `guiapp --screenshot --make-it`:
one line at once, no search on NaN scores, no "nan%" and nothing to show in every panel."""

from __future__ import annotations

import pytest
from PIL import Image

from guiapp.core.live.live_update import NAN_ANSWER
from tests.cli.test_nan_models import NAN_LINE
from tests.ui.conftest import MODEL_TIMEOUT_MS


@pytest.mark.parametrize("target", [0, 3])  # 0: NaN's argmax, which would read "already a 0: nothing to change"
def test_the_why_tabs_search_says_the_model_computes_nan(qtbot, nan_window, target):
    window = nan_window
    assert window.show_why() is None
    window.load_sample(0)
    qtbot.waitUntil(lambda: window.why_view.summary.text() == NAN_ANSWER, timeout=MODEL_TIMEOUT_MS)
    view = window.why_view.counterfactual
    failures: list[str] = []
    window.worker.counterfactualFailed.connect(failures.append)
    view.set_target(target)
    view.find_button.click()
    # ``failures`` fills in the worker's thread; the panel hears of it through the GUI thread's queue: both.
    qtbot.waitUntil(lambda: bool(failures) and view.find_button.isEnabled(), timeout=MODEL_TIMEOUT_MS)
    assert failures == [NAN_ANSWER] and view.result_text.text() == NAN_ANSWER
    assert view.found is None and not view.show_button.isEnabled()
    assert view.find_button.isEnabled()  # the panel stays usable (another model may come)


def test_a_screenshot_asked_to_make_it_a_three_says_the_model_computes_nan(qtbot, nan_model, tmp_path, capsys):
    from guiapp.cli import main

    shot = tmp_path / "make_it.png"
    assert main(["--screenshot", str(shot), "--model", str(nan_model), "--make-it", "3"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "Traceback" not in err
    assert err == f"guiapp: {NAN_LINE} (wrote {shot}, the window with this message)\n"
    assert Image.open(shot).size == (1560, 940)
