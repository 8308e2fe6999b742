"""Ctrl-C (SIGINT) and SIGTERM close the window as its close button does.

Python runs a signal's handler only between two of its own instructions, and Qt's event loop waits in
C++: a Ctrl-C sent to a window idle in ``app.exec()`` was noticed only when some slot next ran Python,
where the default handler raised ``KeyboardInterrupt`` — a traceback from that slot, and the window, its
compute process, its Where child and its trainer ran on. Here the handler only notes the signal; a timer
ticking every :data:`POLL_MS` lets Python run it, and the tick asks the window to close through its close
event, as the button does: the settings saved, the children stopped, a running training stopped (the
signal is the answer to the question the button would ask).

The first signal also restores the default action, so a second Ctrl-C ends the process at once, should
the close itself hang (the children notice their pipe close and end too).
"""

from __future__ import annotations

import signal
from collections.abc import Callable
from types import FrameType, TracebackType
from typing import Any, Self

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QDialog

SIGNALS = (signal.SIGINT, signal.SIGTERM)
POLL_MS = 200  # how soon a signal is acted on; the tick costs microseconds, five times a second
SIGNAL_EXIT = 128  # a process ended by signal N exits 128 + N, as shells report it


class CloseOnSignal(QObject):
    """While entered (on the main thread), SIGINT and SIGTERM call ``close`` once Qt's loop runs.

    ``close`` (e.g. ``MainWindow.close_without_asking``) may be set after entering: a signal that comes
    before it waits for it. :attr:`received` is the signal's number (None: none came);
    :meth:`exit_code` turns an ``app.exec()`` result into the shell's 128 + N after a signal.
    """

    def __init__(self, close: Callable[[], bool] | None = None) -> None:
        super().__init__()
        self.close = close
        self.received: int | None = None
        self._previous: dict[int, Any] = {}
        self._done = False
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._on_tick)

    def __enter__(self) -> Self:
        for signum in SIGNALS:
            self._previous[signum] = signal.signal(signum, self._on_signal)
        self._timer.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._timer.stop()
        for signum, previous in self._previous.items():
            signal.signal(signum, previous if previous is not None else signal.SIG_DFL)

    def exit_code(self, code: int) -> int:
        return SIGNAL_EXIT + self.received if self.received is not None else code

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        if self.received is None:
            self.received = signum
        signal.signal(signum, signal.SIG_DFL)  # a second one ends the process, should the close hang

    def _on_tick(self) -> None:
        if self.received is None or self.close is None or self._done:
            return
        # A question waiting for an answer (whether to trust a model, a file to open) runs a loop of its
        # own: answer it "no" first, and close the window once the code that asked has carried on.
        modal = QApplication.activeModalWidget()
        if modal is not None:
            if isinstance(modal, QDialog):
                modal.reject()
            else:
                modal.close()
            return
        if self.close():
            self._done = True
            QApplication.quit()  # other top-level windows (a detached panel) must not keep the app alive
