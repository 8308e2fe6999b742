"""Switching between tabs that do not change what is computed computes nothing."""

from __future__ import annotations

from PySide6.QtCore import QTimer

from tests.ui.conftest import MODEL_TIMEOUT_MS, wait_settled


def _computed(qtbot, worker) -> int:
    """The worker's count of computed drawings once its thread has handled everything asked of it so far.

    A call queued on the worker's thread runs after the wake-ups queued before it, and a wake-up computes
    every drawing pending (the GUI has taken the last result: the window is settled)."""
    seen: list[int] = []
    QTimer.singleShot(0, worker, lambda: seen.append(worker.inference_count))
    qtbot.waitUntil(lambda: bool(seen), timeout=MODEL_TIMEOUT_MS)
    return seen[0]


def test_ledger_to_kernels_to_trace_computes_nothing(window, qtbot):
    window.load_sample(0)
    wait_settled(qtbot, window)
    assert window.tabs.currentWidget() is window.ledger_view
    before, shown = _computed(qtbot, window.worker), window.last_update
    for tab in (window.kernel_view, window.trace_view, window.ledger_view):
        window.tabs.setCurrentWidget(tab)
    assert _computed(qtbot, window.worker) == before
    assert window.last_update is shown
    assert window.state.explain is None


def test_entering_and_leaving_the_why_tab_do_change_what_is_computed(window, qtbot):
    window.load_sample(0)
    wait_settled(qtbot, window)
    before = _computed(qtbot, window.worker)
    window.tabs.setCurrentWidget(window.why_page)  # its maps come with the drawing from now on
    assert window.state.explain is not None
    assert _computed(qtbot, window.worker) == before + 1
    qtbot.waitUntil(lambda: window.last_update.explanation is not None, timeout=MODEL_TIMEOUT_MS)
    window.tabs.setCurrentWidget(window.kernel_view)
    assert window.state.explain is None
