"""CloseOnSignal on its own: a signal is acted on by Qt's loop, a question still open is answered "no" first,
and the previous handlers come back (tests/ui/test_signals.py runs the real window)."""

from __future__ import annotations

import os
import signal

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from guiapp.ui.close_on_signal import CloseOnSignal


def test_ctrl_c_during_a_question_answers_it_no_then_closes(qtbot, monkeypatch):
    quits: list[bool] = []
    monkeypatch.setattr(QApplication, "quit", lambda: quits.append(True))  # the test's loop runs on
    closes: list[bool] = []
    before = signal.getsignal(signal.SIGINT)
    with CloseOnSignal(lambda: closes.append(True) or True) as closer:
        question = QMessageBox(QMessageBox.Icon.Question, "Trust this model?", "It holds Python code.",
                               QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        QTimer.singleShot(0, lambda: os.kill(os.getpid(), signal.SIGINT))
        answer = question.exec()  # a loop of its own, as the trust question runs
        assert answer != QMessageBox.StandardButton.Yes and closes == []  # answered first, nothing closed yet
        qtbot.waitUntil(lambda: closes == [True], timeout=10_000)
        qtbot.wait(500)  # more ticks: the window is closed once, not on every tick
        assert closes == [True] and quits == [True]
        assert closer.received == signal.SIGINT and closer.exit_code(0) == 130
    assert signal.getsignal(signal.SIGINT) is before
