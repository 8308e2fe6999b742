"""A per-epoch progress bar for ``guiapp train``, on stderr."""

from __future__ import annotations

import sys
import time
from typing import TextIO

BAR_WIDTH = 30


class EpochProgressBar:
    """Redraws one line per epoch on a terminal; prints one line per finished epoch otherwise."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream or sys.stderr
        self._interactive = self._stream.isatty()
        self._epoch = self._epochs = self._batches = 0
        self._started = 0.0
        self._last_draw = 0.0

    def epoch_started(self, epoch: int, epochs: int, batches: int) -> None:
        self._epoch, self._epochs, self._batches = epoch, epochs, batches
        self._started = time.perf_counter()

    def batch_done(self, batch: int, logs: dict[str, float]) -> None:
        now = time.perf_counter()
        if self._interactive and (now - self._last_draw > 0.1 or batch == self._batches):
            self._last_draw = now
            self._stream.write("\r" + self._line(batch, logs))
            self._stream.flush()

    def epoch_done(self, epoch: int, logs: dict[str, float]) -> None:
        line = self._line(self._batches, logs)
        self._stream.write(("\r" if self._interactive else "") + line + "\n")
        self._stream.flush()

    def _line(self, batch: int, logs: dict[str, float]) -> str:
        done = int(BAR_WIDTH * batch / max(self._batches, 1))
        bar = "█" * done + "░" * (BAR_WIDTH - done)
        elapsed = time.perf_counter() - self._started
        metrics = "  ".join(
            f"{name} {logs[name]:.4f}"
            for name in ("loss", "accuracy", "val_loss", "val_accuracy")
            if name in logs
        )
        width = len(str(self._epochs))
        return (
            f"epoch {self._epoch:>{width}}/{self._epochs} {bar} {batch}/{self._batches}"
            f"  {elapsed:5.1f}s  {metrics}"
        )
