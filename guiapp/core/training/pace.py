"""How fast a run goes and how long it has left, from its batches' times (the Training page's progress line)."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

__all__ = ["WINDOW", "RunPace", "duration_text"]

WINDOW = 50  # batches the rate is measured over: recent enough to follow a busy host, long enough to be steady


def duration_text(seconds: float) -> str:
    """``42 s``, ``4 min 05 s``, ``1 h 02 min``."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes} min {seconds:02d} s" if minutes < 60 else f"{minutes // 60} h {minutes % 60:02d} min"


class RunPace:
    """Feed it ``(step, seconds since the run began)`` of each batch; it says digits per second and time left."""

    def __init__(self, steps: int, batch_size: int) -> None:
        self.steps, self.batch_size = steps, batch_size
        self._recent: deque[tuple[int, float]] = deque(maxlen=WINDOW)

    def add(self, batches: Iterable[tuple[int, float]]) -> None:
        self._recent.extend(batches)

    @property
    def seconds_per_step(self) -> float | None:
        """Over the last WINDOW batches (None until two are known)."""
        if len(self._recent) < 2 or self._recent[-1][0] <= self._recent[0][0]:
            return None
        (first, t0), (last, t1) = self._recent[0], self._recent[-1]
        return (t1 - t0) / (last - first)

    def text(self, step: int, loss: float) -> str:
        """``batch 1,234 of 5,628 · loss 0.123 · 2,310 digits/s · about 4 min 10 s left``."""
        text = f"batch {step:,} of {self.steps:,} · loss {loss:.3f}"
        per_step = self.seconds_per_step
        if per_step:
            text += (f" · {self.batch_size / per_step:,.0f} digits/s"
                     f" · about {duration_text(per_step * (self.steps - step))} left")
        return text
